//! The attacker suite in the page: its readers train in engine workers on the CPU (split
//! over two where the browser has the cores, side by side), then the distinguisher on the
//! lightest; the readers' held-out checks stream into the lab, and every result is merged
//! in the suite's order and recorded on the model attacked (the lab's run, the form's
//! model, or the pad of section 4).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::engine_protocol::{Command, Event};
use crate::app::report::lanes_eta;
use crate::nn::attack::{
    AttackResult, AttackerKind, SuiteConfig, SuiteMember, SuiteResult, deal_with_distinguisher,
};
use crate::nn::evaluation::EVALUATION_SAMPLES;
use crate::web::browser::side_by_side_workers;
use crate::web::engine::client::EngineWorker;
use crate::web::job::{Progress, Redraws, Status};
use crate::web::lab::{Lab, SuiteTarget};
use crate::web::message_form::{MessageForm, ModelSlot, OwnFrom};
use crate::web::pad_run::PadState;

/// Where one worker's share of the suite stands.
#[derive(Default)]
struct Lane {
    done: usize,
    seconds: f64,
    /// Its work trained and work left, weighted by each member's cost per step (none before
    /// its first report).
    work: Option<(usize, usize)>,
    current: Option<SuiteMember>,
    result: Option<SuiteResult>,
}

/// Forgets the suite (a new training run, a reset, or a new suite), ending its workers.
/// Returns the new run's number.
pub fn reset_suite(lab: Lab) -> u64 {
    let suite = lab.suite;
    suite.history.set(Vec::new());
    suite.result.set(None);
    suite.current.set(Vec::new());
    suite.eta.set(None);
    suite.target.set(None);
    suite.job.reset()
}

/// The model `target` names, as a model file (the workers load it on their CPU).
fn model_of(lab: Lab, (text, pad): (MessageForm, PadState), target: &SuiteTarget) -> Option<Vec<u8>> {
    match target {
        SuiteTarget::Trained => lab.run.model_file(),
        SuiteTarget::Form(_) => text.model_file(),
        SuiteTarget::Pad => pad.trained.with_untracked(|p| p.as_ref().map(|p| p.model.clone())),
    }
}

/// Starts (or restarts) the attacker suite against `target`: the cipher trained in this
/// page, the message form's model, or the pad of section 4.
pub fn start_suite(lab: Lab, target: SuiteTarget) {
    let suite = lab.suite;
    // Taken here, where the page's context is: the workers' handlers run outside it.
    let text = MessageForm::get();
    let pad = PadState::get();
    // The form's model as it is now: the one a form audit is recorded on, if it is still there.
    let form = (text.slot.get_untracked(), text.revision.get_untracked());
    let Ok(steps) = suite.steps.get_untracked().trim().parse::<usize>() else { return };
    let mine = reset_suite(lab);
    let Some(model) = model_of(lab, (text, pad), &target) else {
        return suite.job.fail("there is no model to attack yet".into());
    };
    suite.target.set(Some(target));
    let config = SuiteConfig::for_budget(steps);
    // The attackers dealt to the workers so that they finish about together, the
    // distinguisher after the readers of the lightest.
    let count = side_by_side_workers();
    let groups = deal_with_distinguisher(&AttackerKind::ALL, true, count);
    let shares: Rc<RefCell<Vec<Lane>>> = Rc::new(RefCell::new((0..count).map(|_| Lane::default()).collect()));
    let mut workers = Vec::new();
    for (index, (kinds, distinguisher)) in groups.into_iter().enumerate() {
        match EngineWorker::spawn(
            BackendKind::Cpu,
            handler(lab, (text, pad), form, mine, index, shares.clone()),
        ) {
            Ok(worker) => {
                let command = Command::Attack {
                    model: model.clone(),
                    kinds,
                    distinguisher,
                    config: config.clone(),
                    samples: EVALUATION_SAMPLES,
                };
                worker.send(&command, None);
                workers.push(worker);
            }
            Err(e) => return suite.job.fail(format!("the engine could not start ({e})")),
        }
    }
    suite.job.hold(workers);
    // Every reader's budget and the distinguisher's.
    suite.job.progress.set(Progress { done: 0, total: steps * (AttackerKind::ALL.len() + 1), seconds: 0.0 });
    suite.job.status.set(Status::Running);
}

