//! Model buffers: round trips, and clear errors (never panics) on bad bytes.

use anc::nn::kernels::Kernels;
use anc::nn::model_file::{self, ModelFileError, ModelHeader};
use anc::{Preset, TrainingConfig};
use burn::prelude::*;
use burn::tensor::TensorData;
use proptest::prelude::*;

fn header(config: TrainingConfig) -> ModelHeader {
    ModelHeader {
        config,
        iterations_trained: 7,
        bob_correct_pct: Some(91.5),
        fresh_eve_bit_errors: Some(3.25),
        audit_steps: Some(5000),
        fresh_eve_bit_error_rates: None,
        attack_suite: None,
    }
}

fn sample_model() -> (ModelHeader, Vec<u8>, anc::Networks) {
    let h = header(Preset::Poc8.config().with_seed(4));
    let ciphers = h.config.cipher.init(4, &Device::flex());
    let bytes = model_file::save(&h, &ciphers);
    (h, bytes, ciphers)
}

fn outputs(ciphers: &anc::Networks) -> Vec<f32> {
    let device = Device::flex();
    let x: Vec<f32> = (0..5 * 16).map(|i| (i % 3) as f32 * 0.5).collect();
    let x = Tensor::<2>::from_data(TensorData::new(x, [5, 16]), &device);
    let k = Kernels::for_device(8, &device);
    let mut out = ciphers.alice.forward(x.clone(), &k).into_data().try_into_vec::<f32>().unwrap();
    out.extend(ciphers.bob.forward(x.clone(), &k).into_data().try_into_vec::<f32>().unwrap());
    out.extend(ciphers.eve.forward(x.narrow(1, 0, 8), &k).into_data().try_into_vec::<f32>().unwrap());
    out
}

#[test]
fn a_model_round_trips_exactly() {
    let (h, bytes, ciphers) = sample_model();
    let loaded = model_file::load(&bytes, &Device::flex()).unwrap();
    assert_eq!(loaded.header, h);
    assert_eq!(outputs(&loaded.ciphers), outputs(&ciphers));
}

#[test]
fn bad_buffers_get_clear_errors() {
    let (_, bytes, _) = sample_model();
    let device = Device::flex();
    assert_eq!(model_file::load(b"", &device).unwrap_err(), ModelFileError::NotAModel);
    assert_eq!(model_file::load(b"PK\x03\x04 a zip file", &device).unwrap_err(), ModelFileError::NotAModel);
    for cut in [9, 14, 20, bytes.len() / 2, bytes.len() - 1] {
        let err = model_file::load(&bytes[..cut], &device).unwrap_err();
        assert!(matches!(err, ModelFileError::Truncated(_)), "cut at {cut}: {err}");
    }
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    assert_eq!(model_file::load(&flipped, &device).unwrap_err(), ModelFileError::Corrupt);
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(model_file::load(&longer, &device).unwrap_err(), ModelFileError::Corrupt);
    let mut version = bytes.clone();
    version[8] = 9;
    assert_eq!(model_file::load(&version, &device).unwrap_err(), ModelFileError::UnsupportedVersion(9));
}

#[test]
fn weights_that_do_not_fit_the_header_are_refused() {
    // A seed16 header over poc8 weights: a valid file whose tensors have the wrong shapes.
    let poc = Preset::Poc8.config();
    let ciphers = poc.cipher.init(1, &Device::flex());
    let bytes = model_file::save(&header(Preset::Seed16.config()), &ciphers);
    let err = model_file::load(&bytes, &Device::flex()).unwrap_err();
    assert!(matches!(err, ModelFileError::BadWeights(_)), "{err}");
    // A header holding an impossible config.
    let mut bad = header(poc.clone());
    bad.config.batch_size = 0;
    let err = model_file::load(&model_file::save(&bad, &ciphers), &Device::flex()).unwrap_err();
    assert!(matches!(&err, ModelFileError::BadHeader(m) if m.contains("batch_size")), "{err}");
}

