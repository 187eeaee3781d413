//! Training a pad against the distinguishing Eve: Alice+Bob's steps and the distinguisher's,
//! the rounded network checked every so often (training stops at the first perfect pad),
//! and fresh attempts when one ends without.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use rand::{SeedableRng, rngs::SmallRng};

use super::trained::TrainedPad;
use super::{PadConfig, PadNet};
use crate::nn::attack::nets::Mlp;
use crate::nn::config::OptimizerKind;
use crate::nn::data::{BitSource, GameRound};
use crate::nn::kernels::Kernels;
use crate::nn::losses::{bits_wrong_loss, distinguishing_term, logit_cross_entropy_share};
use crate::nn::metrics::{IterationLosses, pending_rows};
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::pending::Pending;
use crate::nn::seeds;
use crate::nn::steps::Steps;

/// Trains a pad against the distinguishing Eve, step by step. Rows: `ab` is Alice+Bob's
/// loss, `bob` Bob's bits wrong per message, `eve` the distinguisher's error rate (0.5:
/// chance).
pub struct PadTrainer {
    config: PadConfig,
    net: PadNet,
    eve: Mlp,
    kernels: Kernels,
    ab_optim: FlatOptimizer,
    eve_optim: FlatOptimizer,
    source: BitSource,
    /// The attempt training now (0: the first), and the iterations it has trained (every
    /// attempt before it trained `config.iterations`).
    attempt: usize,
    attempt_iteration: usize,
    /// The iteration at which a check found a perfect pad (training ends there).
    perfect_at: Option<usize>,
}

impl PadTrainer {
    /// A fresh pad and distinguisher from `config.seed` on `device` (with autodiff).
    pub fn new(config: PadConfig, device: &Device) -> Self {
        let bits = config.bits;
        let (net, eve, source) = Self::start(&config, 0, device);
        Self {
            net,
            eve,
            kernels: Kernels::for_device(bits, device),
            ab_optim: optimizer(OptimizerKind::Adam),
            eve_optim: optimizer(OptimizerKind::Adam),
            source,
            attempt: 0,
            attempt_iteration: 0,
            perfect_at: None,
            config,
        }
    }

    /// Attempt `attempt`'s fresh weights, distinguisher and data.
    fn start(config: &PadConfig, attempt: usize, device: &Device) -> (PadNet, Mlp, BitSource) {
        let seed = seeds::pad_attempt(config.seed, attempt);
        let mut rng = SmallRng::seed_from_u64(seeds::distinguisher(seed));
        let bits = config.bits;
        (
            PadNet::init(bits, seed, device),
            Mlp::new(3 * bits, &[128, 128], 1, &mut rng, device),
            BitSource::new(seeds::training_data(seed)),
        )
    }

    /// Starts the next attempt from fresh weights, a fresh distinguisher and fresh data.
    fn restart(&mut self) {
        self.attempt += 1;
        self.attempt_iteration = 0;
        let device = self.net.weight.device();
        (self.net, self.eve, self.source) = Self::start(&self.config, self.attempt, &device);
        self.ab_optim = optimizer(OptimizerKind::Adam);
        self.eve_optim = optimizer(OptimizerKind::Adam);
    }

    /// The attempt training now, or that trained the pad (0: the first).
    pub fn attempt(&self) -> usize {
        self.attempt
    }

    /// The iteration at which the rounded network was found to be a perfect one-time pad,
    /// if a check found it.
    pub fn perfect_at(&self) -> Option<usize> {
        self.perfect_at
    }

    /// Rounds the network and checks it exactly; records the iteration if it is a perfect
    /// pad. The pad trains on a CPU device, so the read-back does not wait.
    fn check(&mut self) {
        let trained = self.trained().read().expect("the pad trains on a CPU device");
        if trained.perfect {
            self.perfect_at = Some(self.done());
        }
    }

    /// The pad as it is now.
    pub fn net(&self) -> &PadNet {
        &self.net
    }

    /// How it trains.
    pub fn config(&self) -> &PadConfig {
        &self.config
    }

