//! CryptoNet's pad: integer weights compute XOR exactly, Bob (the same network) undoes it,
//! the exact analysis calls a full-rank key selection a perfect pad, and training against
//! the distinguishing Eve moves Bob's error down, and a pad's model file round-trips and is
//! told apart from the write-up networks' file.

use anc::nn::any_model::AnyModel;
use anc::nn::data::BitSource;
use anc::nn::model_file::{self, ModelFileError, ModelHeader};
use anc::nn::pad::analysis::Analysis;
use anc::nn::pad::file::{self as pad_file, PadHeader};
use anc::nn::pad::{PadConfig, PadNet, PadTrainer};
use anc::nn::steps::Steps;
use burn::module::Param;
use burn::prelude::*;
use burn::tensor::TensorData;

/// A hand-built 8-bit pad: c_i = m_i ⊕ k_i ⊕ k_(i+1 mod 8), weights 1 and 3 (odd: selected)
/// and a 2 (even: dropped).
fn hand_pad(device: &Device) -> PadNet {
    let n = 8;
    let mut w = vec![0f32; 2 * n * n];
    for i in 0..n {
        w[i * n + i] = 1.0; // m_i
        w[(n + i) * n + i] = 3.0; // k_i
        w[(n + (i + 1) % n) * n + i] = -1.0; // k_(i+1)
    }
    w[n + 2] = 2.0; // m_1 into c_2 with an even weight: no effect
    PadNet { weight: Param::from_tensor(Tensor::from_data(TensorData::new(w, [2 * n, n]), device)) }
}

