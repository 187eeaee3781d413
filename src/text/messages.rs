//! Text through the trained networks (spec §5): Alice encrypts packed characters with a
//! key, Bob decrypts with the key, Eve reads without it. Results stay on the device until
//! read (see [`Pending`]).

use burn::prelude::*;

use crate::nn::any_model::AnyCipher;
use crate::nn::data::MessageBatch;
use crate::nn::inference::Runner;
use crate::nn::pending::Pending;
use crate::text::codec::Packing;
use crate::text::key::Key;

/// `rows` copies of the key: `[rows, bits]`.
fn keys(runner: &Runner, key: &Key, rows: usize) -> Tensor<2> {
    runner.rows(key.floats().repeat(rows), key.bits.len())
}

/// Alice's ciphertext of message blocks (`blocks · bits` 0/1 floats, see
/// [`Packing::pack`]) under `key`.
///
/// # Panics
/// If the key or the blocks do not have the model's number of bits.
pub fn encrypt(cipher: &AnyCipher, message_blocks: &[f32], key: &Key) -> Pending<Vec<f32>> {
    let bits = cipher.bits();
    assert!(
        key.bits.len() == bits && message_blocks.len().is_multiple_of(bits),
        "blocks and key of {bits} bits"
    );
    let runner = cipher.runner();
    let messages = runner.rows(message_blocks.to_vec(), bits);
    let keys = keys(runner, key, messages.dims()[0]);
    Pending::floats(cipher.encrypt(&MessageBatch { messages, keys }))
}

/// Bob's guess of the message blocks from a ciphertext and `key`.
pub fn decrypt(cipher: &AnyCipher, ciphertext: &[f32], key: &Key) -> Pending<Vec<f32>> {
    let bits = cipher.bits();
    assert!(
        key.bits.len() == bits && ciphertext.len().is_multiple_of(bits),
        "ciphertext and key of {bits} bits"
    );
    let c = cipher.runner().rows(ciphertext.to_vec(), bits);
    let k = keys(cipher.runner(), key, c.dims()[0]);
    Pending::floats(cipher.decrypt(c, k))
}

/// Eve's guess of the message blocks from the ciphertext alone: none for a model without
/// an Eve (a pad).
pub fn eavesdrop(cipher: &AnyCipher, ciphertext: &[f32]) -> Option<Pending<Vec<f32>>> {
    let bits = cipher.bits();
    assert!(ciphertext.len().is_multiple_of(bits), "ciphertext of {bits}-bit blocks");
    cipher.eavesdrop(cipher.runner().rows(ciphertext.to_vec(), bits)).map(Pending::floats)
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

/// The packing of text for `cipher`'s blocks.
pub fn packing(cipher: &AnyCipher) -> Packing {
    Packing { bits: cipher.bits() }
}
