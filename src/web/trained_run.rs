//! The finished training run of the page, in one store: the live form of [`KeptRun`]. Its
//! settings, evaluation and audits are signals the components read; its networks stay on
//! the page's CPU device for the audits, the message form and the watched message. Every
//! change is kept in the tab, so a reload brings the run back whole.

use burn::prelude::*;
use leptos::prelude::*;

use crate::app::kept_run::KeptRun;
use crate::nn::attack::SuiteResult;
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::Evaluation;
use crate::nn::model::Networks;
use crate::nn::model_file::{self, ModelHeader};
use crate::web::tab_storage::{keep_run, kept_run, update_kept_run};

/// The trained networks and the device they live on.
struct OnDevice {
    device: Device,
    networks: Networks,
}

/// The finished run (none before a run ends, or after a reset).
#[derive(Clone, Copy)]
pub struct TrainedRun {
    /// The settings the networks trained with.
    pub config: RwSignal<Option<TrainingConfig>>,
    /// Their evaluation on 10,000 fresh messages.
    pub evaluation: RwSignal<Option<Evaluation>>,
    /// The attacker suite's result on them, if the suite attacked them.
    pub suite: RwSignal<Option<SuiteResult>>,
    /// The continued Eve's result on them, if that audit ran.
    pub continued: RwSignal<Option<Evaluation>>,
    /// Whether the run was brought back from an earlier load of the page.
    pub restored: RwSignal<bool>,
    /// Iterations it trained, when it was stopped before its schedule's end ("Stop and
    /// keep").
    pub stopped_at: RwSignal<Option<usize>>,
    networks: StoredValue<Option<OnDevice>, LocalStorage>,
}

impl Default for TrainedRun {
    fn default() -> Self {
        Self::new()
    }
}

impl TrainedRun {
    /// No run yet.
    pub fn new() -> Self {
        Self {
            config: RwSignal::new(None),
            evaluation: RwSignal::new(None),
            suite: RwSignal::new(None),
            continued: RwSignal::new(None),
            restored: RwSignal::new(false),
            stopped_at: RwSignal::new(None),
            networks: StoredValue::new_local(None),
        }
    }

    /// The run put in context by the app.
    ///
    /// # Panics
    /// Outside the app's component tree (a programming error, not a user's).
    pub fn get() -> Self {
        use_context::<TrainedRun>()
            .expect("components are used inside <App/>, which provides the trained run")
    }

    /// Keeps a finished run: `networks` on the CPU `device`, trained with `config` for
    /// `iterations` (fewer than its schedule's when it was stopped early).
    pub fn finish(
        &self,
        config: TrainingConfig,
        iterations: usize,
        networks: Networks,
        device: Device,
        evaluation: Evaluation,
    ) {
        let stopped_at = (iterations < config.total_iterations()).then_some(iterations);
        let mut kept = KeptRun::new(config.clone(), &networks, evaluation.clone());
        kept.stopped_at = stopped_at;
        keep_run(Some(&kept));
        self.stopped_at.set(stopped_at);
        self.networks.set_value(Some(OnDevice { device, networks }));
        self.suite.set(None);
        self.continued.set(None);
        self.restored.set(false);
        self.evaluation.set(Some(evaluation));
        self.config.set(Some(config));
    }

    /// Forgets the run (a new run starts, or a reset), in the tab too.
    pub fn forget(&self) {
        keep_run(None);
        self.networks.set_value(None);
        self.suite.set(None);
        self.continued.set(None);
        self.restored.set(false);
        self.stopped_at.set(None);
        self.evaluation.set(None);
        self.config.set(None);
    }

    /// Brings back the run an earlier load of the page kept in the tab, if it reads.
    pub fn restore(&self) -> Option<KeptRun> {
        let run = kept_run()?;
        let device = Device::flex().autodiff();
        let Ok(networks) = run.networks(&device) else {
            keep_run(None);
            return None;
        };
        self.networks.set_value(Some(OnDevice { device, networks }));
        self.suite.set(run.suite.clone());
        self.continued.set(run.continued.clone());
        self.evaluation.set(Some(run.evaluation.clone()));
        self.config.set(Some(run.config.clone()));
        self.stopped_at.set(run.stopped_at);
        self.restored.set(true);
        Some(run)
    }

    /// Records the attacker suite's result on this run, merged with what an earlier suite on
    /// it read ([`SuiteResult::merged_with`]).
    pub fn record_suite(&self, result: SuiteResult) {
        let merged = self.suite.with_untracked(|before| result.merged_with(before.as_ref()));
        update_kept_run(|run| run.suite = Some(merged.clone()));
        self.suite.set(Some(merged));
    }

    /// Records the continued Eve's result on this run.
    pub fn record_continued(&self, evaluation: Evaluation) {
        update_kept_run(|run| run.continued = Some(evaluation.clone()));
        self.continued.set(Some(evaluation));
    }

    /// The run as a model file, its suite recorded if it was attacked (what the audits'
    /// engine workers and the message form load).
    pub fn model_file(&self) -> Option<Vec<u8>> {
        let header = self.header()?;
        self.with_networks(|networks, _| model_file::save(&header, networks))
    }

    /// What a model file of this run says of it: its settings, Bob's figure and the suite's.
    pub fn header(&self) -> Option<ModelHeader> {
        let config = self.config.get_untracked()?;
        let bob = self.evaluation.get_untracked().map(|e| e.bob.correct_pct);
        let mut header = ModelHeader::trained(config, bob);
        if let Some(stopped_at) = self.stopped_at.get_untracked() {
            header.iterations_trained = stopped_at;
        }
        if let Some(suite) = self.suite.get_untracked() {
            header.record_suite(&suite);
        }
        Some(header)
    }

    /// Runs `f` with the trained networks and their device, if there are any.
    pub fn with_networks<T>(&self, f: impl FnOnce(&Networks, &Device) -> T) -> Option<T> {
        self.networks.with_value(|n| n.as_ref().map(|n| f(&n.networks, &n.device)))
    }
}
