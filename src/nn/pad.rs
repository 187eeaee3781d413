//! CryptoNet (Coutinho et al. 2018), the network that learns a one-time pad: bits enter as
//! angles `a(b) = arccos(1 − 2b)` (0 or π), one linear layer `W` (2N → N, no bias, no
//! curve) adds them, and the output is `(1 − cos h)/2`. With integer weights that is XOR:
//! `cos(π·Σ wⱼbⱼ)` is `(−1)` to the number of selected bits set. Alice and Bob are the same
//! network: Alice reads `(P, K)`, Bob `(C, K)`. They train against the distinguishing Eve
//! (two messages, which one was sent?) with L2 weight decay, and the weights are rounded
//! to integers ([`PadNet::rounded`]); [`analysis`] reads the formulas off them. As in the
//! paper's method, the rounded network is tested every so often during training, which
//! stops as soon as it is a perfect one-time pad; an attempt that finds none in its
//! iterations can start again from fresh weights.

use burn::module::{Module, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::sigmoid;
use rand::{Rng, SeedableRng, rngs::SmallRng};

use crate::nn::attack::Encrypt;
use crate::nn::attack::nets::Mlp;
use crate::nn::config::OptimizerKind;
use crate::nn::data::{BitSource, GameRound, MessageBatch};
use crate::nn::evaluation::Score;
use crate::nn::kernels::Kernels;
use crate::nn::losses::{bits_wrong_loss, distinguishing_term, logit_cross_entropy_share};
use crate::nn::metrics::{IterationLosses, pending_rows};
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::pending::Pending;
use crate::nn::seeds;
use crate::nn::steps::Steps;

pub mod analysis;
pub mod file;
pub mod trained;

/// Alice and Bob in one: `W` `[2N, N]`.
#[derive(Module, Debug)]
pub struct PadNet {
    pub weight: Param<Tensor<2>>,
}

/// `a(x) = arccos(1 − 2x)`, kept off ±1 where its slope is infinite. `[rows, N]`.
fn angles(x: Tensor<2>) -> Tensor<2> {
    x.mul_scalar(-2.0).add_scalar(1.0).clamp(-1.0 + 1e-6, 1.0 - 1e-6).acos()
}

impl PadNet {
    /// Weights uniform in ±0.5 from `seed`, for `bits` bits.
    pub fn init(bits: usize, seed: u64, device: &Device) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let values: Vec<f32> = (0..2 * bits * bits).map(|_| rng.random_range(-0.5..0.5)).collect();
        Self {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(values, [2 * bits, bits]), device)),
        }
    }

    /// Bits in a message.
    pub fn bits(&self) -> usize {
        self.weight.dims()[1]
    }

    /// `(1 − cos h)/2` with `h = [a(x), a(key)]·W`: Alice with `x` the message, Bob with `x`
    /// the ciphertext. `[rows, N]`, `[rows, N]` -> `[rows, N]` in 0..1.
    pub fn forward(&self, x: Tensor<2>, key: Tensor<2>) -> Tensor<2> {
        let inputs = Tensor::cat(vec![angles(x), angles(key)], 1); // [rows, 2N]
        let h = inputs.matmul(self.weight.val()); // [rows, N]
        h.cos().neg().add_scalar(1.0).div_scalar(2.0)
    }

    /// A rounded pad's ciphertext as bits, exactly 0 or 1: [`PadNet::forward`] rounded.
    /// Its floats lie within about 1e-5 of a bit, but how far off depends on which inputs
    /// were set (the angles are kept off ±1), so the raw values would leak message bits.
    /// `[rows, N]`, `[rows, N]` -> `[rows, N]`.
    pub fn encrypt_bits(&self, messages: Tensor<2>, key: Tensor<2>) -> Tensor<2> {
        self.forward(messages, key).round()
    }

    /// The weights rounded to the nearest integers.
    pub fn rounded(&self) -> Self {
        Self { weight: Param::from_tensor(self.weight.val().round().detach()) }
    }

    /// Bob's reading of `samples` fresh messages drawn from `seed`, scored as every
    /// evaluation is ([`Score::from_guesses`]).
    pub fn bob_score(&self, samples: usize, seed: u64) -> Pending<Score> {
        let device = self.weight.device();
        let bits = self.bits();
        let batch = BitSource::new(seed).batch(samples, bits, &device);
        let read = self.forward(self.forward(batch.messages.clone(), batch.keys.clone()), batch.keys);
        Pending::new(vec![batch.messages, read], move |all| Score::from_guesses(&all[0], &all[1], bits))
    }

    /// The weights as integers (`[2N][N]`, rows: message bits then key bits).
    pub fn integers(&self) -> Pending<Vec<Vec<i64>>> {
        let [rows, cols] = self.weight.dims();
        Pending::floats(self.weight.val()).map(move |w| {
            (0..rows).map(|r| (0..cols).map(|c| w[r * cols + c].round() as i64).collect()).collect()
        })
    }
}

