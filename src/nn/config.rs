//! Hyper-parameters: the presets (`seed16`, `poc8`, `paper16` of the spec, and this app's
//! `strong16`) as burn `#[derive(Config)]` structs, and their validation (the ranges and
//! the checks themselves live in `checks`).

use burn::config::Config;
use serde::{Deserialize, Serialize};

use crate::nn::model::{CipherConfig, OutputActivation};

mod checks;
pub use checks::{ConfigError, limits};
pub(crate) use checks::{check_learning_rate, check_range};

/// The named starting points a user picks from; every field can still be changed after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The Keras write-up's 16-bit setup (spec §1–§3): RMSprop, batch 512, 20 epochs.
    Seed16,
    /// The write-up's 8-bit proof of concept (spec §5): extra dense layer, tanh ciphertext.
    Poc8,
    /// The paper's optimiser on the 16-bit nets: Adam lr 0.0008, batch 4096.
    Paper16,
    /// The write-up's networks with a schedule tuned (with `anc sweep`) until an Eve of
    /// Eve's own shape read little — and the attacker suite reads it almost whole: the
    /// record of tuning against the wrong judge (README).
    Strong16,
}

impl Preset {
    /// Every preset, in the order a menu shows them.
    pub const ALL: [Preset; 4] = [Preset::Seed16, Preset::Poc8, Preset::Paper16, Preset::Strong16];

    /// The lowercase name used on the command line, in files and in the page.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Seed16 => "seed16",
            Preset::Poc8 => "poc8",
            Preset::Paper16 => "paper16",
            Preset::Strong16 => "strong16",
        }
    }

    /// Looks a preset up by its name.
    pub fn from_name(name: &str) -> Result<Self, ConfigError> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| ConfigError::UnknownPreset(name.to_string()))
    }

    /// The full training configuration of this preset.
    pub fn config(self) -> TrainingConfig {
        let seed16 = TrainingConfig::new(CipherConfig::new());
        match self {
            Preset::Seed16 => seed16,
            Preset::Poc8 => TrainingConfig {
                preset: Preset::Poc8,
                cipher: CipherConfig::new()
                    .with_bits(8)
                    .with_extra_dense(true)
                    .with_ciphertext(OutputActivation::Tanh),
                ..seed16
            },
            Preset::Paper16 => TrainingConfig {
                preset: Preset::Paper16,
                optimizer: OptimizerKind::Adam,
                ab_learning_rate: 0.0008,
                eve_learning_rate: 0.0008,
                batch_size: 4096,
                iterations_per_epoch: 16,
                epochs: 160,
                ..seed16
            },
            // See the README's sweep tables for what each choice did.
            Preset::Strong16 => TrainingConfig {
                preset: Preset::Strong16,
                optimizer: OptimizerKind::Adam,
                ab_learning_rate: 0.0008,
                eve_learning_rate: 0.0008,
                batch_size: 2048,
                iterations_per_epoch: 100,
                epochs: 60,
                final_lr_fraction: Some(0.1),
                eve_weight: Some(8.0),
                bob_only_iterations: Some(1500),
                ..seed16
            },
        }
    }
}

impl std::fmt::Display for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Which optimiser moves the networks (the same kind for Alice+Bob and for Eve).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// RMSprop with Keras's constants: rho 0.9, epsilon 1e-7, no momentum.
    RmsProp,
    /// Adam with TensorFlow's constants: beta1 0.9, beta2 0.999, epsilon 1e-8.
    Adam,
}

impl OptimizerKind {
    /// Every optimiser, in the order a menu shows them.
    pub const ALL: [OptimizerKind; 2] = [OptimizerKind::RmsProp, OptimizerKind::Adam];

    /// The lowercase name used on the command line, in files and in the page's form.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::RmsProp => "rmsprop",
            OptimizerKind::Adam => "adam",
        }
    }

    /// The name as people write it (menus, tables).
    pub fn label(self) -> &'static str {
        match self {
            OptimizerKind::RmsProp => "RMSprop",
            OptimizerKind::Adam => "Adam",
        }
    }

    /// Looks an optimiser up by its name.
    pub fn from_name(name: &str) -> Result<Self, ConfigError> {
        Self::ALL
            .into_iter()
            .find(|o| o.name() == name)
            .ok_or_else(|| ConfigError::UnknownOptimizer(name.to_string()))
    }
}

