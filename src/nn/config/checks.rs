//! The allowed ranges of every setting and the checks that refuse what the networks or
//! the trainer cannot take, with an error that names the field and its range.

use super::{OptimizerKind, Preset, TrainingConfig, names};
use crate::nn::model::CipherConfig;

/// Allowed ranges, shared by the checks and by the page's input hints.
pub mod limits {
    use std::ops::RangeInclusive;
    /// Message, key and ciphertext bits: even (the nets halve a 2N-long signal).
    pub const BITS: RangeInclusive<usize> = 4..=64;
    /// Minibatch size.
    pub const BATCH_SIZE: RangeInclusive<usize> = 1..=16_384;
    /// Iterations per epoch.
    pub const ITERATIONS_PER_EPOCH: RangeInclusive<usize> = 1..=100_000;
    /// Epochs.
    pub const EPOCHS: RangeInclusive<usize> = 1..=10_000;
    /// Alice+Bob steps per iteration.
    pub const AB_STEPS: RangeInclusive<usize> = 1..=16;
    /// Eve steps per iteration (0 trains with no adversary).
    pub const EVE_STEPS: RangeInclusive<usize> = 0..=16;
    /// Largest weight of the Eve term in Alice+Bob's loss.
    pub const EVE_WEIGHT_MAX: f64 = 100.0;
    /// Learning rates (exclusive of 0).
    pub const LEARNING_RATE_MAX: f64 = 1.0;
}

/// Why a configuration (or a name in one) was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A field is outside what the networks or the trainer can take.
    #[error("{field} = {value} is not allowed: {allowed}")]
    OutOfRange {
        /// The field's name, as in the config and on the command line.
        field: &'static str,
        /// The refused value, as text.
        value: String,
        /// The allowed range, in words.
        allowed: String,
    },
    /// A preset name that does not exist.
    #[error("unknown preset '{0}': expected one of {names}", names = names(&Preset::ALL, Preset::name))]
    UnknownPreset(String),
    /// An optimiser name that does not exist.
    #[error("unknown optimizer '{0}': expected one of {names}", names = names(&OptimizerKind::ALL, OptimizerKind::name))]
    UnknownOptimizer(String),
}

/// Refuses `value` outside `range`, naming `field`.
pub(crate) fn check_range(
    field: &'static str,
    value: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            value: value.to_string(),
            allowed: format!("an integer from {} to {}", range.start(), range.end()),
        })
    }
}

/// Refuses a number that is not in (0, max], naming `field`.
pub(crate) fn check_positive_up_to(field: &'static str, value: f64, max: f64) -> Result<(), ConfigError> {
    if value.is_finite() && value > 0.0 && value <= max {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            value: value.to_string(),
            allowed: format!("a number above 0 and at most {max}"),
        })
    }
}

/// Refuses a number that is not in [0, max], naming `field`.
pub(crate) fn check_at_most(field: &'static str, value: f64, max: f64) -> Result<(), ConfigError> {
    if value.is_finite() && (0.0..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            value: value.to_string(),
            allowed: format!("a number from 0 to {max}"),
        })
    }
}

/// Refuses a learning rate that is not a number in (0, [`limits::LEARNING_RATE_MAX`]],
/// naming `field`.
pub(crate) fn check_learning_rate(field: &'static str, value: f64) -> Result<(), ConfigError> {
    check_positive_up_to(field, value, limits::LEARNING_RATE_MAX)
}

impl TrainingConfig {
    /// Checks every field; the error names the first bad field and its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.cipher.validate()?;
        check_range("batch_size", self.batch_size, limits::BATCH_SIZE)?;
        check_range("iterations_per_epoch", self.iterations_per_epoch, limits::ITERATIONS_PER_EPOCH)?;
        check_range("epochs", self.epochs, limits::EPOCHS)?;
        check_range("ab_steps", self.ab_steps, limits::AB_STEPS)?;
        check_range("eve_steps", self.eve_steps, limits::EVE_STEPS)?;
        check_learning_rate("ab_learning_rate", self.ab_learning_rate)?;
        check_learning_rate("eve_learning_rate", self.eve_learning_rate)?;
        if let Some(f) = self.final_lr_fraction {
            check_positive_up_to("final_lr_fraction", f, 1.0)?;
        }
        if let Some(n) = self.bob_only_iterations {
            let total = self.total_iterations();
            if n >= total {
                return Err(ConfigError::OutOfRange {
                    field: "bob_only_iterations",
                    value: n.to_string(),
                    allowed: format!("fewer than the {total} iterations of the schedule"),
                });
            }
        }
        if let Some(w) = self.eve_weight {
            check_at_most("eve_weight", w, limits::EVE_WEIGHT_MAX)?;
        }
        if let Some(d) = &self.distinguisher {
            check_positive_up_to("distinguisher.weight", d.weight, limits::EVE_WEIGHT_MAX)?;
            check_range("distinguisher.layers", d.layers, 1..=4)?;
            check_range("distinguisher.width", d.width, 8..=1024)?;
        }
        Ok(())
    }
}

impl CipherConfig {
    /// Checks the network shape: an even number of bits in [`limits::BITS`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bits = self.bits;
        if !limits::BITS.contains(&bits) || !bits.is_multiple_of(2) {
            return Err(ConfigError::OutOfRange {
                field: "bits",
                value: bits.to_string(),
                allowed: format!(
                    "an even integer from {} to {} (the networks halve a 2 x bits signal)",
                    limits::BITS.start(),
                    limits::BITS.end()
                ),
            });
        }
        Ok(())
    }
}
