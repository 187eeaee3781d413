//! Drives the core from the page: training runs and audits start, pause, resume, reset and
//! finish here; each runs on the slice loop of [`crate::web::slices`], so the page keeps
//! drawing.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::report;
use crate::nn::audit::{Audit, AuditConfig, EveStart};
use crate::nn::evaluation::{EVALUATION_SAMPLES, evaluate};
use crate::nn::inference::Cipher;
use crate::nn::pending::ReadError;
use crate::nn::seeds;
use crate::nn::steps::Steps;
use crate::nn::training::Trainer;
use crate::web::backend::{self, BackendChoice, BackendKind};
use crate::web::lab::{AuditState, Lab, Progress, Stage, Status};
use crate::web::slices::{Job, Outcome};

/// The most training iterations or audit steps in one slice.
const TRAINING_SLICE_MAX: u64 = 512;

/// Where the losses of the current run are kept in the tab (restored after a crash).
pub const SAVED_LOSSES_KEY: &str = "anc.losses.csv";

/// Milliseconds on the page's clock (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_default()
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Bits per message of the saved losses (for the chart's scale).
const SAVED_BITS_KEY: &str = "anc.losses.bits";

/// The losses saved in this tab by an earlier load of the page, and their message bits.
pub fn saved_losses() -> (Vec<crate::nn::metrics::IterationLosses>, Option<usize>) {
    let storage = session_storage();
    let get = |key| storage.as_ref().and_then(|s| s.get_item(key).ok().flatten());
    let history = get(SAVED_LOSSES_KEY).map(|t| report::parse_losses_csv(&t)).unwrap_or_default();
    (history, get(SAVED_BITS_KEY).and_then(|b| b.parse().ok()))
}

fn save_losses(lab: Lab) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(SAVED_LOSSES_KEY, &lab.history.with_untracked(|h| report::losses_csv(h)));
        let _ = storage.set_item(SAVED_BITS_KEY, &lab.bits.get_untracked().to_string());
    }
}

/// Opens the device the user chose (WebGPU once per page) and records it on the badge.
async fn open_device(lab: Lab) -> burn::prelude::Device {
    let choice = lab.choice.get_untracked();
    if choice != BackendChoice::Cpu {
        let known = lab.engine.with_value(|e| e.webgpu.clone());
        let webgpu = match known {
            Some(outcome) => outcome,
            None => {
                let outcome = backend::open_webgpu().await;
                lab.engine.update_value(|e| e.webgpu = Some(outcome.clone()));
                outcome
            }
        };
        match webgpu {
            Ok(device) => {
                let reason = if choice == BackendChoice::Auto { "this browser has WebGPU" } else { "chosen" };
                lab.backend.set(Some(backend::BackendInfo {
                    kind: BackendKind::WebGpu,
                    reason: reason.into(),
                    detail: None,
                }));
                return device;
            }
            Err(why) => {
                let (device, info) = backend::cpu(why.reason, why.detail);
                lab.backend.set(Some(info));
                return device;
            }
        }
    }
    let (device, info) = backend::cpu("chosen", None);
    lab.backend.set(Some(info));
    device
}

/// Starts a new run with the form's configuration (does nothing if the form is invalid).
pub fn start(lab: Lab) {
    let Ok(config) = lab.form.with_untracked(|f| f.config()) else { return };
    let mine = lab.generation.get_untracked() + 1;
    lab.generation.set(mine);
    lab.status.set(Status::Starting);
    lab.history.set(Vec::new());
    lab.restored.set(false);
    lab.evaluation.set(None);
    lab.bits.set(config.cipher.bits);
    lab.progress.set(Progress { done: 0, total: config.total_iterations(), seconds: 0.0 });
    lab.redraw.update(|n| *n += 1);
    for audit in lab.audits {
        reset_audit(lab, audit);
    }
    lab.trained.set(None);
    spawn_local(async move {
        let device = open_device(lab).await;
        let trainer = match Trainer::new(config.clone(), &device) {
            Ok(t) => t,
            Err(e) => return lab.status.set(Status::Failed(e.to_string())),
        };
        lab.engine.update_value(|e| {
            e.device = Some(device.clone());
            e.stage = Stage::Training(trainer);
        });
        if lab.generation.get_untracked() != mine {
            return;
        }
        lab.status.set(Status::Running);
        train(lab, mine).await;
    });
}

