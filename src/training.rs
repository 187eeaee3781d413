//! The adversarial training loop (spec §2–§3), behind a step-wise API a page can drive:
//! `Trainer::run(n)` trains `n` iterations and returns their losses still on the device;
//! the caller reads them back (synchronously, or asynchronously in a browser) when it
//! wants them. Nothing is read back inside the loop.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, RmsPropConfig};
use burn::prelude::*;
use rand::{SeedableRng, rngs::SmallRng};

use crate::config::{ConfigError, OptimizerKind, TrainingConfig};
use crate::data::{BitSource, MessageBatch};
use crate::kernels::Kernels;
use crate::metrics::{IterationLosses, Pending};
use crate::model::{Ciphers, Network, Role};
use crate::replicas::{Link, all_reduce, default_replicas, replicate, sum_values};

/// `mean over batch of sum over bits |P − guess|`: bits wrong per message. `[batch, N]` -> `[1]`.
pub fn bits_wrong_loss(messages: Tensor<2>, guesses: Tensor<2>) -> Tensor<1> {
    (messages - guesses).abs().sum_dim(1).mean()
}

/// Alice+Bob's loss `L_B + (N/2 − L_E)² / (N/2)²`.
pub fn ab_loss(bob_loss: Tensor<1>, eve_loss: Tensor<1>, bits: usize) -> Tensor<1> {
    weighted_ab_loss(bob_loss, eve_loss, bits, 1.0)
}

/// Alice+Bob's loss with the Eve term weighted: `L_B + w·(N/2 − L_E)² / (N/2)²`.
pub fn weighted_ab_loss(bob_loss: Tensor<1>, eve_loss: Tensor<1>, bits: usize, weight: f64) -> Tensor<1> {
    bob_loss + eve_term(eve_loss, bits, weight)
}

/// The Eve term of Alice+Bob's loss, `w·(N/2 − L_E)² / (N/2)²`: 0 when Eve is at chance.
fn eve_term(eve_loss: Tensor<1>, bits: usize, weight: f64) -> Tensor<1> {
    let half = bits as f32 / 2.0;
    let gap = eve_loss.neg().add_scalar(half);
    gap.powi_scalar(2).mul_scalar(weight as f32 / (half * half))
}

/// The `index`-th extra Eve of a run (see [`TrainingConfig::eves`]), drawn from `seed`.
fn rival_eve(config: &TrainingConfig, seed: u64, index: usize, device: &Device) -> Network {
    let seed = seed ^ (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03);
    config.cipher.init_network(Role::Eve, &mut SmallRng::seed_from_u64(seed), device)
}

/// Builds the optimiser of the configured kind with Keras/TensorFlow constants.
pub fn optimizer(kind: OptimizerKind) -> ModuleOptimizer {
    match kind {
        OptimizerKind::RmsProp => RmsPropConfig::new()
            .with_alpha(0.9)
            .with_momentum(0.0)
            .with_epsilon(1e-7)
            .init(),
        OptimizerKind::Adam => AdamConfig::new()
            .with_beta_1(0.9)
            .with_beta_2(0.999)
            .with_epsilon(1e-8)
            .init(),
    }
}

/// Alice's ciphertext for a batch: `[batch, N]`.
pub fn encrypt(alice: &Network, batch: &MessageBatch, kernels: &Kernels) -> Tensor<2> {
    alice.forward(Tensor::cat(vec![batch.messages.clone(), batch.keys.clone()], 1), kernels)
}

/// Bob's reading of a ciphertext with the key: `[batch, N]`.
pub fn decrypt(bob: &Network, ciphertext: Tensor<2>, keys: Tensor<2>, kernels: &Kernels) -> Tensor<2> {
    bob.forward(Tensor::cat(vec![ciphertext, keys], 1), kernels)
}

/// One Eve step against a frozen Alice (`alice` without gradients). Returns the moved Eve
/// and her loss (detached).
pub fn eve_step(
    alice: &Network,
    eve: Network,
    optim: &mut ModuleOptimizer,
    learning_rate: f64,
    batch: &MessageBatch,
    kernels: &Kernels,
) -> (Network, Tensor<1>) {
    let ciphertext = encrypt(alice, batch, kernels);
    eve_step_on(ciphertext, eve, optim, learning_rate, &batch.messages, kernels)
}

