//! The write-up's evaluation (spec §4): Bob and Eve on fresh random (message, key) pairs.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::BitSource;
use crate::kernels::Kernels;
use crate::model::Ciphers;
use crate::training::{decrypt, encrypt};

/// Messages in the write-up's evaluation.
pub const EVALUATION_SAMPLES: usize = 10_000;

/// The seed of the held-out evaluation messages of a model trained (or audited) with
/// `seed`: derived from it, but a stream apart from the training and audit data.
pub fn held_out_seed(seed: u64) -> u64 {
    seed ^ 0xe7a1
}

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

/// The networks' outputs on an evaluation set, still on the device.
pub struct PendingEvaluation {
    bits: usize,
    samples: usize,
    /// `[3 · samples, N]`: messages, Bob's guesses, Eve's guesses.
    stacked: Tensor<2>,
}

impl PendingEvaluation {
    fn finish(&self, flat: Vec<f32>) -> Evaluation {
        let part = self.samples * self.bits;
        let (messages, rest) = flat.split_at(part);
        let (bob, eve) = rest.split_at(part);
        Evaluation {
            samples: self.samples,
            bob: Score::from_guesses(messages, bob, self.bits),
            eve: Score::from_guesses(messages, eve, self.bits),
        }
    }

    /// Reads the outputs back and scores them (blocking).
    pub fn read(self) -> Evaluation {
        let flat = self.stacked.to_data().try_into_vec::<f32>().expect("f32 outputs");
        self.finish(flat)
    }

    /// Reads the outputs back and scores them without blocking (the browser's way).
    pub async fn read_async(self) -> Result<Evaluation, String> {
        let data = self.stacked.clone().into_data_async().await.map_err(|e| e.to_string())?;
        Ok(self.finish(data.try_into_vec::<f32>().map_err(|e| format!("{e:?}"))?))
    }
}

/// Runs Alice, Bob and Eve on `samples` fresh (message, key) pairs drawn from `seed`.
pub fn evaluate(ciphers: &Ciphers, samples: usize, seed: u64, device: &Device) -> PendingEvaluation {
    let device = device.clone().inner();
    let ciphers = ciphers.valid();
    let bits = ciphers.alice.bits();
    let kernels = Kernels::for_device(bits, &device);
    let batch = BitSource::new(seed).batch(samples, bits, &device);
    let ciphertext = encrypt(&ciphers.alice, &batch, &kernels);
    let bob = decrypt(&ciphers.bob, ciphertext.clone(), batch.keys.clone(), &kernels);
    let eve = ciphers.eve.forward(ciphertext, &kernels);
    PendingEvaluation { bits, samples, stacked: Tensor::cat(vec![batch.messages, bob, eve], 0) }
}
