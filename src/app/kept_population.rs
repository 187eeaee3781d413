//! A population run ("train 8 ciphers at once") as the page keeps it in the tab once it has
//! ended, so a reload brings back every cipher's curves, results, screening and model.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::app::population_results::TrainedMember;
use crate::nn::attack::SuiteResult;
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::Evaluation;
use crate::nn::metrics::IterationLosses;

/// The most loss rows kept per member (a small chart draws no more).
pub const KEPT_ROWS: usize = 600;

/// One trained member, its model file in base64url.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptMember {
    pub seed: u64,
    pub model: String,
    pub evaluation: Evaluation,
}

/// Everything an ended population left on the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptPopulation {
    pub config: TrainingConfig,
    pub seeds: Vec<u64>,
    /// Each member's losses, thinned to at most [`KEPT_ROWS`] (the last one kept).
    pub histories: Vec<Vec<IterationLosses>>,
    pub members: Vec<Option<KeptMember>>,
    pub screenings: Vec<Option<SuiteResult>>,
    /// Why it stopped before the end, if it did.
    pub stopped: Option<String>,
    /// Seconds of training and of screening.
    pub train_seconds: f64,
    pub screen_seconds: f64,
}

/// `rows` with at most [`KEPT_ROWS`] of them: every n-th, and the last.
pub fn thinned(rows: &[IterationLosses]) -> Vec<IterationLosses> {
    if rows.len() <= KEPT_ROWS {
        return rows.to_vec();
    }
    let stride = rows.len().div_ceil(KEPT_ROWS - 1);
    let mut kept: Vec<_> = rows.iter().step_by(stride).copied().collect();
    if kept.last() != rows.last() {
        kept.extend(rows.last());
    }
    kept
}

impl KeptMember {
    pub fn of(member: &TrainedMember) -> Self {
        Self {
            seed: member.seed,
            model: URL_SAFE_NO_PAD.encode(&member.model),
            evaluation: member.evaluation.clone(),
        }
    }

    /// The member as the page holds it; `None` if its model text is damaged.
    pub fn trained(&self) -> Option<TrainedMember> {
        let model = URL_SAFE_NO_PAD.decode(&self.model).ok()?;
        Some(TrainedMember { seed: self.seed, model, evaluation: self.evaluation.clone() })
    }
}

impl KeptPopulation {
    /// The JSON kept in the tab.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a population serialises")
    }

    /// Reads back [`KeptPopulation::to_json`]'s text; `None` for anything else, or for a
    /// population whose parts do not match its seeds.
    pub fn from_json(text: &str) -> Option<Self> {
        let kept: Self = serde_json::from_str(text).ok()?;
        let k = kept.seeds.len();
        let whole = kept.histories.len() == k && kept.members.len() == k && kept.screenings.len() == k;
        whole.then_some(kept)
    }
}