/// One Eve step on ciphertexts already made by a frozen Alice.
pub fn eve_step_on(
    ciphertext: Tensor<2>,
    eve: Network,
    optim: &mut ModuleOptimizer,
    learning_rate: f64,
    messages: &Tensor<2>,
    kernels: &Kernels,
) -> (Network, Tensor<1>) {
    let loss = bits_wrong_loss(messages.clone(), eve.forward(ciphertext, kernels));
    let grads = GradientsParams::from_grads(loss.backward(), &eve);
    (optim.step(learning_rate, eve, grads), loss.detach())
}

/// One copy of the three networks with their optimisers and data stream (see
/// [`crate::replicas`]: on a multi-core CPU two of them share each batch).
struct Replica {
    ciphers: Ciphers,
    /// The extra Eves that train beside `ciphers.eve` (none in the write-up).
    rivals: Vec<Network>,
    ab_optim: ModuleOptimizer,
    /// One optimiser per Eve: `ciphers.eve`'s first, then each rival's.
    eve_optims: Vec<ModuleOptimizer>,
    source: BitSource,
}

/// What every replica's iteration reads.
struct Shared<'a> {
    config: &'a TrainingConfig,
    kernels: &'a Kernels,
    device: &'a Device,
    /// This replica's rows of each batch: `start .. start + rows`.
    start: usize,
    rows: usize,
}

/// Trains Alice, Bob and Eve by the schedule of a [`TrainingConfig`].
pub struct Trainer {
    config: TrainingConfig,
    device: Device,
    kernels: Kernels,
    /// Replica 0 (the one reported) and, on a multi-core CPU, its helper.
    replicas: Vec<Replica>,
    iteration: usize,
}

impl Trainer {
    /// Checks `config`, then builds fresh networks from its seed on `device` (which must
    /// have autodiff: `Device::flex().autodiff()`, say).
    pub fn new(config: TrainingConfig, device: &Device) -> Result<Self, ConfigError> {
        config.validate()?;
        let ciphers = config.cipher.init(config.seed, device);
        Ok(Self::from_parts(config, ciphers, device))
    }

    /// Resumes training from existing networks (for instance a loaded model).
    pub fn from_parts(config: TrainingConfig, ciphers: Ciphers, device: &Device) -> Self {
        let replicas = default_replicas(device, config.batch_size);
        Self::with_replicas(config, ciphers, device, replicas)
    }

    /// Like [`Trainer::from_parts`] with an explicit number of replicas: 1 trains on one
    /// thread; 2 splits each batch over two threads (native builds only). Results are
    /// reproducible for a given seed, backend and replica count.
    ///
    /// # Panics
    /// If `replicas` is not 1 or 2, or is 2 with a batch smaller than 2.
    pub fn with_replicas(config: TrainingConfig, ciphers: Ciphers, device: &Device, replicas: usize) -> Self {
        assert!(matches!(replicas, 1 | 2), "1 or 2 replicas");
        assert!(config.batch_size >= replicas, "at least one row of each batch per replica");
        let kernels = Kernels::for_device(config.cipher.bits, device);
        // The data streams are seeded apart from the weights (which use `seed` itself).
        let replicas = (0..replicas)
            .map(|r| Replica {
                ciphers: if r == 0 { ciphers.clone() } else { replicate(&ciphers) },
                // Every replica draws the same rivals from the seed.
                rivals: (1..config.eves()).map(|j| rival_eve(&config, config.seed, j, device)).collect(),
                ab_optim: optimizer(config.optimizer),
                eve_optims: (0..config.eves()).map(|_| optimizer(config.optimizer)).collect(),
                source: BitSource::new(config.seed ^ 0x5eed_da7a),
            })
            .collect();
        Self { config, device: device.clone(), kernels, replicas, iteration: 0 }
    }

