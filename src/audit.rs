//! The security audit (write-up Figure 3, paper §2.5): freeze Alice and Bob, then train an
//! Eve against the fixed cipher — a *fresh* one (new weights), which measures the cipher,
//! or the one trained alongside, which shows whether she was keeping up.

use burn::config::Config;
use burn::optim::ModuleOptimizer;
use burn::prelude::*;
use rand::{SeedableRng, rngs::SmallRng};
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, OptimizerKind, check_learning_rate, check_range, limits};
use crate::data::BitSource;
use crate::evaluation::{EVALUATION_SAMPLES, PendingEvaluation, evaluate, held_out_seed};
use crate::kernels::Kernels;
use crate::metrics::{AuditLoss, Pending};
use crate::model::{CipherConfig, Ciphers, Network, Role};
use crate::training::{eve_step, optimizer};

/// Which Eve attacks the frozen cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EveStart {
    /// A new Eve with fresh random weights: the figure that says how good the cipher is.
    Fresh,
    /// The Eve trained alongside Alice and Bob, trained on.
    Continue,
}

/// Settings of one audit.
#[derive(Config, Debug, PartialEq)]
pub struct AuditConfig {
    /// Which Eve attacks.
    #[config(default = "EveStart::Fresh")]
    pub start: EveStart,
    /// Eve steps to train.
    #[config(default = 5000)]
    pub steps: usize,
    /// Messages per step.
    #[config(default = 512)]
    pub batch_size: usize,
    /// Eve's optimiser.
    #[config(default = "OptimizerKind::RmsProp")]
    pub optimizer: OptimizerKind,
    /// Eve's learning rate.
    #[config(default = 0.001)]
    pub learning_rate: f64,
    /// Seed of the fresh Eve's weights and of the audit's messages.
    #[config(default = 2)]
    pub seed: u64,
}

/// The seed of the fresh Eve audited right after a training run of seed `training_seed`
/// (`anc train --audit-steps`, `anc sweep`).
pub fn after_training_seed(training_seed: u64) -> u64 {
    training_seed ^ 0xa0d1
}

impl AuditConfig {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range("steps", self.steps, 1..=1_000_000)?;
        check_range("batch_size", self.batch_size, limits::BATCH_SIZE)?;
        check_learning_rate("learning_rate", self.learning_rate)?;
        Ok(())
    }
}

/// An Eve being trained against a frozen Alice.
pub struct Audit {
    config: AuditConfig,
    device: Device,
    kernels: Kernels,
    source: BitSource,
    frozen_alice: Network,
    ciphers: Ciphers,
    optim: ModuleOptimizer,
    step: usize,
}

impl Audit {
    /// Starts an audit of `ciphers` (copied; the originals are untouched). `device` must
    /// have autodiff.
    pub fn new(
        ciphers: &Ciphers,
        cipher: &CipherConfig,
        config: AuditConfig,
        device: &Device,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut ciphers = ciphers.clone();
        if config.start == EveStart::Fresh {
            let mut rng = SmallRng::seed_from_u64(config.seed);
            ciphers.eve = cipher.init_network(Role::Eve, &mut rng, device);
        }
        Ok(Self {
            kernels: Kernels::for_device(cipher.bits, device),
            source: BitSource::new(config.seed ^ 0xa0d1_7000),
            frozen_alice: ciphers.alice.valid(),
            optim: optimizer(config.optimizer),
            device: device.clone(),
            config,
            ciphers,
            step: 0,
        })
    }

    /// Steps done so far.
    pub fn step(&self) -> usize {
        self.step
    }

    /// The audit's settings.
    pub fn config(&self) -> &AuditConfig {
        &self.config
    }

    /// Whether all configured steps are done.
    pub fn is_done(&self) -> bool {
        self.step >= self.config.steps
    }

    /// Trains Eve up to `steps` more steps (fewer if the audit ends first).
    pub fn run(&mut self, steps: usize) -> Pending<AuditLoss> {
        let first = self.step + 1;
        let todo = steps.min(self.config.steps.saturating_sub(self.step));
        let bits = self.frozen_alice.bits();
        let mut rows = Vec::with_capacity(todo);
        for _ in 0..todo {
            let batch = self.source.batch(self.config.batch_size, bits, &self.device);
            let eve = self.ciphers.eve.clone();
            let (eve, loss) = eve_step(
                &self.frozen_alice,
                eve,
                &mut self.optim,
                self.config.learning_rate,
                &batch,
                &self.kernels,
            );
            self.ciphers.eve = eve;
            rows.push(loss.unsqueeze());
            self.step += 1;
        }
        Pending::new(first, rows)
    }

    /// Scores the frozen Bob and the audited Eve on fresh messages (seeded apart from
    /// training and audit data).
    pub fn evaluate(&self) -> PendingEvaluation {
        evaluate(&self.ciphers, EVALUATION_SAMPLES, held_out_seed(self.config.seed), &self.device)
    }

    /// The frozen Alice and Bob with the audited Eve.
    pub fn ciphers(&self) -> &Ciphers {
        &self.ciphers
    }
}