/// Records `result` on the model attacked, and on every other place that model is: the
/// lab's run (or the pad of section 4) and the message form's own model are one model once
/// it was handed over.
fn record(
    lab: Lab,
    (text, pad): (MessageForm, PadState),
    form: (ModelSlot, u64),
    target: Option<SuiteTarget>,
    result: &SuiteResult,
) {
    let own_from = text.own_from.get_untracked();
    match target {
        Some(SuiteTarget::Trained) => {
            lab.run.record_suite(result.clone());
            if own_from == Some(OwnFrom::Run) {
                text.record_suite(ModelSlot::Trained, result);
            }
        }
        Some(SuiteTarget::Form(_)) => {
            // The slot attacked, unless a model was put in the form since (then the result
            // belongs to a model the form no longer holds).
            let (slot, revision) = form;
            if text.revision.get_untracked() != revision {
                return;
            }
            text.record_suite(slot, result);
            match own_from.filter(|_| slot == ModelSlot::Trained) {
                Some(OwnFrom::Run) => lab.run.record_suite(result.clone()),
                Some(OwnFrom::Pad) => pad.record_suite(result),
                None => {}
            }
        }
        Some(SuiteTarget::Pad) => {
            pad.record_suite(result);
            if own_from == Some(OwnFrom::Pad) {
                text.record_suite(ModelSlot::Trained, result);
            }
        }
        None => {}
    }
}

/// The handler of worker `index`'s events.
fn handler(
    lab: Lab,
    (text, pad): (MessageForm, PadState),
    form: (ModelSlot, u64),
    mine: u64,
    index: usize,
    shares: Rc<RefCell<Vec<Lane>>>,
) -> impl FnMut(Event) + 'static {
    let suite = lab.suite;
    let mut redraws = Redraws::default();
    move |event| {
        if !suite.job.is_current(mine) {
            return;
        }
        match event {
            Event::AttackRows { rows, current, done, seconds, work } => {
                let (done, seconds, now, eta) = {
                    let mut shares = shares.borrow_mut();
                    let share = &mut shares[index];
                    share.done = done;
                    share.seconds += seconds;
                    share.work = Some(work);
                    share.current = current;
                    // Side by side: the suite's time is the longest worker's.
                    let seconds = shares.iter().map(|s| s.seconds).fold(0.0, f64::max);
                    let lanes: Vec<_> =
                        shares.iter().map(|s| s.work.map(|(t, l)| (t, l, s.seconds))).collect();
                    (
                        shares.iter().map(|s| s.done).sum(),
                        seconds,
                        shares.iter().filter_map(|s| s.current).collect(),
                        lanes_eta(&lanes),
                    )
                };
                suite.eta.set(eta);
                suite.history.update(|h| h.extend(rows));
                suite.job.progress.update(|p| {
                    p.done = done;
                    p.seconds = seconds;
                });
                suite.current.set(now);
                redraws.tick(&suite.job);
            }
            Event::Attacked { result } => {
                let merged = {
                    let mut shares = shares.borrow_mut();
                    let share = &mut shares[index];
                    share.result = Some(result);
                    share.current = None;
                    share.work = share.work.map(|(trained, _)| (trained, 0));
                    let all: Option<Vec<SuiteResult>> = shares.iter().map(|s| s.result.clone()).collect();
                    all
                };
                let now: Vec<SuiteMember> = shares.borrow().iter().filter_map(|s| s.current).collect();
                let Some(lanes) = merged else {
                    // The others train on (said by name), or score what they trained.
                    if now.is_empty() {
                        suite.job.status.set(Status::Evaluating);
                    }
                    return suite.current.set(now);
                };
                suite.current.set(now);
                let distinguisher = lanes.iter().find_map(|r| r.distinguisher.clone());
                let mut attackers: Vec<AttackResult> = lanes.into_iter().flat_map(|r| r.attackers).collect();
                attackers.sort_by_key(|a| AttackerKind::ALL.iter().position(|k| *k == a.attacker));
                let result = SuiteResult { attackers, distinguisher };
                record(lab, (text, pad), form, suite.target.get_untracked(), &result);
                suite.job.end_workers();
                suite.job.redraw_now();
                suite.result.set(Some(result));
                suite.job.status.set(Status::Done);
            }
            Event::Failed { message } => {
                suite.current.set(Vec::new());
                suite.job.fail(message);
            }
            _ => {}
        }
    }
}
