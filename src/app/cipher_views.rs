//! Looking inside a learned cipher: what the page's "inside the cipher" charts draw,
//! computed from a model on any device. Key avalanche (flip one key bit: which ciphertext
//! and decrypted bits change), the spread of Alice's output values, and how well one
//! message bit can be read from one ciphertext value — the leak a fresh Eve exploits.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::app::strength::Strength;
use crate::nn::data::{BitSource, MessageBatch};
use crate::nn::evaluation::{EVALUATION_SAMPLES, evaluate};
use crate::nn::inference::Cipher;
use crate::nn::model_file::ModelHeader;
use crate::nn::pending::Pending;
use crate::nn::seeds;

/// (message, key) pairs in the page's avalanche (each tried with every key bit flipped).
pub const AVALANCHE_SAMPLES: usize = 400;
/// Pairs behind the page's value histogram and leak (half fit the threshold, half test it).
pub const VALUE_SAMPLES: usize = 4000;
/// Bins of the page's value histogram.
pub const VALUE_BINS: usize = 40;

/// What the page's "inside the cipher" views measure of one model (an engine worker
/// computes it, so the page's thread stays free).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CipherMeasures {
    /// Bob's per-bit error rates on 10,000 fresh messages.
    pub bob_rates: Vec<f64>,
    pub avalanche: Avalanche,
    pub values: CiphertextValues,
}

/// Measures `cipher` for the page's views (its fixed seed, so a model always draws alike).
pub fn measure_for_views(cipher: &Cipher) -> Result<CipherMeasures, String> {
    let seed = seeds::CIPHER_VIEWS;
    let evaluation = evaluate(cipher, EVALUATION_SAMPLES, seed).read().map_err(|e| e.to_string())?;
    Ok(CipherMeasures {
        bob_rates: evaluation.bob.bit_error_rates,
        avalanche: key_avalanche(cipher, AVALANCHE_SAMPLES, seed),
        values: ciphertext_values(cipher, VALUE_SAMPLES, VALUE_BINS, seed),
    })
}

/// Key avalanche: for each key bit `j` and output bit `i`, the share of (message, key)
/// pairs in which flipping key bit `j` flips output bit `i` — of the ciphertext Alice makes,
/// and of what Bob reads from the true ciphertext with that one-bit-wrong key. An ideal
/// cipher: 0.5 everywhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Avalanche {
    /// N: key bits (rows) and output bits (columns).
    pub bits: usize,
    /// Ciphertext bits that flip, `[key bit][ciphertext position]` row-major (a ciphertext
    /// value counts as a bit on either side of its activation's midpoint).
    pub ciphertext: Vec<f64>,
    /// Bob's bits that flip when he reads the ciphertext with the key one bit off,
    /// `[key bit][message bit]` row-major.
    pub decrypted: Vec<f64>,
    /// How far each ciphertext value moves when a key bit flips, as a share of Alice's
    /// output range (mean |Δc| / range), `[key bit][ciphertext position]` row-major. A
    /// per-position one-time pad (`c_i = m_i XOR k_i`) gives 1 where the positions match
    /// and 0 elsewhere.
    pub value_changes: Vec<f64>,
    /// Pairs measured.
    pub samples: usize,
}

impl Avalanche {
    /// Mean over the whole map of the ciphertext shares (ideal: 0.5).
    pub fn mean_ciphertext(&self) -> f64 {
        self.ciphertext.iter().sum::<f64>() / self.ciphertext.len().max(1) as f64
    }

    /// How close the cipher is to a per-position one-time pad: the mean of
    /// [`value_changes`](Self::value_changes) on the own position (key bit i, value i; a pad:
    /// 1) and elsewhere (a pad: 0).
    pub fn distance_from_xor(&self) -> (f64, f64) {
        let n = self.bits;
        let (mut own, mut other) = (0.0, 0.0);
        for (at, change) in self.value_changes.iter().enumerate() {
            if at / n == at % n { own += change } else { other += change }
        }
        (own / n.max(1) as f64, other / (n * n - n).max(1) as f64)
    }

