//! A finished training run as the page keeps it in the tab (a few KB of JSON), so a reload
//! brings back the trained model, its settings, results and audits — not only the losses.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use crate::nn::attack::SuiteResult;
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::Evaluation;
use crate::nn::model::Networks;
use crate::nn::model_file::{self, ModelFileError, ModelHeader};

/// Everything a finished run left on the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptRun {
    /// The settings it trained with.
    pub config: TrainingConfig,
    /// The trained networks, as a model file in base64url.
    pub model: String,
    /// The evaluation on 10,000 fresh messages.
    pub evaluation: Evaluation,
    /// The attacker suite's results on this model, if it was attacked.
    #[serde(default)]
    pub suite: Option<SuiteResult>,
    /// The continued Eve's result, if that audit ran.
    #[serde(default)]
    pub continued: Option<Evaluation>,
    /// Iterations it trained, when it was stopped before its schedule's end.
    #[serde(default)]
    pub stopped_at: Option<usize>,
}

impl KeptRun {
    /// A finished run of `config` whose networks are `ciphers` (on a CPU device).
    pub fn new(config: TrainingConfig, ciphers: &Networks, evaluation: Evaluation) -> Self {
        let header = ModelHeader::trained(config.clone(), Some(evaluation.bob.correct_pct));
        let model = URL_SAFE_NO_PAD.encode(model_file::save(&header, ciphers));
        Self { config, model, evaluation, suite: None, continued: None, stopped_at: None }
    }

    /// The JSON kept in the tab.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a run serialises")
    }

    /// Reads back [`KeptRun::to_json`]'s text; `None` for anything else (an older page's
    /// format, a damaged entry).
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// The trained networks on `device`.
    pub fn networks(&self, device: &Device) -> Result<Networks, ModelFileError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(&self.model)
            .map_err(|_| ModelFileError::Truncated("its base64url text is damaged"))?;
        Ok(model_file::load(&bytes, device)?.ciphers)
    }
}
