//! The adversarial training loop (spec §2–§3), behind a step-wise API a page can drive:
//! [`Steps::run`]`(n)` trains `n` iterations and returns their losses still on the device;
//! the caller reads them back (synchronously, or asynchronously in a browser) when it
//! wants them. Nothing is read back inside the loop.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, RmsPropConfig};
use burn::prelude::*;

use crate::nn::config::{ConfigError, OptimizerKind, TrainingConfig};
use crate::nn::data::MessageBatch;
use crate::nn::inference::Runner;
use crate::nn::metrics::{IterationLosses, pending_rows};
use crate::nn::model::{Ciphers, Network};
use crate::nn::pending::Pending;
use crate::nn::replicas::{Link, default_replicas, replicate};
use crate::nn::steps::Steps;

pub mod losses;
mod replica;
use losses::bits_wrong_loss;
use replica::{Replica, Shared};

/// Builds the optimiser of the configured kind with Keras/TensorFlow constants.
pub fn optimizer(kind: OptimizerKind) -> ModuleOptimizer {
    match kind {
        OptimizerKind::RmsProp => {
            RmsPropConfig::new().with_alpha(0.9).with_momentum(0.0).with_epsilon(1e-7).init()
        }
        OptimizerKind::Adam => {
            AdamConfig::new().with_beta_1(0.9).with_beta_2(0.999).with_epsilon(1e-8).init()
        }
    }
}

/// One Eve step against a frozen Alice (`alice` without gradients). Returns the moved Eve
/// and her loss (detached).
pub fn eve_step(
    alice: &Network,
    eve: Network,
    optim: &mut ModuleOptimizer,
    learning_rate: f64,
    batch: &MessageBatch,
    runner: &Runner,
) -> (Network, Tensor<1>) {
    let ciphertext = runner.encrypt(alice, batch);
    let loss = bits_wrong_loss(batch.messages.clone(), runner.eavesdrop(&eve, ciphertext));
    let grads = GradientsParams::from_grads(loss.backward(), &eve);
    (optim.step(learning_rate, eve, grads), loss.detach())
}

/// Trains Alice, Bob and Eve by the schedule of a [`TrainingConfig`].
pub struct Trainer {
    config: TrainingConfig,
    /// The networks' kernels on the training device.
    runner: Runner,
    /// Replica 0 (the one reported) and, on a multi-core CPU, its helper.
    replicas: Vec<Replica>,
    iteration: usize,
}

impl Trainer {
    /// Checks `config`, then builds fresh networks from its seed on `device` (which must
    /// have autodiff: `Device::flex().autodiff()`, say).
    pub fn new(config: TrainingConfig, device: &Device) -> Result<Self, ConfigError> {
        config.validate()?;
        let ciphers = config.cipher.init(config.seed, device);
        Ok(Self::from_parts(config, ciphers, device))
    }

    /// Resumes training from existing networks (for instance a loaded model).
    pub fn from_parts(config: TrainingConfig, ciphers: Ciphers, device: &Device) -> Self {
        let replicas = default_replicas(device, config.batch_size);
        Self::with_replicas(config, ciphers, device, replicas)
    }

    /// Like [`Trainer::from_parts`] with an explicit number of replicas: 1 trains on one
    /// thread; 2 splits each batch over two threads (native builds only). Results are
    /// reproducible for a given seed, backend and replica count.
    ///
    /// # Panics
    /// If `replicas` is not 1 or 2, or is 2 with a batch smaller than 2.
    pub fn with_replicas(config: TrainingConfig, ciphers: Ciphers, device: &Device, replicas: usize) -> Self {
        assert!(matches!(replicas, 1 | 2), "1 or 2 replicas");
        assert!(config.batch_size >= replicas, "at least one row of each batch per replica");
        let runner = Runner::new(config.cipher.bits, device);
        let replicas = (0..replicas)
            .map(|r| {
                Replica::new(&config, if r == 0 { ciphers.clone() } else { replicate(&ciphers) }, device)
            })
            .collect();
        Self { config, runner, replicas, iteration: 0 }
    }

    /// The configuration being trained.
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// How many replicas share each batch (threads used).
    pub fn replicas(&self) -> usize {
        self.replicas.len()
    }

    /// Replica `index`'s networks (they equal replica 0's bit for bit: for checks).
    pub fn replica_ciphers(&self, index: usize) -> &Ciphers {
        &self.replicas[index].ciphers
    }

    /// The networks as they are now.
    pub fn ciphers(&self) -> &Ciphers {
        &self.replicas[0].ciphers
    }

    /// Gives the networks up (to save them or to audit them).
    pub fn into_ciphers(mut self) -> Ciphers {
        self.replicas.swap_remove(0).ciphers
    }
}

impl Steps for Trainer {
    type Row = IterationLosses;

    /// Runs up to `iterations` iterations (fewer if the schedule ends first).
    fn run(&mut self, iterations: usize) -> Pending<Vec<IterationLosses>> {
        let first = self.iteration + 1;
        let left = self.config.total_iterations().saturating_sub(self.iteration);
        let todo = iterations.min(left);
        let batch = self.config.batch_size;
        let count = self.replicas.len();
        let bounds = |r: usize| (r * batch / count, (r + 1) * batch / count);
        let start = self.iteration;
        let (main, helpers) = self.replicas.split_first_mut().expect("replica 0");
        let shared = |r| {
            let (start, end) = bounds(r);
            Shared { config: &self.config, runner: &self.runner, start, rows: end - start }
        };
        let rows = match helpers {
            [] => (start..start + todo).map(|i| main.iterate(&shared(0), &Link::solo(), i)).collect(),
            [helper] => std::thread::scope(|scope| {
                let (link, helper_link) = Link::pair();
                let helper_shared = shared(1);
                scope.spawn(move || {
                    for i in start..start + todo {
                        helper.iterate(&helper_shared, &helper_link, i);
                    }
                });
                let main_shared = shared(0);
                (start..start + todo).map(|i| main.iterate(&main_shared, &link, i)).collect()
            }),
            _ => unreachable!("at most two replicas"),
        };
        self.iteration += todo;
        pending_rows(first, rows)
    }

    /// Iterations done so far.
    fn done(&self) -> usize {
        self.iteration
    }

    /// Iterations in the configured schedule.
    fn total(&self) -> usize {
        self.config.total_iterations()
    }
}
