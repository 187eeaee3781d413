//! `anc train`: trains a preset (with overrides), evaluates it, optionally audits it with a
//! fresh Eve, and writes the model file (and a CSV of the losses).

use std::time::Instant;

use anc::evaluate;
use anc::nn::attack::{AttackerKind, SuiteConfig};
use anc::nn::evaluation::EVALUATION_SAMPLES;
use anc::nn::inference::Cipher;
use anc::nn::model_file::{self, ModelHeader};
use anc::nn::seeds;
use anyhow::Result;
use serde_json::json;

use crate::args::TrainArgs;
use crate::common::{
    SLICE, build_config, csv_writer, device, evaluation_json, losses_message, print_evaluation, progress,
    run_to_end, trainer, write,
};
use crate::suite::{SuitePlan, cores, distinguisher_json, frozen_alice, print_suite, run_suite, suite_json};

pub fn run(args: TrainArgs) -> Result<()> {
    let config = build_config(&args.config)?;
    let device = device(args.backend)?;
    let total = config.total_iterations();
    let mut trainer = trainer(config.clone(), &device, args.threads)?;
    let bar = progress(total, args.json);
    let mut csv = csv_writer(args.csv.as_deref(), &["iteration", "ab_loss", "bob_loss", "eve_loss"])?;
    let started = Instant::now();
    let last = run_to_end(&mut trainer, SLICE, &bar, losses_message, |losses| {
        if let Some(w) = csv.as_mut() {
            for l in losses {
                let row = [l.iteration.to_string(), l.ab.to_string(), l.bob.to_string(), l.eve.to_string()];
                w.write_record(&row)?;
            }
        }
        Ok(())
    })?;
    if let Some(mut w) = csv {
        w.flush()?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let threads = trainer.replicas();
    let ciphers = trainer.into_networks();
    let cipher = Cipher::new(&ciphers, &device);
    let evaluation = evaluate(&cipher, EVALUATION_SAMPLES, seeds::held_out(config.seed)).read()?;
    let mut header = ModelHeader::trained(config.clone(), Some(evaluation.bob.correct_pct));
    let audit = if args.audit_steps > 0 {
        let suite = SuiteConfig::new()
            .with_max_steps(args.audit_steps)
            .with_seed(seeds::audit_after_training(config.seed));
        let cipher = frozen_alice(&ciphers);
        let plan = SuitePlan {
            cipher: &cipher,
            shape: &config.cipher,
            kinds: &AttackerKind::ALL,
            distinguisher: true,
        };
        let result = run_suite(&plan, &suite, cores(), args.json)?;
        header.record_suite(&result);
        Some(result)
    } else {
        None
    };
    write(&args.out, &model_file::save(&header, &ciphers))?;
    if args.json {
        let mut line = json!({
            "preset": config.preset.name(), "seed": config.seed, "iterations": total,
            "seconds": seconds, "iterations_per_s": total as f64 / seconds, "threads": threads,
            "final_losses": last, "evaluation": evaluation_json(&evaluation), "model": args.out,
        });
        if let Some(suite) = &audit {
            line["fresh_eve_bit_errors"] = json!(suite.best().score.bit_errors);
            line["fresh_eve_correct_pct"] = json!(suite.best().score.correct_pct);
            line["best_attacker"] = json!(suite.best().attacker.name());
            line["attackers"] = suite_json(suite);
            line["distinguisher"] = distinguisher_json(suite);
        }
        println!("{line}");
    } else {
        println!(
            "trained {} ({} iterations, {threads} thread(s)) in {seconds:.1} s, {:.1} it/s",
            config.preset,
            total,
            total as f64 / seconds
        );
        print_evaluation(&evaluation);
        if let Some(suite) = &audit {
            println!("the attacker suite (each attacker at most {} steps):", args.audit_steps);
            print_suite(suite, config.cipher.bits);
        }
        println!("model written to {}", args.out.display());
    }
    Ok(())
}
