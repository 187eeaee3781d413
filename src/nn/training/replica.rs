//! One replica's training iteration: its Alice+Bob steps, then its adversaries' steps,
//! exchanging gradients with the other replica where there is one (see
//! [`crate::nn::replicas`]). Written as burn's hand-written loop: loss, `backward`,
//! `GradientsParams`, optimiser step.

use burn::optim::GradientsParams;
use burn::prelude::*;

use super::adversary::{Adversary, Intercepted};
use super::rows::Rows;
use crate::nn::config::TrainingConfig;
use crate::nn::data::{BitSource, MessageBatch};
use crate::nn::losses::bits_wrong_share;
use crate::nn::model::Networks;
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::replicas::{Link, all_reduce, sum_values};
use crate::nn::seeds;

/// One copy of the three networks with their optimisers and data stream (see
/// [`crate::nn::replicas`]: on a multi-core CPU two of them share each batch).
pub(super) struct Replica {
    pub(super) ciphers: Networks,
    ab_optim: FlatOptimizer,
    /// What Alice and Bob hide from (the first is the write-up's Eve, `ciphers.eve`).
    adversaries: Vec<Box<dyn Adversary>>,
    source: BitSource,
}

impl Replica {
    /// A replica of `ciphers` for `config` against `adversaries`, with a fresh optimiser and
    /// the run's data stream.
    pub(super) fn new(
        config: &TrainingConfig,
        ciphers: Networks,
        adversaries: Vec<Box<dyn Adversary>>,
    ) -> Self {
        Self {
            ciphers,
            ab_optim: optimizer(config.optimizer),
            adversaries,
            // The data stream is seeded apart from the weights (which use `seed` itself).
            source: BitSource::new(seeds::training_data(config.seed)),
        }
    }

    /// Iteration `iteration` (0-based) on this replica's rows: `ab_steps` Alice+Bob steps,
    /// then `eve_steps` adversary steps. Returns the whole batch's losses `[1, 3]` (the same
    /// on every replica).
    pub(super) async fn iterate(&mut self, at: &Rows<'_>, link: &Link, iteration: usize) -> Tensor<2> {
        let c = at.config;
        let factor = c.learning_rate_factor(iteration);
        // Every replica draws the same whole batches and keeps its own rows.
        let batches = self
            .source
            .draw(c.ab_steps + c.eve_steps, c.batch_size, c.cipher.bits, at.runner.device())
            .rows(at.start, at.rows);
        let alice_moves = !c.only_bob_moves_at(iteration);
        let mut last = None;
        for i in 0..c.ab_steps {
            let lr = c.ab_learning_rate * factor;
            last = Some(self.ab_step(at, &batches.get(i), link, lr, alice_moves).await);
        }
        let (ab, bob) = last.expect("at least one Alice+Bob step");
        // Alice is frozen for all of this iteration's adversary steps.
        let eve = match c.eve_steps {
            0 => Tensor::from_floats([f32::NAN], at.runner.device()),
            n => {
                let joined = batches.joined(c.ab_steps, n);
                let losses = self.adversary_steps(at, link, &joined, n, c.eve_learning_rate * factor).await;
                Tensor::cat(losses, 0).sum().div_scalar(n as f32)
            }
        };
        Tensor::cat(vec![ab, bob, eve], 0).unsqueeze() // [1, 3]
    }

