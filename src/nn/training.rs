//! The adversarial training loop (spec §2–§3), behind a step-wise API a page can drive:
//! [`Steps::run`]`(n)` trains `n` iterations and returns their losses still on the device;
//! the caller reads them back (synchronously, or asynchronously in a browser) when it
//! wants them. Nothing is read back inside the loop.

use burn::optim::GradientsParams;
use burn::prelude::*;

use crate::nn::config::{ConfigError, TrainingConfig};
use crate::nn::data::MessageBatch;
use crate::nn::inference::Runner;
use crate::nn::losses::bits_wrong_loss;
use crate::nn::metrics::{IterationLosses, pending_rows};
use crate::nn::model::{Network, Networks};
use crate::nn::optimizer::FlatOptimizer;
use crate::nn::pending::Pending;
use crate::nn::replicas::{Link, Peer, ThreadPeer, default_replicas, finish_now, replicate};
use crate::nn::steps::Steps;

mod adversary;
mod distinguisher;
mod eve;
mod replica;
mod rows;
use adversary::Adversary;
use distinguisher::Distinguisher;
use eve::WriteupEve;
use replica::Replica;
use rows::Rows;

/// One Eve step against a frozen Alice (`alice` without gradients). Returns the moved Eve
/// and her loss (detached).
pub fn eve_step(
    alice: &Network,
    eve: Network,
    optim: &mut FlatOptimizer,
    learning_rate: f64,
    batch: &MessageBatch,
    runner: &Runner,
) -> (Network, Tensor<1>) {
    let ciphertext = runner.encrypt(alice, batch);
    let loss = bits_wrong_loss(batch.messages.clone(), runner.eavesdrop(&eve, ciphertext));
    let grads = GradientsParams::from_grads(loss.backward(), &eve);
    (optim.step(learning_rate, eve, grads), loss.detach())
}

/// What Alice and Bob hide from in a run of `config` on `device`, in the order their terms
/// are added: the write-up's Eve, then the distinguishing Eve where the run has one. (A new
/// kind of adversary is added here.)
fn adversaries(config: &TrainingConfig, device: &Device) -> Vec<Box<dyn Adversary>> {
    let mut all: Vec<Box<dyn Adversary>> = vec![Box::new(WriteupEve::new(config))];
    if let Some(settings) = &config.distinguisher {
        all.push(Box::new(Distinguisher::new(config, settings, device)));
    }
    all
}

/// Trains Alice, Bob and Eve by the schedule of a [`TrainingConfig`].
pub struct Trainer {
    config: TrainingConfig,
    /// The networks' kernels on the training device.
    runner: Runner,
    /// Replica 0 (the one reported) and, on a multi-core CPU, its helper.
    replicas: Vec<Replica>,
    /// Where this trainer is one replica of two and the other runs elsewhere (another Web
    /// Worker): the link to it.
    remote: Option<Link>,
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
    pub fn from_parts(config: TrainingConfig, ciphers: Networks, device: &Device) -> Self {
        let replicas = default_replicas(device, config.batch_size);
        Self::with_replicas(config, ciphers, device, replicas)
    }

    /// Like [`Trainer::from_parts`] with an explicit number of replicas: 1 trains on one
    /// thread; 2 splits each batch over two threads (native builds only). Results are
    /// reproducible for a given seed, backend and replica count.
    ///
    /// # Panics
    /// If `replicas` is not 1 or 2, or is 2 with a batch smaller than 2.
    pub fn with_replicas(
        config: TrainingConfig,
        ciphers: Networks,
        device: &Device,
        replicas: usize,
    ) -> Self {
        assert!(matches!(replicas, 1 | 2), "1 or 2 replicas");
        assert!(config.batch_size >= replicas, "at least one row of each batch per replica");
        let runner = Runner::new(config.cipher.bits, device);
        let replicas = (0..replicas)
            .map(|r| {
                let ciphers = if r == 0 { ciphers.clone() } else { replicate(&ciphers) };
                Replica::new(&config, ciphers, adversaries(&config, device))
            })
            .collect();
        Self { config, runner, replicas, remote: None, iteration: 0 }
    }

