//! A key search: an attacker who stole Bob's network (but not the key) decrypts the
//! ciphertext under every key, a batch of keys at a time, and ranks the readings by how
//! English-like they are — to show why a short key is no protection.

use crate::nn::any_model::AnyCipher;
use crate::nn::pending::Pending;
use crate::nn::steps::Steps;
use crate::text::codec::{Ciphertext, Packing};
use crate::text::english;
use crate::text::key::Key;

/// The most key bits a search is offered for (2^24 keys).
pub const MAX_KEY_BITS: usize = 24;

/// One key's reading.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub key: Key,
    pub codes: Vec<u8>,
    pub score: f64,
}

/// One key tried: its number and how English-like its reading is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KeyScore {
    /// The key's number (see [`key_number`]).
    pub key: u64,
    /// [`english::score`] of its reading.
    pub score: f64,
}

/// A search through every key of a model, step by step (one key a step).
pub struct KeySearch {
    cipher: AnyCipher,
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
    /// A search over `ciphertext` with Bob's network of `cipher` (run it on a CPU device:
    /// each slice is read back at once).
    ///
    /// # Panics
    /// If the model has more than [`MAX_KEY_BITS`] bits.
    pub fn new(cipher: &AnyCipher, ciphertext: Ciphertext) -> Self {
        let bits = cipher.bits();
        assert!(bits <= MAX_KEY_BITS, "a key search is offered up to {MAX_KEY_BITS} bits");
        Self { cipher: cipher.clone(), packing: Packing { bits }, ciphertext, scores: Vec::new() }
    }

    /// Bob's readings of the ciphertext under keys `first .. first + count`.
    fn read(&self, first: u64, count: u64) -> Vec<Vec<u8>> {
        let bits = self.packing.bits;
        let values = &self.ciphertext.values;
        let blocks = values.len() / bits;
        let keys = (first..first + count).flat_map(|n| key_number(n, bits).floats().repeat(blocks)).collect();
        let runner = self.cipher.runner();
        let ciphertext = runner.rows(values.repeat(count as usize), bits);
        let guesses = Pending::floats(self.cipher.decrypt(ciphertext, runner.rows(keys, bits)))
            .read()
            .expect("a CPU device reads back");
        guesses.chunks(blocks * bits).map(|g| self.packing.unpack(g, self.ciphertext.chars)).collect()
    }

    /// The `n` best keys tried so far, most English-like first.
    pub fn best(&self, n: usize) -> Vec<Candidate> {
        let mut order: Vec<u64> = (0..self.scores.len() as u64).collect();
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

impl Steps for KeySearch {
    type Row = KeyScore;

    /// Tries up to `keys` more keys (synchronously).
    fn run(&mut self, keys: usize) -> Pending<Vec<KeyScore>> {
        let first = self.scores.len() as u64;
        let count = (keys as u64).min(self.total() as u64 - first);
        if count == 0 {
            return Pending::ready(Vec::new());
        }
        let readings = self.read(first, count);
        let rows: Vec<KeyScore> = readings
            .iter()
            .zip(first..)
            .map(|(codes, key)| KeyScore { key, score: english::score(codes) })
            .collect();
        self.scores.extend(rows.iter().map(|r| r.score));
        Pending::ready(rows)
    }

    /// Keys tried so far.
    fn done(&self) -> usize {
        self.scores.len()
    }

    /// Keys of the model: 2^N.
    fn total(&self) -> usize {
        1 << self.packing.bits
    }
}