/// A pad's Alice, frozen, for the attacker suite.
pub struct FrozenPad {
    net: PadNet,
}

impl FrozenPad {
    /// `net`'s Alice without gradients.
    pub fn new(net: &PadNet) -> Self {
        Self { net: net.valid() }
    }
}

impl Encrypt for FrozenPad {
    fn bits(&self) -> usize {
        self.net.bits()
    }

    fn encrypt(&self, batch: &MessageBatch) -> Tensor<2> {
        self.net.encrypt_bits(batch.messages.clone(), batch.keys.clone())
    }
}

/// How a pad trains.
#[derive(burn::config::Config, Debug, PartialEq)]
pub struct PadConfig {
    /// Bits in a message, a key and a ciphertext.
    #[config(default = 16)]
    pub bits: usize,
    #[config(default = 20_000)]
    pub iterations: usize,
    #[config(default = 256)]
    pub batch_size: usize,
    /// Eve steps per Alice+Bob step.
    #[config(default = 5)]
    pub eve_steps: usize,
    /// γ in `L_B − γ·min(Err, ½)`.
    #[config(default = 7.0)]
    pub gamma: f64,
    /// L2 weight decay on `W`.
    #[config(default = 0.015)]
    pub weight_decay: f64,
    #[config(default = 0.001)]
    pub learning_rate: f64,
    #[config(default = 1)]
    pub seed: u64,
    /// Iterations between two exact checks of the rounded network; training stops at the
    /// first check that finds a perfect one-time pad. The end of every attempt is checked
    /// too (0 or none, as in files written before the checks: only then).
    pub check_every: Option<usize>,
    /// Fresh starts: an attempt whose `iterations` end without a check finding a perfect
    /// pad starts again from new weights, distinguisher and data, up to this many attempts
    /// in all (none, as in files written before: 1). The last attempt's pad is kept.
    pub attempts: Option<usize>,
}

/// Iterations between two checks on the command line.
pub const DEFAULT_CHECK_EVERY: usize = 1000;

impl PadConfig {
    /// Checks every field; the message names the first bad one.
    pub fn validate(&self) -> Result<(), String> {
        let bad = |name: &str, value: String, allowed: &str| {
            Err(format!("{name} = {value} is not allowed: {allowed}"))
        };
        if !(2..=64).contains(&self.bits) {
            return bad("bits", self.bits.to_string(), "an integer from 2 to 64");
        }
        if !(1..=10_000_000).contains(&self.iterations) {
            return bad("iterations", self.iterations.to_string(), "an integer from 1 to 10000000");
        }
        if !(1..=100).contains(&self.attempts()) {
            return bad("attempts", self.attempts().to_string(), "an integer from 1 to 100");
        }
        if !(1..=65_536).contains(&self.batch_size) {
            return bad("batch_size", self.batch_size.to_string(), "an integer from 1 to 65536");
        }
        if !(1..=100).contains(&self.eve_steps) {
            return bad("eve_steps", self.eve_steps.to_string(), "an integer from 1 to 100");
        }
        for (name, value) in [("gamma", self.gamma), ("weight_decay", self.weight_decay)] {
            if !(value.is_finite() && value >= 0.0) {
                return bad(name, value.to_string(), "a number of 0 or more");
            }
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad("learning_rate", self.learning_rate.to_string(), "a number above 0");
        }
        Ok(())
    }

    /// Attempts in all (at least 1).
    pub fn attempts(&self) -> usize {
        self.attempts.unwrap_or(1)
    }
}

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

    /// The pad as it is now, rounded and read ([`trained::TrainedPad`]).
    pub fn trained(&self) -> Pending<trained::TrainedPad> {
        trained::TrainedPad::of(&self.net, &self.config, self.attempt_iteration, self.attempt)
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
