//! The continued-Eve audit of the page (the model's own Eve trained on against the frozen
//! cipher, in an engine worker): start and finish (pause, resume and reset are its
//! [`crate::web::job::WorkerJob`]'s); and the reset of both audits (the attacker suite is
//! [`crate::web::suite_run`]).

use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::engine_protocol::{Command, Event};
use crate::web::engine::client::EngineWorker;
use crate::web::job::{Progress, Redraws, Status};
use crate::web::lab::Lab;

/// Forgets both audits (a new training run, or a reset).
pub fn reset_audits(lab: Lab) {
    reset_continued(lab);
    crate::web::suite_run::reset_suite(lab);
}

/// Forgets the continued Eve, ending its worker; returns the new run's number.
fn reset_continued(lab: Lab) -> u64 {
    let audit = lab.continued;
    audit.history.set(Vec::new());
    lab.run.continued.set(None);
    audit.job.reset()
}

/// Starts (or restarts) training the model's own Eve against the frozen cipher.
pub fn start_continued(lab: Lab) {
    let audit = lab.continued;
    let Ok(steps) = audit.steps.get_untracked().trim().parse::<usize>() else { return };
    let mine = reset_continued(lab);
    let job = audit.job;
    let model = lab.run.model_file();
    let Some(model) = model else { return job.fail("train a model first".into()) };
    let mut redraws = Redraws::default();
    let worker = EngineWorker::spawn(BackendKind::Cpu, move |event| {
        if !job.is_current(mine) {
            return;
        }
        match event {
            Event::AuditRows { rows, done, seconds } => {
                audit.history.update(|h| h.extend(rows));
                job.advance(done, seconds);
                redraws.tick(&job);
            }
            Event::Evaluating => {
                job.redraw_now();
                job.status.set(Status::Evaluating);
            }
            Event::Audited { evaluation } => {
                job.end_workers();
                lab.run.record_continued(evaluation);
                job.status.set(Status::Done);
            }
            Event::Failed { message } => job.fail(message),
            _ => {}
        }
    });
    let worker = match worker {
        Ok(worker) => worker,
        Err(e) => return job.fail(format!("the engine could not start ({e})")),
    };
    worker.send(&Command::Continue { model, steps }, None);
    job.hold(vec![worker]);
    job.progress.set(Progress { done: 0, total: steps, seconds: 0.0 });
    job.status.set(Status::Running);
}
