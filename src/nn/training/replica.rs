//! One replica's training iteration: its Alice+Bob steps, then its Eve steps (and the
//! extra Eves and catch-ups some schedules add), exchanging gradients with the other
//! replica where there is one (see [`crate::nn::replicas`]).

use burn::optim::GradientsParams;
use burn::prelude::*;
use rand::{SeedableRng, rngs::SmallRng};

use super::binned_eve::BinnedEve;
use super::losses::{
    EveCount, ab_loss, ab_loss_share, beyond_margin_share, bits_wrong_share, cross_entropy_share,
};
use crate::nn::config::TrainingConfig;
use crate::nn::data::{BitSource, MessageBatch, NoiseSource};
use crate::nn::inference::Runner;
use crate::nn::model::{Ciphers, Network, Role};
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::replicas::{Link, all_reduce, sum_values};
use crate::nn::seeds;

/// One copy of the three networks with their optimisers and data stream (see
/// [`crate::nn::replicas`]: on a multi-core CPU two of them share each batch).
pub(super) struct Replica {
    pub(super) ciphers: Ciphers,
    /// The extra Eves that train beside `ciphers.eve` (none in the write-up).
    rivals: Vec<Network>,
    ab_optim: FlatOptimizer,
    /// One optimiser per Eve: `ciphers.eve`'s first, then each rival's.
    eve_optims: Vec<FlatOptimizer>,
    source: BitSource,
    /// The noise Bob reads the ciphertext through, when the run has some.
    noise: NoiseSource,
    /// The Eve of the attacker suite's strongest shape, when the run has one.
    binned: Option<BinnedEve>,
    /// Which key bits Bob's wrong keys flip (`wrong_key_eve`).
    wrong_keys: BitSource,
}

/// What every replica's iteration reads.
pub(super) struct Shared<'a> {
    pub(super) config: &'a TrainingConfig,
    /// The networks' kernels on the training device.
    pub(super) runner: &'a Runner,
    /// This replica's rows of each batch: `start .. start + rows`.
    pub(super) start: usize,
    pub(super) rows: usize,
}

/// The extra Eves of a run (see [`TrainingConfig::eves`]), drawn from `seed`.
fn rival_eves(config: &TrainingConfig, seed: u64, device: &Device) -> Vec<Network> {
    (1..config.eves())
        .map(|index| {
            let seed = seeds::rival_eve(seed, index);
            config.cipher.init_network(Role::Eve, &mut SmallRng::seed_from_u64(seed), device)
        })
        .collect()
}

/// A fresh optimiser for each Eve of a run.
fn eve_optimizers(config: &TrainingConfig) -> Vec<FlatOptimizer> {
    (0..config.eves()).map(|_| optimizer(config.optimizer)).collect()
}

impl Replica {
    /// A replica of `ciphers` for `config`, with fresh optimisers and the run's data stream.
    pub(super) fn new(config: &TrainingConfig, ciphers: Ciphers, device: &Device) -> Self {
        Self {
            ciphers,
            // Every replica draws the same rivals from the seed.
            rivals: rival_eves(config, config.seed, device),
            ab_optim: optimizer(config.optimizer),
            eve_optims: eve_optimizers(config),
            // The data streams are seeded apart from the weights (which use `seed` itself).
            source: BitSource::new(seeds::training_data(config.seed)),
            noise: NoiseSource::new(seeds::ciphertext_noise(config.seed)),
            binned: BinnedEve::new(config, config.seed, device),
            wrong_keys: BitSource::new(seeds::wrong_keys(config.seed)),
        }
    }

