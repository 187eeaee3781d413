//! The continued-Eve audit of the page (the model's own Eve trained on against the frozen
//! cipher, in an engine worker): start, pause, resume, reset and finish; and the reset of
//! both audits (the attacker suite is [`crate::web::attack_run`]).

use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::engine_protocol::{Command, Event};
use crate::nn::model_file::{self, ModelHeader};
use crate::web::browser::now_ms;
use crate::web::engine::client::{EngineWorker, end_later};
use crate::web::lab::{Lab, Progress, Stage, Status};
use crate::web::slices::REDRAW_MS;
use crate::web::tab_storage::update_kept_run;

/// Forgets both audits (a new training run, or a reset).
pub fn reset_audits(lab: Lab) {
    reset_continued(lab);
    crate::web::attack_run::reset_suite(lab);
}

fn reset_continued(lab: Lab) {
    let audit = lab.continued;
    audit.generation.update(|g| *g += 1);
    audit.status.set(Status::Idle);
    audit.history.set(Vec::new());
    audit.result.set(None);
    audit.progress.set(Progress::default());
    audit.redraw.update(|n| *n += 1);
    end_worker(lab);
}

/// Ends the audit's worker (deferred: this may run inside its own handler).
fn end_worker(lab: Lab) {
    let worker = lab.engine.try_update_value(|e| e.continued.take());
    end_later(worker);
}

/// Starts (or restarts) training the model's own Eve against the frozen cipher.
pub fn start_continued(lab: Lab) {
    let audit = lab.continued;
    let Ok(steps) = audit.steps.get_untracked().trim().parse::<usize>() else { return };
    reset_continued(lab);
    let mine = audit.generation.get_untracked();
    let model = lab.engine.with_value(|e| match &e.stage {
        Stage::Trained { config, ciphers } => {
            Some(model_file::save(&ModelHeader::trained(config.clone(), None), ciphers))
        }
        Stage::Empty => None,
    });
    let Some(model) = model else { return audit.status.set(Status::Failed("train a model first".into())) };
    let mut last_draw = now_ms();
    let worker = EngineWorker::spawn(BackendKind::Cpu, move |event| {
        if audit.generation.get_untracked() != mine {
            return;
        }
        match event {
            Event::AuditRows { rows, done, seconds } => {
                audit.history.update(|h| h.extend(rows));
                audit.progress.update(|p| {
                    p.done = done;
                    p.seconds += seconds;
                });
                if now_ms() - last_draw >= REDRAW_MS {
                    last_draw = now_ms();
                    audit.redraw.update(|n| *n += 1);
                }
            }
            Event::Evaluating => {
                audit.redraw.update(|n| *n += 1);
                audit.status.set(Status::Evaluating);
            }
            Event::Audited { evaluation } => {
                end_worker(lab);
                update_kept_run(|run| run.continued = Some(evaluation.clone()));
                audit.result.set(Some(evaluation));
                audit.status.set(Status::Done);
            }
            Event::Failed { message } => {
                end_worker(lab);
                audit.status.set(Status::Failed(message));
            }
            _ => {}
        }
    });
    let worker = match worker {
        Ok(worker) => worker,
        Err(e) => return audit.status.set(Status::Failed(format!("the engine could not start ({e})"))),
    };
    worker.send(&Command::Continue { model, steps }, None);
    lab.engine.update_value(|e| e.continued = Some(worker));
    audit.progress.set(Progress { done: 0, total: steps, seconds: 0.0 });
    audit.status.set(Status::Running);
}

/// Pauses or resumes the audit's worker.
pub fn toggle_continued(lab: Lab) {
    let status = lab.continued.status;
    let (next, command) = match status.get_untracked() {
        Status::Running => (Status::Paused, Command::Pause),
        Status::Paused => (Status::Running, Command::Resume),
        _ => return,
    };
    lab.engine.with_value(|e| e.continued.iter().for_each(|w| w.send(&command, None)));
    status.set(next);
}
