//! Drives the core from the page: training runs, the attacker suite and the continued-Eve
//! audit start, pause, resume, reset and finish here; each runs on the slice loop of
//! [`crate::web::slices`], so the page keeps drawing.

use burn::prelude::Device;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::form::Form;
use crate::app::kept_run::KeptRun;
use crate::app::report;
use crate::nn::attack::{AttackerKind, Suite, SuiteConfig};
use crate::nn::audit::{Audit, AuditConfig, EveStart};
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::{EVALUATION_SAMPLES, Evaluation, evaluate};
use crate::nn::inference::Cipher;
use crate::nn::pending::ReadError;
use crate::nn::seeds;
use crate::nn::steps::Steps;
use crate::nn::training::Trainer;
use crate::nn::transfer::ciphers_to;
use crate::web::backend::{self, BackendChoice, BackendKind};
use crate::web::lab::{Lab, Progress, Stage, Status, SuiteTarget};
use crate::web::slices::{Job, Outcome};
use crate::web::text_lab::TextLab;

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

/// Where a finished run (model, settings, results, audits) is kept in the tab.
const KEPT_RUN_KEY: &str = "anc.run.json";

fn kept_run() -> Option<KeptRun> {
    session_storage()?.get_item(KEPT_RUN_KEY).ok().flatten().and_then(|t| KeptRun::from_json(&t))
}

fn keep_run(run: Option<&KeptRun>) {
    if let Some(storage) = session_storage() {
        let _ = match run {
            Some(run) => storage.set_item(KEPT_RUN_KEY, &run.to_json()),
            None => storage.remove_item(KEPT_RUN_KEY),
        };
    }
}

/// Updates the kept run (if one is kept) with `change`.
fn update_kept_run(change: impl FnOnce(&mut KeptRun)) {
    if let Some(mut run) = kept_run() {
        change(&mut run);
        keep_run(Some(&run));
    }
}

/// Brings back the run a reload interrupted: a finished one whole (the trained model on the
/// CPU, its settings, results and audits); of an unfinished one only its losses are kept,
/// which the page says.
pub fn restore_run(lab: Lab) {
    let Some(run) = kept_run() else { return };
    let device = Device::flex().autodiff();
    let Ok(ciphers) = run.ciphers(&device) else { return keep_run(None) };
    lab.engine.update_value(|e| {
        e.device = Some(device);
        e.stage = Stage::Trained { config: run.config.clone(), ciphers };
    });
    let total = run.config.total_iterations();
    lab.form.set(Form::of(&run.config));
    lab.bits.set(run.config.cipher.bits);
    lab.progress.set(Progress { done: total, total, seconds: 0.0 });
    lab.evaluation.set(Some(run.evaluation));
    lab.trained.set(Some(run.config));
    if let Some(suite) = run.suite {
        lab.suite.target.set(Some(SuiteTarget::Trained));
        lab.suite.result.set(Some(suite));
        lab.suite.status.set(Status::Done);
    }
    if let Some(continued) = run.continued {
        lab.continued.result.set(Some(continued));
        lab.continued.status.set(Status::Done);
    }
    lab.run_restored.set(true);
    lab.status.set(Status::Done);
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
    lab.run_restored.set(false);
    keep_run(None);
    lab.evaluation.set(None);
    lab.bits.set(config.cipher.bits);
    lab.progress.set(Progress { done: 0, total: config.total_iterations(), seconds: 0.0 });
    lab.redraw.update(|n| *n += 1);
    reset_audits(lab);
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
    lab.run_restored.set(false);
    keep_run(None);
    lab.evaluation.set(None);
    lab.trained.set(None);
    lab.progress.set(Progress::default());
    lab.redraw.update(|n| *n += 1);
    reset_audits(lab);
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
                Stage::Training(trainer) if !trainer.is_done() => Some((trainer.run(slice), trainer.done())),
                _ => None,
            })
            .flatten()
    };
    match job.run(TRAINING_SLICE_MAX, work, || save_losses(lab)).await {
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
            lab.evaluation.set(Some(evaluation.clone()));
            lab.trained.set(Some(config.clone()));
            lab.status.set(Status::Done);
            keep_finished_run(lab, mine, config, evaluation).await;
        }
        Ok(_) => {}
        Err(e) => fail(lab, mine, format!("the device failed while evaluating ({})", innermost_cause(&e))),
    }
}