    /// Mean over the whole map of the decrypted shares (ideal: 0.5).
    pub fn mean_decrypted(&self) -> f64 {
        self.decrypted.iter().sum::<f64>() / self.decrypted.len().max(1) as f64
    }
}

/// The values of a tensor on a CPU device (the views are computed synchronously).
fn host(t: Tensor<2>) -> Vec<f32> {
    Pending::floats(t).read().expect("a CPU device reads back")
}

/// Flips each key bit of `samples` random (message, key) pairs in turn and counts which
/// ciphertext bits change, and which of Bob's bits change when he reads the true ciphertext
/// with the flipped key. One batch of `samples × (N + 1)` rows.
pub fn key_avalanche(cipher: &Cipher, samples: usize, seed: u64) -> Avalanche {
    let (bits, runner) = (cipher.bits(), cipher.runner());
    let mut source = BitSource::new(seed);
    let messages = source.bits(samples, bits);
    let keys = source.bits(samples, bits);
    // Block 0: the keys as drawn; block j + 1: key bit j flipped.
    let mut all_keys = keys.clone();
    for j in 0..bits {
        all_keys.extend(keys.chunks_exact(bits).flat_map(|k| {
            let mut k = k.to_vec();
            k[j] = 1.0 - k[j];
            k
        }));
    }
    let rows = samples * (bits + 1);
    let all_messages: Vec<f32> = messages.iter().copied().cycle().take(rows * bits).collect();
    let batch = MessageBatch { messages: runner.rows(all_messages, bits), keys: runner.rows(all_keys, bits) };
    let ciphertext = cipher.encrypt(&batch);
    // Bob reads the ciphertext made with the true key, with the key one bit off.
    let sent = ciphertext.clone().narrow(0, 0, samples).repeat_dim(0, bits + 1);
    let decrypted = cipher.decrypt(sent, batch.keys);
    // Each key bit's block against the unflipped block: `change(flipped, base)` per
    // (key bit j, position i), averaged over the pairs.
    let per_flip = |values: &[f32], change: &dyn Fn(f32, f32) -> f64| {
        let (base, flipped) = values.split_at(samples * bits);
        let mut shares = vec![0.0; bits * bits];
        for (j, block) in flipped.chunks_exact(samples * bits).enumerate() {
            for (row, base_row) in block.chunks_exact(bits).zip(base.chunks_exact(bits)) {
                for i in 0..bits {
                    shares[j * bits + i] += change(row[i], base_row[i]);
                }
            }
        }
        shares.iter_mut().for_each(|s| *s /= samples.max(1) as f64);
        shares
    };
    let flips = |values: &[f32], threshold: f32| {
        per_flip(values, &|now, before| f64::from(u8::from((now > threshold) != (before > threshold))))
    };
    let values = host(ciphertext);
    let output = cipher.networks().alice.output;
    let (low, high) = output.range();
    Avalanche {
        bits,
        ciphertext: flips(&values, output.midpoint()),
        decrypted: flips(&host(decrypted), 0.5),
        value_changes: per_flip(&values, &|now, before| f64::from((now - before).abs() / (high - low))),
        samples,
    }
}

/// Alice's output values and what one of them gives away.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CiphertextValues {
    /// Histogram of every ciphertext value: `bins` equal bins over `range`.
    pub histogram: Vec<usize>,
    /// The activation's range: (0, 1) for sigmoid, (−1, 1) for tanh.
    pub range: (f64, f64),
    /// For each message bit: the best accuracy of reading it from a single ciphertext value
    /// with one threshold, chosen on half of the samples and measured on the other half
    /// (0.5: that value tells nothing about the bit).
    pub leak: Vec<f64>,
    /// For each message bit: the ciphertext position that reads it best.
    pub leak_position: Vec<usize>,
    /// Pairs measured.
    pub samples: usize,
}

