//! `anc sweep`: one preset trained over many seeds; each cipher audited by the attacker
//! suite (its attackers side by side on the cores), the best attacker counting.

use std::time::Instant;

use anc::app::sweep::{Bar, SeedResult, Summary, TABLE_HEADER, table_row};
use anc::nn::attack::{AttackerKind, SuiteConfig, SuiteResult};
use anc::nn::config::names;
use anc::nn::evaluation::EVALUATION_SAMPLES;
use anc::nn::inference::Cipher;
use anc::nn::model_file::{self, ModelHeader};
use anc::nn::seeds;
use anc::{Ciphers, Evaluation, TrainingConfig, evaluate};
use anyhow::{Result, bail};
use burn::prelude::Device;
use serde_json::json;

use crate::args::{Backend, SweepArgs};
use crate::common::{
    SLICE, build_config, cores, device, losses_message, progress, run_suite, run_to_end, trainer, write,
};

pub fn run(args: SweepArgs) -> Result<()> {
    let base = build_config(&args.config)?;
    SuiteConfig::new().with_max_steps(args.audit_steps).with_batch_size(args.audit_batch_size).validate()?;
    if args.attackers.is_empty() {
        bail!("--attackers needs at least one of {}", names(&AttackerKind::ALL, AttackerKind::name));
    }
    let bar = Bar { bob_correct_pct: args.bob_bar, fresh_eve_bit_errors: args.eve_bar };
    if let Some(dir) = &args.models {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    let device = device(Backend::Cpu)?;
    if !args.json {
        println!(
            "{}: {} seeds from {}, {} iterations each; attackers ({}) trained up to {} steps of {} messages",
            base.preset,
            args.seeds,
            base.seed,
            base.total_iterations(),
            names(&args.attackers, AttackerKind::name),
            args.audit_steps,
            args.audit_batch_size,
        );
        println!("{TABLE_HEADER}");
    }
    let mut results = Vec::new();
    for seed in base.seed..base.seed + args.seeds {
        let config = TrainingConfig { seed, ..base.clone() };
        let result = one_seed(&args, config, &device)?;
        if !args.json {
            println!("{}", table_row(&result));
        }
        results.push(result);
    }
    let summary = Summary::of(&results, bar);
    if args.json {
        println!(
            "{}",
            json!({ "preset": base.preset.name(), "audit_steps": args.audit_steps, "results": results, "summary": summary })
        );
    } else {
        println!("{summary}");
    }
    Ok(())
}

/// Trains one seed, evaluates it, audits it with every attacker; keeps the model if asked.
fn one_seed(args: &SweepArgs, config: TrainingConfig, device: &Device) -> Result<SeedResult> {
    let started = Instant::now();
    let mut trainer = trainer(config.clone(), device, args.threads)?;
    let bar = progress(config.total_iterations(), args.json);
    run_to_end(&mut trainer, SLICE, &bar, losses_message, |_| Ok(()))?;
    let train_seconds = started.elapsed().as_secs_f64();
    let ciphers = trainer.into_ciphers();
    let cipher = Cipher::new(&ciphers, device);
    let trained = evaluate(&cipher, EVALUATION_SAMPLES, seeds::held_out(config.seed)).read()?;

    let started = Instant::now();
    let suite_config = SuiteConfig::new()
        .with_max_steps(args.audit_steps)
        .with_batch_size(args.audit_batch_size)
        .with_seed(seeds::audit_after_training(config.seed));
    let suite = run_suite(&ciphers, &config.cipher, &args.attackers, &suite_config, cores(), true)?;
    let audit_seconds = started.elapsed().as_secs_f64();
    let best = suite.best();
    if let Some(dir) = &args.models {
        keep_model(dir, &config, &ciphers, &trained, &suite)?;
    }
    Ok(SeedResult {
        seed: config.seed,
        bob_correct_pct: trained.bob.correct_pct,
        trained_eve_bit_errors: trained.eve.bit_errors,
        fresh_eve_bit_errors: best.score.bit_errors,
        best_attacker: best.attacker,
        train_seconds,
        audit_seconds,
    })
}

fn keep_model(
    dir: &std::path::Path,
    config: &TrainingConfig,
    ciphers: &Ciphers,
    trained: &Evaluation,
    suite: &SuiteResult,
) -> Result<()> {
    let mut header = ModelHeader::trained(config.clone(), Some(trained.bob.correct_pct));
    header.record_suite(suite);
    write(
        &dir.join(format!("{}-seed{}.bin", config.preset, config.seed)),
        &model_file::save(&header, ciphers),
    )
}