impl std::fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The names of `all`, joined with ", " (for messages that list the choices).
pub fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|&t| name(t)).collect::<Vec<_>>().join(", ")
}

/// Everything that defines one training run. `TrainingConfig::new(CipherConfig::new())`
/// is the `seed16` preset; see [`Preset::config`] for the others.
#[derive(Config, Debug, PartialEq)]
pub struct TrainingConfig {
    /// The preset these values started from (kept so files and links can name it).
    #[config(default = "Preset::Seed16")]
    pub preset: Preset,
    /// The shapes of Alice, Bob and Eve.
    pub cipher: CipherConfig,
    /// Optimiser for both sides.
    #[config(default = "OptimizerKind::RmsProp")]
    pub optimizer: OptimizerKind,
    /// Learning rate of Alice and Bob's optimiser.
    #[config(default = 0.001)]
    pub ab_learning_rate: f64,
    /// Learning rate of Eve's optimiser.
    #[config(default = 0.001)]
    pub eve_learning_rate: f64,
    /// Messages (and keys) in one minibatch.
    #[config(default = 512)]
    pub batch_size: usize,
    /// Iterations in one epoch (the write-up: 2^16 / 512 = 128).
    #[config(default = 128)]
    pub iterations_per_epoch: usize,
    /// Epochs to train.
    #[config(default = 20)]
    pub epochs: usize,
    /// Alice+Bob steps in one iteration.
    #[config(default = 1)]
    pub ab_steps: usize,
    /// Eve steps in one iteration (after the Alice+Bob steps).
    #[config(default = 2)]
    pub eve_steps: usize,
    /// Seed of the weights and of every random message and key.
    #[config(default = 1)]
    pub seed: u64,
    /// Every this many iterations Eve is replaced by a fresh one (new weights, new
    /// optimiser state), so Alice cannot settle against one attacker's blind spots.
    /// `None`: never (the write-up). Optional fields keep older model files readable.
    pub eve_reset_every: Option<usize>,
    /// The learning rates fall along a half cosine from their set value to this fraction
    /// of it at the last iteration. `None`: constant (the write-up).
    pub final_lr_fraction: Option<f64>,
    /// Weight of the Eve term in Alice+Bob's loss:
    /// `L_B + w·(N/2 − L_E)²/(N/2)²`. `None`: 1 (the write-up).
    pub eve_weight: Option<f64>,
    /// The last this many iterations move only Bob on the Alice+Bob step (Alice frozen):
    /// Bob polishes his reading of a cipher that no longer changes. `None`: 0.
    pub bob_only_iterations: Option<usize>,
    /// How many Eves train side by side (each from its own weights, on the same batches);
    /// Alice+Bob's Eve term is the mean of theirs, so Alice must hide from all of them.
    /// The first is the one reported and saved. `None`: 1 (the write-up).
    pub eves: Option<usize>,
    /// Bob (and Alice through him) learns by cross-entropy instead of bits wrong, whose
    /// gradient vanishes on confidently wrong bits; the reported Bob loss stays bits
    /// wrong. `None`: false (the write-up).
    pub bob_cross_entropy: Option<bool>,
    /// Every this many iterations, Alice is frozen while the Eves train that many extra
    /// steps at their full learning rate, to catch up with her as a fresh attacker would.
    /// `None`: never (the write-up).
    pub eve_catch_up_every: Option<usize>,
    /// Alice+Bob's Eve term counts each bit apart, `w·(4/N)·Σᵢ(½ − eᵢ)²` with `eᵢ` Eve's
    /// error on bit `i`, instead of `w·(N/2 − L_E)²/(N/2)²`: one bit read in the clear
    /// can no longer be paid for by others made worse than chance for the trained Eve
    /// (a fresh Eve reads both). The same value when every bit is equally off. `None`:
    /// false (the write-up).
    pub eve_term_per_bit: Option<bool>,
    /// Bob (and Alice through him) learns only from the part of each bit's error above
    /// this, `Σ max(0, |P − P'| − m)`: bits read with that much to spare cost nothing, and
    /// the Eve term alone moves Alice there. `None`: 0 (the write-up).
    pub bob_margin: Option<f64>,
    /// The Eve term's weight rises in a straight line from 0 to `eve_weight` over this many
    /// first iterations: Alice and Bob agree on a code before Alice has to hide it.
    /// `None`: the full weight from the start (the write-up).
    pub eve_weight_ramp: Option<usize>,
    /// Bob reads Alice's ciphertext through uniform noise of this standard deviation in the
    /// Alice+Bob steps (Eve, her term and the attackers read it clean): a code kept in small
    /// differences of the values no longer reaches him, so Alice must push her values
    /// apart. `None`: no noise (the write-up).
    pub ciphertext_noise: Option<f64>,
    /// A second kind of Eve trains beside the write-up's: the attacker suite's strongest
    /// shape, each ciphertext value read through soft bins then a residual block of this
    /// width, learning by cross-entropy. Alice+Bob's Eve term covers her as one more Eve,
    /// so Alice must hide the magnitudes such an attacker reads. `None`: none (the write-up).
    pub binned_eve: Option<usize>,
    /// Bob reading each ciphertext with a wrong key (a random half of its bits flipped,
    /// drawn per message) counts as one more Eve in Alice's term, his weights frozen for
    /// it: a code the key barely moves reads as well with a wrong key and costs, while a
    /// per-position one-time pad gets exactly the flipped bits wrong, N/2 on average, and
    /// costs nothing. `None`: false (the write-up).
    pub wrong_key_eve: Option<bool>,
}

