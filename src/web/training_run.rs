//! The page's training run: start, pause, resume, reset, its end, and the restore of a run
//! a reload interrupted. The engine workers train ([`crate::web::engine`]); this sends
//! them commands and records their events in the lab's signals.

use std::cell::Cell;

use burn::prelude::Device;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::backend::{BackendInfo, BackendKind};
use crate::app::bits::parse_bits;
use crate::app::engine_protocol::{Command, Event};
use crate::app::form::Form;
use crate::app::kept_run::KeptRun;
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::Evaluation;
use crate::nn::model_file;
use crate::nn::replicas::MIN_SPLIT_BATCH;
use crate::web::browser::{cores, now_ms, query};
use crate::web::choose_backend::{Chosen, choose};
use crate::web::continued_audit::reset_audits;
use crate::web::engine::client::{EngineWorker, end_later};
use crate::web::lab::{EARLIER_RUNS, EarlierRun, Lab, Progress, Stage, Status, SuiteTarget};
use crate::web::slices::REDRAW_MS;
use crate::web::tab_storage::{keep_run, kept_run, save_losses};

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

fn keep_losses(lab: Lab) {
    lab.history.with_untracked(|h| save_losses(Some((h, lab.bits.get_untracked()))));
}

/// Forgets the current run's workers, ending them ([`end_later`]).
fn end_workers(lab: Lab) {
    let workers = lab.engine.try_update_value(|e| std::mem::take(&mut e.workers));
    end_later(workers);
}

/// Starts a new run with the form's configuration (does nothing if the form is invalid).
pub fn start(lab: Lab) {
    let Ok(config) = lab.config.get_untracked() else { return };
    keep_as_earlier(lab);
    let mine = lab.generation.get_untracked() + 1;
    lab.generation.set(mine);
    lab.status.set(Status::Starting);
    lab.history.set(Vec::new());
    lab.restored.set(false);
    lab.run_restored.set(false);
    keep_run(None);
    lab.evaluation.set(None);
    lab.watch.reading.set(None);
    lab.bits.set(config.cipher.bits);
    lab.progress.set(Progress { done: 0, total: config.total_iterations(), seconds: 0.0 });
    lab.redraw.update(|n| *n += 1);
    reset_audits(lab);
    lab.trained.set(None);
    lab.engine.update_value(|e| {
        e.workers.clear();
        e.stage = Stage::Empty;
    });
    spawn_local(async move {
        let chosen = choose(lab, &config).await;
        if lab.generation.get_untracked() == mine {
            launch(lab, mine, config, chosen);
        }
    });
}

/// Keeps the finished run on screen (if there is one) among the earlier runs, to compare.
fn keep_as_earlier(lab: Lab) {
    let (Some(config), Some(evaluation)) = (lab.trained.get_untracked(), lab.evaluation.get_untracked())
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
    lab.engine.update_value(|e| e.workers = workers);
    lab.status.set(Status::Running);
}

/// The handler of replica 0's events (the one that reports).
fn reporter(lab: Lab, mine: u64) -> impl FnMut(Event) + 'static {
    let last_draw = Cell::new(now_ms());
    move |event| {
        if lab.generation.get_untracked() != mine {
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
                lab.progress.update(|p| {
                    p.done = done;
                    p.seconds += seconds;
                });
                if now_ms() - last_draw.get() >= REDRAW_MS {
                    last_draw.set(now_ms());
                    lab.redraw.update(|n| *n += 1);
                    keep_losses(lab);
                }
            }
            Event::Watched { reading } => lab.watch.reading.set(Some(reading)),
            Event::Evaluating => {
                lab.redraw.update(|n| *n += 1);
                keep_losses(lab);
                lab.status.set(Status::Evaluating);
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
    end_workers(lab);
    let device = Device::flex().autodiff();
    let saved = match model_file::load(model, &device) {
        Ok(saved) => saved,
        Err(e) => {
            return lab.status.set(Status::Failed(format!("the trained model did not arrive whole ({e})")));
        }
    };
    let config = saved.header.config;
    keep_run(Some(&KeptRun::new(config.clone(), &saved.ciphers, evaluation.clone())));
    lab.engine.update_value(|e| {
        e.device = Some(device);
        e.stage = Stage::Trained { config: config.clone(), ciphers: saved.ciphers };
    });
    lab.evaluation.set(Some(evaluation));
    lab.trained.set(Some(config));
    lab.status.set(Status::Done);
}

fn fail(lab: Lab, mine: u64, message: String) {
    if lab.generation.get_untracked() != mine || matches!(lab.status.get_untracked(), Status::Failed(_)) {
        return;
    }
    end_workers(lab);
    // A failed WebGPU device is not offered again in this page: Automatic now means CPU.
    if lab.backend.get_untracked().is_some_and(|b| b.kind == BackendKind::WebGpu) {
        lab.engine.update_value(|e| e.webgpu_lost = Some(message.clone()));
    }
    lab.phase.set(None);
    keep_losses(lab);
    lab.redraw.update(|n| *n += 1);
    lab.status.set(Status::Failed(message));
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

fn send_to_reporter(lab: Lab, command: Command) {
    lab.engine.with_value(|e| {
        if let Some(worker) = e.workers.first() {
            worker.send(&command, None);
        }
    });
}

pub fn pause(lab: Lab) {
    if lab.status.get_untracked() == Status::Running {
        send_to_reporter(lab, Command::Pause);
        lab.status.set(Status::Paused);
    }
}

pub fn resume(lab: Lab) {
    if lab.status.get_untracked() == Status::Paused {
        send_to_reporter(lab, Command::Resume);
        lab.status.set(Status::Running);
    }
}

/// Stops any run and forgets it (the chart empties).
pub fn reset(lab: Lab) {
    lab.generation.update(|g| *g += 1);
    end_workers(lab);
    lab.status.set(Status::Idle);
    lab.phase.set(None);
    lab.history.set(Vec::new());
    lab.restored.set(false);
    lab.run_restored.set(false);
    keep_run(None);
    lab.evaluation.set(None);
    lab.trained.set(None);
    lab.watch.reading.set(None);
    lab.progress.set(Progress::default());
    lab.redraw.update(|n| *n += 1);
    reset_audits(lab);
    lab.engine.update_value(|e| e.stage = Stage::Empty);
    save_losses(None);
}
