//! A key search: an attacker who stole Bob's network (but not the key) decrypts the
//! ciphertext under every key, a batch of keys at a time, and ranks the readings by how
//! English-like they are — to show why a short key is no protection.

use burn::prelude::*;
use burn::tensor::TensorData;

use crate::codec::{Ciphertext, Key, Packing};
use crate::english;
use crate::kernels::Kernels;
use crate::model::{Ciphers, Network};

/// The most key bits a search is offered for (2^24 keys).
pub const MAX_KEY_BITS: usize = 24;

/// One key's reading.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub key: Key,
    pub codes: Vec<u8>,
    pub score: f64,
}

/// A search through every key of a model, step by step.
pub struct KeySearch {
    bob: Network,
    kernels: Kernels,
    device: Device,
    packing: Packing,
    ciphertext: Ciphertext,
    /// Scores of keys `0..tried`, by key number.
    scores: Vec<f64>,
}

/// The key with number `n` (most significant bit first).
pub fn key_number(n: u64, bits: usize) -> Key {
    Key { bits: (0..bits).map(|i| (n >> (bits - 1 - i) & 1) as u8).collect() }
}

/// The number of a key.
pub fn number_of(key: &Key) -> u64 {
    key.bits.iter().fold(0, |n, &b| n << 1 | u64::from(b))
}

impl KeySearch {
    /// A search over `ciphertext` with Bob's network of `ciphers`, on `device`.
    ///
    /// # Panics
    /// If the model has more than [`MAX_KEY_BITS`] bits.
    pub fn new(ciphers: &Ciphers, ciphertext: Ciphertext, device: &Device) -> Self {
        let bits = ciphers.bob.bits();
        assert!(bits <= MAX_KEY_BITS, "a key search is offered up to {MAX_KEY_BITS} bits");
        let device = device.clone().inner();
        Self {
            bob: ciphers.bob.valid(),
            kernels: Kernels::for_device(bits, &device),
            device,
            packing: Packing { bits },
            ciphertext,
            scores: Vec::new(),
        }
    }

    /// How many keys there are.
    pub fn total(&self) -> u64 {
        1 << self.packing.bits
    }

    /// How many keys were tried.
    pub fn tried(&self) -> u64 {
        self.scores.len() as u64
    }

    pub fn is_done(&self) -> bool {
        self.tried() >= self.total()
    }

    fn read(&self, first: u64, count: u64) -> Vec<Vec<u8>> {
        let bits = self.packing.bits;
        let blocks = self.ciphertext.values.len() / bits;
        let rows = count as usize * blocks;
        let mut input = Vec::with_capacity(rows * 2 * bits);
        for n in first..first + count {
            let key = key_number(n, bits).floats();
            for block in self.ciphertext.values.chunks(bits) {
                input.extend_from_slice(block);
                input.extend_from_slice(&key);
            }
        }
        let input = Tensor::<2>::from_data(TensorData::new(input, [rows, 2 * bits]), &self.device);
        let guesses =
            self.bob.forward(input, &self.kernels).into_data().try_into_vec::<f32>().expect("f32 guesses");
        guesses.chunks(blocks * bits).map(|g| self.packing.unpack(g, self.ciphertext.chars)).collect()
    }

    /// Tries up to `keys` more keys (synchronous: run it on a CPU device).
    pub fn step(&mut self, keys: u64) {
        let first = self.tried();
        let count = keys.min(self.total() - first);
        if count == 0 {
            return;
        }
        let readings = self.read(first, count);
        self.scores.extend(readings.iter().map(|codes| english::score(codes)));
    }

    /// The `n` best keys tried so far, most English-like first.
    pub fn best(&self, n: usize) -> Vec<Candidate> {
        let mut order: Vec<u64> = (0..self.tried()).collect();
        order.sort_by(|a, b| self.scores[*b as usize].total_cmp(&self.scores[*a as usize]).then(a.cmp(b)));
        order
            .into_iter()
            .take(n)
            .map(|k| {
                let codes = self.read(k, 1).pop().expect("one reading");
                Candidate { key: key_number(k, self.packing.bits), codes, score: self.scores[k as usize] }
            })
            .collect()
    }

    /// Where `key` ranks among the keys tried (1 = most English-like), if it was tried.
    pub fn rank_of(&self, key: &Key) -> Option<usize> {
        let own = *self.scores.get(number_of(key) as usize)?;
        let n = number_of(key);
        Some(
            1 + self
                .scores
                .iter()
                .enumerate()
                .filter(|(k, s)| **s > own || (**s == own && (*k as u64) < n))
                .count(),
        )
    }
}
