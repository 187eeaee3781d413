//! `anc pad`: trains CryptoNet (Coutinho et al. 2018: Alice and Bob one network, bits in as
//! angles, one linear layer) against the distinguishing Eve, rounds its weights to integers
//! and says exactly what it found — each ciphertext position as a formula, the key
//! selection's rank over GF(2), the verdict — then, if asked, audits the rounded cipher with
//! the attacker suite.

use anc::nn::attack::{AttackerKind, Encrypt, SuiteConfig};
use anc::nn::evaluation::EVALUATION_SAMPLES;
use anc::nn::pad::analysis::Analysis;
use anc::nn::pad::file::{self as pad_file, PadHeader};
use anc::nn::pad::{FrozenPad, PadConfig, PadTrainer};
use anc::nn::replicas::replicate;
use anc::nn::seeds;
use anc::{CipherConfig, IterationLosses};
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
        .with_weight_decay(args.weight_decay);
    config.validate().map_err(anyhow::Error::msg)?;
    let device = Device::flex().autodiff();
    let started = std::time::Instant::now();
    let mut trainer = PadTrainer::new(config.clone(), &device);
    let bar = progress(args.iterations, args.json);
    let message =
        |l: &IterationLosses| format!("A+B {:.3}  Bob {:.3}  Eve's error {:.3}", l.ab, l.bob, l.eve);
    let last = run_to_end(&mut trainer, SLICE * 4, &bar, message, |_| Ok(()))?;
    let train_seconds = started.elapsed().as_secs_f64();
    let rounded = trainer.net().rounded();
    let held_out = seeds::held_out(args.seed);
    let bob_before = trainer.net().bob_score(EVALUATION_SAMPLES, held_out).read()?.correct_pct;
    let bob = rounded.bob_score(EVALUATION_SAMPLES, held_out).read()?.correct_pct;
    let analysis = Analysis::of(&rounded.integers().read()?, bob);
    let suite = match args.audit_steps {
        0 => None,
        steps => {
            let cipher = |_: &Device| Box::new(FrozenPad::new(&replicate(&rounded))) as Box<dyn Encrypt>;
            let shape = CipherConfig::new().with_bits(args.bits);
            let plan =
                SuitePlan { cipher: &cipher, shape: &shape, kinds: &AttackerKind::ALL, distinguisher: true };
            Some(run_suite(&plan, &SuiteConfig::for_budget(steps), cores(), args.json)?)
        }
    };
    if let Some(out) = &args.out {
        let header = PadHeader {
            pad: config,
            iterations_trained: args.iterations,
            bob_correct_pct: Some(bob),
            attack_suite: suite.clone(),
        };
        write(out, &pad_file::save(&header, &rounded))?;
    }
    if args.json {
        let line = json!({
            "seed": args.seed, "bits": args.bits, "iterations": args.iterations,
            "train_seconds": train_seconds,
            "last_eve_error": last.map(|l| l.eve),
            "bob_correct_pct_before_rounding": bob_before, "bob_correct_pct": bob,
            "formulas": analysis.formulas.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "key_rank": analysis.key_rank, "perfect_pad": analysis.is_perfect_pad(),
            "verdict": analysis.verdict(),
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
    println!("Bob reads {bob_before:.2} % of messages whole before rounding, {bob:.2} % after");
    for formula in &analysis.formulas {
        println!("  {formula}");
    }
    println!("key selection rank {} of {}: {}", analysis.key_rank, args.bits, analysis.verdict());
    if let Some(suite) = &suite {
        println!(
            "the attacker suite against the rounded pad (each attacker at most {} steps):",
            args.audit_steps
        );
        print_suite(suite, args.bits);
    }
    Ok(())
}
