//! What the subcommands share: the configuration from the flags, devices and trainers,
//! model files, CSV writers, and the one progress loop every long job runs on.

use std::fs;
use std::path::Path;

use anc::nn::any_model::AnyModel;
use anc::nn::config::{DistinguisherConfig, Preset, TrainingConfig};
use anc::nn::model_file::{self, SavedModel};
use anc::nn::replicas::default_replicas;
use anc::nn::steps::Steps;
use anc::{Audit, AuditConfig, AuditLoss, Evaluation, IterationLosses, Networks, Trainer};
use anyhow::{Context, Result};
use burn::prelude::Device;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::args::{Backend, ConfigArgs};

/// Steps between two read-backs of a job's rows (and progress-bar updates).
pub const SLICE: usize = 32;

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
        ab_learning_rate,
        eve_learning_rate,
        ab_steps,
        eve_steps,
        final_lr_fraction,
        eve_weight,
        bob_only_iterations,
        distinguisher,
        distinguisher_weight,
        extra_dense,
        ciphertext,
        ..
    } = args.clone();
    let set = |field: &mut usize, value: Option<usize>| *field = value.unwrap_or(*field);
    set(&mut config.cipher.bits, bits);
    set(&mut config.epochs, epochs);
    set(&mut config.iterations_per_epoch, iterations_per_epoch);
    set(&mut config.batch_size, batch_size);
    set(&mut config.ab_steps, ab_steps);
    set(&mut config.eve_steps, eve_steps);
    config.seed = seed.unwrap_or(config.seed);
    config.optimizer = optimizer.unwrap_or(config.optimizer);
    config.ab_learning_rate = ab_learning_rate.unwrap_or(config.ab_learning_rate);
    config.eve_learning_rate = eve_learning_rate.unwrap_or(config.eve_learning_rate);
    config.final_lr_fraction = final_lr_fraction.or(config.final_lr_fraction);
    config.eve_weight = eve_weight.or(config.eve_weight);
    config.bob_only_iterations = bob_only_iterations.or(config.bob_only_iterations);
    config.cipher.ciphertext = ciphertext.unwrap_or(config.cipher.ciphertext);
    if extra_dense {
        config.cipher.extra_dense = true
    }
    if distinguisher || distinguisher_weight.is_some() {
        let settings = config.distinguisher.take().unwrap_or_else(DistinguisherConfig::new);
        config.distinguisher =
            Some(settings.clone().with_weight(distinguisher_weight.unwrap_or(settings.weight)));
    }
    config.validate()?;
    Ok(config)
}

/// A trainer for `config` on `device` with `threads` replicas (or the default for the device).
pub fn trainer(config: TrainingConfig, device: &Device, threads: Option<u8>) -> Result<Trainer> {
    config.validate()?;
    let ciphers = config.cipher.init(config.seed, device);
    let replicas = threads.map_or_else(|| default_replicas(device, config.batch_size), usize::from);
    Ok(Trainer::with_replicas(config, ciphers, device, replicas))
}

/// An autodiff device of the requested backend.
pub fn device(backend: Backend) -> Result<Device> {
    match backend {
        Backend::Cpu => Ok(Device::flex().autodiff()),
        #[cfg(feature = "wgpu")]
        Backend::Wgpu => Ok(Device::wgpu_options()
            .init()
            .map_err(|e| anyhow::anyhow!("no wgpu adapter: {e:?}"))?
            .autodiff()),
        #[cfg(not(feature = "wgpu"))]
        Backend::Wgpu => {
            Err(anyhow::anyhow!("this build has no wgpu backend (rebuild with `--features wgpu`)"))
        }
    }
}

/// A model file, loaded on `device`.
pub fn read_model(path: &Path, device: &Device) -> Result<SavedModel> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    model_file::load(&bytes, device).with_context(|| format!("{}", path.display()))
}

/// A model file of either kind (the write-up's networks or a pad), loaded on `device`.
pub fn read_any(path: &Path, device: &Device) -> Result<AnyModel> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    AnyModel::load(&bytes, device).with_context(|| format!("{}", path.display()))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// A CSV writer with its header row written, if a path was given.
pub fn csv_writer(path: Option<&Path>, header: &[&str]) -> Result<Option<csv::Writer<fs::File>>> {
    let Some(path) = path else { return Ok(None) };
    let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record(header)?;
    Ok(Some(w))
}

/// A progress bar of `total` steps (hidden when the output is JSON).
pub fn progress(total: usize, json: bool) -> ProgressBar {
    let bar = if json { ProgressBar::hidden() } else { ProgressBar::new(total as u64) };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} it  {per_sec}  ETA {eta}  {msg}")
            .expect("a valid template"),
    );
    bar
}

/// Runs `job` to its end, `slice` steps per read-back: hands each slice's rows to `each`,
/// shows progress on `bar` with `message` of the last row. Returns the last row.
pub fn run_to_end<S: Steps>(
    job: &mut S,
    slice: usize,
    bar: &ProgressBar,
    message: fn(&S::Row) -> String,
    mut each: impl FnMut(&[S::Row]) -> Result<()>,
) -> Result<Option<S::Row>> {
    let mut last = None;
    while !job.is_done() {
        let mut rows = job.run(slice).read()?;
        each(&rows)?;
        if let Some(row) = rows.pop() {
            bar.set_message(message(&row));
            last = Some(row);
        }
        bar.set_position(job.done() as u64);
    }
    bar.finish_and_clear();
    Ok(last)
}

/// The progress bar's note on a training iteration.
pub fn losses_message(l: &IterationLosses) -> String {
    format!("A+B {:.3}  Bob {:.3}  Eve {:.3}", l.ab, l.bob, l.eve)
}

/// Runs an audit to the end with a progress bar (hidden when `quiet`), writing Eve's loss
/// per step to `csv`; returns its evaluation and Eve's last loss.
pub fn run_audit(
    ciphers: &Networks,
    config: &TrainingConfig,
    audit_config: AuditConfig,
    device: &Device,
    quiet: bool,
    mut csv: Option<&mut csv::Writer<fs::File>>,
) -> Result<(Evaluation, Option<f32>)> {
    let bar = progress(audit_config.steps, quiet);
    let mut audit = Audit::new(ciphers, &config.cipher, audit_config, device)?;
    let message = |l: &AuditLoss| format!("Eve {:.3}", l.eve);
    let last = run_to_end(&mut audit, SLICE * 4, &bar, message, |rows| {
        if let Some(w) = csv.as_deref_mut() {
            for l in rows {
                w.write_record(&[l.step.to_string(), l.eve.to_string()])?;
            }
        }
        Ok(())
    })?;
    Ok((audit.evaluate().read()?, last.map(|l| l.eve)))
}

/// An evaluation as JSON.
pub fn evaluation_json(e: &Evaluation) -> serde_json::Value {
    json!({
        "samples": e.samples,
        "bob_correct_pct": e.bob.correct_pct, "eve_correct_pct": e.eve.correct_pct,
        "bob_bit_errors": e.bob.bit_errors, "eve_bit_errors": e.eve.bit_errors,
        "bob_bit_error_rates": e.bob.bit_error_rates, "eve_bit_error_rates": e.eve.bit_error_rates,
    })
}

/// An evaluation as text.
pub fn print_evaluation(e: &Evaluation) {
    println!("on {} fresh messages:", e.samples);
    println!("  Bob: {:6.2} % correct, {:.3} bits wrong", e.bob.correct_pct, e.bob.bit_errors);
    println!("  Eve: {:6.2} % correct, {:.3} bits wrong", e.eve.correct_pct, e.eve.bit_errors);
}
