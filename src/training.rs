//! The adversarial training loop (spec §2–§3), behind a step-wise API a page can drive:
//! `Trainer::run(n)` trains `n` iterations and returns their losses still on the device;
//! the caller reads them back (synchronously, or asynchronously in a browser) when it
//! wants them. Nothing is read back inside the loop.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, RmsPropConfig};
use burn::prelude::*;

use crate::config::{ConfigError, OptimizerKind, TrainingConfig};
use crate::data::MessageBatch;
use crate::kernels::Kernels;
use crate::metrics::{IterationLosses, Pending};
use crate::model::{Ciphers, Network};
use crate::replicas::{Link, default_replicas, replicate};

mod replica;
use replica::{Replica, Shared};

/// `mean over batch of sum over bits |P − guess|`: bits wrong per message. `[batch, N]` -> `[1]`.
pub fn bits_wrong_loss(messages: Tensor<2>, guesses: Tensor<2>) -> Tensor<1> {
    (messages - guesses).abs().sum_dim(1).mean()
}

/// Alice+Bob's loss `L_B + (N/2 − L_E)² / (N/2)²`.
pub fn ab_loss(bob_loss: Tensor<1>, eve_loss: Tensor<1>, bits: usize) -> Tensor<1> {
    weighted_ab_loss(bob_loss, eve_loss, bits, 1.0)
}

/// Alice+Bob's loss with the Eve term weighted: `L_B + w·(N/2 − L_E)² / (N/2)²`.
pub fn weighted_ab_loss(bob_loss: Tensor<1>, eve_loss: Tensor<1>, bits: usize, weight: f64) -> Tensor<1> {
    bob_loss + eve_term(eve_loss, bits, weight)
}

/// The Eve term of Alice+Bob's loss, `w·(N/2 − L_E)² / (N/2)²`: 0 when Eve is at chance.
pub(crate) fn eve_term(eve_loss: Tensor<1>, bits: usize, weight: f64) -> Tensor<1> {
    let half = bits as f32 / 2.0;
    let gap = eve_loss.neg().add_scalar(half);
    gap.powi_scalar(2).mul_scalar(weight as f32 / (half * half))
}

/// The Eve term counted bit by bit, `w·(4/N)·Σᵢ(½ − eᵢ)²`, from Eve's error on each bit
/// (`[N]`, each in 0..1) -> `[1]`. Equals [`eve_term`] when every bit is equally off.
pub fn per_bit_eve_term(bit_errors: Tensor<1>, weight: f64) -> Tensor<1> {
    let [bits] = bit_errors.dims();
    let gap = bit_errors.neg().add_scalar(0.5);
    gap.powi_scalar(2).sum().mul_scalar(4.0 * weight as f32 / bits as f32)
}

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

/// Alice's ciphertext for a batch: `[batch, N]`.
pub fn encrypt(alice: &Network, batch: &MessageBatch, kernels: &Kernels) -> Tensor<2> {
    alice.forward(Tensor::cat(vec![batch.messages.clone(), batch.keys.clone()], 1), kernels)
}

/// Bob's reading of a ciphertext with the key: `[batch, N]`.
pub fn decrypt(bob: &Network, ciphertext: Tensor<2>, keys: Tensor<2>, kernels: &Kernels) -> Tensor<2> {
    bob.forward(Tensor::cat(vec![ciphertext, keys], 1), kernels)
}

/// One Eve step against a frozen Alice (`alice` without gradients). Returns the moved Eve
/// and her loss (detached).
pub fn eve_step(
    alice: &Network,
    eve: Network,
    optim: &mut ModuleOptimizer,
    learning_rate: f64,
    batch: &MessageBatch,
    kernels: &Kernels,
) -> (Network, Tensor<1>) {
    let ciphertext = encrypt(alice, batch, kernels);
    eve_step_on(ciphertext, eve, optim, learning_rate, &batch.messages, kernels)
}

/// One Eve step on ciphertexts already made by a frozen Alice.
pub fn eve_step_on(
    ciphertext: Tensor<2>,
    eve: Network,
    optim: &mut ModuleOptimizer,
    learning_rate: f64,
    messages: &Tensor<2>,
    kernels: &Kernels,
) -> (Network, Tensor<1>) {
    let loss = bits_wrong_loss(messages.clone(), eve.forward(ciphertext, kernels));
    let grads = GradientsParams::from_grads(loss.backward(), &eve);
    (optim.step(learning_rate, eve, grads), loss.detach())
}

/// Trains Alice, Bob and Eve by the schedule of a [`TrainingConfig`].
pub struct Trainer {
    config: TrainingConfig,
    device: Device,
    kernels: Kernels,
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
        let kernels = Kernels::for_device(config.cipher.bits, device);
        let replicas = (0..replicas)
            .map(|r| {
                Replica::new(&config, if r == 0 { ciphers.clone() } else { replicate(&ciphers) }, device)
            })
            .collect();
        Self { config, device: device.clone(), kernels, replicas, iteration: 0 }
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

    /// Iterations done so far.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// Whether the configured schedule is complete.
    pub fn is_done(&self) -> bool {
        self.iteration >= self.config.total_iterations()
    }

    /// The networks as they are now.
    pub fn ciphers(&self) -> &Ciphers {
        &self.replicas[0].ciphers
    }

    /// The kernels the networks run with on this device.
    pub fn kernels(&self) -> &Kernels {
        &self.kernels
    }

    /// Gives the networks up (to save them or to audit them).
    pub fn into_ciphers(mut self) -> Ciphers {
        self.replicas.swap_remove(0).ciphers
    }

    /// Runs up to `iterations` iterations (fewer if the schedule ends first).
    pub fn run(&mut self, iterations: usize) -> Pending<IterationLosses> {
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
            Shared {
                config: &self.config,
                kernels: &self.kernels,
                device: &self.device,
                start,
                rows: end - start,
            }
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
        Pending::new(first, rows)
    }
}
