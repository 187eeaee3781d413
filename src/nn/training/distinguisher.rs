//! The distinguishing game (Coutinho et al. 2018) as an [`Adversary`]: Eve is handed two
//! real messages `P0`, `P1` and the ciphertext `C = Alice(P_b, K)` of one of them under a
//! fresh key, and says which (a probability that `b = 1`, learnt by cross-entropy). Alice
//! and Bob's term is `−γ·min(Err, ½)`, with `Err` Eve's mean probability on the wrong
//! message: ½ is a coin flip, so Alice gains nothing by making Eve worse than chance. Every
//! example draws its own key and coin, and no key encrypts twice: it is a one-time game.

use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::TensorData;
use burn::tensor::activation::{log_sigmoid, sigmoid};
use rand::{SeedableRng, rngs::SmallRng};

use super::adversary::{Adversary, Intercepted, Stepped};
use super::rows::Rows;
use crate::nn::attack::nets::Mlp;
use crate::nn::config::{DistinguisherConfig, TrainingConfig};
use crate::nn::data::{BitSource, MessageBatch};
use crate::nn::model::Network;
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::replicas::{Link, all_reduce};
use crate::nn::seeds;

/// One round of the game on a replica's rows: the two candidates, which one was sent, and
/// the key it was sent under. `[rows, N]` each, `coins` `[rows, 1]`.
struct Round {
    first: Tensor<2>,
    second: Tensor<2>,
    keys: Tensor<2>,
    coins: Tensor<2>,
}

impl Round {
    /// The message Alice encrypts in each row: `P_b`. `[rows, N]`.
    fn sent(&self) -> Tensor<2> {
        self.first.clone() + (self.second.clone() - self.first.clone()) * self.coins.clone()
    }
}

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

    /// A fresh round for this replica's rows of a whole batch.
    fn round(&mut self, at: &Rows) -> Round {
        let (batch, bits, device) = (at.config.batch_size, self.bits, at.runner.device());
        let drawn = self.source.draw(2, batch, bits, device).rows(at.start, at.rows);
        let (one, two) = (drawn.get(0), drawn.get(1));
        let coins = self.source.bits(batch, 1);
        let coins =
            Tensor::<2>::from_data(TensorData::new(coins, [batch, 1]), device).narrow(0, at.start, at.rows);
        Round { first: one.messages, second: two.messages, keys: one.keys, coins }
    }

    /// Eve's logit that `b = 1` for each row, from `(P0, P1, C)`. `[rows, 1]`.
    fn logits(net: &Mlp, round: &Round, ciphertext: Tensor<2>, at: &Rows) -> Tensor<2> {
        let seen = Tensor::cat(vec![round.first.clone(), round.second.clone(), ciphertext], 1); // [rows, 3N]
        net.forward(seen, at.runner.kernels())
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
        _c: Tensor<2>,
        _b: &MessageBatch,
        at: &Rows,
    ) -> Tensor<1> {
        let round = self.round(at);
        let ciphertext =
            at.runner.encrypt(alice, &MessageBatch { messages: round.sent(), keys: round.keys.clone() });
        let p = sigmoid(Self::logits(&self.net.valid(), &round, ciphertext, at)); // [rows, 1]
        (round.coins.clone() - p).abs().sum().div_scalar(at.config.batch_size as f32)
    }

    fn term(&self, errors: Tensor<1>) -> Tensor<1> {
        errors.clamp_max(0.5).mul_scalar(-self.weight as f32)
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
            let sent = MessageBatch { messages: round.sent(), keys: round.keys.clone() };
            let ciphertext = at.runner.encrypt(alice, &sent).detach();
            let logits = Self::logits(&self.net, &round, ciphertext, at); // [rows, 1]
            let coins = round.coins;
            let loss = (coins.clone() * log_sigmoid(logits.clone())
                + coins.neg().add_scalar(1.0) * log_sigmoid(logits.neg()))
            .sum()
            .neg()
            .div_scalar(at.config.batch_size as f32);
            let grads = GradientsParams::from_grads(loss.backward(), &self.net);
            let (mut grads, _) = all_reduce(link, &[&self.net], vec![grads], None).await;
            let grads = grads.pop().expect("the distinguisher's gradients");
            self.net = self.optim.step_flat(lr, self.net.clone(), grads);
            Vec::new()
        })
    }
}
