//! `anc pad`: trains CryptoNet (Coutinho et al. 2018: Alice and Bob one network, bits in as
//! angles, one linear layer) against the distinguishing Eve, rounds its weights to integers
//! and says exactly what it found — each ciphertext position as a formula, the key
//! selection's rank over GF(2), the verdict — then, if asked, audits the rounded cipher with
//! the attacker suite and writes it as a model file (`--out`). With `--seeds N` it sweeps N
//! seeds: a table row each and a summary against the pad's bar.

use anc::IterationLosses;
use anc::nn::any_model::AnyModel;
use anc::nn::attack::{AttackerKind, SuiteConfig, SuiteResult};
use anc::nn::pad::trained::TrainedPad;
use anc::nn::pad::{PadConfig, PadTrainer};
use anc::nn::steps::Steps;
use anyhow::{Result, bail};
use burn::prelude::*;
use serde_json::json;

use crate::args::PadArgs;
use crate::common::{SLICE, progress, run_to_end, write};
use crate::suite::{SuitePlan, cores, distinguisher_json, print_suite, run_suite, suite_json};

/// A pad's bar in a sweep: the suite's best reader leaves at least this share of the bits
/// wrong (7.85 of 16, within 0.15 bits of a coin flip's 8; the same share at other sizes).
const CHANCE_BAR: f64 = 7.85 / 16.0;

/// One seed's pad, trained, rounded and (if asked) audited.
struct Outcome {
    seed: u64,
    pad: TrainedPad,
    model: AnyModel,
    suite: Option<SuiteResult>,
    iterations_trained: usize,
    perfect_at: Option<usize>,
    last: Option<IterationLosses>,
    train_seconds: f64,
}

impl Outcome {
    /// Bob reads every message after rounding and the best reader is at chance (needs an
    /// audit).
    fn at_chance(&self) -> Option<bool> {
        let best = self.suite.as_ref()?.best().score.bit_errors;
        Some(self.pad.bob_pct == 100.0 && best >= CHANCE_BAR * self.pad.bits as f64)
    }
}

pub fn run(args: PadArgs) -> Result<()> {
    if args.seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    if args.seeds > 1 && args.out.is_some() {
        bail!("--out writes one pad: leave out --seeds, or sweep without --out");
    }
    let Some(last_seed) = args.seed.checked_add(args.seeds - 1) else {
        bail!("--seed {} with --seeds {} runs past the largest seed", args.seed, args.seeds);
    };
    let sweep = args.seeds > 1;
    if sweep && !args.json {
        println!(
            "{}-bit pads, seeds {} to {}, at most {} iterations {}{}",
            args.bits,
            args.seed,
            last_seed,
            args.iterations,
            match args.attempts {
                1 => "each".to_string(),
                all => format!("an attempt, up to {all} attempts each"),
            },
            match args.audit_steps {
                0 => String::new(),
                steps => format!("; the attacker suite, each attacker at most {steps} steps"),
            }
        );
        println!(
            "| seed | iterations (attempt) | Bob before / after rounding | key rank | best reader: bits wrong | distinguisher | verdict | seconds |"
        );
        println!("|---:|---:|---:|---:|---:|---:|---|---:|");
    }
    let mut outcomes = Vec::new();
    for seed in args.seed..=last_seed {
        let outcome = train(&args, seed)?;
        if args.json {
            print_json(&args, &outcome);
        } else if sweep {
            print_row(&outcome);
        } else {
            print_one(&args, &outcome);
        }
        outcomes.push(outcome);
    }
    if let (Some(out), [one]) = (&args.out, &mut outcomes[..]) {
        if let Some(suite) = &one.suite {
            one.model.record_suite(suite);
        }
        write(out, &one.model.save())?;
    }
    if sweep && !args.json {
        print_summary(&args, &outcomes);
    }
    Ok(())
}

/// Trains, rounds and reads seed `seed`'s pad, and audits it if asked.
fn train(args: &PadArgs, seed: u64) -> Result<Outcome> {
    let config = PadConfig::new()
        .with_bits(args.bits)
        .with_iterations(args.iterations)
        .with_seed(seed)
        .with_gamma(args.gamma)
        .with_weight_decay(args.weight_decay)
        .with_learning_rate(args.learning_rate)
        .with_eve_steps(args.eve_steps)
        .with_check_every(Some(args.check_every))
        .with_attempts(Some(args.attempts));
    config.validate().map_err(anyhow::Error::msg)?;
    let device = Device::flex().autodiff();
    let started = std::time::Instant::now();
    let mut trainer = PadTrainer::new(config, &device);
    let bar = progress(args.iterations * args.attempts, args.json);
    let message =
        |l: &IterationLosses| format!("A+B {:.3}  Bob {:.3}  Eve's error {:.3}", l.ab, l.bob, l.eve);
    let last = run_to_end(&mut trainer, SLICE * 4, &bar, message, |_| Ok(()))?;
    let train_seconds = started.elapsed().as_secs_f64();
    let pad = trainer.trained().read()?;
    let model = AnyModel::load(&pad.model, &Device::flex())?;
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
    Ok(Outcome {
        seed,
        pad,
        model,
        suite,
        iterations_trained: trainer.done(),
        perfect_at: trainer.perfect_at(),
        last,
        train_seconds,
    })
}

