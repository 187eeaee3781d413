//! The adversarial training loop (spec §2–§3), behind a step-wise API a page can drive:
//! `Trainer::run(n)` trains `n` iterations and returns their losses still on the device;
//! the caller reads them back (synchronously, or asynchronously in a browser) when it
//! wants them. Nothing is read back inside the loop.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, RmsPropConfig};
use burn::prelude::*;

use crate::config::{ConfigError, OptimizerKind, TrainingConfig};
use crate::data::{BitSource, MessageBatch};
use crate::kernels::Kernels;
use crate::metrics::{IterationLosses, Pending};
use crate::model::{Ciphers, Network};

/// `mean over batch of sum over bits |P − guess|`: bits wrong per message. `[batch, N]` -> `[1]`.
pub fn bits_wrong_loss(messages: Tensor<2>, guesses: Tensor<2>) -> Tensor<1> {
    (messages - guesses).abs().sum_dim(1).mean()
}

/// Alice+Bob's loss `L_B + (N/2 − L_E)² / (N/2)²`.
pub fn ab_loss(bob_loss: Tensor<1>, eve_loss: Tensor<1>, bits: usize) -> Tensor<1> {
    let half = bits as f32 / 2.0;
    let gap = eve_loss.neg().add_scalar(half);
    bob_loss + gap.powi_scalar(2).div_scalar(half * half)
}

/// Builds the optimiser of the configured kind with Keras/TensorFlow constants.
pub fn optimizer(kind: OptimizerKind) -> ModuleOptimizer {
    match kind {
        OptimizerKind::RmsProp => RmsPropConfig::new()
            .with_alpha(0.9)
            .with_momentum(0.0)
            .with_epsilon(1e-7)
            .init(),
        OptimizerKind::Adam => AdamConfig::new()
            .with_beta_1(0.9)
            .with_beta_2(0.999)
            .with_epsilon(1e-8)
            .init(),
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
    source: BitSource,
    ciphers: Ciphers,
    ab_optim: ModuleOptimizer,
    eve_optim: ModuleOptimizer,
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
        let kernels = Kernels::for_device(config.cipher.bits, device);
        // The data stream is seeded apart from the weights (which use `seed` itself).
        let source = BitSource::new(config.seed ^ 0x5eed_da7a);
        Self {
            ab_optim: optimizer(config.optimizer),
            eve_optim: optimizer(config.optimizer),
            config,
            device: device.clone(),
            kernels,
            source,
            ciphers,
            iteration: 0,
        }
    }

    /// The configuration being trained.
    pub fn config(&self) -> &TrainingConfig {
        &self.config
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
        &self.ciphers
    }

    /// The kernels the networks run with on this device.
    pub fn kernels(&self) -> &Kernels {
        &self.kernels
    }

    /// Gives the networks up (to save them or to audit them).
    pub fn into_ciphers(self) -> Ciphers {
        self.ciphers
    }

    /// Runs up to `iterations` iterations (fewer if the schedule ends first).
    pub fn run(&mut self, iterations: usize) -> Pending<IterationLosses> {
        let first = self.iteration + 1;
        let left = self.config.total_iterations().saturating_sub(self.iteration);
        let todo = iterations.min(left);
        let rows = (0..todo).map(|_| self.iterate()).collect();
        Pending::new(first, rows)
    }

    /// One iteration: `ab_steps` Alice+Bob steps, then `eve_steps` Eve steps. `[1, 3]`.
    fn iterate(&mut self) -> Tensor<2> {
        let c = self.config.clone();
        let (bits, steps) = (c.cipher.bits, c.ab_steps + c.eve_steps);
        let batches = self.source.draw(steps, c.batch_size, bits, &self.device);
        let mut last = None;
        for i in 0..c.ab_steps {
            last = Some(self.ab_step(&batches.get(i)));
        }
        let (ab, bob) = last.expect("at least one Alice+Bob step");
        // Alice is frozen for all of this iteration's Eve steps: encrypt their batches in
        // one pass (fewer, larger ops), then step Eve on each slice in turn.
        let mut eve_losses = Vec::with_capacity(c.eve_steps);
        if c.eve_steps > 0 {
            let alice = self.ciphers.alice.valid();
            let joined = batches.joined(c.ab_steps, c.eve_steps);
            let ciphertexts = encrypt(&alice, &joined, &self.kernels);
            for i in 0..c.eve_steps {
                let rows = |t: &Tensor<2>| t.clone().narrow(0, i * c.batch_size, c.batch_size);
                let eve = self.ciphers.eve.clone();
                let (eve, loss) = eve_step_on(
                    rows(&ciphertexts),
                    eve,
                    &mut self.eve_optim,
                    c.eve_learning_rate,
                    &rows(&joined.messages),
                    &self.kernels,
                );
                self.ciphers.eve = eve;
                eve_losses.push(loss);
            }
        }
        let eve = if eve_losses.is_empty() {
            Tensor::from_floats([f32::NAN], &self.device)
        } else {
            let count = eve_losses.len() as f32;
            Tensor::cat(eve_losses, 0).sum().div_scalar(count)
        };
        self.iteration += 1;
        Tensor::cat(vec![ab, bob, eve], 0).unsqueeze() // [1, 3]
    }

    /// One Alice+Bob step against a frozen Eve. Returns (L_AB, L_B), detached.
    fn ab_step(&mut self, batch: &MessageBatch) -> (Tensor<1>, Tensor<1>) {
        let bits = self.config.cipher.bits;
        let Ciphers { alice, bob, eve } = &self.ciphers;
        let eve = eve.valid();
        let ciphertext = encrypt(alice, batch, &self.kernels);
        let bob_guess = decrypt(bob, ciphertext.clone(), batch.keys.clone(), &self.kernels);
        let bob_loss = bits_wrong_loss(batch.messages.clone(), bob_guess);
        let eve_loss = bits_wrong_loss(batch.messages.clone(), eve.forward(ciphertext, &self.kernels));
        let loss = ab_loss(bob_loss.clone(), eve_loss, bits);
        let mut grads = loss.backward();
        let alice_grads = GradientsParams::from_module(&mut grads, alice);
        let bob_grads = GradientsParams::from_module(&mut grads, bob);
        let lr = self.config.ab_learning_rate;
        let alice = self.ab_optim.step(lr, self.ciphers.alice.clone(), alice_grads);
        let bob = self.ab_optim.step(lr, self.ciphers.bob.clone(), bob_grads);
        self.ciphers.alice = alice;
        self.ciphers.bob = bob;
        (loss.detach(), bob_loss.detach())
    }
}
