//! Any model file the app writes — the write-up's networks or a CryptoNet pad — told apart
//! by its header, with what every command needs of either: its bits, its name, a frozen
//! copy to attack or sample, and its suite's record.

use burn::prelude::*;

use crate::nn::attack::{Encrypt, FrozenAlice, SuiteResult};
use crate::nn::model::CipherConfig;
use crate::nn::model_file::{self, ModelFileError, PAD_KEY, SavedModel, unpack};
use crate::nn::pad::FrozenPad;
use crate::nn::pad::file::{self as pad_file, SavedPad};
use crate::nn::replicas::replicate;

/// A loaded model of either kind (one per command: the size of the networks' variant does
/// not matter).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum AnyModel {
    /// Alice, Bob and Eve of the write-up.
    Networks(SavedModel),
    /// CryptoNet: Alice and Bob one network.
    Pad(SavedPad),
}

impl AnyModel {
    /// Reads a model of either kind from bytes onto `device`. Never panics on bad input.
    pub fn load(bytes: &[u8], device: &Device) -> Result<Self, ModelFileError> {
        let (header, _) = unpack(bytes)?;
        if header.get(PAD_KEY).is_some() {
            pad_file::load(bytes, device).map(Self::Pad)
        } else {
            model_file::load(bytes, device).map(Self::Networks)
        }
    }

    /// The model as bytes (the same file it was read from, with any new record).
    pub fn save(&self) -> Vec<u8> {
        match self {
            Self::Networks(m) => model_file::save(&m.header, &m.ciphers),
            Self::Pad(p) => pad_file::save(&p.header, &p.net),
        }
    }

    /// Bits in a message.
    pub fn bits(&self) -> usize {
        match self {
            Self::Networks(m) => m.header.config.cipher.bits,
            Self::Pad(p) => p.header.pad.bits,
        }
    }

    /// The config the attackers of Eve's own shape take: the networks', or the defaults at
    /// a pad's bits.
    pub fn shape(&self) -> CipherConfig {
        match self {
            Self::Networks(m) => m.header.config.cipher.clone(),
            Self::Pad(p) => CipherConfig::new().with_bits(p.header.pad.bits),
        }
    }

    /// Its name for people: the preset, or `pad16` for a 16-bit pad.
    pub fn name(&self) -> String {
        match self {
            Self::Networks(m) => m.header.config.preset.to_string(),
            Self::Pad(p) => format!("pad{}", p.header.pad.bits),
        }
    }

    /// Its Alice, frozen, on `device` (for the attackers and for samples): a copy of its
    /// own, so threads can each take one.
    pub fn frozen(&self, device: &Device) -> Box<dyn Encrypt> {
        match self {
            Self::Networks(m) => Box::new(FrozenAlice::new(&replicate(&m.ciphers), device)),
            Self::Pad(p) => Box::new(FrozenPad::new(&replicate(&p.net))),
        }
    }

    /// Records an attacker-suite audit in the header, merged with the one recorded before.
    pub fn record_suite(&mut self, suite: &SuiteResult) {
        match self {
            Self::Networks(m) => m.header.record_suite(suite),
            Self::Pad(p) => p.header.attack_suite = Some(suite.merged_with(p.header.attack_suite.as_ref())),
        }
    }
}