impl TrainingConfig {
    /// Iterations of the whole schedule.
    pub fn total_iterations(&self) -> usize {
        self.epochs * self.iterations_per_epoch
    }

    /// What the learning rates are multiplied by at 0-based `iteration`: 1 at the start,
    /// falling along a half cosine to `final_lr_fraction` at the last iteration.
    pub fn learning_rate_factor(&self, iteration: usize) -> f64 {
        let Some(last) = self.final_lr_fraction else { return 1.0 };
        let total = self.total_iterations().max(2) - 1;
        let progress = iteration.min(total) as f64 / total as f64;
        last + (1.0 - last) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
    }

    /// Whether Eve is replaced by a fresh one before 0-based `iteration`.
    pub fn resets_eve_before(&self, iteration: usize) -> bool {
        comes_before(self.eve_reset_every, iteration)
    }

    /// Whether the Eves catch up (see `eve_catch_up_every`) before 0-based `iteration`.
    pub fn catches_up_before(&self, iteration: usize) -> bool {
        comes_before(self.eve_catch_up_every, iteration)
    }

    /// Whether 0-based `iteration` moves only Bob (Alice frozen) on its Alice+Bob steps.
    pub fn only_bob_moves_at(&self, iteration: usize) -> bool {
        matches!(self.bob_only_iterations, Some(n) if iteration + n >= self.total_iterations())
    }

    /// Weight of the Eve term in Alice+Bob's loss (once any ramp is over).
    pub fn eve_weight(&self) -> f64 {
        self.eve_weight.unwrap_or(1.0)
    }

    /// Weight of the Eve term at 0-based `iteration`: see `eve_weight_ramp`.
    pub fn eve_weight_at(&self, iteration: usize) -> f64 {
        match self.eve_weight_ramp {
            Some(ramp) if iteration < ramp => self.eve_weight() * (iteration + 1) as f64 / ramp as f64,
            _ => self.eve_weight(),
        }
    }

    /// Whether the Eve term counts each bit apart (see `eve_term_per_bit`).
    pub fn eve_term_per_bit(&self) -> bool {
        self.eve_term_per_bit == Some(true)
    }

    /// Whether Bob with a wrong key counts as an Eve (see `wrong_key_eve`).
    pub fn wrong_key_eve(&self) -> bool {
        self.wrong_key_eve == Some(true)
    }

    /// How many Eves train side by side.
    pub fn eves(&self) -> usize {
        self.eves.unwrap_or(1)
    }
}

/// Whether something done every `period` iterations (never if `None`) comes before 0-based
/// `iteration`: before iterations `period`, `2·period`, …, never before the first.
fn comes_before(period: Option<usize>, iteration: usize) -> bool {
    matches!(period, Some(every) if iteration > 0 && iteration.is_multiple_of(every))
}
