//! "Train 8 ciphers at once" in the page: the form's settings with 8 seeds trained as one
//! population on the CPU engine workers (half the members each where the browser has two
//! cores; they share nothing), every member evaluated, each usable member screened by the
//! attacker suite with a short budget, and the strongest offered to the message form.

use std::cell::RefCell;
use std::rc::Rc;

use burn::prelude::Device;
use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::engine_protocol::Command;
use crate::app::kept_population::{KeptMember, KeptPopulation, thinned};
use crate::app::population_results::{
    Outcome, PAGE_POPULATION, SCREEN_STEPS, TrainedMember, lanes, seeds_from, strongest,
};
use crate::nn::any_model::AnyModel;
use crate::nn::attack::SuiteResult;
use crate::nn::config::TrainingConfig;
use crate::nn::metrics::IterationLosses;
use crate::nn::model_file;
use crate::nn::population;
use crate::web::browser::side_by_side_workers;
use crate::web::engine::client::EngineWorker;
use crate::web::job::{Progress, Status, WorkerJob};
use crate::web::lab::Lab;
use crate::web::message_form::MessageForm;
use crate::web::tab_storage::{keep_population, kept_population};

mod events;
use events::{Lane, Lanes};

/// What a population run is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Training,
    /// The attackers screen the members Bob reads (a worker starts once its members are
    /// trained).
    Screening,
}

/// The population run's state: the members' losses, trained networks and screenings.
#[derive(Clone, Copy)]
pub struct PopulationState {
    /// Its status, member-iterations trained (of all), redraws and engine workers.
    pub job: WorkerJob,
    /// The settings trained (the form's, each member with its own seed).
    pub config: RwSignal<Option<TrainingConfig>>,
    pub seeds: RwSignal<Vec<u64>>,
    /// Each member's losses, in seed order (the charts read them on `redraw`).
    pub histories: RwSignal<Vec<Vec<IterationLosses>>>,
    /// Each member's trained networks and evaluation, once its worker is done.
    pub trained: RwSignal<Vec<Option<TrainedMember>>>,
    /// Each member's screening by the attacker suite (none for a member Bob cannot read).
    pub screenings: RwSignal<Vec<Option<SuiteResult>>>,
    /// The members being attacked now.
    pub attacking: RwSignal<Vec<usize>>,
    /// Attacker steps of the screening, of at most all.
    pub screen_progress: RwSignal<Progress>,
    /// The most steps per attacker in the screening, as typed.
    pub screen_steps: RwSignal<String>,
    /// Whether what is shown was kept by an earlier load of the page.
    pub restored: RwSignal<bool>,
}

impl PopulationState {
    pub fn new() -> Self {
        Self {
            job: WorkerJob::new(),
            config: RwSignal::new(None),
            seeds: RwSignal::new(Vec::new()),
            histories: RwSignal::new(Vec::new()),
            trained: RwSignal::new(Vec::new()),
            screenings: RwSignal::new(Vec::new()),
            attacking: RwSignal::new(Vec::new()),
            screen_progress: RwSignal::new(Progress::default()),
            screen_steps: RwSignal::new(SCREEN_STEPS.to_string()),
            restored: RwSignal::new(false),
        }
    }

    /// The screening's most steps per attacker, if the field holds a whole number in range.
    pub fn steps(&self) -> Option<usize> {
        self.screen_steps.with(|s| s.trim().parse::<usize>().ok().filter(|n| (1..=100_000).contains(n)))
    }

    /// Why the form's settings cannot start a population now, if they cannot.
    pub fn cannot_start(&self, lab: Lab) -> Option<String> {
        if self.job.status.get().is_active() {
            return Some("A population is training.".into());
        }
        if lab.training.status.get().is_active() {
            return Some("A training run holds the engine: wait for it to end, or reset it.".into());
        }
        if self.steps().is_none() {
            return Some("Most steps per attacker: a whole number from 1 to 100,000.".into());
        }
        match lab.config.get() {
            Err(_) => Some("Fix the training settings above first.".into()),
            Ok(config) => population::check(&config)
                .err()
                .map(|e| format!("These settings cannot train as a population: {e}.")),
        }
    }

    /// Each member's outcome as far as it got (none before it is trained).
    pub fn outcomes(&self) -> Vec<Option<Outcome>> {
        let screenings = self.screenings.get();
        self.trained.with(|t| {
            t.iter()
                .zip(screenings)
                .map(|(m, screening)| {
                    m.as_ref().map(|m| Outcome { evaluation: m.evaluation.clone(), screening })
                })
                .collect()
        })
    }

    /// Training until the first member is trained, then screening.
    pub fn step(&self) -> Step {
        if self.trained.with(|t| t.iter().any(Option::is_some)) { Step::Screening } else { Step::Training }
    }

    /// The strongest usable member so far ([`strongest`]).
    pub fn strongest(&self) -> Option<usize> {
        strongest(&self.outcomes())
    }

