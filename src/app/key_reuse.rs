//! Why a one-time pad is one-time: two messages encrypted under the same key, the two
//! ciphertexts XORed — the key cancels and the XOR of the two messages is left — and,
//! knowing one message, the other read off. The page shows it with the pad trained there;
//! the message form encrypts every block of a text under one key in the same way, so the
//! same XOR reads a whole text off its own ciphertext and a guess of its first characters.

use burn::prelude::*;

use crate::nn::attack::Encrypt;
use crate::nn::data::MessageBatch;
use crate::nn::pending::Pending;
use crate::text::codec::{CODE_BITS, Ciphertext, CodecError, Packing, char_of, encode_text};
use crate::text::english;

/// Two messages under one key, and what their ciphertexts give away.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyReuse {
    /// Bits of both ciphertexts' first block, as 0/1.
    pub first_ciphertexts: (Vec<f32>, Vec<f32>),
    /// Share of the bits (over the blocks both texts fill) where `c_A ⊕ c_B` equals
    /// `m_A ⊕ m_B`: 1 when the key cancels entirely.
    pub key_cancels: f64,
    /// The second message as read from both ciphertexts and the first message alone.
    pub read: String,
}

/// `value` as a bit.
fn bit(value: f32) -> bool {
    value >= 0.5
}

/// Encrypts `first` and `second` with `cipher` under the one `key` (`[N]` 0/1), on
/// `device`, then XORs the ciphertexts and reads the second message off them with the
/// first. Each block is packed without random filler bits, so both texts fill the same
/// positions.
pub fn key_reuse(
    cipher: &dyn Encrypt,
    first: &str,
    second: &str,
    key: &[f32],
    device: &Device,
) -> Result<Pending<KeyReuse>, CodecError> {
    let bits = cipher.bits();
    let packing = Packing { bits };
    let (a, b) = (encode_text(first)?, encode_text(second)?);
    let chars = a.len().min(b.len());
    let (a, b) = (packing.pack(&a[..chars], || false), packing.pack(&b[..chars], || false));
    let blocks = packing.blocks(chars);
    let rows = |values: Vec<f32>| Tensor::<2>::from_data(TensorData::new(values, [blocks, bits]), device);
    let keys = rows(key.iter().copied().cycle().take(blocks * bits).collect());
    let encrypt =
        |m: &[f32]| cipher.encrypt(&MessageBatch { messages: rows(m.to_vec()), keys: keys.clone() });
    let ciphertexts = vec![encrypt(&a), encrypt(&b)];
    Ok(Pending::new(ciphertexts, move |c| {
        let (ca, cb) = (&c[0], &c[1]);
        let c_xor: Vec<bool> = ca.iter().zip(cb).map(|(&x, &y)| bit(x) ^ bit(y)).collect();
        let m_xor: Vec<bool> = a.iter().zip(&b).map(|(&x, &y)| bit(x) ^ bit(y)).collect();
        let same = c_xor.iter().zip(&m_xor).filter(|(x, y)| x == y).count();
        // m_B = c_A ⊕ c_B ⊕ m_A wherever the key cancelled.
        let read: Vec<f32> = c_xor.iter().zip(&a).map(|(&x, &m)| f32::from(u8::from(x ^ bit(m)))).collect();
        let as_bits = |c: &[f32]| c[..bits].iter().map(|&v| f32::from(u8::from(bit(v)))).collect();
        KeyReuse {
            first_ciphertexts: (as_bits(ca), as_bits(cb)),
            key_cancels: same as f64 / c_xor.len().max(1) as f64,
            read: packing.unpack(&read, chars).into_iter().map(char_of).collect(),
        }
    }))
}

/// Each character of a text XORed with the character in the same slot of the first block,
/// read off a ciphertext whose blocks were all encrypted under one key: `c_j ⊕ c_1`, which
/// is `m_j ⊕ m_1` wherever the cipher is a position-keeping XOR pad, since the key cancels.
fn xor_with_first(ciphertext: &Ciphertext, packing: Packing) -> Vec<u8> {
    let blocks: Vec<&[f32]> = ciphertext.values.chunks(packing.bits).collect();
    let xored: Vec<f32> = blocks
        .iter()
        .flat_map(|block| block.iter().zip(blocks[0]).map(|(&c, &c1)| f32::from(u8::from(bit(c) ^ bit(c1)))))
        .collect();
    packing.unpack(&xored, ciphertext.chars)
}

/// Characters a guess of the first block holds: a block's worth, or the whole text if shorter.
pub fn first_block_chars(ciphertext: &Ciphertext, packing: Packing) -> usize {
    packing.chars_per_block().min(ciphertext.chars)
}

/// What an eavesdropper reads of a text from its ciphertext alone and a guess of the first
/// block's characters (`first`, codes, [`first_block_chars`] of them), where every block was
/// encrypted under one key: each character is [`xor_with_first`]'s, XORed with the guess
/// in its slot. Returns the text's codes (the first block is the guess itself).
///
/// # Panics
/// If `first` does not hold [`first_block_chars`] codes.
pub fn read_reused_key(ciphertext: &Ciphertext, packing: Packing, first: &[u8]) -> Vec<u8> {
    let per = first_block_chars(ciphertext, packing);
    assert_eq!(first.len(), per, "a guess of the first block's {per} characters");
    xor_with_first(ciphertext, packing).iter().enumerate().map(|(i, x)| x ^ first[i % per]).collect()
}

/// The most characters a block may hold for [`guess_reused_key`] to try every first block
/// (32³ = 32,768 guesses, a 16-bit block).
pub const MAX_GUESSED_CHARS: usize = 3;

/// Characters of a reading scored to choose between guesses: enough English to tell them
/// apart, few enough that 32³ guesses take a moment.
const SCORED_CHARS: usize = 60;

/// The reading an eavesdropper with no guess at all keeps: every first block tried (32 at
/// 8 bits, 32³ at 16), the most English-like reading ([`english::score`] of its first
/// `SCORED_CHARS` characters) kept. Returns the text's codes, or none where a block holds
/// more than [`MAX_GUESSED_CHARS`] characters (too many guesses to try).
pub fn guess_reused_key(ciphertext: &Ciphertext, packing: Packing) -> Option<Vec<u8>> {
    let per = first_block_chars(ciphertext, packing);
    if per > MAX_GUESSED_CHARS {
        return None;
    }
    let xored = xor_with_first(ciphertext, packing);
    let reading = |guess: u32, chars: usize| -> Vec<u8> {
        // Slot s of the guess is its s-th 5-bit digit.
        let digit = |i: usize| (guess >> (CODE_BITS * (i % per)) & 31) as u8;
        xored.iter().take(chars).enumerate().map(|(i, x)| x ^ digit(i)).collect()
    };
    let best = (0..1u32 << (CODE_BITS * per))
        .map(|guess| (english::score(&reading(guess, SCORED_CHARS)), guess))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    Some(reading(best.map_or(0, |(_, guess)| guess), xored.len()))
}
