//! One attacker's run: it trains on batches of (ciphertext, message) pairs made by the
//! frozen cipher, checks its bits wrong on held-out messages every few hundred steps, stops
//! when that no longer improves (or at the step budget), and is scored, as it stood at
//! its best check, on fresh messages.

use std::f64::consts::PI;

use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use rand::{SeedableRng, rngs::SmallRng};

use super::bayes::Counts;
use super::best_check::BestCheck;
use super::nets::{Mlp, ResidualNet};
use super::standardise::Standardise;
use super::{AttackResult, AttackRow, AttackerKind, Encrypt, SuiteConfig};
use crate::nn::config::OptimizerKind;
use crate::nn::data::{BitSource, MessageBatch};
use crate::nn::evaluation::Score;
use crate::nn::inference::Runner;
use crate::nn::losses::{bits_wrong_loss, logit_cross_entropy_share};
use crate::nn::model::{CipherConfig, Network, Role};
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::pending::Pending;
use crate::nn::seeds;
use crate::nn::steps::Steps;

/// Messages the held-out checks use.
const VALIDATION_SAMPLES: usize = 4096;

/// The network being trained, by shape (one per attacker: sizes do not matter).
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
enum Net {
    /// Eve's own shape (ends in a sigmoid; sees raw ciphertexts).
    Eve(Network),
    Mlp(Mlp),
    Residual(ResidualNet),
}

/// What an attacker is, as it learns (one per attacker, for its whole run: sizes do not
/// matter).
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
enum Learner {
    Net(Net),
    Bayes(Counts),
}

/// How a network learns: its loss and learning-rate schedule.
#[derive(Clone, Copy, Debug)]
struct Recipe {
    learning_rate: f64,
    /// Per-bit cross-entropy on logits (else bits wrong on probabilities).
    cross_entropy: bool,
    /// Learning rate along a half cosine to 5 % of it over the step budget.
    cosine: bool,
}

/// A labelled set of messages for checks and the final score.
struct Labelled {
    ciphertext: Tensor<2>,
    messages: Vec<f32>,
}

/// One attacker trained against a frozen cipher, step by step.
pub struct AttackRun {
    kind: AttackerKind,
    config: SuiteConfig,
    cipher: Box<dyn Encrypt>,
    runner: Runner,
    source: BitSource,
    standardise: Standardise,
    learner: Learner,
    recipe: Recipe,
    optim: Option<FlatOptimizer>,
    validation: Labelled,
    step: usize,
    /// Held-out bits wrong at the best check, the step it came at, and the learner then.
    checks: BestCheck<Learner>,
    seconds: f64,
}

/// Floats of a tensor on a host device (the suite reads its checks back at once).
fn host(t: Tensor<2>) -> Vec<f32> {
    Pending::floats(t).read().expect("the attacker suite runs on a CPU device")
}

