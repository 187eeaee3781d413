//! The write-up's evaluation (spec §4): Bob and Eve on fresh random (message, key) pairs.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::nn::data::BitSource;
use crate::nn::inference::Cipher;
use crate::nn::pending::Pending;

/// Messages in the write-up's evaluation.
pub const EVALUATION_SAMPLES: usize = 10_000;

/// How well one reader recovers the messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Share of messages with every bit right (rounded at 0.5), in percent.
    pub correct_pct: f64,
    /// Mean bits wrong per message (0 = perfect, N/2 = guessing).
    pub bit_errors: f64,
    /// For each bit position, the share of messages with that bit wrong (0..1).
    pub bit_error_rates: Vec<f64>,
}

impl Score {
    /// Scores `guesses` (floats, rounded at 0.5) against `messages` (0/1), both `[rows, bits]`
    /// row-major.
    pub fn from_guesses(messages: &[f32], guesses: &[f32], bits: usize) -> Self {
        assert_eq!(messages.len(), guesses.len(), "one guess per message bit");
        let rows = messages.len() / bits;
        let mut per_bit = vec![0usize; bits];
        let mut perfect = 0usize;
        let mut total_wrong = 0usize;
        for (message, guess) in messages.chunks_exact(bits).zip(guesses.chunks_exact(bits)) {
            let mut wrong = 0;
            for (i, (&m, &g)) in message.iter().zip(guess).enumerate() {
                if (g >= 0.5) != (m >= 0.5) {
                    per_bit[i] += 1;
                    wrong += 1;
                }
            }
            perfect += usize::from(wrong == 0);
            total_wrong += wrong;
        }
        let rows_f = rows.max(1) as f64;
        Self {
            correct_pct: 100.0 * perfect as f64 / rows_f,
            bit_errors: total_wrong as f64 / rows_f,
            bit_error_rates: per_bit.into_iter().map(|w| w as f64 / rows_f).collect(),
        }
    }
}

/// Bob's and Eve's scores on the same fresh messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Messages scored.
    pub samples: usize,
    /// Bob, reading with the key.
    pub bob: Score,
    /// Eve, reading without it.
    pub eve: Score,
}

/// Runs Alice, Bob and Eve of `cipher` on `samples` fresh (message, key) pairs drawn from
/// `seed`; the scores are made once the outputs are read back.
pub fn evaluate(cipher: &Cipher, samples: usize, seed: u64) -> Pending<Evaluation> {
    let bits = cipher.bits();
    let batch = BitSource::new(seed).batch(samples, bits, cipher.runner().device());
    let ciphertext = cipher.encrypt(&batch);
    let bob = cipher.decrypt(ciphertext.clone(), batch.keys.clone());
    let eve = cipher.eavesdrop(ciphertext);
    // One read-back: messages, Bob's guesses, Eve's guesses, `[3 · samples, N]`.
    Pending::of(Tensor::cat(vec![batch.messages, bob, eve], 0), move |flat| {
        let part = samples * bits;
        let (messages, rest) = flat.split_at(part);
        let (bob, eve) = rest.split_at(part);
        Evaluation {
            samples,
            bob: Score::from_guesses(messages, bob, bits),
            eve: Score::from_guesses(messages, eve, bits),
        }
    })
}
