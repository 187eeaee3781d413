//! One replica's training iteration: its Alice+Bob steps, then its Eve steps (and the
//! extra Eves and catch-ups some schedules add), exchanging gradients with the other
//! replica where there is one (see [`crate::replicas`]).

use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use rand::{SeedableRng, rngs::SmallRng};

use super::{decrypt, encrypt, eve_term, optimizer, per_bit_eve_term};
use crate::config::TrainingConfig;
use crate::data::{BitSource, MessageBatch};
use crate::kernels::Kernels;
use crate::model::{Ciphers, Network, Role};
use crate::replicas::{Link, all_reduce, sum_values};

/// One copy of the three networks with their optimisers and data stream (see
/// [`crate::replicas`]: on a multi-core CPU two of them share each batch).
pub(super) struct Replica {
    pub(super) ciphers: Ciphers,
    /// The extra Eves that train beside `ciphers.eve` (none in the write-up).
    rivals: Vec<Network>,
    ab_optim: ModuleOptimizer,
    /// One optimiser per Eve: `ciphers.eve`'s first, then each rival's.
    eve_optims: Vec<ModuleOptimizer>,
    source: BitSource,
}

/// What every replica's iteration reads.
pub(super) struct Shared<'a> {
    pub(super) config: &'a TrainingConfig,
    pub(super) kernels: &'a Kernels,
    pub(super) device: &'a Device,
    /// This replica's rows of each batch: `start .. start + rows`.
    pub(super) start: usize,
    pub(super) rows: usize,
}

/// The extra Eves of a run (see [`TrainingConfig::eves`]), drawn from `seed`.
fn rival_eves(config: &TrainingConfig, seed: u64, device: &Device) -> Vec<Network> {
    (1..config.eves())
        .map(|index| {
            let seed = seed ^ (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03);
            config.cipher.init_network(Role::Eve, &mut SmallRng::seed_from_u64(seed), device)
        })
        .collect()
}

