//! Inside an engine worker: one population (several ciphers in stacked tensors) trained on
//! the CPU slice by slice, its losses streamed member by member, then every member
//! evaluated and posted as a model file.

use std::rc::Rc;

use burn::prelude::*;
use web_time::Instant;

use crate::app::engine_protocol::Event;
use crate::app::population_results::TrainedMember;
use crate::app::unposted::Unposted;
use crate::nn::config::TrainingConfig;
use crate::nn::metrics::IterationLosses;
use crate::nn::population::Population;
use crate::nn::steps::Steps;
use crate::web::browser::yields::yield_now;
use crate::web::engine::worker::{REPORT_MS, SLICE_MAX, SLICE_MS, State, post};
use crate::web::slices::next_slice;

/// Trains a member per seed of `seeds` with `config`, posting their losses, then their
/// model files and evaluations.
pub(super) async fn train_population(state: Rc<State>, config: TrainingConfig, seeds: Vec<u64>) {
    let device = Device::flex().autodiff();
    let mut population = match Population::new(&config, &seeds, &device) {
        Ok(population) => population,
        Err(e) => return post(&Event::Failed { message: e.to_string() }),
    };
    let mut slice = 1;
    let mut unposted = Unposted::every(REPORT_MS);
    let post_rows = |unposted: &mut Unposted<Vec<IterationLosses>>, done| {
        if let Some((per_iteration, seconds)) = unposted.take() {
            post(&Event::PopulationRows { rows: by_member(per_iteration, seeds.len()), done, seconds });
        }
    };
    while !population.is_done() {
        if state.is_paused() {
            post_rows(&mut unposted, population.done()); // the page shows where it stopped
        }
        state.unpaused().await;
        let started = Instant::now();
        let per_iteration = match population.run(slice as usize).read_async().await {
            Ok(rows) => rows,
            Err(e) => {
                let message = format!("the device failed while training ({})", e.cause());
                return post(&Event::Failed { message });
            }
        };
        let seconds = started.elapsed().as_secs_f64();
        slice = next_slice(slice, seconds * 1000.0, SLICE_MAX, SLICE_MS);
        unposted.add(per_iteration, seconds);
        if unposted.due() || population.is_done() {
            post_rows(&mut unposted, population.done());
        }
        yield_now().await; // lets a pause in
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
