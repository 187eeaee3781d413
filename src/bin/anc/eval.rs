//! `anc eval`: a model's Bob and Eve on fresh random messages.

use anc::evaluate;
use anc::nn::inference::Cipher;
use anyhow::{Result, bail};
use burn::prelude::Device;

use crate::args::EvalArgs;
use crate::common::{evaluation_json, print_evaluation, read_model};

pub fn run(args: EvalArgs) -> Result<()> {
    if args.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let device = Device::flex();
    let model = read_model(&args.model, &device)?;
    let e = evaluate(&Cipher::new(&model.ciphers, &device), args.samples, args.seed).read()?;
    if args.json {
        println!("{}", evaluation_json(&e));
    } else {
        print_evaluation(&e);
    }
    Ok(())
}
