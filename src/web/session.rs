//! The continued-Eve audit of the page (the model's own Eve trained on against the frozen
//! cipher): start, pause, resume, reset and finish, on the slice loop of
//! [`crate::web::slices`], so the page keeps drawing; and the reset of both audits. Training
//! ([`crate::web::training_run`]) and the attacker suite ([`crate::web::attack_run`]) run in
//! the engine workers.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::nn::audit::{Audit, AuditConfig, EveStart};
use crate::nn::steps::Steps;
use crate::web::lab::{Lab, Progress, Stage, Status};
use crate::web::slices::{Job, Outcome};

/// The most training iterations or audit steps in one slice.
const TRAINING_SLICE_MAX: u64 = 512;

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
    lab.engine.update_value(|e| e.continued = None);
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
            return audit.status.set(Status::Failed(format!("the device failed: {}", e.cause())));
        }
    }
    audit.status.set(Status::Evaluating);
    TimeoutFuture::new(0).await;
    let pending = lab.engine.try_update_value(|e| e.continued.as_ref().map(|a| a.evaluate()));
    let Some(Some(pending)) = pending else { return };
    match pending.read_async().await {
        Ok(result) if audit.generation.get_untracked() == mine => {
            crate::web::tab_storage::update_kept_run(|run| run.continued = Some(result.clone()));
            audit.result.set(Some(result));
            audit.status.set(Status::Done);
        }
        Ok(_) => {}
        Err(e) => audit.status.set(Status::Failed(format!("the device failed: {}", e.cause()))),
    }
}

/// Pauses or resumes a running job on the page (the continued-Eve audit).
pub fn toggle(status: RwSignal<Status>) {
    match status.get_untracked() {
        Status::Running => status.set(Status::Paused),
        Status::Paused => status.set(Status::Running),
        _ => {}
    }
}