impl AttackRun {
    /// Attacker `kind` against `cipher`, on `device` (with autodiff). `eve_shape` is the
    /// cipher's config, for the attackers of Eve's own shape.
    pub fn new(
        kind: AttackerKind,
        cipher: Box<dyn Encrypt>,
        eve_shape: &CipherConfig,
        config: SuiteConfig,
        device: &Device,
    ) -> Self {
        let bits = cipher.bits();
        let seed = seeds::attacker(config.seed, kind as usize);
        let mut rng = SmallRng::seed_from_u64(seed);
        let sample = Labelled::draw(
            cipher.as_ref(),
            VALIDATION_SAMPLES,
            seeds::attack_validation(config.seed),
            device,
        );
        let standardise = Standardise::of(&host(sample.ciphertext.clone()), bits);
        let adam = |learning_rate, cross_entropy, cosine| Recipe { learning_rate, cross_entropy, cosine };
        let (learner, recipe, optim) = match kind {
            AttackerKind::EveRmsProp | AttackerKind::EveAdam => {
                let eve = eve_shape.init_network(Role::Eve, &mut rng, device);
                let kind =
                    if kind == AttackerKind::EveAdam { OptimizerKind::Adam } else { OptimizerKind::RmsProp };
                (Learner::Net(Net::Eve(eve)), adam(0.001, false, false), Some(optimizer(kind)))
            }
            AttackerKind::DeepMlp => {
                let net = Mlp::new(bits, &[128, 128, 128], bits, &mut rng, device);
                (Learner::Net(Net::Mlp(net)), adam(0.001, false, false), Some(adam_optimizer()))
            }
            AttackerKind::WideMlp => {
                let net = Mlp::new(bits, &[384, 384], bits, &mut rng, device);
                (Learner::Net(Net::Mlp(net)), adam(0.001, false, false), Some(adam_optimizer()))
            }
            AttackerKind::CrossEntropyMlp => {
                let net = Mlp::new(bits, &[256, 256, 256], bits, &mut rng, device);
                (Learner::Net(Net::Mlp(net)), adam(0.001, true, false), Some(adam_optimizer()))
            }
            AttackerKind::BinnedResidual => {
                let net = ResidualNet::new(bits, 128, 3, &mut rng, device);
                // 0.004 read the shipped seed16 better than 0.002 at 3,000 steps (0.66 bits
                // wrong against 1.01) and at 20,000 (0.21 against 0.27): docs/research.md.
                (Learner::Net(Net::Residual(net)), adam(0.004, true, true), Some(adam_optimizer()))
            }
            AttackerKind::Bayes => (Learner::Bayes(Counts::new(bits)), adam(0.0, false, false), None),
        };
        Self {
            kind,
            source: BitSource::new(seeds::attack_data(config.seed, kind as usize)),
            runner: Runner::new(bits, device),
            config,
            cipher,
            standardise,
            learner,
            recipe,
            optim,
            validation: sample,
            step: 0,
            checks: BestCheck::new(),
            seconds: 0.0,
        }
    }

    /// Which attacker this is.
    pub fn kind(&self) -> AttackerKind {
        self.kind
    }

    /// The learner's guesses (probabilities) for `ciphertext`, as host floats.
    fn guess(&self, learner: &Learner, ciphertext: Tensor<2>) -> Vec<f32> {
        match learner {
            Learner::Net(Net::Eve(eve)) => host(self.runner.eavesdrop(&eve.valid(), ciphertext)),
            Learner::Net(Net::Mlp(mlp)) => {
                host(sigmoid(mlp.valid().forward(self.standardise.tensor(ciphertext), self.runner.kernels())))
            }
            Learner::Net(Net::Residual(net)) => {
                host(sigmoid(net.valid().forward(self.standardise.tensor(ciphertext), self.runner.kernels())))
            }
            Learner::Bayes(counts) => counts.guess(&self.standardise.host(&host(ciphertext))),
        }
    }

    /// The learning rate at the current step.
    fn learning_rate(&self) -> f64 {
        let r = self.recipe;
        if !r.cosine {
            return r.learning_rate;
        }
        let progress = self.step as f64 / self.config.max_steps.max(1) as f64;
        r.learning_rate * (0.05 + 0.95 * 0.5 * (1.0 + (PI * progress).cos()))
    }