    /// `steps` steps of every adversary against the frozen Alice, on the `steps`
    /// consecutive batches of `joined`. Returns the replicas' shares of the reported
    /// adversary's loss at every step.
    async fn adversary_steps(
        &mut self,
        at: &Rows<'_>,
        link: &Link,
        joined: &MessageBatch,
        steps: usize,
        lr: f64,
    ) -> Vec<Tensor<1>> {
        // Encrypt every step's batch in one pass (fewer, larger ops), then step on each slice.
        let alice = self.ciphers.alice.valid();
        let ciphertexts = at.runner.encrypt(&alice, joined); // [steps·rows, N]
        let mut losses = Vec::with_capacity(2 * steps);
        for i in 0..steps {
            let rows = |t: &Tensor<2>| t.clone().narrow(0, i * at.rows, at.rows); // [rows, N]
            for adversary in &mut self.adversaries {
                let seen = Intercepted {
                    ciphertext: rows(&ciphertexts),
                    batch: MessageBatch { messages: rows(&joined.messages), keys: rows(&joined.keys) },
                };
                losses.extend(adversary.step(&alice, &mut self.ciphers.eve, seen, at, link, lr).await);
            }
        }
        losses
    }

    /// One Alice+Bob step against the frozen adversaries (Alice frozen too unless
    /// `alice_moves`). Returns the whole batch's (L_AB, L_B), detached.
    ///
    /// Each replica holds only its share of each adversary's errors, but `L_AB` is not
    /// linear in them: each backs up its share with the other replica's held constant, so
    /// the replicas' gradients add up to exactly the whole batch's (`∇L_B + Σ ∂term/∂errors
    /// · ∇errors`).
    async fn ab_step(
        &mut self,
        at: &Rows<'_>,
        batch: &MessageBatch,
        link: &Link,
        lr: f64,
        alice_moves: bool,
    ) -> (Tensor<1>, Tensor<1>) {
        let Networks { alice, bob, eve } = &self.ciphers;
        let ciphertext = at.runner.encrypt(alice, batch); // [rows, N]
        let shares: Vec<Tensor<1>> = self
            .adversaries
            .iter_mut()
            .map(|a| a.errors_share(alice, eve, ciphertext.clone(), batch, at))
            .collect();
        let detached = Tensor::cat(shares.iter().map(|s| s.clone().detach()).collect(), 0);
        // Sent now; Bob reads while the other replica's shares are on their way.
        let totals = sum_values(link, detached.clone()); // every adversary's whole-batch errors
        let bob_guess = at.runner.decrypt(bob, ciphertext, batch.keys.clone()); // [rows, N]
        let bob_share = bits_wrong_share(batch.messages.clone(), bob_guess, at.config.batch_size);
        let totals = totals.await;
        let others = totals.clone() - detached;
        let loss = self.with_terms(bob_share.clone(), &others, Some(shares));
        let mut grads = loss.backward();
        let own = vec![
            GradientsParams::from_module(&mut grads, alice),
            GradientsParams::from_module(&mut grads, bob),
        ];
        // Bob's share of L_B travels with the gradients.
        let (mut sums, bob_shares) = all_reduce(link, &[alice, bob], own, Some(bob_share.detach())).await;
        let (bob_grads, alice_grads) = (sums.pop().expect("Bob's"), sums.pop().expect("Alice's"));
        if alice_moves {
            self.ciphers.alice = self.ab_optim.step_flat(lr, self.ciphers.alice.clone(), alice_grads);
        }
        self.ciphers.bob = self.ab_optim.step_flat(lr, self.ciphers.bob.clone(), bob_grads);
        let bob_total =
            bob_shares.into_iter().reduce(|first, second| first + second).expect("this replica's");
        (self.with_terms(bob_total.clone(), &totals, None), bob_total)
    }

    /// `bob` plus every adversary's term of its errors: `errors` (`[Σ widths]`, in the
    /// adversaries' order), each plus this replica's share from `shares` where given.
    fn with_terms(&self, bob: Tensor<1>, errors: &Tensor<1>, shares: Option<Vec<Tensor<1>>>) -> Tensor<1> {
        let mut shares = shares.map(Vec::into_iter);
        let mut start = 0;
        self.adversaries.iter().fold(bob, |loss, adversary| {
            let width = adversary.width();
            let mut errors = errors.clone().narrow(0, start, width);
            start += width;
            if let Some(share) = shares.as_mut().and_then(Iterator::next) {
                errors = share + errors;
            }
            loss + adversary.term(errors)
        })
    }
}
