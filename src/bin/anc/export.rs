//! `anc export-json`: a model's weights as documented JSON (either kind of model).

use anc::nn::any_model::AnyModel;
use anc::nn::model_file;
use anc::nn::pad::file as pad_file;
use anyhow::Result;
use burn::prelude::Device;

use crate::args::ExportArgs;
use crate::common::{read_any, write};

pub fn run(args: ExportArgs) -> Result<()> {
    let (json, tensors) = match read_any(&args.model, &Device::flex())? {
        AnyModel::Networks(m) => {
            let export = model_file::export_weights(&m.header, &m.ciphers);
            (serde_json::to_string_pretty(&export)?, export.tensors.len())
        }
        AnyModel::Pad(p) => {
            let export = pad_file::export_weights(&p.header, &p.net);
            (serde_json::to_string_pretty(&export)?, export.tensors.len())
        }
    };
    write(&args.out, json.as_bytes())?;
    println!("wrote {tensors} tensors to {}", args.out.display());
    Ok(())
}
