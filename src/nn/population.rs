//! Many ciphers at once: a *population* of K independent Alice/Bob/Eve triples, each with
//! its own seed (weights and data), trained as one set of stacked tensors. Each member's
//! losses are its own and the total backed up is their sum, so every member gets exactly
//! its own gradients; Adam and RMSprop work element by element, so one optimiser over the
//! stack is K optimisers with the same schedule. A member trains as a single run of its
//! seed does (one replica), within float tolerance (`tests/population.rs`).
//!
//! It supports the write-up's training and the schedule options of the presets (learning
//! rate decay, Eve weight and its ramp, a Bob-only tail); [`Population::new`] refuses the
//! rest by name.

use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::nn::config::TrainingConfig;
use crate::nn::data::BitSource;
use crate::nn::kernels::Kernels;
use crate::nn::metrics::IterationLosses;
use crate::nn::model::Ciphers;
use crate::nn::pending::Pending;
use crate::nn::seeds;
use crate::nn::steps::Steps;
use crate::nn::training::optimizer;

mod stacked;
pub use stacked::StackedNetwork;

/// Why a configuration cannot train as a population.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PopulationError {
    #[error("a population needs at least one member")]
    Empty,
    #[error("a population trains the write-up's training and schedule only, not {0}")]
    Unsupported(&'static str),
    #[error(transparent)]
    Config(#[from] crate::nn::config::ConfigError),
}

/// The first option of `config` a population does not train, if any.
fn unsupported(config: &TrainingConfig) -> Option<&'static str> {
    let c = config;
    [
        (c.cipher.extra_dense, "extra_dense"),
        (c.cipher.conv_channels() != 2, "channels"),
        (c.eve_reset_every.is_some(), "eve_reset_every"),
        (c.eves() != 1, "eves"),
        (c.bob_cross_entropy == Some(true), "bob_cross_entropy"),
        (c.eve_catch_up_every.is_some(), "eve_catch_up_every"),
        (c.eve_term_per_bit(), "eve_term_per_bit"),
        (c.bob_margin.is_some(), "bob_margin"),
        (c.ciphertext_noise.is_some(), "ciphertext_noise"),
        (c.binned_eve.is_some(), "binned_eve"),
    ]
    .into_iter()
    .find_map(|(used, name)| used.then_some(name))
}

/// Each member's bits wrong per message: `[K, rows, N]` -> `[K]`, over `rows`.
fn bits_wrong(messages: Tensor<3>, guesses: Tensor<3>) -> Tensor<1> {
    let [k, rows, _] = messages.dims();
    (messages - guesses).abs().sum_dim(2).sum_dim(1).reshape([k]).div_scalar(rows as f32)
}

/// The members' (message, key) batches for one step, stacked: `[K, rows, N]` each.
struct Stacked {
    messages: Tensor<3>,
    keys: Tensor<3>,
}

/// K ciphers trained together by one schedule.
pub struct Population {
    config: TrainingConfig,
    seeds: Vec<u64>,
    alice: StackedNetwork,
    bob: StackedNetwork,
    eve: StackedNetwork,
    /// Member 0's fresh networks: the shapes [`Population::member`] writes into.
    template: Ciphers,
    ab_optim: ModuleOptimizer,
    eve_optim: ModuleOptimizer,
    sources: Vec<BitSource>,
    /// The networks' kernels on the training device.
    kernels: Kernels,
    device: Device,
    iteration: usize,
}

impl Population {
    /// One member per seed, each built and fed as a single run of `config` with that seed
    /// (`device` with autodiff).
    pub fn new(config: &TrainingConfig, seeds: &[u64], device: &Device) -> Result<Self, PopulationError> {
        config.validate()?;
        if let Some(option) = unsupported(config) {
            return Err(PopulationError::Unsupported(option));
        }
        if seeds.is_empty() {
            return Err(PopulationError::Empty);
        }
        let members: Vec<Ciphers> = seeds.iter().map(|&s| config.cipher.init(s, device)).collect();
        let stack = |role: fn(&Ciphers) -> &crate::nn::model::Network| {
            StackedNetwork::stack(&members.iter().map(role).collect::<Vec<_>>())
        };
        Ok(Self {
            alice: stack(|c| &c.alice),
            bob: stack(|c| &c.bob),
            eve: stack(|c| &c.eve),
            template: members[0].clone(),
            config: config.clone(),
            seeds: seeds.to_vec(),
            ab_optim: optimizer(config.optimizer),
            eve_optim: optimizer(config.optimizer),
            sources: seeds.iter().map(|&s| BitSource::new(seeds::training_data(s))).collect(),
            kernels: Kernels::for_device(config.cipher.bits, device),
            device: device.clone(),
            iteration: 0,
        })
    }

    /// Members in the population (K).
    pub fn members(&self) -> usize {
        self.seeds.len()
    }

    /// The members' seeds, in order.
    pub fn seeds(&self) -> &[u64] {
        &self.seeds
    }

    /// The shared settings (each member's seed is its own).
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// Member `k`'s networks, as a single run would hold them.
    pub fn member(&self, k: usize) -> Ciphers {
        Ciphers {
            alice: self.alice.member(k, &self.template.alice),
            bob: self.bob.member(k, &self.template.bob),
            eve: self.eve.member(k, &self.template.eve),
        }
    }

    /// Member `k`'s training configuration (the shared one with its seed).
    pub fn member_config(&self, k: usize) -> TrainingConfig {
        self.config.clone().with_seed(self.seeds[k])
    }