fn values(t: Tensor<2>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

#[test]
fn integer_weights_compute_xor_and_bob_undoes_it() {
    let device = Device::flex();
    let net = hand_pad(&device);
    let batch = BitSource::new(4).batch(500, 8, &device);
    let (m, k) = (values(batch.messages.clone()), values(batch.keys.clone()));
    let c = net.forward(batch.messages.clone(), batch.keys.clone());
    for (row, got) in values(c.clone()).chunks(8).enumerate() {
        for (i, v) in got.iter().enumerate() {
            let want = (m[row * 8 + i] as u8) ^ (k[row * 8 + i] as u8) ^ (k[row * 8 + (i + 1) % 8] as u8);
            assert!((v - f32::from(want)).abs() < 1e-4, "row {row} bit {i}: {v} vs {want}");
        }
    }
    let read = values(net.forward(c, batch.keys));
    assert!(read.iter().zip(&m).all(|(r, m)| (r - m).abs() < 1e-3), "Bob reads every bit back");
    let analysis = Analysis::of(&net.integers().read().unwrap(), 100.0);
    assert_eq!(analysis.formulas[2].to_string(), "c₂ = m₂ ⊕ k₂ ⊕ k₃");
    // k_i ⊕ k_(i+1) around a circle: the XOR of all eight cancels every key bit.
    assert_eq!(analysis.key_rank, 7);
    assert!(!analysis.is_perfect_pad());
    assert_eq!(analysis.leaks.len(), 1);
    assert_eq!(analysis.leaks[0].positions, (0..8).collect::<Vec<_>>());
}

#[test]
fn rounding_keeps_integers_and_snaps_the_rest() {
    let device = Device::flex();
    let net = hand_pad(&device);
    let nudged = PadNet { weight: Param::from_tensor(net.weight.val().add_scalar(0.3)) };
    assert_eq!(nudged.rounded().integers().read().unwrap(), net.integers().read().unwrap());
}

#[test]
fn training_against_the_distinguisher_lowers_bobs_error() {
    let device = Device::flex().autodiff();
    let config = PadConfig::new().with_bits(8).with_iterations(600).with_batch_size(128).with_seed(3);
    let mut trainer = PadTrainer::new(config, &device);
    let rows = trainer.run(600).read().unwrap();
    assert_eq!(rows.len(), 600);
    assert!(trainer.is_done());
    assert!(rows.iter().all(|r| r.ab.is_finite() && r.bob.is_finite() && (0.0..=1.0).contains(&r.eve)));
    let mean = |rows: &[anc::IterationLosses]| rows.iter().map(|r| r.bob).sum::<f32>() / rows.len() as f32;
    let (first, last) = (mean(&rows[..50]), mean(&rows[550..]));
    assert!(last < first - 0.5, "Bob's bits wrong per message: {first} at first, {last} at the end");
}

#[test]
fn training_stops_at_the_first_check_that_finds_a_perfect_pad() {
    let device = Device::flex().autodiff();
    // The page's 8-bit settings (γ 14): seed 1 is a perfect pad within 3,000 iterations.
    let config =
        PadConfig::new().with_bits(8).with_iterations(3000).with_gamma(14.0).with_check_every(Some(250));
    let mut trainer = PadTrainer::new(config, &device);
    while !trainer.is_done() {
        let _ = trainer.run(100).read().unwrap();
    }
    let at = trainer.perfect_at().expect("a check found a perfect pad");
    assert!(at < 3000 && at.is_multiple_of(250), "stopped at {at}");
    assert_eq!(trainer.done(), at);
    let pad = trainer.trained().read().unwrap();
    assert!(pad.perfect && pad.bob_pct == 100.0 && pad.key_rank == 8, "{}", pad.verdict);
    // No more iterations once it stopped.
    assert!(trainer.run(10).read().unwrap().is_empty());

    // With no periodic checks, every iteration trains, and the end is checked.
    let config = PadConfig::new().with_bits(8).with_iterations(300).with_check_every(Some(0));
    let mut trainer = PadTrainer::new(config, &device);
    assert_eq!(trainer.run(1000).read().unwrap().len(), 300);
    let perfect = trainer.trained().read().unwrap().perfect;
    assert_eq!((trainer.done(), trainer.perfect_at()), (300, perfect.then_some(300)));

    // Seed 9 at the page's settings finds no pad in its first attempt, and one in its
    // second: the pad kept is the second attempt's, found at a check.
    let config = PadConfig::new()
        .with_bits(8)
        .with_iterations(3000)
        .with_gamma(14.0)
        .with_check_every(Some(250))
        .with_attempts(Some(3))
        .with_seed(9);
    let mut trainer = PadTrainer::new(config, &device);
    while !trainer.is_done() {
        let _ = trainer.run(500).read().unwrap();
    }
    let pad = trainer.trained().read().unwrap();
    assert!(pad.perfect, "{}", pad.verdict);
    assert_eq!((trainer.attempt(), pad.attempt), (1, 1));
    assert_eq!(trainer.perfect_at(), Some(3000 + pad.iterations));
    assert!(pad.iterations.is_multiple_of(250) && pad.iterations < 3000);
}

#[test]
fn an_attempt_without_a_perfect_pad_starts_again_from_fresh_weights() {
    let device = Device::flex().autodiff();
    // 40 iterations find no pad: each attempt runs out, and the next starts afresh.
    let config =
        PadConfig::new().with_bits(8).with_iterations(40).with_check_every(Some(20)).with_attempts(Some(3));
    let mut trainer = PadTrainer::new(config.clone(), &device);
    let first = trainer.net().weight.val();
    assert_eq!(trainer.total(), 120);
    let rows = trainer.run(1000).read().unwrap();
    assert_eq!((rows.len(), trainer.done(), trainer.attempt(), trainer.perfect_at()), (120, 120, 2, None));
    let pad = trainer.trained().read().unwrap();
    assert_eq!((pad.attempt, pad.iterations, pad.perfect), (2, 40, false));
    // The third attempt did not start from the first one's weights.
    let fresh = PadTrainer::new(config.clone().with_attempts(None), &device);
    assert_eq!(values(fresh.net().weight.val()), values(first));
    let mut again = PadTrainer::new(config.with_attempts(Some(2)), &device);
    let _ = again.run(40).read().unwrap();
    assert_eq!(again.attempt(), 1);
    let (now, start) = (values(again.net().weight.val()), values(fresh.net().weight.val()));
    let moved = now.iter().zip(&start).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(moved > 0.1, "a fresh start, not the first attempt's weights: {moved}");
    assert!(PadConfig::new().with_attempts(Some(0)).validate().unwrap_err().contains("attempts"));
}

#[test]
fn a_pad_config_written_before_the_checks_reads_with_the_default() {
    let written = PadConfig::new().with_check_every(Some(7)).with_attempts(Some(2));
    let mut json: serde_json::Value = serde_json::to_value(written).unwrap();
    let fields = json.as_object_mut().unwrap();
    fields.remove("check_every");
    fields.remove("attempts");
    let config: PadConfig = serde_json::from_value(json).unwrap();
    assert_eq!(config, PadConfig::new());
}

#[test]
fn a_pads_file_round_trips_and_each_loader_refuses_the_other_kind_by_name() {
    let device = Device::flex();
    let net = hand_pad(&device);
    let header = PadHeader {
        pad: PadConfig::new().with_bits(8),
        iterations_trained: 1234,
        bob_correct_pct: Some(100.0),
        attack_suite: None,
    };
    let bytes = pad_file::save(&header, &net);
    let back = pad_file::load(&bytes, &device).unwrap();
    assert_eq!(back.header, header);
    assert_eq!(back.net.integers().read().unwrap(), net.integers().read().unwrap());
    let Ok(AnyModel::Pad(any)) = AnyModel::load(&bytes, &device) else { panic!("a pad") };
    assert_eq!((any.header.pad.bits, AnyModel::Pad(any).name()), (8, "pad8".to_string()));

    // The write-up's loader names what the file holds, and the pad's names the preset.
    let err = model_file::load(&bytes, &device).unwrap_err();
    assert!(matches!(err, ModelFileError::WrongPreset { .. }), "{err}");
    assert!(err.to_string().contains("pad"), "{err}");
    let config = anc::Preset::Poc8.config();
    let networks = config.cipher.init(1, &device);
    let written = model_file::save(&ModelHeader::trained(config, None), &networks);
    let err = pad_file::load(&written, &device).unwrap_err();
    assert!(err.to_string().contains("poc8"), "{err}");
    assert!(matches!(AnyModel::load(&written, &device), Ok(AnyModel::Networks(_))));

    // A header with impossible values is refused, not trusted.
    let mut bad = header.clone();
    bad.pad.bits = 1;
    let err = pad_file::load(&pad_file::save(&bad, &net), &device).unwrap_err();
    assert!(err.to_string().contains("bits = 1"), "{err}");
}

#[test]
fn a_pads_key_used_twice_cancels_and_one_message_reads_the_other() {
    use anc::app::key_reuse::key_reuse;
    use anc::nn::pad::FrozenPad;
    let device = Device::flex();
    let pad = FrozenPad::new(&hand_pad(&device));
    let key = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0];
    let reuse = key_reuse(&pad, "meet me at noon", "attack at dawn!", &key, &device).unwrap().read().unwrap();
    assert_eq!(reuse.key_cancels, 1.0, "an XOR pad: the key cancels in every bit");
    assert_eq!(reuse.read, "attack at dawn!", "the second message, read with the first alone");
    assert_eq!(reuse.first_ciphertexts.0.len(), 8);
    assert_ne!(reuse.first_ciphertexts.0, reuse.first_ciphertexts.1);
    // A cipher where the key does not simply cancel gives no clean reading: the copy of
    // the key itself (c = k) makes both ciphertexts equal, and the XOR says nothing.
    struct KeyOnly;
    impl anc::nn::attack::Encrypt for KeyOnly {
        fn bits(&self) -> usize {
            8
        }
        fn encrypt(&self, batch: &anc::nn::data::MessageBatch) -> Tensor<2> {
            batch.keys.clone()
        }
    }
    let reuse =
        key_reuse(&KeyOnly, "meet me at noon", "attack at dawn!", &key, &device).unwrap().read().unwrap();
    assert!(reuse.key_cancels < 0.9, "{}", reuse.key_cancels);
    assert_eq!(reuse.read, "meet me at noon", "only the first message comes back");
    assert!(key_reuse(&pad, "", "x", &key, &device).is_err(), "an empty message is refused");
}
