//! The attacker suite in the page: its attackers train in engine workers on the CPU (split
//! over two where the browser has the cores, side by side), their held-out checks stream
//! into the lab, and their results are merged in the suite's order.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::engine_protocol::{Command, Event};
use crate::nn::attack::{AttackResult, AttackerKind, SuiteConfig, SuiteResult};
use crate::nn::evaluation::EVALUATION_SAMPLES;
use crate::nn::model_file::{self, ModelHeader};
use crate::web::browser::{now_ms, side_by_side_workers};
use crate::web::engine::client::{EngineWorker, end_later};
use crate::web::lab::{Lab, Progress, Stage, Status, SuiteTarget};
use crate::web::slices::REDRAW_MS;
use crate::web::tab_storage::update_kept_run;
use crate::web::text_lab::TextLab;

/// Where one worker's share of the suite stands.
#[derive(Default)]
struct Share {
    done: usize,
    seconds: f64,
    current: Option<AttackerKind>,
    result: Option<SuiteResult>,
}

/// Forgets the suite (a new training run, a reset, or a new suite), ending its workers.
pub fn reset_suite(lab: Lab) {
    let suite = lab.suite;
    suite.generation.update(|g| *g += 1);
    suite.status.set(Status::Idle);
    suite.history.set(Vec::new());
    suite.result.set(None);
    suite.current.set(Vec::new());
    suite.target.set(None);
    suite.progress.set(Progress::default());
    suite.redraw.update(|n| *n += 1);
    end_workers(lab);
}

/// Ends the suite's workers (deferred: this may run inside one of their handlers).
fn end_workers(lab: Lab) {
    let workers = lab.engine.try_update_value(|e| std::mem::take(&mut e.suite_workers));
    end_later(workers);
}

/// The model `target` names, as a model file (the workers load it on their CPU).
fn model_of(lab: Lab, target: &SuiteTarget) -> Option<Vec<u8>> {
    match target {
        SuiteTarget::Trained => lab.engine.with_value(|e| match &e.stage {
            Stage::Trained { config, ciphers } => {
                Some(model_file::save(&ModelHeader::trained(config.clone(), None), ciphers))
            }
            Stage::Empty => None,
        }),
        SuiteTarget::Form(_) => {
            TextLab::get().with_model(|m| model_file::save(&m.saved.header, &m.saved.ciphers))
        }
    }
}

/// Starts (or restarts) the attacker suite against `target`: the cipher trained in this
/// page, or the message form's model.
pub fn start_suite(lab: Lab, target: SuiteTarget) {
    let suite = lab.suite;
    let Ok(steps) = suite.steps.get_untracked().trim().parse::<usize>() else { return };
    reset_suite(lab);
    let mine = suite.generation.get_untracked();
    let Some(model) = model_of(lab, &target) else {
        return suite.status.set(Status::Failed("there is no model to attack yet".into()));
    };
    suite.target.set(Some(target));
    let config = SuiteConfig::for_budget(steps);
    // Attackers dealt in turn to the workers, so each gets a mix of slow and fast ones.
    let count = side_by_side_workers();
    let groups: Vec<Vec<AttackerKind>> =
        (0..count).map(|w| AttackerKind::ALL.iter().copied().skip(w).step_by(count).collect()).collect();
    let shares: Rc<RefCell<Vec<Share>>> =
        Rc::new(RefCell::new((0..count).map(|_| Share::default()).collect()));
    let mut workers = Vec::new();
    for (index, kinds) in groups.into_iter().enumerate() {
        match EngineWorker::spawn(BackendKind::Cpu, handler(lab, mine, index, shares.clone())) {
            Ok(worker) => {
                let command = Command::Attack {
                    model: model.clone(),
                    kinds,
                    config: config.clone(),
                    samples: EVALUATION_SAMPLES,
                };
                worker.send(&command, None);
                workers.push(worker);
            }
            Err(e) => return suite.status.set(Status::Failed(format!("the engine could not start ({e})"))),
        }
    }
    lab.engine.update_value(|e| e.suite_workers = workers);
    suite.progress.set(Progress { done: 0, total: steps * AttackerKind::ALL.len(), seconds: 0.0 });
    suite.status.set(Status::Running);
}

/// The handler of worker `index`'s events.
fn handler(
    lab: Lab,
    mine: u64,
    index: usize,
    shares: Rc<RefCell<Vec<Share>>>,
) -> impl FnMut(Event) + 'static {
    let suite = lab.suite;
    let mut last_draw = now_ms();
    move |event| {
        if suite.generation.get_untracked() != mine {
            return;
        }
        match event {
            Event::AttackRows { rows, current, done, seconds } => {
                let (done, seconds, now) = {
                    let mut shares = shares.borrow_mut();
                    let share = &mut shares[index];
                    share.done = done;
                    share.seconds += seconds;
                    share.current = current;
                    // Side by side: the suite's time is the longest worker's.
                    let seconds = shares.iter().map(|s| s.seconds).fold(0.0, f64::max);
                    (
                        shares.iter().map(|s| s.done).sum(),
                        seconds,
                        shares.iter().filter_map(|s| s.current).collect(),
                    )
                };
                suite.history.update(|h| h.extend(rows));
                suite.progress.update(|p| {
                    p.done = done;
                    p.seconds = seconds;
                });
                suite.current.set(now);
                if now_ms() - last_draw >= REDRAW_MS {
                    last_draw = now_ms();
                    suite.redraw.update(|n| *n += 1);
                }
            }
            Event::Attacked { result } => {
                let merged = {
                    let mut shares = shares.borrow_mut();
                    shares[index].result = Some(result);
                    shares[index].current = None;
                    let all: Option<Vec<AttackResult>> = shares
                        .iter()
                        .map(|s| s.result.clone().map(|r| r.attackers))
                        .collect::<Option<Vec<_>>>()
                        .map(|v| v.concat());
                    all
                };
                suite.current.set(shares.borrow().iter().filter_map(|s| s.current).collect());
                let Some(mut attackers) = merged else {
                    return suite.status.set(Status::Evaluating);
                };
                attackers.sort_by_key(|a| AttackerKind::ALL.iter().position(|k| *k == a.attacker));
                let result = SuiteResult { attackers };
                if suite.target.get_untracked() == Some(SuiteTarget::Trained) {
                    update_kept_run(|run| run.suite = Some(result.clone()));
                }
                end_workers(lab);
                suite.redraw.update(|n| *n += 1);
                suite.result.set(Some(result));
                suite.status.set(Status::Done);
            }
            Event::Failed { message } => {
                end_workers(lab);
                suite.current.set(Vec::new());
                suite.status.set(Status::Failed(message));
            }
            _ => {}
        }
    }
}

/// Pauses or resumes the suite's workers.
pub fn toggle_suite(lab: Lab) {
    let status = lab.suite.status;
    let (next, command) = match status.get_untracked() {
        Status::Running => (Status::Paused, Command::Pause),
        Status::Paused => (Status::Running, Command::Resume),
        _ => return,
    };
    lab.engine.with_value(|e| e.suite_workers.iter().for_each(|w| w.send(&command, None)));
    status.set(next);
}
