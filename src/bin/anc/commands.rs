//! The subcommands: each reads its arguments, calls the core, prints text or one JSON line.

use std::fs;
use std::path::Path;

use anc::audit::after_training_seed;
use anc::evaluation::{EVALUATION_SAMPLES, held_out_seed};
use anc::model_file::{self, ModelHeader, SavedModel};
use anc::replicas::default_replicas;
use anc::{
    Audit, AuditConfig, Evaluation, EveStart, IterationLosses, OptimizerKind, Preset, Trainer, TrainingConfig,
};
use anyhow::{Context, Result, bail};
use burn::prelude::Device;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::args::{AuditArgs, Backend, Cli, Command, ConfigArgs, EvalArgs, ExportArgs, Optimizer, TrainArgs};

/// Iterations between two read-backs of the losses (and progress-bar updates).
const SLICE: usize = 32;

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Train(args) => train(args),
        Command::Eval(args) => eval(args),
        Command::Audit(args) => audit(args),
        Command::ExportJson(args) => export_json(args),
        Command::Bench(args) => crate::bench::run(args),
        Command::Sweep(args) => crate::sweep::run(args),
    }
}

impl From<Optimizer> for OptimizerKind {
    fn from(o: Optimizer) -> Self {
        match o {
            Optimizer::Rmsprop => OptimizerKind::RmsProp,
            Optimizer::Adam => OptimizerKind::Adam,
        }
    }
}

/// The preset with the given overrides, checked.
pub fn build_config(args: &ConfigArgs) -> Result<TrainingConfig> {
    let mut config = Preset::from_name(&args.preset)?.config();
    let ConfigArgs {
        seed,
        bits,
        epochs,
        iterations_per_epoch,
        batch_size,
        optimizer,
        ab_lr,
        eve_lr,
        ab_steps,
        eve_steps,
        eve_reset_every,
        final_lr_fraction,
        eve_weight,
        bob_only_iterations,
        eves,
        bob_cross_entropy,
        eve_catch_up_every,
        eve_term_per_bit,
        bob_margin,
        extra_dense,
        channels,
        eve_weight_ramp,
        ..
    } = args.clone();
    if let Some(v) = seed {
        config.seed = v
    }
    if let Some(v) = bits {
        config.cipher.bits = v
    }
    if let Some(v) = epochs {
        config.epochs = v
    }
    if let Some(v) = iterations_per_epoch {
        config.iterations_per_epoch = v
    }
    if let Some(v) = batch_size {
        config.batch_size = v
    }
    if let Some(v) = optimizer {
        config.optimizer = v.into()
    }
    if let Some(v) = ab_lr {
        config.ab_learning_rate = v
    }
    if let Some(v) = eve_lr {
        config.eve_learning_rate = v
    }
    if let Some(v) = ab_steps {
        config.ab_steps = v
    }
    if let Some(v) = eve_steps {
        config.eve_steps = v
    }
    config.eve_reset_every = eve_reset_every.or(config.eve_reset_every);
    config.final_lr_fraction = final_lr_fraction.or(config.final_lr_fraction);
    config.eve_weight = eve_weight.or(config.eve_weight);
    config.bob_only_iterations = bob_only_iterations.or(config.bob_only_iterations);
    config.eves = eves.or(config.eves);
    if bob_cross_entropy {
        config.bob_cross_entropy = Some(true)
    }
    config.eve_catch_up_every = eve_catch_up_every.or(config.eve_catch_up_every);
    config.bob_margin = bob_margin.or(config.bob_margin);
    if extra_dense {
        config.cipher.extra_dense = true
    }
    config.cipher.channels = channels.or(config.cipher.channels);
    config.eve_weight_ramp = eve_weight_ramp.or(config.eve_weight_ramp);
    if eve_term_per_bit {
        config.eve_term_per_bit = Some(true)
    }
    config.validate()?;
    Ok(config)
}

/// An autodiff device of the requested backend.
/// A trainer for `config` on `device` with `threads` replicas (or the default for the device).
pub fn trainer(config: TrainingConfig, device: &Device, threads: Option<u8>) -> Result<Trainer> {
    config.validate()?;
    let ciphers = config.cipher.init(config.seed, device);
    let replicas = threads.map_or_else(|| default_replicas(device, config.batch_size), usize::from);
    Ok(Trainer::with_replicas(config, ciphers, device, replicas))
}