    /// `steps` batches per member, drawn as a single run draws them, stacked per step.
    fn draw(&mut self, steps: usize) -> Vec<Stacked> {
        let (batch, bits) = (self.config.batch_size, self.config.cipher.bits);
        let drawn: Vec<_> =
            self.sources.iter_mut().map(|s| s.draw(steps, batch, bits, &self.device)).collect();
        (0..steps)
            .map(|i| {
                let one: Vec<_> = drawn.iter().map(|d| d.get(i)).collect();
                Stacked {
                    messages: Tensor::stack(one.iter().map(|b| b.messages.clone()).collect(), 0),
                    keys: Tensor::stack(one.iter().map(|b| b.keys.clone()).collect(), 0),
                }
            })
            .collect()
    }

    fn encrypt(&self, alice: &StackedNetwork, batch: &Stacked) -> Tensor<3> {
        alice.forward(Tensor::cat(vec![batch.messages.clone(), batch.keys.clone()], 2), &self.kernels)
    }

    /// One Alice+Bob step; each member's (L_AB, L_B) `[K, 2]`, detached.
    fn ab_step(&mut self, batch: &Stacked, lr: f64, weight: f64, alice_moves: bool) -> Tensor<2> {
        let ciphertext = self.encrypt(&self.alice, batch);
        let bob_guess =
            self.bob.forward(Tensor::cat(vec![ciphertext.clone(), batch.keys.clone()], 2), &self.kernels);
        let bob = bits_wrong(batch.messages.clone(), bob_guess);
        let eve = bits_wrong(batch.messages.clone(), self.eve.valid().forward(ciphertext, &self.kernels));
        // The write-up's Eve term, member by member: w·(N/2 − L_E)²/(N/2)².
        let half = self.config.cipher.bits as f32 / 2.0;
        let term = eve.neg().add_scalar(half).powi_scalar(2).mul_scalar(weight as f32 / (half * half));
        let ab = bob.clone() + term;
        let mut grads = ab.clone().sum().backward();
        let alice_grads = GradientsParams::from_module(&mut grads, &self.alice);
        let bob_grads = GradientsParams::from_module(&mut grads, &self.bob);
        if alice_moves {
            self.alice = self.ab_optim.step(lr, self.alice.clone(), alice_grads);
        }
        self.bob = self.ab_optim.step(lr, self.bob.clone(), bob_grads);
        let k = self.members();
        Tensor::cat(vec![ab.detach().reshape([k, 1]), bob.detach().reshape([k, 1])], 1)
    }

    /// One Eve step against the frozen Alice's `ciphertext`; each member's L_E `[K]`.
    fn eve_step(&mut self, ciphertext: Tensor<3>, messages: Tensor<3>, lr: f64) -> Tensor<1> {
        let loss = bits_wrong(messages, self.eve.forward(ciphertext, &self.kernels));
        let grads = GradientsParams::from_grads(loss.clone().sum().backward(), &self.eve);
        self.eve = self.eve_optim.step(lr, self.eve.clone(), grads);
        loss.detach()
    }

    /// Iteration `iteration` (0-based) for every member: each member's `[K, 3]` losses.
    fn iterate(&mut self, iteration: usize) -> Tensor<2> {
        let c = self.config.clone();
        let factor = c.learning_rate_factor(iteration);
        let batches = self.draw(c.ab_steps + c.eve_steps);
        let alice_moves = !c.only_bob_moves_at(iteration);
        let weight = c.eve_weight_at(iteration);
        let mut last = None;
        for batch in &batches[..c.ab_steps] {
            last = Some(self.ab_step(batch, c.ab_learning_rate * factor, weight, alice_moves));
        }
        let ab_bob = last.expect("at least one Alice+Bob step");
        let k = self.members();
        let eve = if c.eve_steps == 0 {
            Tensor::full([k, 1], f32::NAN, &self.device)
        } else {
            let alice = self.alice.valid();
            let losses: Vec<Tensor<1>> = batches[c.ab_steps..]
                .iter()
                .map(|batch| {
                    let ciphertext = self.encrypt(&alice, batch);
                    self.eve_step(ciphertext, batch.messages.clone(), c.eve_learning_rate * factor)
                })
                .collect();
            Tensor::stack::<2>(losses, 1).mean_dim(1) // [K, 1]
        };
        Tensor::cat(vec![ab_bob, eve], 1)
    }
}

impl Steps for Population {
    /// One iteration's losses, member by member.
    type Row = Vec<IterationLosses>;

    fn run(&mut self, iterations: usize) -> Pending<Vec<Vec<IterationLosses>>> {
        let left = self.config.total_iterations().saturating_sub(self.iteration);
        let (first, todo) = (self.iteration + 1, iterations.min(left));
        if todo == 0 {
            return Pending::ready(Vec::new());
        }
        let rows: Vec<Tensor<2>> = (self.iteration..self.iteration + todo).map(|i| self.iterate(i)).collect();
        self.iteration += todo;
        let k = self.members();
        Pending::of(Tensor::stack::<3>(rows, 0), move |flat| {
            flat.chunks_exact(3 * k)
                .enumerate()
                .map(|(i, members)| {
                    members
                        .chunks_exact(3)
                        .map(|r| IterationLosses { iteration: first + i, ab: r[0], bob: r[1], eve: r[2] })
                        .collect()
                })
                .collect()
        })
    }

    fn done(&self) -> usize {
        self.iteration
    }

    fn total(&self) -> usize {
        self.config.total_iterations()
    }
}