    /// Starts the form's settings as a population of [`PAGE_POPULATION`] seeds from the
    /// form's seed (does nothing if [`Self::cannot_start`] says why not).
    pub fn start(self, lab: Lab) {
        let (Ok(config), Some(steps)) = (lab.config.get_untracked(), self.steps()) else { return };
        if self.cannot_start(lab).is_some() {
            return;
        }
        self.forget();
        let mine = self.job.generation.get_untracked();
        let seeds = seeds_from(config.seed, PAGE_POPULATION);
        let count = side_by_side_workers();
        let parts = lanes(seeds.len(), count);
        let table: Lanes = Rc::new(RefCell::new(parts.iter().cloned().map(Lane::of).collect()));
        let mut workers = Vec::new();
        for (index, members) in parts.into_iter().enumerate() {
            match EngineWorker::spawn(BackendKind::Cpu, self.handler(mine, index, steps, table.clone())) {
                Ok(worker) => {
                    let command =
                        Command::TrainPopulation { config: config.clone(), seeds: seeds[members].to_vec() };
                    worker.send(&command, None);
                    workers.push(worker);
                }
                Err(e) => return self.job.fail(format!("the engine could not start ({e})")),
            }
        }
        self.job.hold(workers);
        let k = seeds.len();
        self.histories.set(vec![Vec::new(); k]);
        self.trained.set(vec![None; k]);
        self.screenings.set(vec![None; k]);
        self.job.progress.set(Progress { done: 0, total: k * config.total_iterations(), seconds: 0.0 });
        self.screen_progress.set(Progress::default());
        self.seeds.set(seeds);
        self.config.set(Some(config));
        self.job.redraw_now();
        self.job.status.set(Status::Running);
    }

    /// Forgets the population (its workers end).
    pub fn forget(self) {
        self.job.reset();
        keep_population(None);
        self.restored.set(false);
        self.config.set(None);
        self.seeds.set(Vec::new());
        self.histories.set(Vec::new());
        self.trained.set(Vec::new());
        self.screenings.set(Vec::new());
        self.attacking.set(Vec::new());
        self.screen_progress.set(Progress::default());
    }

    /// Stops the population where it is: what is trained and screened stays on the page.
    pub fn stop(self) {
        if self.job.status.get_untracked().is_active() {
            self.fail("you stopped it".into());
        }
    }

    /// What a member without an outcome is doing: training, or nothing any more (the run
    /// was stopped or failed before it finished).
    pub fn unfinished(self) -> &'static str {
        if self.job.status.get().is_active() { "training…" } else { "stopped before it finished training" }
    }

    /// Hands member `k` to the message form, with its screening recorded as its strength.
    pub fn use_member(self, k: usize, text: MessageForm) -> Result<(), String> {
        let member = self.trained.with_untracked(|t| t.get(k).cloned().flatten()).ok_or("not trained yet")?;
        let mut saved = model_file::load(&member.model, &Device::flex()).map_err(|e| e.to_string())?;
        if let Some(screening) = self.screenings.with_untracked(|s| s.get(k).cloned().flatten()) {
            saved.header.record_suite(&screening);
        }
        let count = self.seeds.with_untracked(Vec::len);
        text.adopt(
            AnyModel::Networks(saved),
            &format!("seed {}, one of {count} ciphers trained at once in this page", member.seed),
        );
        Ok(())
    }

    fn fail(self, message: String) {
        self.attacking.set(Vec::new());
        self.keep(Some(message.clone()));
        self.job.fail(message);
    }

    /// Keeps the ended population in the tab (`stopped`: why it ended early, if it did).
    fn keep(self, stopped: Option<String>) {
        let Some(config) = self.config.get_untracked() else { return };
        let kept = KeptPopulation {
            config,
            seeds: self.seeds.get_untracked(),
            histories: self.histories.with_untracked(|h| h.iter().map(|rows| thinned(rows)).collect()),
            members: self
                .trained
                .with_untracked(|t| t.iter().map(|m| m.as_ref().map(KeptMember::of)).collect()),
            screenings: self.screenings.get_untracked(),
            stopped,
            train_seconds: self.job.progress.get_untracked().seconds,
            screen_seconds: self.screen_progress.get_untracked().seconds,
        };
        keep_population(Some(&kept));
    }

    /// Brings back the population an earlier load of the page kept, if any.
    pub fn restore(self) {
        let Some(kept) = kept_population() else { return };
        let total = kept.config.total_iterations();
        let trained: Vec<Option<TrainedMember>> =
            kept.members.iter().map(|m| m.as_ref().and_then(KeptMember::trained)).collect();
        let done = kept.histories.iter().map(|h| h.last().map_or(0, |l| l.iteration)).sum();
        self.job.progress.set(Progress {
            done,
            total: kept.seeds.len() * total,
            seconds: kept.train_seconds,
        });
        self.screen_progress.set(Progress { done: 0, total: 0, seconds: kept.screen_seconds });
        self.histories.set(kept.histories);
        self.trained.set(trained);
        self.screenings.set(kept.screenings);
        self.seeds.set(kept.seeds);
        self.config.set(Some(kept.config));
        self.restored.set(true);
        self.job.redraw_now();
        self.job.status.set(kept.stopped.map_or(Status::Done, Status::Failed));
    }
}

impl Default for PopulationState {
    fn default() -> Self {
        Self::new()
    }
}

impl PopulationState {
    /// The population put in context by the app.
    ///
    /// # Panics
    /// Outside the app's component tree (a programming error, not a user's).
    pub fn get() -> Self {
        use_context::<PopulationState>()
            .expect("components are used inside <App/>, which provides the population")
    }
}
