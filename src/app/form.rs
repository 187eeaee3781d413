//! The training form as text: the fields a user tunes on the page, parsed and checked with
//! the core's own rules, so each field can show its own error next to it.
//!
//! Plain Rust (no web types), so the page's validation is tested natively.

use std::collections::BTreeMap;

use crate::nn::config::{ConfigError, OptimizerKind, Preset, TrainingConfig};

/// A field of the training form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Epochs,
    IterationsPerEpoch,
    BatchSize,
    Optimizer,
    AbLearningRate,
    EveLearningRate,
    EveSteps,
    Seed,
}

impl Field {
    /// Every field, in the order the form shows them.
    pub const ALL: [Field; 8] = [
        Field::Epochs,
        Field::IterationsPerEpoch,
        Field::BatchSize,
        Field::Optimizer,
        Field::AbLearningRate,
        Field::EveLearningRate,
        Field::EveSteps,
        Field::Seed,
    ];

    /// The field's name in [`TrainingConfig`] (and in the core's error messages).
    pub fn key(self) -> &'static str {
        match self {
            Field::Epochs => "epochs",
            Field::IterationsPerEpoch => "iterations_per_epoch",
            Field::BatchSize => "batch_size",
            Field::Optimizer => "optimizer",
            Field::AbLearningRate => "ab_learning_rate",
            Field::EveLearningRate => "eve_learning_rate",
            Field::EveSteps => "eve_steps",
            Field::Seed => "seed",
        }
    }

    /// The label a user reads.
    pub fn label(self) -> &'static str {
        match self {
            Field::Epochs => "Epochs",
            Field::IterationsPerEpoch => "Iterations per epoch",
            Field::BatchSize => "Batch size",
            Field::Optimizer => "Optimiser",
            Field::AbLearningRate => "Alice+Bob learning rate",
            Field::EveLearningRate => "Eve learning rate",
            Field::EveSteps => "Eve steps per Alice+Bob step",
            Field::Seed => "Seed",
        }
    }

    /// What the field means, in a sentence a newcomer can follow (the glossary's line and
    /// the label's tooltip).
    pub fn hint(self) -> &'static str {
        match self {
            Field::Epochs => {
                "Epochs: how many times the schedule of iterations repeats; more epochs, a longer run."
            }
            Field::IterationsPerEpoch => {
                "Iterations per epoch: one iteration is one Alice+Bob step, then Eve's steps, each on a fresh batch."
            }
            Field::BatchSize => {
                "Batch size: random messages and keys the networks see in one step; larger batches give steadier, slower steps."
            }
            Field::Optimizer => {
                "Optimiser: the rule that turns a loss into weight changes (RMSprop in the write-up, Adam in the paper)."
            }
            Field::AbLearningRate => {
                "Alice+Bob learning rate: how far one step moves Alice's and Bob's weights."
            }
            Field::EveLearningRate => "Eve learning rate: how far one step moves Eve's weights.",
            Field::EveSteps => {
                "Eve steps per Alice+Bob step: how many steps Eve trains against each new cipher."
            }
            Field::Seed => {
                "Seed: fixes the random start and messages, so the same settings and seed train the same."
            }
        }
    }

    /// The field's text for `config`.
    pub fn text(self, config: &TrainingConfig) -> String {
        match self {
            Field::Epochs => config.epochs.to_string(),
            Field::IterationsPerEpoch => config.iterations_per_epoch.to_string(),
            Field::BatchSize => config.batch_size.to_string(),
            Field::Optimizer => config.optimizer.name().to_string(),
            Field::AbLearningRate => config.ab_learning_rate.to_string(),
            Field::EveLearningRate => config.eve_learning_rate.to_string(),
            Field::EveSteps => config.eve_steps.to_string(),
            Field::Seed => config.seed.to_string(),
        }
    }

    /// Sets this field of `config` from `text`, or says why it cannot.
    fn apply(self, config: &mut TrainingConfig, text: &str) -> Result<(), String> {
        let text = text.trim();
        let whole = || -> Result<usize, String> {
            text.parse().map_err(|_| format!("{}: enter a whole number", self.label()))
        };
        let real = || -> Result<f64, String> {
            text.parse().map_err(|_| format!("{}: enter a number such as 0.001", self.label()))
        };
        match self {
            Field::Epochs => config.epochs = whole()?,
            Field::IterationsPerEpoch => config.iterations_per_epoch = whole()?,
            Field::BatchSize => config.batch_size = whole()?,
            Field::EveSteps => config.eve_steps = whole()?,
            Field::Seed => {
                config.seed =
                    text.parse().map_err(|_| format!("{}: enter a whole number from 0", self.label()))?
            }
            Field::AbLearningRate => config.ab_learning_rate = real()?,
            Field::EveLearningRate => config.eve_learning_rate = real()?,
            Field::Optimizer => {
                config.optimizer = OptimizerKind::from_name(text).map_err(|e| e.to_string())?
            }
        }
        Ok(())
    }
}

/// The form: a preset and the text of each field.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub preset: Preset,
    pub texts: BTreeMap<Field, String>,
}

impl Form {
    /// The form filled with `preset`'s values.
    pub fn new(preset: Preset) -> Self {
        let config = preset.config();
        Self { preset, texts: Field::ALL.iter().map(|f| (*f, f.text(&config))).collect() }
    }

    /// The form filled with `config`'s values (a restored or shared run's settings).
    pub fn of(config: &TrainingConfig) -> Self {
        Self { preset: config.preset, texts: Field::ALL.iter().map(|f| (*f, f.text(config))).collect() }
    }

    /// The configuration, or every field's error (a field may be fine alone yet refused by
    /// the core's check, which names it).
    pub fn config(&self) -> Result<TrainingConfig, BTreeMap<Field, String>> {
        let mut config = self.preset.config();
        let mut errors = BTreeMap::new();
        for field in Field::ALL {
            let text = self.texts.get(&field).map(String::as_str).unwrap_or_default();
            if let Err(e) = field.apply(&mut config, text) {
                errors.insert(field, e);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        match config.validate() {
            Ok(()) => Ok(config),
            Err(e) => {
                // The core names its fields as in the config; the form uses the labels a
                // person reads beside each field.
                let found = match &e {
                    ConfigError::OutOfRange { field, value, allowed } => Field::ALL
                        .into_iter()
                        .find(|f| f.key() == *field)
                        .map(|f| (f, format!("{} = {value} is not allowed: {allowed}", f.label()))),
                    _ => None,
                };
                Err(BTreeMap::from([found.unwrap_or((Field::Epochs, e.to_string()))]))
            }
        }
    }
}
