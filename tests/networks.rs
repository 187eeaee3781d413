//! The networks of spec §1: shapes, output ranges, initialisation, and the padded
//! convolution checked against one computed by hand.

use anc::Preset;
use anc::nn::kernels::{Implementation, Kernels};
use anc::nn::model::{CipherConfig, OutputActivation, Role};
use burn::module::Param;
use burn::nn::PaddingConfig1d;
use burn::nn::conv::Conv1dConfig;
use burn::prelude::*;
use burn::tensor::TensorData;

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

fn big_input(rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    // Large, varied values, to push the output activations toward their limits.
    let v: Vec<f32> = (0..rows * cols).map(|i| ((i * 37 % 101) as f32 - 50.0) / 5.0).collect();
    Tensor::from_data(TensorData::new(v, [rows, cols]), device)
}

#[test]
fn every_network_has_the_spec_shape_and_range() {
    let device = Device::flex();
    for preset in Preset::ALL {
        let cipher = preset.config().cipher;
        let n = cipher.bits;
        let ciphers = cipher.init(1, &device);
        let kernels = Kernels::for_device(n, &device);
        for (role, net, inputs) in [
            (Role::Alice, &ciphers.alice, 2 * n),
            (Role::Bob, &ciphers.bob, 2 * n),
            (Role::Eve, &ciphers.eve, n),
        ] {
            assert_eq!(net.dense.len(), if role == Role::Eve { 2 } else { 1 });
            assert_eq!(net.dense[0].weight.val().dims(), [inputs, 2 * n]);
            assert_eq!(net.conv1.weight.val().dims(), [2, 1, 4]);
            assert_eq!(net.conv2.weight.val().dims(), [4, 2, 2]);
            assert_eq!(net.conv3.weight.val().dims(), [4, 4, 1]);
            assert_eq!(net.conv4.weight.val().dims(), [1, 4, 1]);
            assert_eq!(net.head.is_some(), cipher.extra_dense);
            let out = net.forward(big_input(7, inputs, &device), &kernels);
            assert_eq!(out.dims(), [7, n]);
            let tanh_out = role == Role::Alice && cipher.ciphertext == OutputActivation::Tanh;
            let (low, high) = if tanh_out { (-1.0, 1.0) } else { (0.0, 1.0) };
            let out = values(out);
            assert!(out.iter().all(|v| (low..=high).contains(v)), "{preset:?} {role:?}: {out:?}");
            if tanh_out {
                assert!(out.iter().any(|v| *v < 0.0), "a tanh ciphertext takes negative values");
            }
        }
    }
}

#[test]
fn weights_are_glorot_uniform_and_biases_zero() {
    let device = Device::flex();
    let net = CipherConfig::new().init(5, &device).eve;
    let check = |w: Vec<f32>, fan_in: usize, fan_out: usize| {
        let limit = (6.0 / (fan_in + fan_out) as f32).sqrt();
        assert!(w.iter().all(|v| v.abs() <= limit));
        let spread = w.iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(spread > 0.5 * limit, "weights fill their range");
    };
    check(values(net.dense[0].weight.val()), 16, 32);
    check(values(net.dense[1].weight.val()), 32, 32);
    check(values(net.conv1.weight.val()), 4, 8);
    check(values(net.conv2.weight.val()), 4, 8);
    for layer in &net.dense {
        assert!(values(layer.bias.as_ref().unwrap().val()).iter().all(|b| *b == 0.0));
    }
    for conv in [&net.conv1, &net.conv2, &net.conv3, &net.conv4] {
        assert!(values(conv.bias.as_ref().unwrap().val()).iter().all(|b| *b == 0.0));
    }
    // Same seed, same weights; another seed, other weights.
    let again = CipherConfig::new().init(5, &device).eve;
    assert_eq!(values(again.dense[0].weight.val()), values(net.dense[0].weight.val()));
    let other = CipherConfig::new().init(6, &device).eve;
    assert_ne!(values(other.dense[0].weight.val()), values(net.dense[0].weight.val()));
}

/// Keras "same", kernel 4, stride 1: out[c][t] = b[c] + Σ_j w[c][0][j] · x[t + j − 1],
/// with x = 0 outside [0, L): one zero on the left, two on the right.
fn conv_by_hand(x: &[f32], w: &[f32], b: &[f32]) -> Vec<f32> {
    let len = x.len();
    let mut out = vec![0.0; 2 * len];
    for c in 0..2 {
        for t in 0..len {
            let mut acc = b[c];
            for j in 0..4 {
                let pos = t as isize + j as isize - 1;
                if (0..len as isize).contains(&pos) {
                    acc += w[c * 4 + j] * x[pos as usize];
                }
            }
            out[c * len + t] = acc;
        }
    }
    out
}