    /// Iteration `iteration` (0-based) on this replica's rows: `ab_steps` Alice+Bob steps,
    /// then `eve_steps` Eve steps. Returns the whole batch's losses `[1, 3]` (the same on
    /// every replica).
    pub(super) async fn iterate(&mut self, at: &Shared<'_>, link: &Link, iteration: usize) -> Tensor<2> {
        let c = at.config;
        if c.resets_eve_before(iteration) {
            // Every replica draws the same fresh Eves from the seed and the iteration.
            let seed = seeds::reset_eves(c.seed, iteration);
            self.ciphers.eve =
                c.cipher.init_network(Role::Eve, &mut SmallRng::seed_from_u64(seed), at.runner.device());
            self.rivals = rival_eves(c, seed, at.runner.device());
            self.eve_optims = eve_optimizers(c);
            self.binned = BinnedEve::new(c, seed, at.runner.device());
        }
        if let Some(every) = c.eve_catch_up_every.filter(|_| c.catches_up_before(iteration)) {
            // Alice frozen, the Eves train as long as the interval, at their full rate (a
            // batch at a time: drawing them all at once would hold `every` batches).
            for _ in 0..every {
                let batch = self
                    .source
                    .draw(1, c.batch_size, c.cipher.bits, at.runner.device())
                    .rows(at.start, at.rows);
                self.eve_steps(at, link, &batch.get(0), 1, c.eve_learning_rate).await;
            }
        }
        let factor = c.learning_rate_factor(iteration);
        let (bits, steps) = (c.cipher.bits, c.ab_steps + c.eve_steps);
        // Every replica draws the same whole batches and keeps its own rows.
        let batches = self.source.draw(steps, c.batch_size, bits, at.runner.device()).rows(at.start, at.rows);
        let mut last = None;
        let alice_moves = !c.only_bob_moves_at(iteration);
        for i in 0..c.ab_steps {
            let lr = c.ab_learning_rate * factor;
            last = Some(self.ab_step(at, &batches.get(i), link, iteration, lr, alice_moves).await);
        }
        let (ab, bob) = last.expect("at least one Alice+Bob step");
        // Alice is frozen for all of this iteration's Eve steps.
        let eve_losses = match c.eve_steps {
            0 => Vec::new(),
            n => {
                self.eve_steps(at, link, &batches.joined(c.ab_steps, n), n, c.eve_learning_rate * factor)
                    .await
            }
        };
        let eve = if eve_losses.is_empty() {
            Tensor::from_floats([f32::NAN], at.runner.device())
        } else {
            Tensor::cat(eve_losses, 0).sum().div_scalar(c.eve_steps as f32)
        };
        Tensor::cat(vec![ab, bob, eve], 0).unsqueeze() // [1, 3]
    }

    /// `steps` Eve steps (every Eve, on the same batches) against the frozen Alice, on the
    /// `steps` consecutive batches of `joined`. Returns the first Eve's whole-batch losses.
    async fn eve_steps(
        &mut self,
        at: &Shared<'_>,
        link: &Link,
        joined: &MessageBatch,
        steps: usize,
        lr: f64,
    ) -> Vec<Tensor<1>> {
        // Encrypt every step's batch in one pass (fewer, larger ops), then step on each slice.
        let alice = self.ciphers.alice.valid();
        let ciphertexts = at.runner.encrypt(&alice, joined);
        let mut losses = Vec::with_capacity(steps);
        for i in 0..steps {
            let rows = |t: &Tensor<2>| t.clone().narrow(0, i * at.rows, at.rows);
            let (ciphertext, messages) = (rows(&ciphertexts), rows(&joined.messages));
            let eves: Vec<Network> =
                std::iter::once(&self.ciphers.eve).chain(&self.rivals).cloned().collect();
            let mut first_loss = None;
            let grads = eves
                .iter()
                .map(|eve| {
                    let guess = at.runner.eavesdrop(eve, ciphertext.clone());
                    let loss = bits_wrong_share(messages.clone(), guess, at.config.batch_size);
                    first_loss.get_or_insert_with(|| loss.clone().detach());
                    GradientsParams::from_grads(loss.backward(), eve)
                })
                .collect();
            // The replicas' loss shares (the first Eve's: the one reported) travel with
            // their gradients.
            let first_loss = first_loss.expect("at least one Eve");
            let (grads, shares) =
                all_reduce(link, &eves.iter().collect::<Vec<_>>(), grads, Some(first_loss)).await;
            let mut moved = eves
                .into_iter()
                .zip(grads)
                .zip(&mut self.eve_optims)
                .map(|((eve, g), optim)| optim.step_flat(lr, eve, g));
            self.ciphers.eve = moved.next().expect("the first Eve");
            self.rivals = moved.collect();
            losses.extend(shares);
            if let Some(binned) = &mut self.binned {
                binned
                    .step(link, (ciphertext, messages), at.config.batch_size, lr, at.runner.kernels())
                    .await;
            }
        }
        losses
    }