pub fn pause(lab: Lab) {
    if lab.status.get_untracked() == Status::Running {
        lab.status.set(Status::Paused);
    }
}

pub fn resume(lab: Lab) {
    if lab.status.get_untracked() == Status::Paused {
        lab.status.set(Status::Running);
    }
}

/// Stops any run and forgets it (the chart empties).
pub fn reset(lab: Lab) {
    lab.generation.update(|g| *g += 1);
    lab.status.set(Status::Idle);
    lab.history.set(Vec::new());
    lab.restored.set(false);
    lab.evaluation.set(None);
    lab.trained.set(None);
    lab.progress.set(Progress::default());
    lab.redraw.update(|n| *n += 1);
    for audit in lab.audits {
        reset_audit(lab, audit);
    }
    lab.engine.update_value(|e| e.stage = Stage::Empty);
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(SAVED_LOSSES_KEY);
        let _ = storage.remove_item(SAVED_BITS_KEY);
    }
}

/// The training loop of run `mine`.
async fn train(lab: Lab, mine: u64) {
    let job = Job {
        status: lab.status,
        generation: lab.generation,
        mine,
        history: lab.history,
        progress: lab.progress,
        redraw: lab.redraw,
    };
    let work = |slice| {
        lab.engine
            .try_update_value(|e| match &mut e.stage {
                Stage::Training(trainer) if !trainer.is_done() => Some(trainer.run(slice)),
                _ => None,
            })
            .flatten()
    };
    match job.run(TRAINING_SLICE_MAX, work, |l| l.iteration, || save_losses(lab)).await {
        Outcome::Finished => finish(lab, mine).await,
        Outcome::Abandoned => {}
        Outcome::Failed(e) => {
            fail(lab, mine, format!("the device failed while training ({})", innermost_cause(&e)))
        }
    }
}

/// What went wrong in a read-back, in a few words: burn's device errors nest ("… Caused
/// by: … Backtrace: …"), so keep the innermost cause.
fn innermost_cause(error: &ReadError) -> String {
    let error = match error {
        ReadError::Device(message) => message.as_str(),
        other => return other.to_string(),
    };
    let before_backtrace = error.split("Backtrace:").next().unwrap_or(error);
    let cause = before_backtrace.rsplit("Caused by:").map(str::trim).find(|c| !c.is_empty());
    cause.unwrap_or(error).to_string()
}

fn fail(lab: Lab, mine: u64, message: String) {
    if lab.generation.get_untracked() == mine {
        // A failed WebGPU device is not offered again in this page: Automatic now means CPU.
        if lab.backend.get_untracked().is_some_and(|b| b.kind == BackendKind::WebGpu) {
            let lost = backend::NoWebGpu {
                reason: "WebGPU failed earlier in this page",
                detail: Some(message.clone()),
            };
            lab.engine.update_value(|e| e.webgpu = Some(Err(lost)));
        }
        save_losses(lab);
        lab.redraw.update(|n| *n += 1);
        lab.status.set(Status::Failed(message));
    }
}

/// Evaluates the trained networks on 10,000 messages and keeps them for the audits.
async fn finish(lab: Lab, mine: u64) {
    lab.status.set(Status::Evaluating);
    TimeoutFuture::new(0).await; // let the page show it
    let taken = lab.engine.try_update_value(|e| {
        let stage = std::mem::take(&mut e.stage);
        let Stage::Training(trainer) = stage else {
            e.stage = stage;
            return None;
        };
        let config = trainer.config().clone();
        let ciphers = trainer.into_ciphers();
        let device = e.device.clone()?;
        let pending =
            evaluate(&Cipher::new(&ciphers, &device), EVALUATION_SAMPLES, seeds::held_out(config.seed));
        e.stage = Stage::Trained { config: config.clone(), ciphers };
        Some((config, pending))
    });
    let Some(Some((config, pending))) = taken else { return };
    match pending.read_async().await {
        Ok(evaluation) if lab.generation.get_untracked() == mine => {
            lab.evaluation.set(Some(evaluation));
            lab.trained.set(Some(config));
            lab.status.set(Status::Done);
        }
        Ok(_) => {}
        Err(e) => fail(lab, mine, format!("the device failed while evaluating ({})", innermost_cause(&e))),
    }
}