    /// Replica `index` (0 or 1) of a run split over two replicas where the other one runs
    /// elsewhere, reached through `peer` (in the page: another Web Worker). Both build the
    /// same networks from the seed; train it with [`Trainer::run_async`].
    ///
    /// # Panics
    /// If `index` is not 0 or 1.
    pub fn remote_replica(
        config: TrainingConfig,
        device: &Device,
        index: usize,
        peer: Box<dyn Peer>,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        assert!(config.batch_size >= 2, "at least one row of each batch per replica");
        let ciphers = config.cipher.init(config.seed, device);
        let mut trainer = Self::with_replicas(config, ciphers, device, 1);
        trainer.remote = Some(Link::to_peer(index, peer));
        Ok(trainer)
    }

    /// Like [`Steps::run`], for a trainer whose replicas may wait for each other (a
    /// [`Trainer::remote_replica`]); a trainer of this process's replicas never waits.
    pub async fn run_async(&mut self, iterations: usize) -> Pending<Vec<IterationLosses>> {
        let Some(link) = self.remote.take() else { return self.run(iterations) };
        let (first, todo) = self.next_iterations(iterations);
        let mut rows = Vec::with_capacity(todo);
        {
            let at = Rows::of(&self.config, &self.runner, link.index(), 2);
            let replica = &mut self.replicas[0];
            for i in first - 1..first - 1 + todo {
                rows.push(replica.iterate(&at, &link, i).await);
            }
        }
        self.remote = Some(link);
        self.iteration += todo;
        pending_rows(first, rows)
    }

    /// The first iteration (1-based) of the next run of up to `iterations`, and how many
    /// the schedule leaves for it.
    fn next_iterations(&self, iterations: usize) -> (usize, usize) {
        let left = self.config.total_iterations().saturating_sub(self.iteration);
        (self.iteration + 1, iterations.min(left))
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
    pub fn replica_networks(&self, index: usize) -> &Networks {
        &self.replicas[index].ciphers
    }

    /// The networks as they are now.
    pub fn networks(&self) -> &Networks {
        &self.replicas[0].ciphers
    }

    /// Gives the networks up (to save them or to audit them).
    pub fn into_networks(mut self) -> Networks {
        self.replicas.swap_remove(0).ciphers
    }
}

impl Steps for Trainer {
    type Row = IterationLosses;

    /// Runs up to `iterations` iterations (fewer if the schedule ends first).
    ///
    /// # Panics
    /// For a [`Trainer::remote_replica`] (its peer is awaited: use [`Trainer::run_async`]).
    fn run(&mut self, iterations: usize) -> Pending<Vec<IterationLosses>> {
        assert!(self.remote.is_none(), "a remote replica trains with run_async");
        let (first, todo) = self.next_iterations(iterations);
        let start = first - 1;
        let count = self.replicas.len();
        let shared: Vec<Rows> = (0..count).map(|r| Rows::of(&self.config, &self.runner, r, count)).collect();
        let (main, helpers) = self.replicas.split_first_mut().expect("replica 0");
        let rows = match helpers {
            [] => {
                let link = Link::solo();
                (start..start + todo).map(|i| finish_now(main.iterate(&shared[0], &link, i))).collect()
            }
            [helper] => std::thread::scope(|scope| {
                let (mine, theirs) = ThreadPeer::pair();
                let helper_shared = &shared[1];
                scope.spawn(move || {
                    let link = Link::to_peer(1, Box::new(theirs));
                    for i in start..start + todo {
                        finish_now(helper.iterate(helper_shared, &link, i));
                    }
                });
                let link = Link::to_peer(0, Box::new(mine));
                (start..start + todo).map(|i| finish_now(main.iterate(&shared[0], &link, i))).collect()
            }),
            _ => unreachable!("at most two replicas"),
        };
        self.iteration += todo;
        pending_rows(first, rows)
    }

    /// Iterations done so far.
    fn done(&self) -> usize {
        self.iteration
    }

    /// Iterations in the configured schedule.
    fn total(&self) -> usize {
        self.config.total_iterations()
    }
}
