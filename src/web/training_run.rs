//! The page's training run: start, reset, its end, and the restore of a run a reload
//! interrupted (pause and resume are its [`crate::web::job::WorkerJob`]'s). The engine
//! workers train ([`crate::web::engine`]); this sends them commands and records their
//! events in the lab's signals.

use burn::prelude::Device;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::backend::{BackendInfo, BackendKind};
use crate::app::bits::parse_bits;
use crate::app::engine_protocol::{Command, Event};
use crate::app::form::Form;
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::Evaluation;
use crate::nn::model_file;
use crate::nn::replicas::MIN_SPLIT_BATCH;
use crate::web::browser::{cores, query};
use crate::web::choose_backend::{Chosen, choose};
use crate::web::continued_eve::reset_audits;
use crate::web::engine::client::EngineWorker;
use crate::web::job::{Progress, Redraws, Status};
use crate::web::lab::{EARLIER_RUNS, EarlierRun, Lab, SuiteTarget};
use crate::web::tab_storage::save_losses;

/// Brings back the run a reload interrupted: a finished one whole (the trained model on the
/// CPU, its settings, results and audits); of an unfinished one only its losses are kept,
/// which the page says.
pub fn restore_run(lab: Lab) {
    let Some(run) = lab.run.restore() else { return };
    let total = run.config.total_iterations();
    lab.form.set(Form::of(&run.config));
    lab.bits.set(run.config.cipher.bits);
    lab.training.progress.set(Progress { done: total, total, seconds: 0.0 });
    if let Some(suite) = run.suite {
        lab.suite.target.set(Some(SuiteTarget::Trained));
        lab.suite.result.set(Some(suite));
        lab.suite.job.status.set(Status::Done);
    }
    if run.continued.is_some() {
        lab.continued.job.status.set(Status::Done);
    }
    lab.training.status.set(Status::Done);
}

fn keep_losses(lab: Lab) {
    lab.history.with_untracked(|h| save_losses(Some((h, lab.bits.get_untracked()))));
}

/// Starts a new run with the form's configuration (does nothing if the form is invalid).
pub fn start(lab: Lab) {
    let Ok(config) = lab.config.get_untracked() else { return };
    keep_as_earlier(lab);
    let job = lab.training;
    let mine = job.reset();
    job.status.set(Status::Starting);
    lab.history.set(Vec::new());
    lab.restored.set(false);
    lab.run.forget();
    lab.watch.reading.set(None);
    lab.bits.set(config.cipher.bits);
    job.progress.set(Progress { done: 0, total: config.total_iterations(), seconds: 0.0 });
    reset_audits(lab);
    spawn_local(async move {
        let chosen = choose(lab, &config).await;
        if job.is_current(mine) {
            launch(lab, mine, config, chosen);
        }
    });
}

/// Keeps the finished run on screen (if there is one) among the earlier runs, to compare.
fn keep_as_earlier(lab: Lab) {
    let (Some(config), Some(evaluation)) =
        (lab.run.config.get_untracked(), lab.run.evaluation.get_untracked())
    else {
        return;
    };
    let run = EarlierRun {
        label: format!("{}, seed {}", config.preset.name(), config.seed),
        history: lab.history.get_untracked(),
        evaluation,
    };
    lab.earlier.update(|e| {
        e.push(run);
        let extra = e.len().saturating_sub(EARLIER_RUNS);
        e.drain(..extra);
    });
}

/// How many CPU workers train `config`: two (data-parallel replicas) where the browser
/// reports two or more cores and the batch is worth splitting; `?workers=1` or `2` forces.
fn cpu_workers(config: &TrainingConfig) -> usize {
    let splittable = config.batch_size >= MIN_SPLIT_BATCH;
    match query("workers").as_deref() {
        Some("1") => 1,
        Some("2") if config.batch_size >= 2 => 2,
        _ if splittable && cores() >= 2 => 2,
        _ => 1,
    }
}

