//! The suite's distinguishing attacker: the two-message game (Coutinho et al. 2018) played
//! by a fresh network against the frozen Alice. Each round it is handed two real messages
//! and the ciphertext of one of them under a fresh key, and says which; it is scored by
//! how often it is right on fresh rounds (50 % is a coin flip). It sees what a per-bit
//! reader cannot: a key that cancels in the XOR of two ciphertext positions leaves
//! `c₂ ⊕ c₉ = m₂ ⊕ m₉`, which says which candidate was sent while every single bit looks
//! random.
//!
//! Its inputs are the standardised ciphertext with each position's XOR with either candidate
//! ([`GameRound::seen_with_xors`]); an MLP of three hidden layers of 256 reads them.

use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use rand::{SeedableRng, rngs::SmallRng};
use serde::{Deserialize, Serialize};

use super::best_check::BestCheck;
use super::nets::Mlp;
use super::standardise::Standardise;
use super::{AttackerKind, Encrypt, SuiteConfig};
use crate::nn::data::{BitSource, GameRound};
use crate::nn::kernels::Kernels;
use crate::nn::losses::logit_cross_entropy_share;
use crate::nn::optimizer::FlatOptimizer;
use crate::nn::pending::Pending;
use crate::nn::seeds;
use crate::nn::steps::Steps;

/// Rounds the held-out checks use.
const VALIDATION_ROUNDS: usize = 4096;
/// The least rise in held-out accuracy (a share, 0..1) that counts as a gain.
const MIN_GAIN: f64 = 0.002;

/// What the distinguishing attacker achieved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistinguishResult {
    /// Rounds it told right, of `rounds` fresh ones, in percent (50: chance).
    pub accuracy_pct: f64,
    /// Fresh rounds scored.
    pub rounds: usize,
    /// Steps it trained before it stopped.
    pub steps: usize,
    /// Steps at its best check (the weights scored).
    pub steps_at_best: usize,
    /// Seconds it trained.
    pub seconds: f64,
}

/// One held-out check.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistinguishRow {
    pub step: usize,
    /// Held-out rounds told right, in percent.
    pub held_out_accuracy_pct: f64,
}

/// A set of rounds with their ciphertexts, for checks and the score.
struct Rounds {
    inputs: Tensor<2>,
    coins: Vec<f32>,
}

/// The distinguishing attacker, trained step by step against a frozen cipher.
pub struct DistinguishRun {
    config: SuiteConfig,
    cipher: Box<dyn Encrypt>,
    device: Device,
    kernels: Kernels,
    source: BitSource,
    standardise: Standardise,
    net: Mlp,
    optim: FlatOptimizer,
    validation: Rounds,
    step: usize,
    /// Held-out accuracy (a share) at the best check, the step, and the net then.
    checks: BestCheck<Mlp>,
    seconds: f64,
}

/// The index its seeds are drawn with, after every reading attacker's.
const SEED_INDEX: usize = AttackerKind::ALL.len();

impl DistinguishRun {
    /// A fresh distinguisher against `cipher` on `device` (with autodiff).
    pub fn new(cipher: Box<dyn Encrypt>, config: SuiteConfig, device: &Device) -> Self {
        let bits = cipher.bits();
        let mut rng = SmallRng::seed_from_u64(seeds::attacker(config.seed, SEED_INDEX));
        let mut validation_source = BitSource::new(seeds::attack_validation(config.seed));
        let sample = validation_source.batch(VALIDATION_ROUNDS, bits, device);
        let standardise =
            Standardise::of(&Pending::floats(cipher.encrypt(&sample)).read().expect("a CPU device"), bits);
        let mut run = Self {
            net: Mlp::new(5 * bits, &[256, 256, 256], 1, &mut rng, device),
            kernels: Kernels::for_device(bits, device),
            source: BitSource::new(seeds::attack_data(config.seed, SEED_INDEX)),
            optim: FlatOptimizer::adam(&AdamConfig::new().with_epsilon(1e-8)),
            validation: Rounds { inputs: Tensor::zeros([1, 1], device), coins: Vec::new() },
            standardise,
            cipher,
            device: device.clone(),
            config,
            step: 0,
            checks: BestCheck::new(),
            seconds: 0.0,
        };
        run.validation = run.rounds(&mut validation_source, VALIDATION_ROUNDS);
        run
    }

