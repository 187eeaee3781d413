//! The allowed ranges of every setting and the checks that refuse what the networks or
//! the trainer cannot take, with an error that names the field and its range.

/// Allowed ranges, shared by the checks and by the page's input hints.
pub mod limits {
    use std::ops::RangeInclusive;
    /// Message, key and ciphertext bits: even (the nets halve a 2N-long signal).
    pub const BITS: RangeInclusive<usize> = 4..=64;
    /// conv1's output channels (even: conv1 runs as pairs of channels).
    pub const CHANNELS: RangeInclusive<usize> = 2..=16;
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
    /// Iterations between two fresh Eves.
    pub const EVE_RESET_EVERY: RangeInclusive<usize> = 1..=1_000_000;
    /// Eves training side by side.
    pub const EVES: RangeInclusive<usize> = 1..=8;
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
    #[error("unknown preset '{0}': expected one of seed16, poc8, paper16, strong16")]
    UnknownPreset(String),
    /// An optimiser name that does not exist.
    #[error("unknown optimizer '{0}': expected rmsprop or adam")]
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

/// Refuses a learning rate that is not a number in (0, [`limits::LEARNING_RATE_MAX`]],
/// naming `field`.
pub(crate) fn check_learning_rate(field: &'static str, value: f64) -> Result<(), ConfigError> {
    check_positive_up_to(field, value, limits::LEARNING_RATE_MAX)
}
