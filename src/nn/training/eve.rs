//! The write-up's Eve as an [`Adversary`]: she reads the ciphertext alone and guesses the
//! message's bits; Alice+Bob's term is `w·(N/2 − L_E)²/(N/2)²` with `L_E` her bits wrong
//! per message (spec §2), 0 when she is at chance. Her network is the model's Eve.

use burn::optim::GradientsParams;
use burn::prelude::*;

use super::adversary::{Adversary, Intercepted, Stepped};
use super::rows::Rows;
use crate::nn::config::TrainingConfig;
use crate::nn::data::MessageBatch;
use crate::nn::losses::{bits_wrong_share, eve_term};
use crate::nn::model::Network;
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::replicas::{Link, all_reduce};

/// Eve's optimiser and the settings of her term.
pub(super) struct WriteupEve {
    optim: FlatOptimizer,
    /// Bits in a message (N).
    bits: usize,
    /// The term's weight `w` ([`TrainingConfig::eve_weight`]).
    weight: f64,
}

impl WriteupEve {
    /// Eve as `config` trains her, with a fresh optimiser.
    pub(super) fn new(config: &TrainingConfig) -> Self {
        Self { optim: optimizer(config.optimizer), bits: config.cipher.bits, weight: config.eve_weight() }
    }
}

impl Adversary for WriteupEve {
    fn width(&self) -> usize {
        1
    }

    /// Her bits wrong on this replica's rows, as a share of the whole batch's. `[1]`.
    fn errors_share(
        &mut self,
        _alice: &Network,
        eve: &Network,
        ciphertext: Tensor<2>,
        batch: &MessageBatch,
        at: &Rows,
    ) -> Tensor<1> {
        let guess = at.runner.eavesdrop(&eve.valid(), ciphertext); // [rows, N]
        bits_wrong_share(batch.messages.clone(), guess, at.config.batch_size)
    }

    fn term(&self, errors: Tensor<1>) -> Tensor<1> {
        eve_term(errors, self.bits, self.weight)
    }

    /// One step on her bits wrong; the replicas' loss shares travel with their gradients.
    fn step<'a>(
        &'a mut self,
        _alice: &'a Network,
        eve: &'a mut Network,
        seen: Intercepted,
        at: &'a Rows<'a>,
        link: &'a Link,
        lr: f64,
    ) -> Stepped<'a> {
        Box::pin(async move {
            let guess = at.runner.eavesdrop(eve, seen.ciphertext); // [rows, N]
            let loss = bits_wrong_share(seen.batch.messages, guess, at.config.batch_size);
            let grads = GradientsParams::from_grads(loss.backward(), eve);
            let (mut grads, shares) = all_reduce(link, &[&*eve], vec![grads], Some(loss.detach())).await;
            let grads = grads.pop().expect("Eve's gradients");
            *eve = self.optim.step_flat(lr, eve.clone(), grads);
            shares
        })
    }
}
