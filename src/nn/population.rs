//! Many ciphers at once: a *population* of K independent Alice/Bob/Eve triples, each with
//! its own seed (weights and data), trained as one set of stacked tensors. Each member's
//! losses are its own and the total backed up is their sum, so every member gets exactly
//! its own gradients; Adam and RMSprop work element by element, so one optimiser over the
//! stack is K optimisers with the same schedule. A member trains as a single run of its
//! seed does (one replica), within float tolerance (`tests/population.rs`).
//!
//! On a CPU with two cores the members can be split into two groups, one per thread (they
//! share nothing, so nothing is exchanged). It trains the write-up's networks (no extra
//! dense layer) with every option of the 16-bit presets (learning rate decay, Eve weight,
//! a Bob-only tail); [`Population::new`] refuses the extra dense layer by name.

use burn::prelude::*;

use crate::nn::config::TrainingConfig;
use crate::nn::metrics::IterationLosses;
use crate::nn::model::Networks;
use crate::nn::pending::Pending;
use crate::nn::steps::Steps;

mod group;
mod stacked;
use group::Group;
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
    if c.cipher.extra_dense {
        Some("extra_dense")
    } else {
        c.distinguisher.is_some().then_some("distinguisher")
    }
}

/// Whether `config` can train as a population: valid, and none of the options a population
/// does not train (the error names the first).
pub fn check(config: &TrainingConfig) -> Result<(), PopulationError> {
    config.validate()?;
    match unsupported(config) {
        Some(option) => Err(PopulationError::Unsupported(option)),
        None => Ok(()),
    }
}

/// Threads a population trains on by default: 2 on a CPU device with two or more cores
/// (half the members each), else 1.
pub fn default_threads(device: &Device) -> usize {
    let cores = crate::nn::replicas::available_cores();
    if crate::nn::kernels::is_host_device(device) && cores >= 2 { 2 } else { 1 }
}

/// K ciphers trained together by one schedule.
pub struct Population {
    config: TrainingConfig,
    seeds: Vec<u64>,
    /// The members in one or two groups (one per thread), in seed order.
    groups: Vec<Group>,
    /// Member 0's fresh networks: the shapes [`Population::member`] writes into.
    template: Networks,
    iteration: usize,
}

impl Population {
    /// One member per seed, each built and fed as a single run of `config` with that seed
    /// (`device` with autodiff), all on one thread.
    pub fn new(config: &TrainingConfig, seeds: &[u64], device: &Device) -> Result<Self, PopulationError> {
        Self::with_threads(config, seeds, device, 1)
    }

    /// Like [`Population::new`], the members split into `threads` groups (1 or 2; fewer
    /// when there are fewer members), each trained on its own thread (native builds only).
    ///
    /// # Panics
    /// If `threads` is not 1 or 2.
    pub fn with_threads(
        config: &TrainingConfig,
        seeds: &[u64],
        device: &Device,
        threads: usize,
    ) -> Result<Self, PopulationError> {
        assert!(matches!(threads, 1 | 2), "1 or 2 threads");
        check(config)?;
        if seeds.is_empty() {
            return Err(PopulationError::Empty);
        }
        let size = seeds.len().div_ceil(threads.min(seeds.len()));
        Ok(Self {
            groups: seeds.chunks(size).map(|part| Group::new(config, part, device)).collect(),
            template: config.cipher.init(seeds[0], device),
            config: config.clone(),
            seeds: seeds.to_vec(),
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

    /// Threads the members train on (their groups).
    pub fn threads(&self) -> usize {
        self.groups.len()
    }

    /// The shared settings (each member's seed is its own).
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// Member `k`'s networks, as a single run would hold them.
    pub fn member(&self, k: usize) -> Networks {
        let size = self.groups[0].members();
        self.groups[k / size].member(k % size, &self.template)
    }

    /// Member `k`'s training configuration (the shared one with its seed).
    pub fn member_config(&self, k: usize) -> TrainingConfig {
        self.config.clone().with_seed(self.seeds[k])
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
        let (start, config) = (self.iteration, &self.config);
        let train = |group: &mut Group| -> Vec<Tensor<2>> {
            (start..start + todo).map(|i| group.iterate(config, i)).collect()
        };
        // Each group's rows `[K_g, 3]` per iteration, joined member-wise in seed order.
        let per_group: Vec<Vec<Tensor<2>>> = match self.groups.as_mut_slice() {
            [one] => vec![train(one)],
            [first_group, second] => std::thread::scope(|scope| {
                let helper = scope.spawn(|| train(second));
                let mine = train(first_group);
                vec![mine, helper.join().expect("the second group's thread")]
            }),
            _ => unreachable!("one or two groups"),
        };
        let rows: Vec<Tensor<2>> =
            (0..todo).map(|i| Tensor::cat(per_group.iter().map(|g| g[i].clone()).collect(), 0)).collect();
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
