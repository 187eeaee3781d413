//! Text through the trained networks (spec §5): Alice encrypts packed characters with a
//! key, Bob decrypts with the key, Eve reads without it. Results stay on the device until
//! read (see [`Pending`]).

use burn::prelude::*;

use crate::nn::any_model::AnyCipher;
use crate::nn::data::MessageBatch;
use crate::nn::inference::Runner;
use crate::nn::pending::Pending;
use crate::text::codec::{Packing, char_of};
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

    /// Percent of the characters right.
    pub fn chars_pct(&self) -> f64 {
        100.0 * self.chars_right as f64 / self.chars.max(1) as f64
    }

    /// Percent of the bits right.
    pub fn bits_pct(&self) -> f64 {
        100.0 * self.bits_right as f64 / self.bits.max(1) as f64
    }
}

/// A reading of a text (Bob's, Eve's): each character, marked right or wrong against the
/// codes that were sent where they are known here (all marked right where not), and how
/// far it agrees with them.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkedReading {
    pub chars: Vec<(char, bool)>,
    pub agreement: Option<Agreement>,
}

impl MarkedReading {
    /// `codes` marked against `sent` (ignored unless it is as long).
    pub fn of(codes: &[u8], sent: Option<&[u8]>) -> Self {
        let truth = sent.filter(|s| s.len() == codes.len());
        let chars = codes
            .iter()
            .enumerate()
            .map(|(i, &code)| (char_of(code), truth.is_none_or(|t| t[i] == code)))
            .collect();
        Self { chars, agreement: truth.map(|t| Agreement::of(t, codes)) }
    }
}

/// The packing of text for `cipher`'s blocks.
pub fn packing(cipher: &AnyCipher) -> Packing {
    Packing { bits: cipher.bits() }
}