    /// The configuration being trained.
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// How many replicas share each batch (threads used).
    pub fn replicas(&self) -> usize {
        self.replicas.len()
    }

    /// Replica `index`'s networks (they equal replica 0's bit for bit: for checks).
    pub fn replica_ciphers(&self, index: usize) -> &Ciphers {
        &self.replicas[index].ciphers
    }

    /// Iterations done so far.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// Whether the configured schedule is complete.
    pub fn is_done(&self) -> bool {
        self.iteration >= self.config.total_iterations()
    }

    /// The networks as they are now.
    pub fn ciphers(&self) -> &Ciphers {
        &self.replicas[0].ciphers
    }

    /// The kernels the networks run with on this device.
    pub fn kernels(&self) -> &Kernels {
        &self.kernels
    }

    /// Gives the networks up (to save them or to audit them).
    pub fn into_ciphers(mut self) -> Ciphers {
        self.replicas.swap_remove(0).ciphers
    }

    /// Runs up to `iterations` iterations (fewer if the schedule ends first).
    pub fn run(&mut self, iterations: usize) -> Pending<IterationLosses> {
        let first = self.iteration + 1;
        let left = self.config.total_iterations().saturating_sub(self.iteration);
        let todo = iterations.min(left);
        let batch = self.config.batch_size;
        let count = self.replicas.len();
        let bounds = |r: usize| (r * batch / count, (r + 1) * batch / count);
        let start = self.iteration;
        let (main, helpers) = self.replicas.split_first_mut().expect("replica 0");
        let shared = |r| {
            let (start, end) = bounds(r);
            Shared { config: &self.config, kernels: &self.kernels, device: &self.device, start, rows: end - start }
        };
        let rows = match helpers {
            [] => (start..start + todo).map(|i| main.iterate(&shared(0), &Link::solo(), i)).collect(),
            [helper] => std::thread::scope(|scope| {
                let (link, helper_link) = Link::pair();
                let helper_shared = shared(1);
                scope.spawn(move || {
                    for i in start..start + todo {
                        helper.iterate(&helper_shared, &helper_link, i);
                    }
                });
                let main_shared = shared(0);
                (start..start + todo).map(|i| main.iterate(&main_shared, &link, i)).collect()
            }),
            _ => unreachable!("at most two replicas"),
        };
        self.iteration += todo;
        Pending::new(first, rows)
    }
}

