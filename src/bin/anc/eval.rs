//! `anc eval`: a model's Bob and Eve on fresh random messages.

use anc::app::cipher_views::key_avalanche;
use anc::evaluate;
use anc::nn::inference::Cipher;
use anyhow::{Result, bail};
use burn::prelude::Device;
use serde_json::json;

use crate::args::EvalArgs;
use crate::common::{evaluation_json, print_evaluation, read_model};

pub fn run(args: EvalArgs) -> Result<()> {
    if args.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let device = Device::flex();
    let model = read_model(&args.model, &device)?;
    let cipher = Cipher::new(&model.ciphers, &device);
    let e = evaluate(&cipher, args.samples, args.seed).read()?;
    // How far from a per-position one-time pad: each ciphertext value's move when one key
    // bit flips (1,000 pairs: a few seconds even for 64 bits).
    let (own, other) = key_avalanche(&cipher, 1000, args.seed).distance_from_xor();
    if args.json {
        let mut line = evaluation_json(&e);
        line["key_flip_moves_own_position"] = json!(own);
        line["key_flip_moves_other_positions"] = json!(other);
        println!("{line}");
    } else {
        print_evaluation(&e);
        println!(
            "  a key bit flipped moves its own ciphertext value by {:.1} % of the range and each other value by {:.1} % (a per-position one-time pad: 100 % and 0 %)",
            100.0 * own,
            100.0 * other
        );
    }
    Ok(())
}
