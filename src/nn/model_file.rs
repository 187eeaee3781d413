//! Model files: the three networks and their configuration as one byte buffer (no
//! filesystem needed, so the browser can save and load them too), and a JSON export of the
//! weights for other tools.
//!
//! Buffer layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `ANCMODEL` |
//! | 4 | format version (1) |
//! | 4 | length J of the JSON header |
//! | J | JSON: [`ModelHeader`] (the training config and what is known of the model) |
//! | 8 | length W of the weights |
//! | W | burn's own record of [`Networks`] (burnpack) |
//! | 4 | CRC-32 of every byte before it |

use burn::module::Module;
use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};

use crate::nn::attack::{AttackResult, SuiteResult};
use crate::nn::config::TrainingConfig;
use crate::nn::model::{Network, Networks};

mod retired;
pub use retired::IGNORED as RETIRED_SETTINGS;

const MAGIC: &[u8; 8] = b"ANCMODEL";
const VERSION: u32 = 1;

/// What is known of a saved model besides its weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelHeader {
    /// The configuration it was trained with.
    pub config: TrainingConfig,
    /// Iterations it was trained for.
    pub iterations_trained: usize,
    /// Bob's % of messages right on the last evaluation, if one was made.
    #[serde(default)]
    pub bob_correct_pct: Option<f64>,
    /// A fresh Eve's bits wrong after the last audit, if one was made.
    #[serde(default)]
    pub fresh_eve_bit_errors: Option<f64>,
    /// The steps of that audit.
    #[serde(default)]
    pub audit_steps: Option<usize>,
    /// That fresh Eve's error rate per bit position (0..1), if recorded.
    #[serde(default)]
    pub fresh_eve_bit_error_rates: Option<Vec<f64>>,
    /// Every attacker of the last attacker-suite audit, if one was made (older files have
    /// only the fields above, from an audit by one Eve of Eve's own shape).
    #[serde(default)]
    pub attack_suite: Option<SuiteResult>,
}

impl ModelHeader {
    /// The header of a model trained to the end of `config`'s schedule, with Bob's % on
    /// its evaluation if one was made, and no audit yet.
    pub fn trained(config: TrainingConfig, bob_correct_pct: Option<f64>) -> Self {
        let iterations_trained = config.total_iterations();
        Self {
            config,
            iterations_trained,
            bob_correct_pct,
            fresh_eve_bit_errors: None,
            audit_steps: None,
            fresh_eve_bit_error_rates: None,
            attack_suite: None,
        }
    }

    /// Records an attacker-suite audit, merged with the one recorded before
    /// ([`SuiteResult::merged_with`]: what an earlier audit read stays read): every attacker,
    /// and the best one's figures as the model's fresh-attacker figures (with the steps that
    /// attacker trained).
    pub fn record_suite(&mut self, suite: &SuiteResult) {
        let suite = suite.merged_with(self.attack_suite.as_ref());
        let best = suite.best();
        self.fresh_eve_bit_errors = Some(best.score.bit_errors);
        self.audit_steps = Some(best.steps);
        self.fresh_eve_bit_error_rates = Some(best.score.bit_error_rates.clone());
        self.attack_suite = Some(suite);
    }

    /// The attacker whose figures the header records, if the suite recorded them.
    pub fn best_attacker(&self) -> Option<&AttackResult> {
        self.attack_suite.as_ref().map(SuiteResult::best)
    }
}

/// A model: header plus networks.
#[derive(Debug)]
pub struct SavedModel {
    /// Configuration and known figures.
    pub header: ModelHeader,
    /// Alice, Bob and Eve.
    pub ciphers: Networks,
}

/// Why a model buffer could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelFileError {
    /// Not a model file at all.
    #[error("not an ANC model file (the first bytes are not 'ANCMODEL')")]
    NotAModel,
    /// Written by a newer version of the format.
    #[error("model file format version {0} is not supported (this build reads version {VERSION})")]
    UnsupportedVersion(u32),
    /// Shorter than its own lengths say.
    #[error("model file is truncated: {0}")]
    Truncated(&'static str),
    /// The checksum does not match: bytes were changed or lost.
    #[error("model file is corrupt (checksum mismatch)")]
    Corrupt,
    /// The JSON header could not be read or holds impossible values.
    #[error("model file header is invalid: {0}")]
    BadHeader(String),
    /// The weights do not fit the networks the header describes.
    #[error("model weights do not match the networks of its configuration: {0}")]
    BadWeights(String),
    /// The model is not of the kind the caller needs.
    #[error("model is a {found} model, but {expected} is needed")]
    WrongPreset {
        /// What the caller needs.
        expected: String,
        /// What the file holds.
        found: String,
    },
}

/// Writes a model to bytes.
pub fn save(header: &ModelHeader, ciphers: &Networks) -> Vec<u8> {
    let json = serde_json::to_vec(header).expect("a header always serialises");
    let weights = ciphers.clone().into_record().into_bytes().expect("an in-memory record always serialises");
    pack(&json, &weights)
}

