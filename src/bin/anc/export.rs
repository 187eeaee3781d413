//! `anc export-json`: a model's weights as documented JSON.

use anc::nn::model_file;
use anyhow::Result;
use burn::prelude::Device;

use crate::args::ExportArgs;
use crate::common::{read_model, write};

pub fn run(args: ExportArgs) -> Result<()> {
    let model = read_model(&args.model, &Device::flex())?;
    let export = model_file::export_weights(&model.header, &model.ciphers);
    write(&args.out, serde_json::to_string_pretty(&export)?.as_bytes())?;
    println!("wrote {} tensors to {}", export.tensors.len(), args.out.display());
    Ok(())
}