    /// One training step on a fresh batch.
    fn train_step(&mut self) {
        let bits = self.cipher.bits();
        let batch = self.source.batch(self.config.batch_size, bits, self.runner.device());
        let ciphertext = self.cipher.encrypt(&batch).detach();
        let MessageBatch { messages, .. } = batch;
        let lr = self.learning_rate();
        let cross_entropy = self.recipe.cross_entropy;
        let loss = |out: Tensor<2>| {
            if cross_entropy {
                let [rows, _] = out.dims();
                logit_cross_entropy_share(messages.clone(), out, rows)
            } else {
                bits_wrong_loss(messages.clone(), sigmoid(out))
            }
        };
        let optim = self.optim.as_mut();
        self.learner = match std::mem::replace(&mut self.learner, Learner::Bayes(Counts::new(0))) {
            Learner::Net(Net::Eve(eve)) => {
                let loss = bits_wrong_loss(messages.clone(), self.runner.eavesdrop(&eve, ciphertext));
                let grads = GradientsParams::from_grads(loss.backward(), &eve);
                Learner::Net(Net::Eve(optim.expect("an optimiser").step(lr, eve, grads)))
            }
            Learner::Net(Net::Mlp(mlp)) => {
                let loss = loss(mlp.forward(self.standardise.tensor(ciphertext), self.runner.kernels()));
                let grads = GradientsParams::from_grads(loss.backward(), &mlp);
                Learner::Net(Net::Mlp(optim.expect("an optimiser").step(lr, mlp, grads)))
            }
            Learner::Net(Net::Residual(net)) => {
                let loss = loss(net.forward(self.standardise.tensor(ciphertext), self.runner.kernels()));
                let grads = GradientsParams::from_grads(loss.backward(), &net);
                Learner::Net(Net::Residual(optim.expect("an optimiser").step(lr, net, grads)))
            }
            Learner::Bayes(mut counts) => {
                counts.add(&self.standardise.host(&host(ciphertext)), &host(messages));
                Learner::Bayes(counts)
            }
        };
        self.step += 1;
    }

    /// Checks the learner on the held-out messages; returns their bits wrong.
    fn check(&mut self) -> f64 {
        let guesses = self.guess(&self.learner, self.validation.ciphertext.clone());
        let bits_wrong =
            Score::from_guesses(&self.validation.messages, &guesses, self.cipher.bits()).bit_errors;
        let min_gain = self.config.min_gain;
        let gains = |value: f64, best: f64| value < best - min_gain;
        self.checks.record(bits_wrong, self.step, &self.learner, gains, self.config.patience);
        bits_wrong
    }

    /// Scores the learner as it stood at its best check on `samples` fresh messages.
    pub fn finish(&self, samples: usize) -> AttackResult {
        let fresh = Labelled::draw(
            self.cipher.as_ref(),
            samples,
            seeds::held_out(self.config.seed),
            self.runner.device(),
        );
        let (learner, steps_at_best) = self.checks.best().unwrap_or((&self.learner, self.step));
        let guesses = self.guess(learner, fresh.ciphertext);
        AttackResult {
            attacker: self.kind,
            score: Score::from_guesses(&fresh.messages, &guesses, self.cipher.bits()),
            samples,
            steps: self.step,
            steps_at_best,
            seconds: self.seconds,
        }
    }
}

fn adam_optimizer() -> FlatOptimizer {
    FlatOptimizer::adam(&AdamConfig::new().with_epsilon(1e-8))
}

impl Labelled {
    fn draw(cipher: &dyn Encrypt, samples: usize, seed: u64, device: &Device) -> Self {
        let batch = BitSource::new(seed).batch(samples, cipher.bits(), device);
        let ciphertext = cipher.encrypt(&batch).detach();
        Self { ciphertext, messages: host(batch.messages) }
    }
}

impl Steps for AttackRun {
    type Row = AttackRow;

    /// Trains up to `steps` more steps; a row for each held-out check among them.
    fn run(&mut self, steps: usize) -> Pending<Vec<AttackRow>> {
        let started = web_time::Instant::now();
        let mut rows = Vec::new();
        for _ in 0..steps {
            if self.is_done() {
                break;
            }
            self.train_step();
            if self.step.is_multiple_of(self.config.check_every) || self.step == self.config.max_steps {
                let bits_wrong = self.check();
                rows.push(AttackRow {
                    attacker: self.kind,
                    step: self.step,
                    held_out_bits_wrong: bits_wrong,
                });
            }
        }
        self.seconds += started.elapsed().as_secs_f64();
        Pending::ready(rows)
    }

    /// Steps trained so far.
    fn done(&self) -> usize {
        self.step
    }

    /// The step budget.
    fn total(&self) -> usize {
        self.config.max_steps
    }

    /// Whether it stopped improving or used its budget.
    fn is_done(&self) -> bool {
        self.checks.stopped() || self.step >= self.config.max_steps
    }
}