/// Forgets both audits (a new training run, or a reset).
/// Keeps a finished run in the tab (its weights read back to the CPU first).
async fn keep_finished_run(lab: Lab, mine: u64, config: TrainingConfig, evaluation: Evaluation) {
    let ciphers = lab.engine.with_value(|e| match &e.stage {
        Stage::Trained { ciphers, .. } => Some(ciphers.clone()),
        _ => None,
    });
    let Some(ciphers) = ciphers else { return };
    if let Ok(ciphers) = ciphers_to(&ciphers, &Device::flex()).read_async().await
        && lab.generation.get_untracked() == mine
    {
        keep_run(Some(&KeptRun::new(config, &ciphers, evaluation)));
    }
}

fn reset_audits(lab: Lab) {
    reset_continued(lab);
    reset_suite(lab);
}

fn reset_continued(lab: Lab) {
    let audit = lab.continued;
    audit.generation.update(|g| *g += 1);
    audit.status.set(Status::Idle);
    audit.history.set(Vec::new());
    audit.result.set(None);
    audit.progress.set(Progress::default());
    audit.redraw.update(|n| *n += 1);
    lab.engine.update_value(|e| e.continued = None);
}

fn reset_suite(lab: Lab) {
    let suite = lab.suite;
    suite.generation.update(|g| *g += 1);
    suite.status.set(Status::Idle);
    suite.history.set(Vec::new());
    suite.result.set(None);
    suite.current.set(None);
    suite.target.set(None);
    suite.progress.set(Progress::default());
    suite.redraw.update(|n| *n += 1);
    lab.engine.update_value(|e| e.suite = None);
}

/// Starts (or restarts) training the model's own Eve against the frozen cipher.
pub fn start_continued(lab: Lab) {
    let audit = lab.continued;
    let Ok(steps) = audit.steps.get_untracked().trim().parse::<usize>() else { return };
    reset_continued(lab);
    let mine = audit.generation.get_untracked();
    let config = AuditConfig::new().with_start(EveStart::Continue).with_steps(steps);
    let made = lab.engine.try_update_value(|e| {
        let Stage::Trained { config: trained, ciphers } = &e.stage else {
            return Err("train a model first".to_string());
        };
        let device = e.device.clone().ok_or("no device")?;
        let made = Audit::new(ciphers, &trained.cipher, config, &device).map_err(|e| e.to_string())?;
        e.continued = Some(made);
        Ok(())
    });
    if let Some(Err(e)) = made {
        return audit.status.set(Status::Failed(e));
    }
    audit.progress.set(Progress { done: 0, total: steps, seconds: 0.0 });
    audit.status.set(Status::Running);
    spawn_local(run_continued(lab, mine));
}

async fn run_continued(lab: Lab, mine: u64) {
    let audit = lab.continued;
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
            .try_update_value(|e| match &mut e.continued {
                Some(a) if !a.is_done() => Some((a.run(slice), a.done())),
                _ => None,
            })
            .flatten()
    };
    match job.run(TRAINING_SLICE_MAX, work, || {}).await {
        Outcome::Finished => {}
        Outcome::Abandoned => return,
        Outcome::Failed(e) => {
            return audit.status.set(Status::Failed(format!("the device failed: {}", innermost_cause(&e))));
        }
    }
    audit.status.set(Status::Evaluating);
    TimeoutFuture::new(0).await;
    let pending = lab.engine.try_update_value(|e| e.continued.as_ref().map(|a| a.evaluate()));
    let Some(Some(pending)) = pending else { return };
    match pending.read_async().await {
        Ok(result) if audit.generation.get_untracked() == mine => {
            update_kept_run(|run| run.continued = Some(result.clone()));
            audit.result.set(Some(result));
            audit.status.set(Status::Done);
        }
        Ok(_) => {}
        Err(e) => audit.status.set(Status::Failed(format!("the device failed: {}", innermost_cause(&e)))),
    }
}

