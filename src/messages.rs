//! Text through the trained networks (spec §5): Alice encrypts packed characters with a
//! key, Bob decrypts with the key, Eve reads without it. Results stay on the device until
//! read ([`Floats::read`] natively, [`Floats::read_async`] in a browser).

use burn::prelude::*;
use burn::tensor::TensorData;

use crate::codec::{Key, Packing};
use crate::kernels::Kernels;
use crate::model::{Ciphers, Network};

/// Floats of `[blocks, bits]` still on the device.
#[must_use = "values stay on the device until read"]
pub struct Floats(Tensor<2>);

impl Floats {
    /// Reads the values back, blocking (native code).
    pub fn read(self) -> Vec<f32> {
        self.0.into_data().try_into_vec::<f32>().expect("f32 values")
    }

    /// Reads the values back without blocking (the browser's way).
    pub async fn read_async(self) -> Result<Vec<f32>, String> {
        let data = self.0.into_data_async().await.map_err(|e| e.to_string())?;
        data.try_into_vec::<f32>().map_err(|e| format!("{e:?}"))
    }
}

/// `rows` copies of the key: `[rows, bits]`.
fn keys(key: &Key, rows: usize, device: &Device) -> Tensor<2> {
    let bits = key.bits.len();
    let row = key.floats();
    Tensor::from_data(TensorData::new(row.repeat(rows), [rows, bits]), device)
}

fn blocks(values: &[f32], bits: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len() / bits, bits]), device)
}

fn run(net: &Network, input: Tensor<2>, bits: usize, device: &Device) -> Floats {
    Floats(net.forward(input, &Kernels::for_device(bits, device)))
}

/// Alice's ciphertext of message blocks (`blocks · bits` 0/1 floats, see
/// [`Packing::pack`]) under `key`.
///
/// # Panics
/// If the key or the blocks do not have the model's number of bits.
pub fn encrypt(ciphers: &Ciphers, message_blocks: &[f32], key: &Key, device: &Device) -> Floats {
    let bits = ciphers.alice.bits();
    assert!(
        key.bits.len() == bits && message_blocks.len().is_multiple_of(bits),
        "blocks and key of {bits} bits"
    );
    let (device, alice) = (device.clone().inner(), ciphers.alice.valid());
    let p = blocks(message_blocks, bits, &device);
    let k = keys(key, p.dims()[0], &device);
    run(&alice, Tensor::cat(vec![p, k], 1), bits, &device)
}

/// Bob's guess of the message blocks from a ciphertext and `key`.
pub fn decrypt(ciphers: &Ciphers, ciphertext: &[f32], key: &Key, device: &Device) -> Floats {
    let bits = ciphers.bob.bits();
    assert!(
        key.bits.len() == bits && ciphertext.len().is_multiple_of(bits),
        "ciphertext and key of {bits} bits"
    );
    let (device, bob) = (device.clone().inner(), ciphers.bob.valid());
    let c = blocks(ciphertext, bits, &device);
    let k = keys(key, c.dims()[0], &device);
    run(&bob, Tensor::cat(vec![c, k], 1), bits, &device)
}

/// Eve's guess of the message blocks from the ciphertext alone.
pub fn eavesdrop(ciphers: &Ciphers, ciphertext: &[f32], device: &Device) -> Floats {
    let bits = ciphers.eve.bits();
    assert!(ciphertext.len().is_multiple_of(bits), "ciphertext of {bits}-bit blocks");
    let (device, eve) = (device.clone().inner(), ciphers.eve.valid());
    run(&eve, blocks(ciphertext, bits, &device), bits, &device)
}

/// How many of `guess`'s characters and bits match `truth` (same length).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Agreement {
    pub chars_right: usize,
    pub chars: usize,
    pub bits_right: usize,
    pub bits: usize,
}

impl Agreement {
    /// Compares two code sequences character by character and bit by bit.
    pub fn of(truth: &[u8], guess: &[u8]) -> Self {
        let pairs = truth.iter().zip(guess);
        Self {
            chars_right: pairs.clone().filter(|(a, b)| a == b).count(),
            chars: truth.len(),
            bits_right: pairs.map(|(a, b)| 5 - (a ^ b).count_ones() as usize).sum(),
            bits: truth.len() * 5,
        }
    }
}

/// The packing for a model of `bits` bits.
pub fn packing(ciphers: &Ciphers) -> Packing {
    Packing { bits: ciphers.alice.bits() }
}