    /// The attacker's inputs for a round: `[rows, 5N]` (see the module's comment).
    fn inputs(&self, round: &GameRound) -> Tensor<2> {
        let ciphertext = self.cipher.encrypt(&round.sent()).detach(); // [rows, N]
        round.seen_with_xors(self.standardise.tensor(ciphertext))
    }

    /// `rows` fresh rounds from `source`, with their inputs.
    fn rounds(&self, source: &mut BitSource, rows: usize) -> Rounds {
        let round = GameRound::draw(source, rows, self.cipher.bits(), &self.device);
        let coins = Pending::floats(round.coins.clone()).read().expect("a CPU device");
        Rounds { inputs: self.inputs(&round), coins }
    }

    /// The share of `rounds` that `net` tells right.
    fn accuracy(&self, net: &Mlp, rounds: &Rounds) -> f64 {
        let logits = net.valid().forward(rounds.inputs.clone(), &self.kernels);
        let logits = Pending::floats(logits).read().expect("a CPU device");
        let right = logits.iter().zip(&rounds.coins).filter(|&(&l, &c)| (l >= 0.0) == (c >= 0.5)).count();
        right as f64 / rounds.coins.len().max(1) as f64
    }

    /// One step on a fresh round.
    fn train_step(&mut self) {
        let round =
            GameRound::draw(&mut self.source, self.config.batch_size, self.cipher.bits(), &self.device);
        let logits = self.net.forward(self.inputs(&round), &self.kernels); // [rows, 1]
        let loss = logit_cross_entropy_share(round.coins, logits, self.config.batch_size);
        let grads = GradientsParams::from_grads(loss.backward(), &self.net);
        self.net = self.optim.step(0.001, self.net.clone(), grads);
        self.step += 1;
    }

    /// Checks the net on the held-out rounds; returns its accuracy (a share).
    fn check(&mut self) -> f64 {
        let accuracy = self.accuracy(&self.net, &self.validation);
        let gains = |value: f64, best: f64| value > best + MIN_GAIN;
        self.checks.record(accuracy, self.step, &self.net, gains, self.config.patience);
        accuracy
    }

    /// Scores the net as it stood at its best check on `rounds` fresh rounds.
    pub fn finish(&self, rounds: usize) -> DistinguishResult {
        let fresh = self.rounds(&mut BitSource::new(seeds::held_out(self.config.seed)), rounds);
        let (net, steps_at_best) = self.checks.best().unwrap_or((&self.net, self.step));
        DistinguishResult {
            accuracy_pct: 100.0 * self.accuracy(net, &fresh),
            rounds,
            steps: self.step,
            steps_at_best,
            seconds: self.seconds,
        }
    }
}

impl Steps for DistinguishRun {
    type Row = DistinguishRow;

    /// Trains up to `steps` more steps; a row for each held-out check among them.
    fn run(&mut self, steps: usize) -> Pending<Vec<DistinguishRow>> {
        let started = web_time::Instant::now();
        let mut rows = Vec::new();
        for _ in 0..steps {
            if self.is_done() {
                break;
            }
            self.train_step();
            if self.step.is_multiple_of(self.config.check_every) || self.step == self.config.max_steps {
                let accuracy = self.check();
                rows.push(DistinguishRow { step: self.step, held_out_accuracy_pct: 100.0 * accuracy });
            }
        }
        self.seconds += started.elapsed().as_secs_f64();
        Pending::ready(rows)
    }

    fn done(&self) -> usize {
        self.step
    }

    fn total(&self) -> usize {
        self.config.max_steps
    }

    fn is_done(&self) -> bool {
        self.checks.stopped() || self.step >= self.config.max_steps
    }
}