#[test]
fn padded_convolution_matches_one_computed_by_hand() {
    let device = Device::flex();
    let x = vec![1.0, -2.0, 3.0, 0.5, -1.5, 2.5];
    let w = vec![0.1, 0.2, -0.3, 0.4, -0.5, 0.6, 0.7, -0.8];
    let b = vec![0.05, -0.25];
    let expected = conv_by_hand(&x, &w, &b);

    let mut conv = Conv1dConfig::new(1, 2, 4).with_padding(PaddingConfig1d::Explicit(1, 2)).init(&device);
    conv.weight = Param::from_tensor(Tensor::from_data(TensorData::new(w.clone(), [2, 1, 4]), &device));
    conv.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(b.clone(), [2]), &device)));
    let input = Tensor::<3>::from_data(TensorData::new(x.clone(), [1, 1, 6]), &device);
    let burn_out = values(conv.forward(input));
    assert_eq!(burn_out.len(), 12, "'same' keeps the length");
    for (got, want) in burn_out.iter().zip(&expected) {
        assert!((got - want).abs() < 1e-6, "{burn_out:?} vs {expected:?}");
    }

    // The banded matrix of the fast path gives the same numbers (columns: position s,
    // tap k, channel c for output position t = 2s + k).
    let kernels = Kernels::for_device(3, &device);
    let matrix = kernels.conv1_matrix(&Tensor::from_data(TensorData::new(w.clone(), [2, 1, 4]), &device));
    let fast = values(Tensor::<2>::from_data(TensorData::new(x, [1, 6]), &device).matmul(matrix));
    for (col, got) in fast.iter().enumerate() {
        let (t, c) = (2 * (col / 4) + (col / 2) % 2, col % 2);
        let want = expected[c * 6 + t] - b[c];
        assert!((got - want).abs() < 1e-6, "column {col}: {got} vs {want}");
    }

    // The whole layer, tanh included, in that column order: the matrix path and the CPU's
    // direct stencil, on rows of 6 (not a multiple of the stencil's four lanes) and 8.
    for len in [6, 8] {
        let x: Vec<f32> = (0..len).map(|i| ((i * 7 % 5) as f32 - 2.0) * 0.6).collect();
        let expected = conv_by_hand(&x, &w, &b);
        for implementation in [Implementation::Burn, Implementation::Host] {
            let kernels = Kernels::with_implementation(len / 2, &device, implementation);
            let out = kernels.conv1(
                Tensor::from_data(TensorData::new(x.clone(), [1, len]), &device),
                Tensor::from_data(TensorData::new(w.clone(), [2, 1, 4]), &device),
                Tensor::from_data(TensorData::new(b.clone(), [2]), &device),
            );
            assert_eq!(out.dims(), [len / 2, 4]);
            for (col, got) in values(out).iter().enumerate() {
                let (t, c) = (2 * (col / 4) + (col / 2) % 2, col % 2);
                let want = expected[c * len + t].tanh();
                assert!((got - want).abs() < 1e-6, "{implementation:?} column {col}: {got} vs {want}");
            }
        }
    }
}

#[test]
fn one_message_reads_as_a_batch_of_one_and_counts_right_bits() {
    use anc::nn::inference::Cipher;
    let device = burn::prelude::Device::flex();
    let saved =
        anc::nn::model_file::load(&std::fs::read("public/models/poc8.bin").unwrap(), &device).unwrap();
    let cipher = Cipher::new(&saved.ciphers, &device);
    let message = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0];
    let key = [0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0];
    let one = cipher.read_one(&message, &key).read().unwrap();
    assert_eq!((one.ciphertext.len(), one.bob.len(), one.eve.len()), (8, 8, 8));
    assert!(one.ciphertext.iter().all(|c| (-1.0..=1.0).contains(c)));
    // The shipped poc8 Bob reads 98 % of messages whole: this one too.
    let (bob, eve) = one.right(&message);
    assert_eq!(bob, 8, "{one:?}");
    assert!(eve <= 8);
    // The same as the batch path, row for row.
    let batch = anc::nn::data::MessageBatch {
        messages: cipher.runner().rows(message.to_vec(), 8),
        keys: cipher.runner().rows(key.to_vec(), 8),
    };
    let c = cipher.encrypt(&batch).into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(c, one.ciphertext);
}
