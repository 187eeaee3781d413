//! One group of a population's members: their stacked networks, optimisers and data
//! streams, trained an iteration at a time on one thread.

use burn::optim::GradientsParams;
use burn::prelude::*;

use super::StackedNetwork;
use crate::nn::config::TrainingConfig;
use crate::nn::data::BitSource;
use crate::nn::kernels::Kernels;
use crate::nn::losses::eve_term;
use crate::nn::model::{Network, Networks};
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::seeds;

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

/// Some members of a population, trained together.
pub(super) struct Group {
    alice: StackedNetwork,
    bob: StackedNetwork,
    eve: StackedNetwork,
    ab_optim: FlatOptimizer,
    eve_optim: FlatOptimizer,
    /// Each member's training data, seeded as its single run's.
    sources: Vec<BitSource>,
    /// The networks' kernels on the training device.
    kernels: Kernels,
    device: Device,
}

impl Group {
    /// The members of `seeds`, each initialised as a single run of `config` with its seed.
    pub(super) fn new(config: &TrainingConfig, seeds: &[u64], device: &Device) -> Self {
        let members: Vec<Networks> = seeds.iter().map(|&s| config.cipher.init(s, device)).collect();
        let stack = |role: fn(&Networks) -> &Network| {
            StackedNetwork::stack(&members.iter().map(role).collect::<Vec<_>>())
        };
        Self {
            alice: stack(|c| &c.alice),
            bob: stack(|c| &c.bob),
            eve: stack(|c| &c.eve),
            ab_optim: optimizer(config.optimizer),
            eve_optim: optimizer(config.optimizer),
            sources: seeds.iter().map(|&s| BitSource::new(seeds::training_data(s))).collect(),
            kernels: Kernels::for_device(config.cipher.bits, device),
            device: device.clone(),
        }
    }

    /// Members in the group.
    pub(super) fn members(&self) -> usize {
        self.sources.len()
    }

    /// Member `k`'s networks, written into copies of `template`'s.
    pub(super) fn member(&self, k: usize, template: &Networks) -> Networks {
        Networks {
            alice: self.alice.member(k, &template.alice),
            bob: self.bob.member(k, &template.bob),
            eve: self.eve.member(k, &template.eve),
        }
    }

    /// `steps` batches per member, drawn as a single run draws them, stacked per step.
    fn draw(&mut self, config: &TrainingConfig, steps: usize) -> Vec<Stacked> {
        let (batch, bits) = (config.batch_size, config.cipher.bits);
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
    fn ab_step(
        &mut self,
        batch: &Stacked,
        bits: usize,
        lr: f64,
        weight: f64,
        alice_moves: bool,
    ) -> Tensor<2> {
        let ciphertext = self.encrypt(&self.alice, batch);
        let heard = Tensor::cat(vec![ciphertext.clone(), batch.keys.clone()], 2);
        let bob = bits_wrong(batch.messages.clone(), self.bob.forward(heard, &self.kernels));
        let eve = bits_wrong(batch.messages.clone(), self.eve.valid().forward(ciphertext, &self.kernels));
        // The write-up's Eve term, member by member.
        let ab = bob.clone() + eve_term(eve, bits, weight);
        // The sum of the members' losses: each member's gradients are its own.
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

    /// Iteration `iteration` (0-based) of `config` for every member: `[K, 3]` losses.
    pub(super) fn iterate(&mut self, config: &TrainingConfig, iteration: usize) -> Tensor<2> {
        let c = config;
        let factor = c.learning_rate_factor(iteration);
        let batches = self.draw(c, c.ab_steps + c.eve_steps);
        let alice_moves = !c.only_bob_moves_at(iteration);
        let weight = c.eve_weight();
        let mut last = None;
        for batch in &batches[..c.ab_steps] {
            let lr = c.ab_learning_rate * factor;
            last = Some(self.ab_step(batch, c.cipher.bits, lr, weight, alice_moves));
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
