//! The security audit (write-up Figure 3, paper §2.5): freeze Alice and Bob, then train an
//! Eve against the fixed cipher — a *fresh* one (new weights), which measures the cipher,
//! or the one trained alongside, which shows whether she was keeping up.

use burn::config::Config;
use burn::prelude::*;
use rand::{SeedableRng, rngs::SmallRng};
use serde::{Deserialize, Serialize};

use crate::nn::config::{ConfigError, OptimizerKind, check_learning_rate, check_range, limits};
use crate::nn::data::BitSource;
use crate::nn::evaluation::{EVALUATION_SAMPLES, Evaluation, evaluate};
use crate::nn::inference::{Cipher, Runner};
use crate::nn::metrics::{AuditLoss, pending_rows};
use crate::nn::model::{CipherConfig, Network, Networks, Role};
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::pending::Pending;
use crate::nn::seeds;
use crate::nn::steps::Steps;
use crate::nn::training::eve_step;

/// Which Eve attacks the frozen cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EveStart {
    /// A new Eve with fresh random weights: the figure that says how good the cipher is.
    Fresh,
    /// The Eve trained alongside Alice and Bob, trained on.
    Continue,
}

impl EveStart {
    /// The lowercase name (as in files and the page's test ids).
    pub fn name(self) -> &'static str {
        match self {
            EveStart::Fresh => "fresh",
            EveStart::Continue => "continue",
        }
    }
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
    /// The kernels on the audit's (autodiff) device.
    runner: Runner,
    source: BitSource,
    frozen_alice: Network,
    ciphers: Networks,
    optim: FlatOptimizer,
    step: usize,
}

impl Audit {
    /// Starts an audit of `ciphers` (copied; the originals are untouched). `device` must
    /// have autodiff.
    pub fn new(
        ciphers: &Networks,
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
            runner: Runner::new(cipher.bits, device),
            source: BitSource::new(seeds::audit_data(config.seed)),
            frozen_alice: ciphers.alice.valid(),
            optim: optimizer(config.optimizer),
            config,
            ciphers,
            step: 0,
        })
    }

    /// The audit's settings.
    pub fn config(&self) -> &AuditConfig {
        &self.config
    }

    /// Scores the frozen Bob and the audited Eve on fresh messages (seeded apart from
    /// training and audit data).
    pub fn evaluate(&self) -> Pending<Evaluation> {
        let cipher = Cipher::new(&self.ciphers, self.runner.device());
        evaluate(&cipher, EVALUATION_SAMPLES, seeds::held_out(self.config.seed))
    }

    /// The frozen Alice and Bob with the audited Eve.
    pub fn networks(&self) -> &Networks {
        &self.ciphers
    }
}

impl Steps for Audit {
    type Row = AuditLoss;

    /// Trains Eve up to `steps` more steps (fewer if the audit ends first).
    fn run(&mut self, steps: usize) -> Pending<Vec<AuditLoss>> {
        let first = self.step + 1;
        let todo = steps.min(self.config.steps.saturating_sub(self.step));
        let bits = self.frozen_alice.bits();
        let mut rows = Vec::with_capacity(todo);
        for _ in 0..todo {
            let batch = self.source.batch(self.config.batch_size, bits, self.runner.device());
            let eve = self.ciphers.eve.clone();
            let lr = self.config.learning_rate;
            let (eve, loss) = eve_step(&self.frozen_alice, eve, &mut self.optim, lr, &batch, &self.runner);
            self.ciphers.eve = eve;
            rows.push(loss.unsqueeze());
            self.step += 1;
        }
        pending_rows(first, rows)
    }

    /// Eve steps done so far.
    fn done(&self) -> usize {
        self.step
    }

    /// The configured Eve steps.
    fn total(&self) -> usize {
        self.config.steps
    }
}
