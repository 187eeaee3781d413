//! `anc eval`: a model's Bob and Eve on fresh random messages and how far it is from a
//! one-time pad; for a pad, exactly what it computes (formulas, key rank, verdict).

use anc::app::cipher_views::key_avalanche;
use anc::evaluate;
use anc::nn::any_model::AnyModel;
use anc::nn::inference::Cipher;
use anc::nn::model_file::SavedModel;
use anc::nn::pad::analysis::Analysis;
use anc::nn::pad::file::SavedPad;
use anyhow::{Result, bail};
use burn::prelude::Device;
use serde_json::json;

use crate::args::EvalArgs;
use crate::common::{evaluation_json, print_evaluation, read_any};

pub fn run(args: EvalArgs) -> Result<()> {
    if args.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let device = Device::flex();
    match read_any(&args.model, &device)? {
        AnyModel::Networks(model) => networks(&args, &model, &device),
        AnyModel::Pad(pad) => pad_formulas(&args, &pad),
    }
}

fn networks(args: &EvalArgs, model: &SavedModel, device: &Device) -> Result<()> {
    let cipher = Cipher::new(&model.ciphers, device);
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

/// A pad: Bob on fresh messages, then the formulas read off its integer weights.
fn pad_formulas(args: &EvalArgs, pad: &SavedPad) -> Result<()> {
    let bob = pad.net.bob_score(args.samples, args.seed).read()?;
    let analysis = Analysis::of(&pad.net.integers().read()?, bob.correct_pct);
    let bits = pad.net.bits();
    if args.json {
        let line = json!({
            "samples": args.samples,
            "bob_correct_pct": bob.correct_pct, "bob_bit_errors": bob.bit_errors,
            "formulas": analysis.formulas.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "key_rank": analysis.key_rank, "perfect_pad": analysis.is_perfect_pad(),
            "verdict": analysis.verdict(),
        });
        println!("{line}");
        return Ok(());
    }
    println!("on {} fresh messages:", args.samples);
    println!("  Bob: {:6.2} % correct, {:.3} bits wrong", bob.correct_pct, bob.bit_errors);
    println!("what the pad computes (its weights are integers):");
    for formula in &analysis.formulas {
        println!("  {formula}");
    }
    println!("key selection rank {} of {bits}: {}", analysis.key_rank, analysis.verdict());
    println!("(a perfect one-time pad hides one message under one fresh key; the same key twice cancels)");
    Ok(())
}