/// Starts (or restarts) the attacker suite against `target`: the cipher trained in this
/// page, or the message form's model. It runs on the CPU device whatever trained the model
/// (its checks read back at once): a WebGPU model's weights are copied there first.
pub fn start_suite(lab: Lab, target: SuiteTarget) {
    let suite = lab.suite;
    let Ok(steps) = suite.steps.get_untracked().trim().parse::<usize>() else { return };
    reset_suite(lab);
    let mine = suite.generation.get_untracked();
    let model = match &target {
        SuiteTarget::Trained => lab.engine.with_value(|e| match &e.stage {
            Stage::Trained { config, ciphers } => Some((config.cipher.clone(), ciphers.clone())),
            _ => None,
        }),
        SuiteTarget::Form(_) => {
            TextLab::get().with_model(|m| (m.saved.header.config.cipher.clone(), m.saved.ciphers.clone()))
        }
    };
    let Some((shape, ciphers)) = model else {
        return suite.status.set(Status::Failed("there is no model to attack yet".into()));
    };
    suite.target.set(Some(target));
    suite.status.set(Status::Starting);
    spawn_local(async move {
        let device = Device::flex().autodiff();
        let made = match ciphers_to(&ciphers, &device).read_async().await {
            Ok(ciphers) => {
                // About 15 held-out checks per attacker: a curve each, and early stops at
                // a page's shorter budget.
                let config =
                    SuiteConfig::new().with_max_steps(steps).with_check_every((steps / 15).clamp(5, 500));
                Suite::new(&ciphers, &shape, &AttackerKind::ALL, config, EVALUATION_SAMPLES, &device)
                    .map_err(|e| e.to_string())
            }
            Err(e) => Err(format!("the model could not be read back: {}", innermost_cause(&e))),
        };
        if suite.generation.get_untracked() != mine {
            return;
        }
        let made = match made {
            Ok(made) => made,
            Err(e) => return suite.status.set(Status::Failed(e)),
        };
        suite.progress.set(Progress { done: 0, total: made.total(), seconds: 0.0 });
        lab.engine.update_value(|e| e.suite = Some(made));
        suite.status.set(Status::Running);
        run_suite(lab, mine).await;
    });
}

async fn run_suite(lab: Lab, mine: u64) {
    let suite = lab.suite;
    let job = Job {
        status: suite.status,
        generation: suite.generation,
        mine,
        history: suite.history,
        progress: suite.progress,
        redraw: suite.redraw,
    };
    let work = |slice| {
        lab.engine
            .try_update_value(|e| {
                let s = e.suite.as_mut()?;
                let current = s.runs().iter().position(|r| !r.is_done());
                suite.current.set(current.map(|i| (s.runs()[i].kind(), i)));
                current?;
                Some((s.run(slice), s.done()))
            })
            .flatten()
    };
    match job.run(TRAINING_SLICE_MAX, work, || {}).await {
        Outcome::Finished => {}
        Outcome::Abandoned => return,
        Outcome::Failed(e) => {
            return suite.status.set(Status::Failed(format!("the device failed: {}", innermost_cause(&e))));
        }
    }
    suite.status.set(Status::Evaluating);
    TimeoutFuture::new(0).await;
    let result = lab.engine.with_value(|e| e.suite.as_ref().map(Suite::finish));
    if suite.generation.get_untracked() == mine
        && let Some(result) = result
    {
        suite.current.set(None);
        if suite.target.get_untracked() == Some(SuiteTarget::Trained) {
            update_kept_run(|run| run.suite = Some(result.clone()));
        }
        suite.result.set(Some(result));
        suite.status.set(Status::Done);
    }
}

/// Pauses or resumes a running job (an audit, the suite).
pub fn toggle(status: RwSignal<Status>) {
    match status.get_untracked() {
        Status::Running => status.set(Status::Paused),
        Status::Paused => status.set(Status::Running),
        _ => {}
    }
}
