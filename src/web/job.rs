//! A job of the page that runs in engine workers — a training run, the attacker suite, the
//! continued Eve, a population — kept in one place: where it stands, which run is current,
//! its progress, its redraws and its workers. Starting a new run abandons the old one
//! (events of an older run are ignored) and ends its workers; pause and resume reach every
//! worker (replicas of one training run: the first, which the others wait for); a failure
//! ends them and says why.

use leptos::prelude::*;

use crate::app::engine_protocol::Command;
use crate::web::browser::now_ms;
use crate::web::engine::client::{EngineWorker, end_later};

/// Redraw a job's charts at most every this many ms.
pub const REDRAW_MS: f64 = 250.0;

/// Where a job stands.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Status {
    #[default]
    Idle,
    /// Opening the device (WebGPU set-up is asynchronous).
    Starting,
    Running,
    Paused,
    /// The steps are over; the 10,000-message evaluation runs.
    Evaluating,
    Done,
    /// Stopped by an error; what it did so far is kept.
    Failed(String),
}

impl Status {
    /// Whether the job holds its workers (so its settings cannot change).
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Starting | Status::Running | Status::Paused | Status::Evaluating)
    }
}

/// Progress of a run of steps.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// Seconds spent stepping (pauses excluded).
    pub seconds: f64,
}

/// One job's status, run number, progress, redraws and engine workers.
#[derive(Clone, Copy)]
pub struct WorkerJob {
    pub status: RwSignal<Status>,
    /// The current run's number: a handler of an older run's worker does nothing.
    pub generation: RwSignal<u64>,
    pub progress: RwSignal<Progress>,
    /// Bumped when the job's charts should draw again (a few times a second at most).
    pub redraw: RwSignal<u64>,
    /// The current run's workers (dropping one ends it).
    workers: StoredValue<Vec<EngineWorker>, LocalStorage>,
    /// Whether the workers are replicas of one run that wait for each other at every
    /// exchange: pausing the first (the one that reports) then pauses them all, and it stops
    /// at the end of a slice, where it posts what it holds.
    replicas: StoredValue<bool>,
}

impl Default for WorkerJob {
    fn default() -> Self {
        Self::new()
    }
}

impl WorkerJob {
    /// An idle job.
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(Status::Idle),
            generation: RwSignal::new(0),
            progress: RwSignal::new(Progress::default()),
            redraw: RwSignal::new(0),
            workers: StoredValue::new_local(Vec::new()),
            replicas: StoredValue::new(false),
        }
    }

    /// Abandons the current run: a new run number, the workers ended, the job idle with no
    /// progress, its charts drawn again. Returns the new run's number.
    pub fn reset(&self) -> u64 {
        self.generation.update(|g| *g += 1);
        self.end_workers();
        self.status.set(Status::Idle);
        self.progress.set(Progress::default());
        self.redraw_now();
        self.generation.get_untracked()
    }

    /// Whether run `run` is still the current one.
    pub fn is_current(&self, run: u64) -> bool {
        self.generation.get_untracked() == run
    }

    /// Keeps `workers` as the current run's (each works on its own).
    pub fn hold(&self, workers: Vec<EngineWorker>) {
        self.workers.set_value(workers);
        self.replicas.set_value(false);
    }

    /// Keeps `workers` as the current run's: replicas of one run, the first reporting.
    pub fn hold_replicas(&self, workers: Vec<EngineWorker>) {
        self.workers.set_value(workers);
        self.replicas.set_value(true);
    }

    /// Runs `f` with the current run's workers.
    pub fn with_workers<T>(&self, f: impl FnOnce(&[EngineWorker]) -> T) -> T {
        self.workers.with_value(|w| f(w))
    }

    /// Sends `command` to every worker of the current run.
    pub fn send_all(&self, command: &Command) {
        self.with_workers(|workers| workers.iter().for_each(|w| w.send(command, None)));
    }

    /// Ends the current run's workers (deferred: this may run inside one of their handlers).
    pub fn end_workers(&self) {
        end_later(self.workers.try_update_value(std::mem::take));
    }

    /// Pauses a running job or resumes a paused one, in every worker (replicas: in the
    /// first, which the others wait for).
    pub fn toggle_pause(&self) {
        let (next, command) = match self.status.get_untracked() {
            Status::Running => (Status::Paused, Command::Pause),
            Status::Paused => (Status::Running, Command::Resume),
            _ => return,
        };
        if self.replicas.get_value() {
            self.with_workers(|workers| workers.iter().take(1).for_each(|w| w.send(&command, None)));
        } else {
            self.send_all(&command);
        }
        self.status.set(next);
    }

    /// Asks the job to end at its next slice and finish with what it has (replicas: the
    /// first, which the others follow; stopping another first would leave the first waiting
    /// at an exchange).
    pub fn stop_and_keep(&self) {
        if self.replicas.get_value() {
            self.with_workers(|workers| workers.iter().take(1).for_each(|w| w.send(&Command::Stop, None)));
        } else {
            self.send_all(&Command::Stop);
        }
    }

    /// Ends the workers and shows why the job stopped (what it did so far stays).
    pub fn fail(&self, message: String) {
        self.end_workers();
        self.redraw_now();
        self.status.set(Status::Failed(message));
    }

    /// Asks the job's charts to draw again now.
    pub fn redraw_now(&self) {
        self.redraw.update(|n| *n += 1);
    }

    /// Adds a slice's `done` steps (of the whole run) and `seconds` to the progress.
    pub fn advance(&self, done: usize, seconds: f64) {
        self.progress.update(|p| {
            p.done = done;
            p.seconds += seconds;
        });
    }
}

/// Redraws a job's charts at most every [`REDRAW_MS`] while events stream in (a worker's
/// handler keeps one).
pub struct Redraws {
    last: f64,
}

impl Default for Redraws {
    fn default() -> Self {
        Self { last: now_ms() }
    }
}

impl Redraws {
    /// Asks `job`'s charts to draw again if the last redraw is old enough; returns whether
    /// it did.
    pub fn tick(&mut self, job: &WorkerJob) -> bool {
        if now_ms() - self.last < REDRAW_MS {
            return false;
        }
        self.last = now_ms();
        job.redraw_now();
        true
    }
}