/// Starts the engine workers of run `mine` on the chosen backend.
fn launch(lab: Lab, mine: u64, config: TrainingConfig, chosen: Chosen) {
    let Chosen { kind, reason, detail, worker } = chosen;
    let replicas = if kind == BackendKind::Cpu { cpu_workers(&config) } else { 1 };
    let spawn = |handler: Box<dyn FnMut(Event)>| EngineWorker::spawn(kind, handler);
    let fresh = worker.is_none();
    let first = match worker {
        Some(worker) => {
            worker.set_handler(reporter(lab, mine));
            Ok(worker)
        }
        None => spawn(Box::new(reporter(lab, mine))),
    };
    let follower = move |event| {
        if let Event::Failed { message } = event {
            fail(lab, mine, message);
        }
    };
    let workers: Result<Vec<EngineWorker>, String> = match replicas {
        1 => first.map(|w| vec![w]),
        _ => first.and_then(|a| Ok(vec![a, spawn(Box::new(follower))?])),
    };
    let workers = match workers {
        Ok(workers) => workers,
        Err(e) => return fail(lab, mine, format!("the engine could not start ({e})")),
    };
    let train = |replica| Command::Train { config: config.clone(), backend: kind, replica, replicas };
    if let [a, b] = &workers[..] {
        let Ok(channel) = web_sys::MessageChannel::new() else {
            return fail(lab, mine, "this browser gave no MessageChannel".into());
        };
        a.send(&train(0), Some(channel.port1()));
        b.send(&train(1), Some(channel.port2()));
    } else {
        workers[0].send(&train(0), None);
    }
    if let Some((message, key)) = watched(lab) {
        workers[0].send(&Command::Watch { message, key }, None);
    }
    if kind == BackendKind::WebGpu && fresh {
        lab.phase.set(Some("Loading the WebGPU engine (a second module, about 10 MB)…".into()));
    }
    let reason = if replicas == 2 { format!("{reason} · 2 workers") } else { reason };
    lab.backend.set(Some(BackendInfo { kind, reason, detail }));
    lab.training.hold_replicas(workers);
    lab.training.status.set(Status::Running);
}

/// The handler of replica 0's events (the one that reports).
fn reporter(lab: Lab, mine: u64) -> impl FnMut(Event) + 'static {
    let mut redraws = Redraws::default();
    move |event| {
        if !lab.training.is_current(mine) {
            return;
        }
        match event {
            Event::Opened { backend, fallback } => {
                lab.phase.set(None);
                if let Some(why) = fallback {
                    lab.backend.set(Some(BackendInfo {
                        kind: backend,
                        reason: why.reason,
                        detail: why.detail,
                    }));
                }
            }
            Event::WarmingUp => lab.phase.set(Some(
                "Warming up: WebGPU compiles its kernels before the first iteration (seconds on a GPU, \
                 longer on a software one)…"
                    .into(),
            )),
            Event::Rows { rows, done, seconds } => {
                if lab.phase.get_untracked().is_some() {
                    lab.phase.set(None);
                }
                lab.history.update(|h| h.extend(rows));
                lab.training.advance(done, seconds);
                if redraws.tick(&lab.training) {
                    keep_losses(lab);
                }
            }
            Event::Watched { reading } => lab.watch.reading.set(Some(reading)),
            Event::Evaluating => {
                lab.training.redraw_now();
                keep_losses(lab);
                lab.training.status.set(Status::Evaluating);
            }
            Event::Trained { model, evaluation } => finish(lab, &model, evaluation),
            Event::Failed { message } => fail(lab, mine, message),
            _ => {}
        }
    }
}

/// Keeps the trained networks (on the page's CPU, for the audits and the message form) and
/// the run in the tab.
fn finish(lab: Lab, model: &[u8], evaluation: Evaluation) {
    lab.training.end_workers();
    let device = Device::flex().autodiff();
    let saved = match model_file::load(model, &device) {
        Ok(saved) => saved,
        Err(e) => return lab.training.fail(format!("the trained model did not arrive whole ({e})")),
    };
    let iterations = saved.header.iterations_trained;
    lab.run.finish(saved.header.config, iterations, saved.ciphers, device, evaluation);
    lab.training.status.set(Status::Done);
}

fn fail(lab: Lab, mine: u64, message: String) {
    let job = lab.training;
    if !job.is_current(mine) || matches!(job.status.get_untracked(), Status::Failed(_)) {
        return;
    }
    // A failed WebGPU device is not offered again in this page: Automatic now means CPU.
    if lab.backend.get_untracked().is_some_and(|b| b.kind == BackendKind::WebGpu) {
        lab.engine.update_value(|e| e.webgpu_lost = Some(message.clone()));
    }
    lab.phase.set(None);
    keep_losses(lab);
    job.fail(message);
}

/// The watched message and key, if both are valid bits for the run's networks.
pub fn watched(lab: Lab) -> Option<(Vec<f32>, Vec<f32>)> {
    let bits = lab.bits.get_untracked();
    let message = parse_bits(&lab.watch.message.get_untracked(), bits).ok()?;
    Some((message, parse_bits(&lab.watch.key.get_untracked(), bits).ok()?))
}

/// Tells the run's reporting worker which message to read after each slice.
pub fn send_watch(lab: Lab) {
    if let Some((message, key)) = watched(lab) {
        send_to_reporter(lab, Command::Watch { message, key });
    }
}

/// Sends `command` to the run's reporting worker (replica 0).
fn send_to_reporter(lab: Lab, command: Command) {
    lab.training.with_workers(|workers| {
        if let Some(worker) = workers.first() {
            worker.send(&command, None);
        }
    });
}

/// Stops any run and forgets it (the chart empties).
pub fn reset(lab: Lab) {
    lab.training.reset();
    lab.phase.set(None);
    lab.history.set(Vec::new());
    lab.restored.set(false);
    lab.run.forget();
    lab.watch.reading.set(None);
    reset_audits(lab);
    save_losses(None);
}
