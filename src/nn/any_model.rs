//! Any model file the app writes — the write-up's networks or a CryptoNet pad — told apart
//! by its header, with what every command needs of either: its bits, its name, a frozen
//! copy to attack or sample, its suite's record, and a cipher ready to use on text.

use burn::prelude::*;

use crate::nn::attack::{Encrypt, FrozenAlice, SuiteResult};
use crate::nn::data::MessageBatch;
use crate::nn::inference::{Cipher, Runner};
use crate::nn::model::CipherConfig;
use crate::nn::model_file::{self, ModelFileError, PAD_KEY, SavedModel, unpack};
use crate::nn::pad::file::{self as pad_file, SavedPad};
use crate::nn::pad::{FrozenPad, PadNet};
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

/// A model of either kind ready to use on text (values only, no autodiff): Alice encrypts,
/// Bob decrypts with the key, and the write-up's Eve reads without it. A pad has no Eve:
/// it trained against a distinguisher, which tells two messages apart but reads none.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // one per form model: the size does not matter
pub enum AnyCipher {
    Networks(Cipher),
    /// The one network that is both Alice and Bob, and a runner for its rows.
    Pad {
        net: PadNet,
        runner: Runner,
    },
}

impl AnyCipher {
    /// `model` ready to run on `device`.
    pub fn of(model: &AnyModel, device: &Device) -> Self {
        match model {
            AnyModel::Networks(m) => Self::Networks(Cipher::new(&m.ciphers, device)),
            AnyModel::Pad(p) => Self::pad(&p.net, device),
        }
    }

    /// `net` (copied, without autodiff) ready to run on `device`.
    pub fn pad(net: &PadNet, device: &Device) -> Self {
        let device = device.clone().inner();
        Self::Pad { runner: Runner::new(net.bits(), &device), net: net.valid() }
    }

    /// Bits in a message, a key and a ciphertext (N).
    pub fn bits(&self) -> usize {
        match self {
            Self::Networks(c) => c.bits(),
            Self::Pad { net, .. } => net.bits(),
        }
    }

    /// The runner whose rows the networks take.
    pub fn runner(&self) -> &Runner {
        match self {
            Self::Networks(c) => c.runner(),
            Self::Pad { runner, .. } => runner,
        }
    }

    /// Alice's ciphertext of a batch: `[batch, N]`.
    pub fn encrypt(&self, batch: &MessageBatch) -> Tensor<2> {
        match self {
            Self::Networks(c) => c.encrypt(batch),
            Self::Pad { net, .. } => net.encrypt_bits(batch.messages.clone(), batch.keys.clone()),
        }
    }

    /// Bob's reading of `ciphertext` `[batch, N]` with `keys` `[batch, N]`: `[batch, N]`.
    pub fn decrypt(&self, ciphertext: Tensor<2>, keys: Tensor<2>) -> Tensor<2> {
        match self {
            Self::Networks(c) => c.decrypt(ciphertext, keys),
            Self::Pad { net, .. } => net.forward(ciphertext, keys),
        }
    }

    /// Eve's reading without the key, `[batch, N]`: none for a pad, which has no Eve.
    pub fn eavesdrop(&self, ciphertext: Tensor<2>) -> Option<Tensor<2>> {
        match self {
            Self::Networks(c) => Some(c.eavesdrop(ciphertext)),
            Self::Pad { .. } => None,
        }
    }
}

impl From<Cipher> for AnyCipher {
    fn from(cipher: Cipher) -> Self {
        Self::Networks(cipher)
    }
}