/// One threshold and side: "bit = (value > t)" (or its opposite) fitted on `fit`; returns
/// its accuracy on `fit` and on `test`, both lists of (value, bit) pairs.
fn threshold_accuracy(mut fit: Vec<(f32, bool)>, test: &[(f32, bool)]) -> (f64, f64) {
    fit.sort_by(|a, b| a.0.total_cmp(&b.0));
    let ones_total = fit.iter().filter(|p| p.1).count();
    // Predict 1 above the cut: right = zeros below + ones above.
    let (mut best, mut cut, mut above_is_one) = (0usize, f32::NEG_INFINITY, true);
    let (mut zeros_below, mut ones_below) = (0usize, 0usize);
    for k in 0..=fit.len() {
        let right = zeros_below + (ones_total - ones_below);
        let wrong = fit.len() - right;
        let here = if k == 0 { f32::NEG_INFINITY } else { fit[k - 1].0 };
        if right.max(wrong) > best {
            (best, cut, above_is_one) = (right.max(wrong), here, right >= wrong);
        }
        if let Some(&(_, bit)) = fit.get(k) {
            if bit { ones_below += 1 } else { zeros_below += 1 }
        }
    }
    let right = test.iter().filter(|&&(v, bit)| ((v > cut) == above_is_one) == bit).count();
    (best as f64 / fit.len().max(1) as f64, right as f64 / test.len().max(1) as f64)
}

/// Encrypts `samples` random (message, key) pairs; histograms the ciphertext values into
/// `bins` bins and, for each message bit, finds the ciphertext value that reads it best.
pub fn ciphertext_values(cipher: &Cipher, samples: usize, bins: usize, seed: u64) -> CiphertextValues {
    let bits = cipher.bits();
    let batch = BitSource::new(seed).batch(samples, bits, cipher.runner().device());
    let messages = host(batch.messages.clone());
    let values = host(cipher.encrypt(&batch));
    let (low, high) = cipher.networks().alice.output.range();
    let range = (f64::from(low), f64::from(high));
    let bins = bins.max(1);
    let mut histogram = vec![0usize; bins];
    for &v in &values {
        let at = ((f64::from(v) - range.0) / (range.1 - range.0) * bins as f64).floor();
        histogram[(at.max(0.0) as usize).min(bins - 1)] += 1;
    }
    let half = samples / 2;
    let (mut leak, mut leak_position) = (Vec::with_capacity(bits), Vec::with_capacity(bits));
    for i in 0..bits {
        // The position is chosen on the fitting half too, so the figure is not the best of
        // N noisy coin-flip scores.
        let (_, test, at) = (0..bits)
            .map(|j| {
                let pairs: Vec<(f32, bool)> =
                    (0..samples).map(|s| (values[s * bits + j], messages[s * bits + i] > 0.5)).collect();
                let (fit, test) = threshold_accuracy(pairs[..half].to_vec(), &pairs[half..]);
                (fit, test, j)
            })
            .fold((-1.0, 0.0, 0), |a, b| if b.0 > a.0 { b } else { a });
        leak.push(test);
        leak_position.push(at);
    }
    CiphertextValues { histogram, range, leak, leak_position, samples }
}

/// Everything the views draw, for one model.
#[derive(Clone, Debug)]
pub struct CipherPictures {
    pub preset: String,
    pub bits: usize,
    /// Bob's per-bit error rates on 10,000 fresh messages.
    pub bob_rates: Vec<f64>,
    /// The model's recorded strength (the best attacker's per-bit error rates in it).
    pub strength: Option<Strength>,
    pub avalanche: Avalanche,
    pub values: CiphertextValues,
}

impl CipherPictures {
    /// The pictures of the model of `header`, from what an engine worker measured of it.
    pub fn new(header: &ModelHeader, measures: CipherMeasures) -> Self {
        Self {
            preset: header.config.preset.name().to_string(),
            bits: header.config.cipher.bits,
            bob_rates: measures.bob_rates,
            strength: Strength::of(header),
            avalanche: measures.avalanche,
            values: measures.values,
        }
    }
}