fn print_json(args: &PadArgs, o: &Outcome) {
    let (pad, suite) = (&o.pad, o.suite.as_ref());
    let line = json!({
        "seed": o.seed, "bits": args.bits, "iterations": args.iterations,
        "iterations_trained": o.iterations_trained, "perfect_at": o.perfect_at,
        "attempt": o.pad.attempt + 1, "attempts": args.attempts, "attempt_iterations": o.pad.iterations,
        "train_seconds": o.train_seconds,
        "last_eve_error": o.last.map(|l| l.eve),
        "bob_correct_pct_before_rounding": pad.bob_before_pct, "bob_correct_pct": pad.bob_pct,
        "formulas": pad.formulas, "key_rank": pad.key_rank, "perfect_pad": pad.perfect,
        "verdict": pad.verdict,
        "fresh_eve_bit_errors": suite.map(|s| s.best().score.bit_errors),
        "attackers": suite.map(suite_json),
        "distinguisher": suite.map(distinguisher_json),
    });
    println!("{line}");
}

fn print_one(args: &PadArgs, o: &Outcome) {
    let pad = &o.pad;
    let stopped = match (o.perfect_at, args.attempts) {
        (Some(_), 1) => format!("a check found a perfect pad at iteration {}", pad.iterations),
        (Some(_), all) => format!(
            "a check found a perfect pad at iteration {} of attempt {} of {all}, {} iterations in all",
            pad.iterations,
            pad.attempt + 1,
            o.iterations_trained
        ),
        (None, 1) => format!("{} iterations", o.iterations_trained),
        (None, all) => format!(
            "no check found a perfect pad in {all} attempts, {} iterations in all; the last attempt's pad",
            o.iterations_trained
        ),
    };
    println!(
        "trained a {}-bit pad (seed {}, {stopped}) in {:.1} s; the distinguisher's last error {:.3} (0.5: a coin flip)",
        args.bits,
        o.seed,
        o.train_seconds,
        o.last.map_or(f32::NAN, |l| l.eve)
    );
    println!(
        "Bob reads {:.2} % of messages whole before rounding, {:.2} % after",
        pad.bob_before_pct, pad.bob_pct
    );
    for formula in &pad.formulas {
        println!("  {formula}");
    }
    println!("key selection rank {} of {}: {}", pad.key_rank, args.bits, pad.verdict);
    if let Some(suite) = &o.suite {
        println!(
            "the attacker suite against the rounded pad (each attacker at most {} steps):",
            args.audit_steps
        );
        print_suite(suite, args.bits);
    }
}

fn print_row(o: &Outcome) {
    let pad = &o.pad;
    let (reader, distinguisher) = match &o.suite {
        Some(suite) => {
            let best = suite.best();
            (
                format!("{:.2} ({})", best.score.bit_errors, best.attacker.name()),
                suite.distinguisher.as_ref().map_or("—".into(), |d| format!("{:.2} %", d.accuracy_pct)),
            )
        }
        None => ("—".into(), "—".into()),
    };
    println!(
        "| {} | {} ({}) | {:.2} % / {:.2} % | {} | {reader} | {distinguisher} | {} | {:.0} |",
        o.seed,
        o.iterations_trained,
        pad.attempt + 1,
        pad.bob_before_pct,
        pad.bob_pct,
        pad.key_rank,
        pad.verdict,
        o.train_seconds
    );
}

fn print_summary(args: &PadArgs, outcomes: &[Outcome]) {
    let n = outcomes.len();
    let perfect = outcomes.iter().filter(|o| o.pad.perfect).count();
    let bob = outcomes.iter().filter(|o| o.pad.bob_pct == 100.0).count();
    println!("a perfect one-time pad (the exact check): {perfect} of {n}");
    println!("Bob reads every message after rounding: {bob} of {n}");
    if args.audit_steps > 0 {
        let at_chance = outcomes.iter().filter(|o| o.at_chance() == Some(true)).count();
        println!(
            "Bob reads every message and the best reader leaves ≥ {:.3} bits wrong of {}: {at_chance} of {n}",
            CHANCE_BAR * args.bits as f64,
            args.bits
        );
    }
}
