//! The "inside the cipher" figures: key avalanche, ciphertext values and the one-value leak.

use anc::app::cipher_views::{
    AVALANCHE_SAMPLES, VALUE_BINS, VALUE_SAMPLES, ciphertext_values, key_avalanche, measure_for_views,
};
use anc::app::engine_protocol::Event;
use anc::nn::evaluation::{EVALUATION_SAMPLES, evaluate};
use anc::nn::inference::Cipher;
use anc::nn::model::{Network, Networks};
use anc::nn::model_file;
use anc::nn::seeds;
use burn::prelude::*;

fn shipped(preset: &str) -> Networks {
    let bytes = std::fs::read(format!("{}/public/models/{preset}.bin", env!("CARGO_MANIFEST_DIR"))).unwrap();
    model_file::load(&bytes, &Device::flex()).unwrap().ciphers
}

/// Alice with every weight zeroed: her output no longer depends on the message or key.
fn mute(net: &Network) -> Network {
    struct Zero;
    impl burn::module::ModuleMapper for Zero {
        fn map_float<const D: usize>(
            &mut self,
            param: burn::module::Param<Tensor<D>>,
        ) -> burn::module::Param<Tensor<D>> {
            param.map(|t| t.zeros_like())
        }
    }
    net.clone().map(&mut Zero)
}

#[test]
fn a_trained_cipher_reacts_to_its_key_and_a_constant_one_does_not() {
    let ciphers = shipped("poc8");
    let a = key_avalanche(&Cipher::new(&ciphers, &Device::flex()), 300, 4);
    assert_eq!((a.bits, a.samples, a.ciphertext.len(), a.decrypted.len()), (8, 300, 64, 64));
    assert!(a.ciphertext.iter().chain(&a.decrypted).all(|s| (0.0..=1.0).contains(s)));
    // Alice mixes the key in: flipping one key bit flips some ciphertext bits (about a fifth
    // for the shipped poc8; an ideal cipher would flip half), and Bob, reading the true
    // ciphertext with the key one bit off, gets a good part of the message wrong.
    assert!(a.mean_ciphertext() > 0.05, "ciphertext flips: {}", a.mean_ciphertext());
    assert!(a.mean_decrypted() > 0.1, "decrypted flips: {}", a.mean_decrypted());

    let muted = Networks { alice: mute(&ciphers.alice), ..ciphers };
    let a = key_avalanche(&Cipher::new(&muted, &Device::flex()), 100, 4);
    assert_eq!(a.mean_ciphertext(), 0.0, "a constant Alice ignores her key");
}

#[test]
fn value_histogram_counts_every_value_and_the_leak_is_measured_on_held_out_pairs() {
    let ciphers = shipped("seed16");
    let v = ciphertext_values(&Cipher::new(&ciphers, &Device::flex()), 2000, 20, 5);
    assert_eq!(v.histogram.iter().sum::<usize>(), 2000 * 16);
    assert_eq!((v.range, v.leak.len(), v.leak_position.len()), ((0.0, 1.0), 16, 16));
    assert!(v.leak.iter().all(|l| (0.3..=1.0).contains(l)), "{:?}", v.leak);
    // The shipped seed16 cipher leaks: some message bit is read from one value well above chance.
    assert!(v.leak.iter().any(|&l| l > 0.58), "{:?}", v.leak);
    // A muted Alice outputs 0.5 everywhere: nothing to read, so every bit is a coin flip.
    let muted = Networks { alice: mute(&ciphers.alice), ..ciphers };
    let v = ciphertext_values(&Cipher::new(&muted, &Device::flex()), 2000, 20, 5);
    assert!(v.leak.iter().all(|l| (l - 0.5).abs() < 0.05), "{:?}", v.leak);
    assert_eq!(v.histogram[10], 2000 * 16, "every value in the middle bin");
}

/// The page's views are measured in an engine worker: the figures are the three views'
/// own at the views' seed, and they reach the page unchanged.
#[test]
fn the_views_measures_are_the_views_figures_and_survive_the_trip_to_the_page() {
    let cipher = Cipher::new(&shipped("seed16"), &Device::flex());
    let measured = measure_for_views(&cipher).unwrap();
    let seed = seeds::CIPHER_VIEWS;
    assert_eq!(measured.avalanche, key_avalanche(&cipher, AVALANCHE_SAMPLES, seed));
    assert_eq!(measured.values, ciphertext_values(&cipher, VALUE_SAMPLES, VALUE_BINS, seed));
    let bob = evaluate(&cipher, EVALUATION_SAMPLES, seed).read().unwrap().bob.bit_error_rates;
    assert_eq!(measured.bob_rates, bob);
    assert_eq!(measured.bob_rates.len(), 16);
    let event = Event::Measures { measures: measured };
    assert_eq!(Event::from_json(&event.to_json()), Ok(event));
}