/// The container around any model's JSON header and burnpack weights (the layout above).
pub(crate) fn pack(json: &[u8], weights: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + json.len() + weights.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(json);
    out.extend_from_slice(&(weights.len() as u64).to_le_bytes());
    out.extend_from_slice(weights);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Splits `n` bytes off the front of `rest`.
fn take<'a>(rest: &mut &'a [u8], n: usize, what: &'static str) -> Result<&'a [u8], ModelFileError> {
    if rest.len() < n {
        return Err(ModelFileError::Truncated(what));
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn le_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().expect("4 bytes"))
}

/// The JSON header and the weights' record of a model buffer, checked. Never panics.
pub(crate) fn unpack(bytes: &[u8]) -> Result<(serde_json::Value, ModuleRecord), ModelFileError> {
    let mut rest = bytes;
    if take(&mut rest, 8, "no magic").map_err(|_| ModelFileError::NotAModel)? != MAGIC {
        return Err(ModelFileError::NotAModel);
    }
    let version = le_u32(take(&mut rest, 4, "no version")?);
    if version != VERSION {
        return Err(ModelFileError::UnsupportedVersion(version));
    }
    let json_len = le_u32(take(&mut rest, 4, "no header length")?) as usize;
    let json = take(&mut rest, json_len, "header cut short")?;
    let weights_len =
        u64::from_le_bytes(take(&mut rest, 8, "no weights length")?.try_into().expect("8 bytes"));
    let weights_len =
        usize::try_from(weights_len).map_err(|_| ModelFileError::Truncated("weights cut short"))?;
    let weights = take(&mut rest, weights_len, "weights cut short")?;
    let crc = le_u32(take(&mut rest, 4, "no checksum")?);
    if !rest.is_empty() {
        return Err(ModelFileError::Corrupt);
    }
    if crc32fast::hash(&bytes[..bytes.len() - 4]) != crc {
        return Err(ModelFileError::Corrupt);
    }
    let header: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| ModelFileError::BadHeader(e.to_string()))?;
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(weights.to_vec()))
        .map_err(|e| ModelFileError::BadWeights(e.to_string()))?;
    Ok((header, record))
}

/// The key a pad's header has and the write-up's networks' header lacks.
pub(crate) const PAD_KEY: &str = "pad";

/// Reads a model of the write-up's networks from bytes onto `device`. Never panics on bad
/// input; a pad's file is refused by name.
pub fn load(bytes: &[u8], device: &Device) -> Result<SavedModel, ModelFileError> {
    let (header, record) = unpack(bytes)?;
    if header.get(PAD_KEY).is_some() {
        return Err(ModelFileError::WrongPreset {
            expected: "the write-up's networks".into(),
            found: "CryptoNet pad".into(),
        });
    }
    if let Some(why) = header.get("config").and_then(retired::shape_refusal) {
        return Err(ModelFileError::BadHeader(why));
    }
    // Retired settings that shaped only the training are unknown fields here: ignored.
    let header: ModelHeader =
        serde_json::from_value(header).map_err(|e| ModelFileError::BadHeader(e.to_string()))?;
    header.config.validate().map_err(|e| ModelFileError::BadHeader(e.to_string()))?;
    let ciphers = header
        .config
        .cipher
        .init(0, device)
        .try_load_record(record)
        .map_err(|e| ModelFileError::BadWeights(e.to_string()))?;
    Ok(SavedModel { header, ciphers })
}

/// One parameter tensor in the JSON export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportedTensor {
    /// Its name, e.g. `alice.dense.0.weight`.
    pub name: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Its values in row-major order.
    pub values: Vec<f32>,
}

/// The weights of a model in plain JSON (`H`: its header, [`ModelHeader`] for the
/// write-up's networks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightsExport<H = ModelHeader> {
    /// `"anc-weights/1"`.
    pub format: String,
    /// How to read the tensors.
    pub layout: String,
    /// The model's header (configuration and figures).
    pub header: H,
    /// Every parameter (Alice, Bob and Eve; a pad's one `W`).
    pub tensors: Vec<ExportedTensor>,
}

/// The layout note written into every export.
pub const EXPORT_LAYOUT: &str = "Dense layers: weight [in, out] (y = x·W + b), bias [out]. \
Conv1d layers: weight [out_channels, in_channels, kernel], bias [out_channels]; conv1 pads 1 \
left and 2 right (Keras 'same'), conv2 has stride 2, conv3/conv4 kernel 1. Activations: tanh \
after every layer but the last, which is a sigmoid (Alice: 'ciphertext' in the config). \
Alice and Bob take concat(P or C, K); Eve takes C. Values are row-major.";

pub(crate) fn export_tensor<const D: usize>(name: String, tensor: Tensor<D>) -> ExportedTensor {
    let shape = tensor.dims().to_vec();
    let values = tensor.into_data().try_into_vec::<f32>().expect("f32 weights");
    ExportedTensor { name, shape, values }
}

fn export_network(role: &str, net: &Network, out: &mut Vec<ExportedTensor>) {
    let mut dense = |name: String, layer: &burn::nn::Linear| {
        out.push(export_tensor(format!("{name}.weight"), layer.weight.val()));
        if let Some(b) = &layer.bias {
            out.push(export_tensor(format!("{name}.bias"), b.val()));
        }
    };
    for (i, layer) in net.dense.iter().enumerate() {
        dense(format!("{role}.dense.{i}"), layer);
    }
    if let Some(head) = &net.head {
        dense(format!("{role}.head"), head);
    }
    for (i, conv) in [&net.conv1, &net.conv2, &net.conv3, &net.conv4].into_iter().enumerate() {
        out.push(export_tensor(format!("{role}.conv{}.weight", i + 1), conv.weight.val()));
        if let Some(b) = &conv.bias {
            out.push(export_tensor(format!("{role}.conv{}.bias", i + 1), b.val()));
        }
    }
}

/// The weights of `ciphers` as a [`WeightsExport`].
pub fn export_weights(header: &ModelHeader, ciphers: &Networks) -> WeightsExport {
    let mut tensors = Vec::new();
    export_network("alice", &ciphers.alice, &mut tensors);
    export_network("bob", &ciphers.bob, &mut tensors);
    export_network("eve", &ciphers.eve, &mut tensors);
    WeightsExport {
        format: "anc-weights/1".into(),
        layout: EXPORT_LAYOUT.into(),
        header: header.clone(),
        tensors,
    }
}