impl Replica {
    /// Iteration `iteration` (0-based) on this replica's rows: `ab_steps` Alice+Bob steps,
    /// then `eve_steps` Eve steps. Returns the whole batch's losses `[1, 3]` (the same on
    /// every replica).
    fn iterate(&mut self, at: &Shared, link: &Link, iteration: usize) -> Tensor<2> {
        let c = at.config;
        if c.resets_eve_before(iteration) {
            // Every replica draws the same fresh Eves from the seed and the iteration.
            let seed = c.seed ^ (iteration as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            self.ciphers.eve = c.cipher.init_network(Role::Eve, &mut SmallRng::seed_from_u64(seed), at.device);
            self.rivals = (1..c.eves()).map(|j| rival_eve(c, seed, j, at.device)).collect();
            self.eve_optims = (0..c.eves()).map(|_| optimizer(c.optimizer)).collect();
        }
        if c.catches_up_before(iteration) {
            // Alice frozen, the Eves train as long as the interval, at their full rate.
            for _ in 0..c.eve_catch_up_every.unwrap_or(0) {
                let batch = self.source.draw(1, c.batch_size, c.cipher.bits, at.device).rows(at.start, at.rows);
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
            last = Some(self.ab_step(at, &batches.get(i), link, c.ab_learning_rate * factor, alice_moves));
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
    fn eve_steps(&mut self, at: &Shared, link: &Link, joined: &MessageBatch, steps: usize, lr: f64) -> Vec<Tensor<1>> {
        // Encrypt every step's batch in one pass (fewer, larger ops), then step on each slice.
        let alice = self.ciphers.alice.valid();
        let ciphertexts = encrypt(&alice, joined, at.kernels);
        let mut losses = Vec::with_capacity(steps);
        for i in 0..steps {
            let rows = |t: &Tensor<2>| t.clone().narrow(0, i * at.rows, at.rows);
            let (ciphertext, messages) = (rows(&ciphertexts), rows(&joined.messages));
            let eves: Vec<Network> = std::iter::once(&self.ciphers.eve).chain(&self.rivals).cloned().collect();
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
            let mut moved = eves.into_iter().zip(grads).zip(&mut self.eve_optims).map(|((eve, g), optim)| optim.step(lr, eve, g));
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
    fn ab_step(&mut self, at: &Shared, batch: &MessageBatch, link: &Link, lr: f64, alice_moves: bool) -> (Tensor<1>, Tensor<1>) {
        let (bits, batch_size, weight) = (at.config.cipher.bits, at.config.batch_size, at.config.eve_weight());
        let Ciphers { alice, bob, eve } = &self.ciphers;
        let ciphertext = encrypt(alice, batch, at.kernels);
        let bob_guess = decrypt(bob, ciphertext.clone(), batch.keys.clone(), at.kernels);
        let bob_share = bits_wrong_share(batch.messages.clone(), bob_guess.clone(), batch_size);
        // What Bob learns from: bits wrong (the write-up) or cross-entropy.
        let bob_learns = if at.config.bob_cross_entropy == Some(true) {
            cross_entropy_share(batch.messages.clone(), bob_guess, batch_size)
        } else {
            bob_share.clone()
        };
        let eve_shares: Vec<Tensor<1>> = std::iter::once(eve)
            .chain(&self.rivals)
            .map(|eve| bits_wrong_share(batch.messages.clone(), eve.valid().forward(ciphertext.clone(), at.kernels), batch_size))
            .collect();
        let eves = eve_shares.len();
        let weight = weight / eves as f64;
        let shares = Tensor::cat(std::iter::once(&bob_share).chain(&eve_shares).map(|s| s.clone().detach()).collect(), 0);
        let totals = sum_values(link, shares.clone()); // [L_B, L_E of each Eve] of the whole batch
        let others = totals.clone() - shares;
        let mut loss = bob_learns;
        for (j, eve_share) in eve_shares.into_iter().enumerate() {
            loss = loss + eve_term(eve_share + others.clone().narrow(0, 1 + j, 1), bits, weight);
        }
        let mut grads = loss.backward();
        let own = vec![GradientsParams::from_module(&mut grads, alice), GradientsParams::from_module(&mut grads, bob)];
        let (mut sums, _) = all_reduce(link, &[alice, bob], own, ());
        let (bob_grads, alice_grads) = (sums.pop().expect("Bob's"), sums.pop().expect("Alice's"));
        if alice_moves {
            self.ciphers.alice = self.ab_optim.step(lr, self.ciphers.alice.clone(), alice_grads);
        }
        self.ciphers.bob = self.ab_optim.step(lr, self.ciphers.bob.clone(), bob_grads);
        let bob_total = totals.clone().narrow(0, 0, 1);
        let eve_terms = (0..eves).map(|j| eve_term(totals.clone().narrow(0, 1 + j, 1), bits, weight));
        (eve_terms.fold(bob_total.clone(), |sum, term| sum + term), bob_total)
    }
}

/// This replica's share of the whole batch's cross-entropy of `guesses` (probabilities)
/// against the bits, summed over bits and averaged over the batch. `[rows, N]` -> `[1]`.
fn cross_entropy_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    let eps = 1e-7;
    let p = guesses.clamp(eps, 1.0 - eps);
    let ones = messages.clone() * p.clone().log() + messages.neg().add_scalar(1.0) * p.neg().add_scalar(1.0).log();
    ones.sum().neg().div_scalar(batch_size as f32)
}

/// This replica's share of [`bits_wrong_loss`] over a whole batch of `batch_size` rows:
/// `sum |P − guess| / batch_size` over its own rows. `[rows, N]` -> `[1]`.
fn bits_wrong_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    (messages - guesses).abs().sum().div_scalar(batch_size as f32)
}
