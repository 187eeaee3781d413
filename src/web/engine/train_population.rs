//! Inside an engine worker: one population (several ciphers in stacked tensors) trained on
//! the CPU slice by slice, its losses streamed member by member, then every member
//! evaluated and posted as a model file.

use std::rc::Rc;

use burn::prelude::*;

use crate::app::engine_protocol::Event;
use crate::app::population_results::TrainedMember;
use crate::app::unposted::Unposted;
use crate::nn::config::TrainingConfig;
use crate::nn::metrics::IterationLosses;
use crate::nn::population::Population;
use crate::nn::steps::Steps;
use crate::web::engine::job::{REPORT_MS, Slice, State, post, run_slices};

/// Trains a member per seed of `seeds` with `config`, posting their losses, then their
/// model files and evaluations.
pub(super) async fn train_population(state: Rc<State>, config: TrainingConfig, seeds: Vec<u64>) {
    let device = Device::flex().autodiff();
    let mut population = match Population::new(&config, &seeds, &device) {
        Ok(population) => population,
        Err(e) => return post(&Event::Failed { message: e.to_string() }),
    };
    let mut unposted = Unposted::every(REPORT_MS);
    let trained = run_slices(
        &state,
        &mut population,
        async |population, n| population.run(n),
        async |population, slice| {
            let done = population.done();
            match slice {
                // The page shows where it stopped.
                Slice::Paused => post_rows(&mut unposted, done, seeds.len()),
                Slice::Rows(per_iteration, seconds) => {
                    unposted.add(per_iteration, seconds);
                    if unposted.due() || population.is_done() {
                        post_rows(&mut unposted, done, seeds.len());
                    }
                }
            }
            true
        },
    )
    .await;
    if let Err(e) = trained {
        return post(&Event::Failed { message: format!("the device failed while training ({})", e.cause()) });
    }
    post(&Event::Evaluating);
    let mut members = Vec::with_capacity(seeds.len());
    for k in 0..seeds.len() {
        match TrainedMember::of(&population, k, &device).read_async().await {
            Ok(member) => members.push(member),
            Err(e) => {
                let message = format!("the device failed while evaluating ({})", e.cause());
                return post(&Event::Failed { message });
            }
        }
    }
    post(&Event::PopulationTrained { members });
}

/// Posts the rows kept in `unposted` (if any), member by member, `done` iterations in.
fn post_rows(unposted: &mut Unposted<Vec<IterationLosses>>, done: usize, members: usize) {
    if let Some((per_iteration, seconds)) = unposted.take() {
        post(&Event::PopulationRows { rows: by_member(per_iteration, members), done, seconds });
    }
}

/// Rows per iteration (each with a row per member) turned into rows per member.
fn by_member(per_iteration: Vec<Vec<IterationLosses>>, members: usize) -> Vec<Vec<IterationLosses>> {
    let mut out = vec![Vec::with_capacity(per_iteration.len()); members];
    for iteration in per_iteration {
        for (member, row) in out.iter_mut().zip(iteration) {
            member.push(row);
        }
    }
    out
}
