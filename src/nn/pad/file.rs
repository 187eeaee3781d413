//! A pad's model file: the same container as the write-up's networks' (magic, version,
//! JSON header, burnpack weights, CRC-32; `model_file`), with a header that names the pad
//! and the one weight matrix `W` as its weights. Either loader refuses the other's file by
//! name.

use burn::module::Module;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::{PadConfig, PadNet};
use crate::nn::attack::SuiteResult;
use crate::nn::model_file::{
    ExportedTensor, ModelFileError, PAD_KEY, WeightsExport, export_tensor, pack, unpack,
};

/// What is known of a saved pad besides its weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PadHeader {
    /// How it trained.
    pub pad: PadConfig,
    /// Iterations it trained for.
    pub iterations_trained: usize,
    /// Bob's % of fresh messages read whole with the weights as saved (rounded).
    #[serde(default)]
    pub bob_correct_pct: Option<f64>,
    /// The last attacker-suite audit, if one was made.
    #[serde(default)]
    pub attack_suite: Option<SuiteResult>,
}

/// A pad: header plus network.
#[derive(Debug)]
pub struct SavedPad {
    pub header: PadHeader,
    pub net: PadNet,
}

/// Writes a pad to bytes.
pub fn save(header: &PadHeader, net: &PadNet) -> Vec<u8> {
    let mut json = serde_json::to_value(header).expect("a header always serialises");
    // The key that tells a pad's file from the networks' is the config's own field name.
    debug_assert!(json.get(PAD_KEY).is_some());
    json["kind"] = "cryptonet-pad".into();
    let json = serde_json::to_vec(&json).expect("JSON always serialises");
    let weights = net.clone().into_record().into_bytes().expect("an in-memory record always serialises");
    pack(&json, &weights)
}

/// Reads a pad from bytes onto `device`. Never panics on bad input; a file of the
/// write-up's networks is refused by name.
pub fn load(bytes: &[u8], device: &Device) -> Result<SavedPad, ModelFileError> {
    let (header, record) = unpack(bytes)?;
    if header.get(PAD_KEY).is_none() {
        let found = header["config"]["preset"].as_str().unwrap_or("write-up networks").to_string();
        return Err(ModelFileError::WrongPreset { expected: "a CryptoNet pad".into(), found });
    }
    let header: PadHeader =
        serde_json::from_value(header).map_err(|e| ModelFileError::BadHeader(e.to_string()))?;
    header.pad.validate().map_err(ModelFileError::BadHeader)?;
    let net = PadNet::init(header.pad.bits, 0, device)
        .try_load_record(record)
        .map_err(|e| ModelFileError::BadWeights(e.to_string()))?;
    Ok(SavedPad { header, net })
}

/// How to read a pad's exported weights.
pub const PAD_LAYOUT: &str = "One weight matrix W [2N, N], no bias: rows 0..N take the message \
(Alice) or the ciphertext (Bob), rows N..2N the key. Bits enter as angles a(b) = arccos(1 - 2b); \
h = [a(x), a(k)]·W; out = (1 - cos h)/2. Alice and Bob are the same network. Values are row-major.";

/// The weights of a pad as a [`WeightsExport`].
pub fn export_weights(header: &PadHeader, net: &PadNet) -> WeightsExport<PadHeader> {
    let tensors: Vec<ExportedTensor> = vec![export_tensor("pad.weight".into(), net.weight.val())];
    WeightsExport {
        format: "anc-weights/1".into(),
        layout: PAD_LAYOUT.into(),
        header: header.clone(),
        tensors,
    }
}