pub fn device(backend: Backend) -> Result<Device> {
    match backend {
        Backend::Cpu => Ok(Device::flex().autodiff()),
        #[cfg(feature = "wgpu")]
        Backend::Wgpu => Ok(Device::wgpu_options()
            .init()
            .map_err(|e| anyhow::anyhow!("no wgpu adapter: {e:?}"))?
            .autodiff()),
        #[cfg(not(feature = "wgpu"))]
        Backend::Wgpu => bail!("this build has no wgpu backend (rebuild with `--features wgpu`)"),
    }
}

pub fn read_model(path: &Path) -> Result<SavedModel> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    model_file::load(&bytes, &Device::flex().autodiff()).with_context(|| format!("{}", path.display()))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// A CSV writer with its header row written, if a path was given.
fn csv_writer(path: Option<&Path>, header: &[&str]) -> Result<Option<csv::Writer<fs::File>>> {
    let Some(path) = path else { return Ok(None) };
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record(header)?;
    Ok(Some(w))
}

pub fn progress(total: usize, json: bool) -> ProgressBar {
    let bar = if json { ProgressBar::hidden() } else { ProgressBar::new(total as u64) };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} it  {per_sec}  ETA {eta}  {msg}")
            .expect("a valid template"),
    );
    bar
}

fn train(args: TrainArgs) -> Result<()> {
    let config = build_config(&args.config)?;
    let device = device(args.backend)?;
    let total = config.total_iterations();
    let mut trainer = trainer(config.clone(), &device, args.threads)?;
    let bar = progress(total, args.json);
    let mut csv = csv_writer(args.csv.as_deref(), &["iteration", "ab_loss", "bob_loss", "eve_loss"])?;
    let started = std::time::Instant::now();
    let last = train_to_end(&mut trainer, &bar, |losses| {
        if let Some(w) = csv.as_mut() {
            for l in losses {
                w.write_record(&[
                    l.iteration.to_string(),
                    l.ab.to_string(),
                    l.bob.to_string(),
                    l.eve.to_string(),
                ])?;
            }
        }
        Ok(())
    })?;
    if let Some(mut w) = csv {
        w.flush()?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let threads = trainer.replicas();
    let ciphers = trainer.into_ciphers();
    let evaluation = anc::evaluate(&ciphers, EVALUATION_SAMPLES, held_out_seed(config.seed), &device).read();
    let mut header = ModelHeader::trained(config.clone(), Some(evaluation.bob.correct_pct));
    let audit = if args.audit_steps > 0 {
        let audit_config =
            AuditConfig::new().with_steps(args.audit_steps).with_seed(after_training_seed(config.seed));
        let (evaluation, _) = run_audit(&ciphers, &config, audit_config, &device, args.json, None)?;
        header.record_audit(&evaluation, args.audit_steps);
        Some(evaluation)
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
        if let Some(a) = &audit {
            line["fresh_eve_bit_errors"] = json!(a.eve.bit_errors);
            line["fresh_eve_correct_pct"] = json!(a.eve.correct_pct);
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
        if let Some(a) = &audit {
            println!(
                "fresh Eve after {} audit steps: {:.2} bits wrong, {:.2} % of messages right",
                args.audit_steps, a.eve.bit_errors, a.eve.correct_pct
            );
        }
        println!("model written to {}", args.out.display());
    }
    Ok(())
}

/// Trains to the end of the schedule, reading the losses back every [`SLICE`] iterations
/// and handing them to `each`; shows progress on `bar`. Returns the last losses.
pub fn train_to_end(
    trainer: &mut Trainer,
    bar: &ProgressBar,
    mut each: impl FnMut(&[IterationLosses]) -> Result<()>,
) -> Result<Option<IterationLosses>> {
    let mut last = None;
    while !trainer.is_done() {
        let losses = trainer.run(SLICE).read();
        each(&losses)?;
        if let Some(l) = losses.last() {
            bar.set_message(format!("A+B {:.3}  Bob {:.3}  Eve {:.3}", l.ab, l.bob, l.eve));
            last = Some(*l);
        }
        bar.set_position(trainer.iteration() as u64);
    }
    bar.finish_and_clear();
    Ok(last)
}

fn evaluation_json(e: &Evaluation) -> serde_json::Value {
    json!({
        "samples": e.samples,
        "bob_correct_pct": e.bob.correct_pct, "eve_correct_pct": e.eve.correct_pct,
        "bob_bit_errors": e.bob.bit_errors, "eve_bit_errors": e.eve.bit_errors,
        "bob_bit_error_rates": e.bob.bit_error_rates, "eve_bit_error_rates": e.eve.bit_error_rates,
    })
}

fn print_evaluation(e: &Evaluation) {
    println!("on {} fresh messages:", e.samples);
    println!("  Bob: {:6.2} % correct, {:.3} bits wrong", e.bob.correct_pct, e.bob.bit_errors);
    println!("  Eve: {:6.2} % correct, {:.3} bits wrong", e.eve.correct_pct, e.eve.bit_errors);
}

fn eval(args: EvalArgs) -> Result<()> {
    if args.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let model = read_model(&args.model)?;
    let e = anc::evaluate(&model.ciphers, args.samples, args.seed, &Device::flex()).read();
    if args.json {
        println!("{}", evaluation_json(&e));
    } else {
        print_evaluation(&e);
    }
    Ok(())
}

/// Runs an audit to the end with a progress bar; returns its evaluation and Eve's losses.
pub fn run_audit(
    ciphers: &anc::Ciphers,
    config: &TrainingConfig,
    audit_config: AuditConfig,
    device: &Device,
    quiet: bool,
    mut csv: Option<&mut csv::Writer<fs::File>>,
) -> Result<(Evaluation, Option<f32>)> {
    let steps = audit_config.steps;
    let mut audit = Audit::new(ciphers, &config.cipher, audit_config, device)?;
    let bar = progress(steps, quiet);
    let mut last = None;
    while !audit.is_done() {
        for l in audit.run(SLICE * 4).read() {
            if let Some(w) = csv.as_deref_mut() {
                w.write_record(&[l.step.to_string(), l.eve.to_string()])?;
            }
            last = Some(l.eve);
        }
        if let Some(eve) = last {
            bar.set_message(format!("Eve {eve:.3}"));
        }
        bar.set_position(audit.step() as u64);
    }
    bar.finish_and_clear();
    Ok((audit.evaluate().read(), last))
}

fn audit(args: AuditArgs) -> Result<()> {
    let bytes = fs::read(&args.model).with_context(|| format!("cannot read {}", args.model.display()))?;
    let device = device(args.backend)?;
    let mut model = model_file::load(&bytes, &device).with_context(|| args.model.display().to_string())?;
    let start = if args.continue_eve { EveStart::Continue } else { EveStart::Fresh };
    let audit_config = AuditConfig::new()
        .with_start(start)
        .with_steps(args.steps)
        .with_batch_size(args.batch_size)
        .with_optimizer(args.optimizer.into())
        .with_learning_rate(args.lr)
        .with_seed(args.seed);
    let mut csv = csv_writer(args.csv.as_deref(), &["step", "eve_loss"])?;
    let (e, last_loss) =
        run_audit(&model.ciphers, &model.header.config, audit_config, &device, args.json, csv.as_mut())?;
    if let Some(mut w) = csv {
        w.flush()?;
    }
    let prefix = if args.continue_eve { "continued_eve" } else { "fresh_eve" };
    if args.record && !args.continue_eve {
        model.header.fresh_eve_bit_errors = Some(e.eve.bit_errors);
        model.header.audit_steps = Some(args.steps);
        model.header.fresh_eve_bit_error_rates = Some(e.eve.bit_error_rates.clone());
        write(&args.model, &model_file::save(&model.header, &model.ciphers))?;
    }
    if args.json {
        let line = json!({
            "steps": args.steps,
            format!("{prefix}_bit_errors"): e.eve.bit_errors,
            format!("{prefix}_correct_pct"): e.eve.correct_pct,
            format!("{prefix}_bit_error_rates"): e.eve.bit_error_rates,
            "final_eve_loss": last_loss,
            "bob_correct_pct": e.bob.correct_pct,
        });
        println!("{line}");
    } else {
        let who = if args.continue_eve { "The model's own Eve, trained on" } else { "A fresh Eve" };
        println!("{who} for {} steps against the frozen cipher:", args.steps);
        println!(
            "  {:.3} bits wrong of {}, {:.2} % of messages fully read",
            e.eve.bit_errors, model.header.config.cipher.bits, e.eve.correct_pct
        );
        println!(
            "  (guessing: {} bits wrong). Bob: {:.2} % correct.",
            model.header.config.cipher.bits / 2,
            e.bob.correct_pct
        );
    }
    Ok(())
}

fn export_json(args: ExportArgs) -> Result<()> {
    let model = read_model(&args.model)?;
    let export = model_file::export_weights(&model.header, &model.ciphers);
    write(&args.out, serde_json::to_string_pretty(&export)?.as_bytes())?;
    println!("wrote {} tensors to {}", export.tensors.len(), args.out.display());
    Ok(())
}
