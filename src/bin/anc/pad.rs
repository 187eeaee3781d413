//! `anc pad`: trains CryptoNet (Coutinho et al. 2018: Alice and Bob one network, bits in as
//! angles, one linear layer) against the distinguishing Eve, rounds its weights to integers
//! and says exactly what it found — each ciphertext position as a formula, the key
//! selection's rank over GF(2), the verdict — then, if asked, audits the rounded cipher with
//! the attacker suite and writes it as a model file (`--out`).

use anc::IterationLosses;
use anc::nn::any_model::AnyModel;
use anc::nn::attack::{AttackerKind, SuiteConfig};
use anc::nn::pad::{PadConfig, PadTrainer};
use anyhow::Result;
use burn::prelude::*;
use serde_json::json;

use crate::args::PadArgs;
use crate::common::{SLICE, progress, run_to_end, write};
use crate::suite::{SuitePlan, cores, distinguisher_json, print_suite, run_suite, suite_json};

pub fn run(args: PadArgs) -> Result<()> {
    let config = PadConfig::new()
        .with_bits(args.bits)
        .with_iterations(args.iterations)
        .with_seed(args.seed)
        .with_gamma(args.gamma)
        .with_weight_decay(args.weight_decay)
        .with_learning_rate(args.learning_rate)
        .with_eve_steps(args.eve_steps);
    config.validate().map_err(anyhow::Error::msg)?;
    let device = Device::flex().autodiff();
    let started = std::time::Instant::now();
    let mut trainer = PadTrainer::new(config.clone(), &device);
    let bar = progress(args.iterations, args.json);
    let message =
        |l: &IterationLosses| format!("A+B {:.3}  Bob {:.3}  Eve's error {:.3}", l.ab, l.bob, l.eve);
    let last = run_to_end(&mut trainer, SLICE * 4, &bar, message, |_| Ok(()))?;
    let train_seconds = started.elapsed().as_secs_f64();
    let pad = trainer.trained().read()?;
    let mut model = AnyModel::load(&pad.model, &Device::flex())?;
    let suite = match args.audit_steps {
        0 => None,
        steps => {
            let cipher = |device: &Device| model.frozen(device);
            let shape = model.shape();
            let plan =
                SuitePlan { cipher: &cipher, shape: &shape, kinds: &AttackerKind::ALL, distinguisher: true };
            Some(run_suite(&plan, &SuiteConfig::for_budget(steps), cores(), args.json)?)
        }
    };
    if let Some(out) = &args.out {
        if let Some(suite) = &suite {
            model.record_suite(suite);
        }
        write(out, &model.save())?;
    }
    if args.json {
        let line = json!({
            "seed": args.seed, "bits": args.bits, "iterations": args.iterations,
            "train_seconds": train_seconds,
            "last_eve_error": last.map(|l| l.eve),
            "bob_correct_pct_before_rounding": pad.bob_before_pct, "bob_correct_pct": pad.bob_pct,
            "formulas": pad.formulas, "key_rank": pad.key_rank, "perfect_pad": pad.perfect,
            "verdict": pad.verdict,
            "fresh_eve_bit_errors": suite.as_ref().map(|s| s.best().score.bit_errors),
            "attackers": suite.as_ref().map(suite_json),
            "distinguisher": suite.as_ref().map(distinguisher_json),
        });
        println!("{line}");
        return Ok(());
    }
    println!(
        "trained a {}-bit pad (seed {}, {} iterations) in {train_seconds:.1} s; the distinguisher's last error {:.3} (0.5: a coin flip)",
        args.bits,
        args.seed,
        args.iterations,
        last.map_or(f32::NAN, |l| l.eve)
    );
    println!(
        "Bob reads {:.2} % of messages whole before rounding, {:.2} % after",
        pad.bob_before_pct, pad.bob_pct
    );
    for formula in &pad.formulas {
        println!("  {formula}");
    }
    println!("key selection rank {} of {}: {}", pad.key_rank, args.bits, pad.verdict);
    if let Some(suite) = &suite {
        println!(
            "the attacker suite against the rounded pad (each attacker at most {} steps):",
            args.audit_steps
        );
        print_suite(suite, args.bits);
    }
    Ok(())
}