/// A fresh optimiser for each Eve of a run.
fn eve_optimizers(config: &TrainingConfig) -> Vec<ModuleOptimizer> {
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
            source: BitSource::new(config.seed ^ 0x5eed_da7a),
        }
    }

    /// Iteration `iteration` (0-based) on this replica's rows: `ab_steps` Alice+Bob steps,
    /// then `eve_steps` Eve steps. Returns the whole batch's losses `[1, 3]` (the same on
    /// every replica).
    pub(super) fn iterate(&mut self, at: &Shared, link: &Link, iteration: usize) -> Tensor<2> {
        let c = at.config;
        if c.resets_eve_before(iteration) {
            // Every replica draws the same fresh Eves from the seed and the iteration.
            let seed = c.seed ^ (iteration as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            self.ciphers.eve =
                c.cipher.init_network(Role::Eve, &mut SmallRng::seed_from_u64(seed), at.device);
            self.rivals = rival_eves(c, seed, at.device);
            self.eve_optims = eve_optimizers(c);
        }
        if let Some(every) = c.eve_catch_up_every.filter(|_| c.catches_up_before(iteration)) {
            // Alice frozen, the Eves train as long as the interval, at their full rate (a
            // batch at a time: drawing them all at once would hold `every` batches).
            for _ in 0..every {
                let batch =
                    self.source.draw(1, c.batch_size, c.cipher.bits, at.device).rows(at.start, at.rows);
                self.eve_steps(at, link, &batch.get(0), 1, c.eve_learning_rate);
            }
        }
        let factor = c.learning_rate_factor(iteration);
        let (bits, steps) = (c.cipher.bits, c.ab_steps + c.eve_steps);
        // Every replica draws the same whole batches and keeps its own rows.
        let batches = self.source.draw(steps, c.batch_size, bits, at.device).rows(at.start, at.rows);
        let mut last = None;
        let alice_moves = !c.only_bob_moves_at(iteration);
        for i in 0..c.ab_steps {
            last = Some(self.ab_step(
                at,
                &batches.get(i),
                link,
                iteration,
                c.ab_learning_rate * factor,
                alice_moves,
            ));
        }
        let (ab, bob) = last.expect("at least one Alice+Bob step");
        // Alice is frozen for all of this iteration's Eve steps.
        let eve_losses = match c.eve_steps {
            0 => Vec::new(),
            n => self.eve_steps(at, link, &batches.joined(c.ab_steps, n), n, c.eve_learning_rate * factor),
        };
        let eve = if eve_losses.is_empty() {
            Tensor::from_floats([f32::NAN], at.device)
        } else {
            Tensor::cat(eve_losses, 0).sum().div_scalar(c.eve_steps as f32)
        };
        Tensor::cat(vec![ab, bob, eve], 0).unsqueeze() // [1, 3]
    }

    /// `steps` Eve steps (every Eve, on the same batches) against the frozen Alice, on the
    /// `steps` consecutive batches of `joined`. Returns the first Eve's whole-batch losses.
    fn eve_steps(
        &mut self,
        at: &Shared,
        link: &Link,
        joined: &MessageBatch,
        steps: usize,
        lr: f64,
    ) -> Vec<Tensor<1>> {
        // Encrypt every step's batch in one pass (fewer, larger ops), then step on each slice.
        let alice = self.ciphers.alice.valid();
        let ciphertexts = encrypt(&alice, joined, at.kernels);
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
                    let guess = eve.forward(ciphertext.clone(), at.kernels);
                    let loss = bits_wrong_share(messages.clone(), guess, at.config.batch_size);
                    first_loss.get_or_insert_with(|| loss.clone().detach());
                    GradientsParams::from_grads(loss.backward(), eve)
                })
                .collect();
            // The replicas' loss shares (the first Eve's: the one reported) travel with
            // their gradients.
            let first_loss = first_loss.expect("at least one Eve");
            let (grads, shares) = all_reduce(link, &eves.iter().collect::<Vec<_>>(), grads, first_loss);
            let mut moved = eves
                .into_iter()
                .zip(grads)
                .zip(&mut self.eve_optims)
                .map(|((eve, g), optim)| optim.step(lr, eve, g));
            self.ciphers.eve = moved.next().expect("the first Eve");
            self.rivals = moved.collect();
            losses.extend(shares);
        }
        losses
    }

    /// One Alice+Bob step against frozen Eves (Alice frozen too unless `alice_moves`).
    /// Returns the whole batch's (L_AB, L_B), detached. With several Eves the Eve term is
    /// the mean of each Eve's.
    ///
    /// Each replica holds only its share of `L_E`, but `L_AB` is not linear in it. Its
    /// gradient is `∇L_B + c·∇L_E` with `c = −2(N/2 − L_E)/(N/2)²`, so each replica backs
    /// up `L_B,r + (N/2 − (L_E,r + L_E,other))² / (N/2)²` with the other's share held
    /// constant: the replicas' gradients then add up to exactly the whole batch's.
    fn ab_step(
        &mut self,
        at: &Shared,
        batch: &MessageBatch,
        link: &Link,
        iteration: usize,
        lr: f64,
        alice_moves: bool,
    ) -> (Tensor<1>, Tensor<1>) {
        let (bits, batch_size, weight) =
            (at.config.cipher.bits, at.config.batch_size, at.config.eve_weight_at(iteration));
        let Ciphers { alice, bob, eve } = &self.ciphers;
        let ciphertext = encrypt(alice, batch, at.kernels);
        let bob_guess = decrypt(bob, ciphertext.clone(), batch.keys.clone(), at.kernels);
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
        // Each Eve's share of her errors: bits wrong per message, or per bit on its own.
        let per_bit = at.config.eve_term_per_bit();
        let width = if per_bit { bits } else { 1 };
        let eve_shares: Vec<Tensor<1>> = std::iter::once(eve)
            .chain(&self.rivals)
            .map(|eve| {
                let guess = eve.valid().forward(ciphertext.clone(), at.kernels);
                if per_bit {
                    per_bit_wrong_share(batch.messages.clone(), guess, batch_size)
                } else {
                    bits_wrong_share(batch.messages.clone(), guess, batch_size)
                }
            })
            .collect();
        let eves = eve_shares.len();
        let weight = weight / eves as f64;
        let term = |errors: Tensor<1>| {
            if per_bit { per_bit_eve_term(errors, weight) } else { eve_term(errors, bits, weight) }
        };
        let shares = Tensor::cat(
            std::iter::once(&bob_share).chain(&eve_shares).map(|s| s.clone().detach()).collect(),
            0,
        );
        let totals = sum_values(link, shares.clone()); // [L_B, each Eve's errors] of the whole batch
        let others = totals.clone() - shares;
        let eve_totals = |sums: &Tensor<1>, j: usize| sums.clone().narrow(0, 1 + j * width, width);
        let mut loss = bob_learns;
        for (j, eve_share) in eve_shares.into_iter().enumerate() {
            loss = loss + term(eve_share + eve_totals(&others, j));
        }
        let mut grads = loss.backward();
        let own = vec![
            GradientsParams::from_module(&mut grads, alice),
            GradientsParams::from_module(&mut grads, bob),
        ];
        let (mut sums, _) = all_reduce(link, &[alice, bob], own, ());
        let (bob_grads, alice_grads) = (sums.pop().expect("Bob's"), sums.pop().expect("Alice's"));
        if alice_moves {
            self.ciphers.alice = self.ab_optim.step(lr, self.ciphers.alice.clone(), alice_grads);
        }
        self.ciphers.bob = self.ab_optim.step(lr, self.ciphers.bob.clone(), bob_grads);
        let bob_total = totals.clone().narrow(0, 0, 1);
        let eve_terms = (0..eves).map(|j| term(eve_totals(&totals, j)));
        (eve_terms.fold(bob_total.clone(), |sum, term| sum + term), bob_total)
    }
}

/// This replica's share of the whole batch's cross-entropy of `guesses` (probabilities)
/// against the bits, summed over bits and averaged over the batch. `[rows, N]` -> `[1]`.
fn cross_entropy_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    let eps = 1e-7;
    let p = guesses.clamp(eps, 1.0 - eps);
    let ones =
        messages.clone() * p.clone().log() + messages.neg().add_scalar(1.0) * p.neg().add_scalar(1.0).log();
    ones.sum().neg().div_scalar(batch_size as f32)
}

/// This replica's share of the whole batch's errors beyond `margin`: `Σ max(0, |P − guess|
/// − margin)` over its rows, `/ batch_size`. `[rows, N]` -> `[1]`.
fn beyond_margin_share(messages: Tensor<2>, guesses: Tensor<2>, margin: f64, batch_size: usize) -> Tensor<1> {
    (messages - guesses).abs().sub_scalar(margin as f32).clamp_min(0.0).sum().div_scalar(batch_size as f32)
}

/// This replica's share of each bit's error over a whole batch of `batch_size` rows:
/// `sum over its rows |P − guess| / batch_size`, bit by bit. `[rows, N]` -> `[N]`.
fn per_bit_wrong_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    let [_, bits] = messages.dims();
    (messages - guesses).abs().sum_dim(0).reshape([bits]).div_scalar(batch_size as f32)
}

/// This replica's share of [`bits_wrong_loss`] over a whole batch of `batch_size` rows:
/// `sum |P − guess| / batch_size` over its own rows. `[rows, N]` -> `[1]`.
fn bits_wrong_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    (messages - guesses).abs().sum().div_scalar(batch_size as f32)
}
