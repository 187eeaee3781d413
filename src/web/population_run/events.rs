//! A population run's engine workers: their events recorded in the page's state, and each
//! worker's screening of its members, one after another, once they are trained.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use leptos::prelude::*;

use super::PopulationState;
use crate::app::engine_protocol::{Command, Event};
use crate::app::population_results::bob_reads;
use crate::nn::attack::{AttackerKind, SuiteConfig, deal};
use crate::nn::evaluation::EVALUATION_SAMPLES;
use crate::web::job::{Redraws, Status};

/// Where one worker's share of the population stands.
#[derive(Default)]
pub(super) struct Lane {
    members: Range<usize>,
    /// Its population's iterations done and the seconds they took.
    iterations: usize,
    seconds: f64,
    /// Its members still to screen, and the one being attacked.
    to_screen: Vec<usize>,
    attacking: Option<usize>,
    /// Attacker steps of the member being attacked, and the seconds the screening took.
    attack_steps: usize,
    attack_seconds: f64,
    /// Whether all its members are trained and screened.
    finished: bool,
}

impl Lane {
    pub(super) fn of(members: Range<usize>) -> Self {
        Self { members, ..Self::default() }
    }
}

pub(super) type Lanes = Rc<RefCell<Vec<Lane>>>;
impl PopulationState {
    /// The handler of worker `index`'s events.
    pub(super) fn handler(
        self,
        mine: u64,
        index: usize,
        steps: usize,
        table: Lanes,
    ) -> impl FnMut(Event) + 'static {
        let mut redraws = Redraws::default();
        move |event| {
            if !self.job.is_current(mine) {
                return;
            }
            match event {
                Event::PopulationRows { rows, done, seconds } => {
                    let start = table.borrow()[index].members.start;
                    self.histories.update(|h| {
                        for (j, member_rows) in rows.into_iter().enumerate() {
                            h[start + j].extend(member_rows);
                        }
                    });
                    let (done, seconds) = {
                        let mut shares = table.borrow_mut();
                        shares[index].iterations = done;
                        shares[index].seconds += seconds;
                        // Side by side: the time is the longest worker's.
                        let done = shares.iter().map(|s| s.iterations * s.members.len()).sum();
                        (done, shares.iter().map(|s| s.seconds).fold(0.0, f64::max))
                    };
                    self.job.progress.update(|p| {
                        p.done = done;
                        p.seconds = seconds;
                    });
                    redraws.tick(&self.job);
                }
                Event::PopulationTrained { members } => {
                    let range = table.borrow()[index].members.clone();
                    self.trained.update(|t| {
                        for (k, member) in range.clone().zip(members) {
                            t[k] = Some(member);
                        }
                    });
                    self.job.redraw_now();
                    // Only ciphers Bob reads are worth attacking.
                    let readable: Vec<usize> = self.trained.with_untracked(|t| {
                        range
                            .filter(|&k| t[k].as_ref().is_some_and(|m| bob_reads(&m.evaluation)))
                            .rev()
                            .collect()
                    });
                    table.borrow_mut()[index].to_screen = readable;
                    self.screen_next(index, steps, &table);
                }
                Event::AttackRows { done, seconds, .. } => {
                    {
                        let mut shares = table.borrow_mut();
                        shares[index].attack_steps = done;
                        shares[index].attack_seconds += seconds;
                    }
                    self.count_screening(&table, steps);
                }
                Event::Attacked { result } => {
                    let member = {
                        let mut shares = table.borrow_mut();
                        shares[index].attack_steps = 0;
                        shares[index].attacking.take()
                    };
                    if let Some(k) = member {
                        self.screenings.update(|s| s[k] = Some(result));
                    }
                    self.screen_next(index, steps, &table);
                }
                Event::Failed { message } => self.fail(message),
                _ => {}
            }
        }
    }

    /// Sends worker `index` its next member to screen, or marks it finished (and the run
    /// done once every worker is).
    fn screen_next(self, index: usize, steps: usize, table: &Lanes) {
        let next = table.borrow_mut()[index].to_screen.pop();
        match next {
            Some(k) => {
                let Some(model) = self.trained.with_untracked(|t| t[k].as_ref().map(|m| m.model.clone()))
                else {
                    return;
                };
                table.borrow_mut()[index].attacking = Some(k);
                let command = Command::Attack {
                    model,
                    // One worker screens a member: its whole suite in one lane.
                    kinds: deal(&AttackerKind::ALL, 1).remove(0),
                    // The screening ranks members by the readers' bits wrong.
                    distinguisher: false,
                    config: SuiteConfig::for_budget(steps),
                    samples: EVALUATION_SAMPLES,
                };
                self.job.with_workers(|workers| {
                    if let Some(worker) = workers.get(index) {
                        worker.send(&command, None);
                    }
                });
            }
            None => table.borrow_mut()[index].finished = true,
        }
        let budget = steps * AttackerKind::ALL.len();
        let to_attack = self.trained.with_untracked(|t| {
            t.iter().filter(|m| m.as_ref().is_some_and(|m| bob_reads(&m.evaluation))).count()
        });
        self.screen_progress.update(|p| p.total = to_attack * budget);
        self.count_screening(table, steps);
        if table.borrow().iter().all(|s| s.finished) {
            self.job.end_workers();
            self.job.redraw_now();
            self.keep(None);
            self.job.status.set(Status::Done);
        }
    }

    /// The screening's progress: the steps of every member screened (their whole budgets)
    /// and of those being attacked now.
    fn count_screening(self, table: &Lanes, steps: usize) {
        let shares = table.borrow();
        let budget = steps * AttackerKind::ALL.len();
        let screened = self.screenings.with_untracked(|s| s.iter().flatten().count());
        let now: usize = shares.iter().map(|s| s.attack_steps).sum();
        let seconds = shares.iter().map(|s| s.attack_seconds).fold(0.0, f64::max);
        self.attacking.set(shares.iter().filter_map(|s| s.attacking).collect());
        self.screen_progress.update(|p| {
            p.done = screened * budget + now;
            p.seconds = seconds;
        });
    }
}