#[test]
fn the_json_export_names_every_tensor_with_its_shape() {
    let (h, _, ciphers) = sample_model();
    let export = model_file::export_weights(&h, &ciphers);
    assert_eq!(export.format, "anc-weights/1");
    // Alice, Bob: 1 dense + head + 4 convs = 6 layers; Eve 7; two tensors each.
    assert_eq!(export.tensors.len(), 2 * (6 + 6 + 7));
    let find = |name: &str| export.tensors.iter().find(|t| t.name == name).unwrap();
    assert_eq!(find("alice.dense.0.weight").shape, vec![16, 16]);
    assert_eq!(find("eve.dense.0.weight").shape, vec![8, 16]);
    assert_eq!(find("bob.conv1.weight").shape, vec![2, 1, 4]);
    assert_eq!(find("bob.head.weight").shape, vec![8, 8]);
    for t in &export.tensors {
        assert_eq!(t.values.len(), t.shape.iter().product::<usize>(), "{}", t.name);
    }
    let conv2 = ciphers.alice.conv2.weight.val().into_data().try_into_vec::<f32>().unwrap();
    assert_eq!(find("alice.conv2.weight").values, conv2);
    let json = serde_json::to_string(&export).unwrap();
    let back: anc::nn::model_file::WeightsExport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, export);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random bytes, and real files with random damage, give an error, never a panic.
    #[test]
    fn loading_never_panics(noise in proptest::collection::vec(any::<u8>(), 0..512), at in 0usize..4096, byte in any::<u8>()) {
        let device = Device::flex();
        prop_assert!(model_file::load(&noise, &device).is_err());
        let mut with_magic = b"ANCMODEL\x01\x00\x00\x00".to_vec();
        with_magic.extend(&noise);
        prop_assert!(model_file::load(&with_magic, &device).is_err());
        let (_, mut bytes, _) = sample_model();
        let i = at % bytes.len();
        if bytes[i] != byte {
            bytes[i] = byte;
            prop_assert!(model_file::load(&bytes, &device).is_err());
        }
    }
}

/// `bytes` (a saved model) with its JSON header passed through `edit`, lengths and checksum
/// written anew: a file as an older build might have written it.
fn with_header(bytes: &[u8], edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let json_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[16..16 + json_len]).unwrap();
    edit(&mut header);
    let json = serde_json::to_vec(&header).unwrap();
    let mut out = bytes[..12].to_vec();
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&bytes[16 + json_len..bytes.len() - 4]);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

#[test]
fn retired_settings_in_a_header_are_ignored_or_refused_by_name() {
    let (h, bytes, ciphers) = sample_model();
    let device = Device::flex();
    // Settings that shaped only the training: read and ignored.
    let older = with_header(&bytes, |header| {
        for field in model_file::RETIRED_SETTINGS {
            header["config"][field] = serde_json::json!(2);
        }
        header["config"]["cipher"]["channels"] = serde_json::json!(2);
    });
    let loaded = model_file::load(&older, &device).unwrap();
    assert_eq!(loaded.header, h);
    assert_eq!(outputs(&loaded.ciphers), outputs(&ciphers));
    // Settings that changed the networks' shape: refused, naming the setting.
    let wide = with_header(&bytes, |header| header["config"]["cipher"]["channels"] = serde_json::json!(4));
    let err = model_file::load(&wide, &device).unwrap_err();
    assert!(matches!(&err, ModelFileError::BadHeader(m) if m.contains("`channels`")), "{err}");
    let angle =
        with_header(&bytes, |header| header["config"]["cipher"]["ciphertext"] = serde_json::json!("cos"));
    let err = model_file::load(&angle, &device).unwrap_err();
    assert!(matches!(&err, ModelFileError::BadHeader(m) if m.contains("cos")), "{err}");
}
