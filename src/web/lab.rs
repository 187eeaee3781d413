//! The lab's shared state: the training form and run, the watched message, the earlier
//! runs, the finished run's store ([`TrainedRun`]) and the audits' states, each a small
//! `Copy` store of signals. Put in context once by the app; every component takes it with
//! [`Lab::get`].

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::app::form::{Field, Form};
use crate::nn::attack::{AttackRow, SuiteMember, SuiteResult};
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::Evaluation;
use crate::nn::metrics::{AuditLoss, IterationLosses};
use crate::web::backend::{BackendChoice, BackendInfo};
use crate::web::job::WorkerJob;
use crate::web::trained_run::TrainedRun;

/// What the form describes: a configuration, or each field's error.
pub type FormConfig = Result<TrainingConfig, BTreeMap<Field, String>>;

/// The learning objects, which are not `Send` and so live outside signals.
#[derive(Default)]
pub struct Engine {
    /// Why WebGPU failed in this page, if it did (Automatic then trains on the CPU).
    pub webgpu_lost: Option<String>,
}

/// A finished run of this visit, kept to compare: its curves are drawn faintly under the
/// next runs' (same recipe, another seed, another cipher).
#[derive(Clone, Debug, PartialEq)]
pub struct EarlierRun {
    /// The preset and seed ("seed16, seed 1").
    pub label: String,
    pub history: Vec<IterationLosses>,
    pub evaluation: Evaluation,
}

/// How many earlier runs are kept (the oldest goes first).
pub const EARLIER_RUNS: usize = 4;

/// One message followed bit by bit: the message and key as typed, and how the networks
/// read them (live while training, from the trained model after).
#[derive(Clone, Copy)]
pub struct WatchState {
    pub message: RwSignal<String>,
    pub key: RwSignal<String>,
    pub reading: RwSignal<Option<crate::nn::inference::OneReading>>,
}

/// The continued-Eve audit's state.
#[derive(Clone, Copy)]
pub struct ContinuedEveState {
    /// Its status, progress and engine worker.
    pub job: WorkerJob,
    pub steps: RwSignal<String>,
    pub history: RwSignal<Vec<AuditLoss>>,
}

impl ContinuedEveState {
    fn new() -> Self {
        Self {
            job: WorkerJob::new(),
            steps: RwSignal::new("5000".into()),
            history: RwSignal::new(Vec::new()),
        }
    }
}

/// The most steps an attacker of the page's suite trains by default (the command line's
/// `anc audit` allows 20,000: the page says so).
pub const PAGE_SUITE_STEPS: usize = 3000;

/// Which model the attacker suite attacks.
#[derive(Clone, Debug, PartialEq)]
pub enum SuiteTarget {
    /// The cipher trained in this page.
    Trained,
    /// The message form's model, by name (a shipped one, or a loaded file).
    Form(String),
    /// The one-time pad trained in this page ([`crate::web::pad_run::PadState`]).
    Pad,
}

/// The attacker suite's state: every attacker's held-out checks, progress and results.
#[derive(Clone, Copy)]
pub struct SuiteState {
    /// Its status, progress and engine workers.
    pub job: WorkerJob,
    /// The most steps per attacker, as typed.
    pub steps: RwSignal<String>,
    /// Every attacker's held-out checks, in the order they came.
    pub history: RwSignal<Vec<AttackRow>>,
    /// The members of the suite training now (two side by side where the browser has the
    /// cores).
    pub current: RwSignal<Vec<SuiteMember>>,
    /// Seconds left, from each worker's pace and the cost of what it has left.
    pub eta: RwSignal<Option<f64>>,
    /// The model attacked (none before a run).
    pub target: RwSignal<Option<SuiteTarget>>,
    pub result: RwSignal<Option<SuiteResult>>,
}

impl SuiteState {
    fn new() -> Self {
        Self {
            job: WorkerJob::new(),
            steps: RwSignal::new(PAGE_SUITE_STEPS.to_string()),
            history: RwSignal::new(Vec::new()),
            current: RwSignal::new(Vec::new()),
            eta: RwSignal::new(None),
            target: RwSignal::new(None),
            result: RwSignal::new(None),
        }
    }
}

/// Everything the components share. `Copy`: signals and a handle to the engine.
#[derive(Clone, Copy)]
pub struct Lab {
    pub choice: RwSignal<BackendChoice>,
    /// The backend of the current (or last) run, for the badge.
    pub backend: RwSignal<Option<BackendInfo>>,
    pub form: RwSignal<Form>,
    /// The form parsed once: its configuration, or every field's error.
    pub config: Memo<FormConfig>,
    /// The training run: its status, progress, redraws and engine workers (replica 0
    /// first).
    pub training: WorkerJob,
    /// What a starting run is doing, when it takes a while (timing the backends, WebGPU
    /// compiling its kernels).
    pub phase: RwSignal<Option<String>>,
    pub history: RwSignal<Vec<IterationLosses>>,
    /// Earlier finished runs of this visit, oldest first.
    pub earlier: RwSignal<Vec<EarlierRun>>,
    /// The one message followed bit by bit.
    pub watch: WatchState,
    /// Whether `history` was restored from an earlier page load.
    pub restored: RwSignal<bool>,
    /// Bits of the networks being trained (for the chart's chance line).
    pub bits: RwSignal<usize>,
    /// Bumped when the window is resized or rotated: every chart draws itself again.
    pub resized: RwSignal<u64>,
    /// The finished run: its settings, networks, evaluation and audits.
    pub run: TrainedRun,
    /// The attacker suite (the cipher's strength) and the continued-Eve audit.
    pub suite: SuiteState,
    pub continued: ContinuedEveState,
    pub engine: StoredValue<Engine, LocalStorage>,
}

impl Lab {
    /// A lab with the backend `choice` and the losses (and their bits) of an earlier run.
    pub fn new(choice: BackendChoice, (history, bits): (Vec<IterationLosses>, Option<usize>)) -> Self {
        let form = Form::new(crate::nn::config::Preset::Seed16);
        let form_signal = RwSignal::new(form.clone());
        Self {
            choice: RwSignal::new(choice),
            backend: RwSignal::new(None),
            bits: RwSignal::new(bits.unwrap_or(form.preset.config().cipher.bits)),
            config: Memo::new(move |_| form_signal.with(Form::config)),
            form: form_signal,
            training: WorkerJob::new(),
            phase: RwSignal::new(None),
            restored: RwSignal::new(!history.is_empty()),
            history: RwSignal::new(history),
            earlier: RwSignal::new(Vec::new()),
            watch: WatchState {
                message: RwSignal::new(String::new()),
                key: RwSignal::new(String::new()),
                reading: RwSignal::new(None),
            },
            resized: RwSignal::new(0),
            run: TrainedRun::new(),
            suite: SuiteState::new(),
            continued: ContinuedEveState::new(),
            engine: StoredValue::new_local(Engine::default()),
        }
    }

    /// The lab put in context by the app.
    ///
    /// # Panics
    /// Outside the app's component tree (a programming error, not a user's).
    pub fn get() -> Self {
        use_context::<Lab>().expect("components are used inside <App/>, which provides the Lab")
    }
}