fn reset_audit(lab: Lab, audit: AuditState) {
    audit.generation.update(|g| *g += 1);
    audit.status.set(Status::Idle);
    audit.history.set(Vec::new());
    audit.result.set(None);
    audit.progress.set(Progress::default());
    audit.redraw.update(|n| *n += 1);
    lab.engine.update_value(|e| e.audits[audit.slot()] = None);
}

/// Starts (or restarts) an audit of the trained networks.
pub fn start_audit(lab: Lab, audit: AuditState) {
    let Ok(steps) = audit.steps.get_untracked().trim().parse::<usize>() else { return };
    reset_audit(lab, audit);
    let mine = audit.generation.get_untracked();
    let config = AuditConfig::new().with_start(audit.start).with_steps(steps);
    let made = lab.engine.try_update_value(|e| {
        let Stage::Trained { config: trained, ciphers } = &e.stage else {
            return Err("train a model first".to_string());
        };
        let device = e.device.clone().ok_or("no device")?;
        let made = Audit::new(ciphers, &trained.cipher, config, &device).map_err(|e| e.to_string())?;
        e.audits[audit.slot()] = Some(made);
        Ok(())
    });
    if let Some(Err(e)) = made {
        return audit.status.set(Status::Failed(e));
    }
    audit.progress.set(Progress { done: 0, total: steps, seconds: 0.0 });
    audit.status.set(Status::Running);
    spawn_local(run_audit(lab, audit, mine));
}

async fn run_audit(lab: Lab, audit: AuditState, mine: u64) {
    let slot = audit.slot();
    let job = Job {
        status: audit.status,
        generation: audit.generation,
        mine,
        history: audit.history,
        progress: audit.progress,
        redraw: audit.redraw,
    };
    let work = |slice| {
        lab.engine
            .try_update_value(|e| match &mut e.audits[slot] {
                Some(a) if !a.is_done() => Some(a.run(slice)),
                _ => None,
            })
            .flatten()
    };
    match job.run(TRAINING_SLICE_MAX, work, |l| l.step, || {}).await {
        Outcome::Finished => {}
        Outcome::Abandoned => return,
        Outcome::Failed(e) => {
            return audit.status.set(Status::Failed(format!("the device failed: {}", innermost_cause(&e))));
        }
    }
    audit.status.set(Status::Evaluating);
    TimeoutFuture::new(0).await;
    let pending = lab.engine.try_update_value(|e| e.audits[slot].as_ref().map(|a| a.evaluate()));
    let Some(Some(pending)) = pending else { return };
    match pending.read_async().await {
        Ok(result) if audit.generation.get_untracked() == mine => {
            audit.result.set(Some(result));
            audit.status.set(Status::Done);
        }
        Ok(_) => {}
        Err(e) => audit.status.set(Status::Failed(format!("the device failed: {}", innermost_cause(&e)))),
    }
}

/// Pauses or resumes an audit.
pub fn toggle_audit(audit: AuditState) {
    match audit.status.get_untracked() {
        Status::Running => audit.status.set(Status::Paused),
        Status::Paused => audit.status.set(Status::Running),
        _ => {}
    }
}

/// Whether a fresh or continued audit is what `start` names (for labels).
pub fn audit_title(start: EveStart) -> &'static str {
    match start {
        EveStart::Fresh => "Train a fresh Eve against the frozen cipher",
        EveStart::Continue => "Keep training this Eve",
    }
}