    /// One Alice+Bob step against frozen Eves (Alice frozen too unless `alice_moves`).
    /// Returns the whole batch's (L_AB, L_B), detached. With several Eves the Eve term is
    /// the mean of each Eve's.
    ///
    /// Each replica holds only its share of `L_E`, but `L_AB` is not linear in it: each
    /// backs up [`ab_loss_share`] with the other's share held constant, so the replicas'
    /// gradients add up to exactly the whole batch's.
    async fn ab_step(
        &mut self,
        at: &Shared<'_>,
        batch: &MessageBatch,
        link: &Link,
        iteration: usize,
        lr: f64,
        alice_moves: bool,
    ) -> (Tensor<1>, Tensor<1>) {
        let (bits, batch_size, weight) =
            (at.config.cipher.bits, at.config.batch_size, at.config.eve_weight_at(iteration));
        let device = at.runner.device();
        // Every replica draws the whole batch's noise and keeps its own rows.
        let noise = at
            .config
            .ciphertext_noise
            .map(|sd| self.noise.draw(batch_size, bits, sd, device).narrow(0, at.start, at.rows));
        // Every replica draws the whole batch's flips and keeps its own rows.
        let wrong_keys = at.config.wrong_key_eve().then(|| {
            let flips = self.wrong_keys.batch(batch_size, bits, device).messages.narrow(0, at.start, at.rows);
            (batch.keys.clone() - flips).abs() // k XOR flips
        });
        let Ciphers { alice, bob, eve } = &self.ciphers;
        let ciphertext = at.runner.encrypt(alice, batch);
        // Each Eve's share of her errors: bits wrong per message, or per bit on its own.
        let count = if at.config.eve_term_per_bit() { EveCount::PerBit } else { EveCount::Total { bits } };
        let width = count.width(bits);
        let guesses = std::iter::once(eve)
            .chain(&self.rivals)
            .map(|eve| at.runner.eavesdrop(&eve.valid(), ciphertext.clone()))
            .chain(self.binned.iter().map(|binned| binned.guess(ciphertext.clone(), at.runner.kernels())))
            .chain(wrong_keys.map(|keys| at.runner.decrypt(&bob.valid(), ciphertext.clone(), keys)));
        let eve_shares: Vec<Tensor<1>> =
            guesses.map(|guess| count.share(batch.messages.clone(), guess, batch_size)).collect();
        let eves = eve_shares.len();
        let shares = Tensor::cat(eve_shares.iter().map(|s| s.clone().detach()).collect(), 0);
        // Sent now; Bob reads while the other replica's shares are on their way.
        let totals = sum_values(link, shares.clone()); // each Eve's errors in the whole batch
        let heard = match noise {
            Some(noise) => ciphertext + noise,
            None => ciphertext,
        };
        let bob_guess = at.runner.decrypt(bob, heard, batch.keys.clone());
        let bob_share = bits_wrong_share(batch.messages.clone(), bob_guess.clone(), batch_size);
        // What Bob learns from: bits wrong (the write-up), cross-entropy, or bits wrong
        // beyond a margin.
        let bob_learns = if at.config.bob_cross_entropy == Some(true) {
            cross_entropy_share(batch.messages.clone(), bob_guess, batch_size)
        } else if let Some(margin) = at.config.bob_margin {
            beyond_margin_share(batch.messages.clone(), bob_guess, margin, batch_size)
        } else {
            bob_share.clone()
        };
        let totals = totals.await;
        let others = totals.clone() - shares;
        let eve_totals = |sums: &Tensor<1>| -> Vec<Tensor<1>> {
            (0..eves).map(|j| sums.clone().narrow(0, j * width, width)).collect()
        };
        let loss = ab_loss_share(bob_learns, eve_shares, eve_totals(&others), count, weight);
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
        (ab_loss(bob_total.clone(), eve_totals(&totals), count, weight), bob_total)
    }
}