    /// The pad as it is now, rounded and read ([`TrainedPad`]).
    pub fn trained(&self) -> Pending<TrainedPad> {
        TrainedPad::of(&self.net, &self.config, self.attempt_iteration, self.attempt)
    }

    /// One iteration: an Alice+Bob step, then the Eve steps. `[1, 3]` losses.
    fn iterate(&mut self) -> Tensor<2> {
        let device = self.net.weight.device();
        let c = &self.config;
        let (lr, gamma, decay) = (c.learning_rate, c.gamma, c.weight_decay);
        // Alice+Bob: Bob's error, the distinguisher's error on a fresh round, weight decay.
        let batch = self.source.batch(c.batch_size, c.bits, &device);
        let ciphertext = self.net.forward(batch.messages.clone(), batch.keys.clone());
        let read = self.net.forward(ciphertext, batch.keys.clone());
        let bob = bits_wrong_loss(batch.messages, read); // [1]: bits wrong per message
        let round = GameRound::draw(&mut self.source, c.batch_size, c.bits, &device);
        let sent = round.sent();
        let ciphertext = self.net.forward(sent.messages, sent.keys); // [rows, N]
        let p = sigmoid(self.eve.valid().forward(round.seen(ciphertext), &self.kernels)); // [rows, 1]
        let err = bits_wrong_loss(round.coins, p); // [1]: her mean probability on the wrong one
        let decay_term = self.net.weight.val().powi_scalar(2).sum().mul_scalar(decay as f32);
        let ab = bob.clone() + distinguishing_term(err.clone(), gamma) + decay_term;
        let grads = GradientsParams::from_grads(ab.backward(), &self.net);
        self.net = self.ab_optim.step(lr, self.net.clone(), grads);
        // Eve: cross-entropy on fresh rounds against the frozen pad.
        let frozen = self.net.valid();
        let mut eve_err = err.detach();
        for _ in 0..self.config.eve_steps {
            let round = GameRound::draw(&mut self.source, self.config.batch_size, self.config.bits, &device);
            let sent = round.sent();
            let ciphertext = frozen.forward(sent.messages, sent.keys); // [rows, N]
            let logits = self.eve.forward(round.seen(ciphertext), &self.kernels); // [rows, 1]
            let rows = self.config.batch_size;
            let loss = logit_cross_entropy_share(round.coins.clone(), logits.clone(), rows);
            eve_err = bits_wrong_loss(round.coins, sigmoid(logits.detach()));
            let grads = GradientsParams::from_grads(loss.backward(), &self.eve);
            self.eve = self.eve_optim.step(lr, self.eve.clone(), grads);
        }
        Tensor::cat(vec![ab.detach(), bob.detach(), eve_err], 0).unsqueeze() // [1, 3]
    }
}

impl Steps for PadTrainer {
    type Row = IterationLosses;

    fn run(&mut self, iterations: usize) -> Pending<Vec<IterationLosses>> {
        let first = self.done() + 1;
        let mut rows = Vec::new();
        while rows.len() < iterations && !self.is_done() {
            rows.push(self.iterate());
            self.attempt_iteration += 1;
            let every = self.config.check_every.unwrap_or(0);
            let attempt_over = self.attempt_iteration == self.config.iterations;
            if attempt_over || (every > 0 && self.attempt_iteration.is_multiple_of(every)) {
                self.check();
            }
            if attempt_over && self.perfect_at.is_none() && self.attempt + 1 < self.config.attempts() {
                self.restart();
            }
        }
        pending_rows(first, rows)
    }

    /// Iterations trained in all attempts.
    fn done(&self) -> usize {
        self.attempt * self.config.iterations + self.attempt_iteration
    }

    /// Every attempt's iterations.
    fn total(&self) -> usize {
        self.config.iterations * self.config.attempts()
    }

    /// Every attempt trained, or a check found a perfect pad.
    fn is_done(&self) -> bool {
        self.perfect_at.is_some() || self.done() >= self.total()
    }
}
