//! The distinguishing game (Coutinho et al. 2018) as an [`Adversary`]: Eve is handed two
//! real messages `P0`, `P1` and the ciphertext `C = Alice(P_b, K)` of one of them under a
//! fresh key, and says which (a probability that `b = 1`, learnt by cross-entropy). Alice
//! and Bob's term is `−γ·min(Err, ½)`, with `Err` Eve's mean probability on the wrong
//! message: ½ is a coin flip, so Alice gains nothing by making Eve worse than chance. Every
//! example draws its own key and coin, and no key encrypts twice: it is a one-time game.

use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use rand::{SeedableRng, rngs::SmallRng};

use super::adversary::{Adversary, Intercepted, Stepped};
use super::rows::Rows;
use crate::nn::attack::nets::Mlp;
use crate::nn::config::{DistinguisherConfig, TrainingConfig};
use crate::nn::data::{BitSource, GameRound, MessageBatch};
use crate::nn::losses::{bits_wrong_share, distinguishing_term, logit_cross_entropy_share};
use crate::nn::model::Network;
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::replicas::{Link, all_reduce};
use crate::nn::seeds;

/// The distinguishing Eve: her network, optimiser, data and the term's weight.
pub(super) struct Distinguisher {
    net: Mlp,
    optim: FlatOptimizer,
    /// The game's messages, keys and coins (every replica draws the same whole batch).
    source: BitSource,
    bits: usize,
    weight: f64,
}

impl Distinguisher {
    /// The distinguisher of a run of `config`, drawn from its seed (the same on every
    /// replica).
    pub(super) fn new(config: &TrainingConfig, settings: &DistinguisherConfig, device: &Device) -> Self {
        let bits = config.cipher.bits;
        let mut rng = SmallRng::seed_from_u64(seeds::distinguisher(config.seed));
        let hidden = vec![settings.width; settings.layers];
        Self {
            net: Mlp::new(3 * bits, &hidden, 1, &mut rng, device),
            optim: optimizer(config.optimizer),
            source: BitSource::new(seeds::distinguishing_game(config.seed)),
            bits,
            weight: settings.weight,
        }
    }

    /// A fresh round: this replica's rows of a whole batch.
    fn round(&mut self, at: &Rows) -> GameRound {
        GameRound::draw(&mut self.source, at.config.batch_size, self.bits, at.runner.device())
            .rows(at.start, at.rows)
    }
}

impl Adversary for Distinguisher {
    fn width(&self) -> usize {
        1
    }

    /// Her probability on the wrong message, summed over this replica's rows of a fresh
    /// round and divided by the whole batch's size: gradients reach Alice through her
    /// encryptions of the round. `[1]`.
    fn errors_share(
        &mut self,
        alice: &Network,
        _eve: &Network,
        _ciphertext: Tensor<2>,
        _batch: &MessageBatch,
        at: &Rows,
    ) -> Tensor<1> {
        let round = self.round(at);
        let ciphertext = at.runner.encrypt(alice, &round.sent()); // [rows, N]
        let p = sigmoid(self.net.valid().forward(round.seen(ciphertext), at.runner.kernels())); // [rows, 1]
        bits_wrong_share(round.coins, p, at.config.batch_size)
    }

    fn term(&self, errors: Tensor<1>) -> Tensor<1> {
        distinguishing_term(errors, self.weight)
    }

    /// One step of cross-entropy on a fresh round against the frozen Alice; gradients added
    /// over the replicas. Her loss is not the one the trainer reports.
    fn step<'a>(
        &'a mut self,
        alice: &'a Network,
        _eve: &'a mut Network,
        _seen: Intercepted,
        at: &'a Rows<'a>,
        link: &'a Link,
        lr: f64,
    ) -> Stepped<'a> {
        Box::pin(async move {
            let round = self.round(at);
            let ciphertext = at.runner.encrypt(alice, &round.sent()).detach(); // [rows, N]
            let logits = self.net.forward(round.seen(ciphertext), at.runner.kernels()); // [rows, 1]
            let loss = logit_cross_entropy_share(round.coins, logits, at.config.batch_size);
            let grads = GradientsParams::from_grads(loss.backward(), &self.net);
            let (mut grads, _) = all_reduce(link, &[&self.net], vec![grads], None).await;
            let grads = grads.pop().expect("the distinguisher's gradients");
            self.net = self.optim.step_flat(lr, self.net.clone(), grads);
            Vec::new()
        })
    }
}
