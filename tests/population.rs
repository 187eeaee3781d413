//! A population (K ciphers in stacked tensors) trains each member as a single run of its
//! seed would, refuses what it does not train, and gives its members back intact.

use anc::nn::model::Network;
use anc::nn::population::{Population, PopulationError};
use anc::nn::steps::Steps;
use anc::{Networks, Preset, Trainer, TrainingConfig};
use burn::prelude::*;

fn device() -> Device {
    Device::flex().autodiff()
}

fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

/// Every weight and bias of a network, in a fixed order.
fn weights(net: &Network) -> Vec<f32> {
    let mut all = Vec::new();
    for layer in &net.dense {
        all.extend(floats(layer.weight.val()));
        all.extend(floats(layer.bias.as_ref().unwrap().val()));
    }
    for conv in [&net.conv1, &net.conv2, &net.conv3, &net.conv4] {
        all.extend(floats(conv.weight.val()));
        all.extend(floats(conv.bias.as_ref().unwrap().val()));
    }
    all
}

fn all_weights(c: &Networks) -> Vec<f32> {
    [&c.alice, &c.bob, &c.eve].into_iter().flat_map(weights).collect()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// A short run with every schedule option a population trains.
fn short(preset: Preset) -> TrainingConfig {
    preset
        .config()
        .with_batch_size(32)
        .with_epochs(1)
        .with_iterations_per_epoch(6)
        .with_bob_only_iterations(Some(2))
}

#[test]
fn each_member_trains_as_a_single_run_of_its_seed() {
    let device = device();
    for (config, tolerance) in [(short(Preset::OwnEve16), 2e-4), (short(Preset::Seed16), 2e-4)] {
        let seeds = [1, 7, 42];
        let mut population = Population::new(&config, &seeds, &device).unwrap();
        // The members come out of the stack as they went in.
        for (k, &seed) in seeds.iter().enumerate() {
            assert_eq!(all_weights(&population.member(k)), all_weights(&config.cipher.init(seed, &device)));
        }
        let rows = population.run(6).read().unwrap();
        assert_eq!((rows.len(), rows[0].len(), population.done()), (6, 3, 6));
        assert!(population.is_done() && population.run(1).read().unwrap().is_empty());
        for (k, &seed) in seeds.iter().enumerate() {
            let single = config.clone().with_seed(seed);
            let mut trainer =
                Trainer::with_replicas(single.clone(), single.cipher.init(seed, &device), &device, 1);
            let alone = trainer.run(6).read().unwrap();
            for (row, own) in rows.iter().map(|r| r[k]).zip(&alone) {
                assert_eq!(row.iteration, own.iteration);
                for (x, y) in [(row.ab, own.ab), (row.bob, own.bob), (row.eve, own.eve)] {
                    assert!((x - y).abs() <= tolerance * y.abs().max(1.0), "member {k}: {row:?} vs {own:?}");
                }
            }
            let drift = max_diff(&all_weights(&population.member(k)), &all_weights(trainer.networks()));
            assert!(drift < tolerance, "member {k} (seed {seed}) drifted from its single run by {drift}");
            assert_eq!(population.member_config(k), single);
        }
        // Split over two threads (two groups), every member trains the same.
        let mut split = Population::with_threads(&config, &seeds, &device, 2).unwrap();
        assert_eq!(split.threads(), 2);
        let split_rows = split.run(6).read().unwrap();
        for k in 0..seeds.len() {
            let drift = max_diff(&all_weights(&split.member(k)), &all_weights(&population.member(k)));
            assert!(drift < 1e-6, "member {k} on two threads drifted by {drift}");
            for (a, b) in split_rows.iter().zip(&rows) {
                assert!((a[k].bob - b[k].bob).abs() < 1e-6 && (a[k].eve - b[k].eve).abs() < 1e-6);
            }
        }
        // Members differ: each has its own seed and data.
        assert!(max_diff(&all_weights(&population.member(0)), &all_weights(&population.member(1))) > 0.01);
    }
}

#[test]
fn what_a_population_does_not_train_is_refused_by_name() {
    let device = device();
    let base = short(Preset::Seed16);
    for (config, name) in [
        (Preset::Poc8.config(), "extra_dense"),
        (
            TrainingConfig { cipher: base.cipher.clone().with_extra_dense(true), ..base.clone() },
            "extra_dense",
        ),
        (base.clone().with_distinguisher(Some(anc::nn::config::DistinguisherConfig::new())), "distinguisher"),
    ] {
        let error = Population::new(&config, &[1, 2], &device).err().expect("refused");
        assert_eq!(error, PopulationError::Unsupported(name));
        assert!(error.to_string().contains(name));
    }
    assert_eq!(Population::new(&base, &[], &device).err(), Some(PopulationError::Empty));
    assert!(matches!(
        Population::new(&base.with_batch_size(0), &[1], &device).err(),
        Some(PopulationError::Config(_))
    ));
}
