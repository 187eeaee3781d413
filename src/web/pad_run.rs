//! The other game in the page: a CryptoNet pad trained in an engine worker on the CPU
//! against the distinguishing Eve, its losses and weights streamed, then rounded and read.
//! A small store in context ([`PadState::get`]); the suite attacks the pad it holds.

use burn::prelude::Device;
use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::engine_protocol::{Command, Event};
use crate::nn::any_model::AnyModel;
use crate::nn::attack::SuiteResult;
use crate::nn::metrics::IterationLosses;
use crate::nn::pad::PadConfig;
use crate::nn::pad::trained::TrainedPad;
use crate::web::engine::client::EngineWorker;
use crate::web::job::{Progress, Redraws, Status, WorkerJob};

/// The pads the page offers: bits, and the iterations of an attempt, which trained in 32 s
/// (8 bits) and 58 s (16 bits) in headless Chromium on a 2-core machine before the checks
/// could end a run sooner (`node tests/e2e/pad_bench.js`; `docs/research.md`).
pub const PAD_CHOICES: [(usize, usize); 2] = [(8, 3_000), (16, 5_000)];

/// γ of the page's pads: twice the paper's 7, which on a short schedule turns 3 perfect 8-bit
/// pads of 10 seeds into 7 (`docs/research.md`).
pub const PAGE_GAMMA: f64 = 14.0;

/// Iterations between two exact checks of the page's pads: a run stops at the first check
/// that finds a perfect one-time pad (a check reads 10,000 messages through one linear
/// layer, a small cost beside 250 iterations).
pub const PAGE_CHECK_EVERY: usize = 250;

/// Attempts of the page's pads: a run that finds no perfect pad in its iterations starts
/// again from fresh weights, up to this many times in all.
pub const PAGE_ATTEMPTS: usize = 3;

/// The pad being trained or trained in this page.
#[derive(Clone, Copy)]
pub struct PadState {
    /// Its status, progress and engine worker.
    pub job: WorkerJob,
    /// Bits of the pad to train.
    pub bits: RwSignal<usize>,
    /// Iterations to train, as typed.
    pub iterations: RwSignal<String>,
    /// The seed, as typed.
    pub seed: RwSignal<String>,
    pub history: RwSignal<Vec<IterationLosses>>,
    /// Its weights as last posted (`[2N, N]`), for the heat map.
    pub weights: RwSignal<Option<Vec<f32>>>,
    /// The pad rounded and read, once trained.
    pub trained: RwSignal<Option<TrainedPad>>,
    /// The attacker suite's record on it (of the attacks on it here and in the message form).
    pub suite: RwSignal<Option<SuiteResult>>,
}

impl PadState {
    /// No pad yet: 8 bits, the iterations of an attempt that fit a minute, seed 1.
    pub fn new() -> Self {
        let (bits, iterations) = PAD_CHOICES[0];
        Self {
            job: WorkerJob::new(),
            bits: RwSignal::new(bits),
            iterations: RwSignal::new(iterations.to_string()),
            seed: RwSignal::new("1".into()),
            history: RwSignal::new(Vec::new()),
            weights: RwSignal::new(None),
            trained: RwSignal::new(None),
            suite: RwSignal::new(None),
        }
    }

    /// The store put in context by the app.
    ///
    /// # Panics
    /// Outside the app's component tree (a programming error, not a user's).
    pub fn get() -> Self {
        use_context::<PadState>().expect("components are used inside <App/>, which provides the PadState")
    }

    /// The settings as typed, or why they cannot train.
    pub fn config(&self) -> Result<PadConfig, String> {
        let number = |name: &str, text: String| {
            text.trim().parse::<u64>().map_err(|_| format!("{name} must be a whole number"))
        };
        let iterations = number("iterations", self.iterations.get())?;
        let seed = number("the seed", self.seed.get())?;
        let config = PadConfig::new()
            .with_bits(self.bits.get())
            .with_iterations(usize::try_from(iterations).map_err(|_| "too many iterations".to_string())?)
            .with_seed(seed)
            .with_gamma(PAGE_GAMMA)
            .with_check_every(Some(PAGE_CHECK_EVERY))
            .with_attempts(Some(PAGE_ATTEMPTS));
        config.validate().map(|()| config)
    }

    /// Starts training a pad of the typed settings (a new run: the last pad is forgotten).
    pub fn start(&self) {
        let Ok(config) = self.config() else { return };
        let mine = self.job.reset();
        self.history.set(Vec::new());
        self.weights.set(None);
        self.trained.set(None);
        self.suite.set(None);
        match EngineWorker::spawn(BackendKind::Cpu, self.handler(mine)) {
            Ok(worker) => {
                worker.send(&Command::TrainPad { config: config.clone() }, None);
                self.job.hold(vec![worker]);
            }
            Err(e) => return self.job.fail(format!("the engine could not start ({e})")),
        }
        self.job.progress.set(Progress {
            done: 0,
            total: config.iterations * config.attempts(),
            seconds: 0.0,
        });
        self.job.status.set(Status::Running);
    }

    /// Records an attacker-suite audit of the trained pad, merged with those before.
    pub fn record_suite(&self, result: &SuiteResult) {
        self.suite.update(|s| *s = Some(result.merged_with(s.as_ref())));
    }

    /// The trained pad as a model file with its audits, if one is trained.
    pub fn model(&self) -> Option<AnyModel> {
        let bytes = self.trained.with_untracked(|t| t.as_ref().map(|t| t.model.clone()))?;
        let mut model = AnyModel::load(&bytes, &Device::flex()).ok()?;
        if let Some(suite) = self.suite.get_untracked() {
            model.record_suite(&suite);
        }
        Some(model)
    }

    /// The handler of run `mine`'s worker.
    fn handler(&self, mine: u64) -> impl FnMut(Event) + 'static {
        let state = *self;
        let mut redraws = Redraws::default();
        move |event| {
            if !state.job.is_current(mine) {
                return;
            }
            match event {
                Event::PadRows { rows, weights, done, seconds } => {
                    state.history.update(|h| h.extend(rows));
                    state.weights.set(Some(weights));
                    state.job.advance(done, seconds);
                    redraws.tick(&state.job);
                }
                Event::Evaluating => state.job.status.set(Status::Evaluating),
                Event::PadTrained { pad } => {
                    state.weights.set(Some(pad.weights.clone()));
                    state.trained.set(Some(pad));
                    state.job.end_workers();
                    state.job.redraw_now();
                    state.job.status.set(Status::Done);
                }
                Event::Failed { message } => state.job.fail(message),
                _ => {}
            }
        }
    }
}

impl Default for PadState {
    fn default() -> Self {
        Self::new()
    }
}
