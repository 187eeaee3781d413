//! Random messages and keys: uniformly random bits as 0.0 / 1.0 floats.
//!
//! Drawn on the host from a seeded fast RNG and uploaded once per iteration as one tensor
//! that the steps slice up, so the same seed gives the same data on every backend.

use burn::prelude::*;
use burn::tensor::TensorData;
use rand::{RngCore, SeedableRng, rngs::SmallRng};

/// A seeded source of random bit batches.
#[derive(Clone, Debug)]
pub struct BitSource {
    rng: SmallRng,
}

/// A message batch and its key batch, each `[batch, N]`.
#[derive(Clone, Debug)]
pub struct MessageBatch {
    /// Plaintext bits P.
    pub messages: Tensor<2>,
    /// Key bits K.
    pub keys: Tensor<2>,
}

impl BitSource {
    /// A source whose stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { rng: SmallRng::seed_from_u64(seed) }
    }

    /// `rows · bits` random bits, row-major, as 0.0 / 1.0.
    pub fn bits(&mut self, rows: usize, bits: usize) -> Vec<f32> {
        let len = rows * bits;
        let mut out = Vec::with_capacity(len + 64);
        while out.len() < len {
            let word = self.rng.next_u64();
            out.extend((0..64).map(|i| ((word >> i) & 1) as f32));
        }
        out.truncate(len);
        out
    }

    /// `count` (message, key) batches of `[batch, bits]`, uploaded as one tensor: all the
    /// messages first, then all the keys, so consecutive batches join without a copy.
    pub fn draw(&mut self, count: usize, batch: usize, bits: usize, device: &Device) -> Batches {
        let rows = 2 * count * batch;
        let all = Tensor::<2>::from_data(TensorData::new(self.bits(rows, bits), [rows, bits]), device);
        Batches { all, count, batch }
    }

    /// One (message, key) batch of `[batch, bits]`.
    pub fn batch(&mut self, batch: usize, bits: usize, device: &Device) -> MessageBatch {
        self.draw(1, batch, bits, device).all_joined()
    }
}

/// Batches drawn together (see [`BitSource::draw`]).
#[derive(Clone, Debug)]
pub struct Batches {
    /// `[2 · count · batch, N]`: messages of every batch, then keys of every batch.
    all: Tensor<2>,
    count: usize,
    batch: usize,
}

impl Batches {
    /// Batches `first .. first + len` joined row-wise: `[len · batch, N]` each.
    pub fn joined(&self, first: usize, len: usize) -> MessageBatch {
        assert!(first + len <= self.count, "batch range out of bounds");
        let (rows, start) = (len * self.batch, first * self.batch);
        MessageBatch {
            messages: self.all.clone().narrow(0, start, rows),
            keys: self.all.clone().narrow(0, self.count * self.batch + start, rows),
        }
    }

    /// Batch `i`.
    pub fn get(&self, i: usize) -> MessageBatch {
        self.joined(i, 1)
    }

    /// Rows `start .. start + len` of every batch, as batches of `len` rows (how replicas
    /// training side by side share one draw; see [`crate::nn::replicas`]).
    pub fn rows(self, start: usize, len: usize) -> Batches {
        if start == 0 && len == self.batch {
            return self;
        }
        let bits = self.all.dims()[1];
        let blocks = 2 * self.count;
        let all =
            self.all.reshape([blocks, self.batch, bits]).narrow(1, start, len).reshape([blocks * len, bits]);
        Batches { all, count: self.count, batch: len }
    }

    /// Every batch joined.
    pub fn all_joined(&self) -> MessageBatch {
        self.joined(0, self.count)
    }
}

/// One round of the distinguishing game (Coutinho et al. 2018) for a whole batch: two
/// candidate messages, a fresh key per row, and a fair coin per row saying which candidate
/// is sent. `[batch, N]` each, `coins` `[batch, 1]`.
#[derive(Clone, Debug)]
pub struct GameRound {
    pub first: Tensor<2>,
    pub second: Tensor<2>,
    pub keys: Tensor<2>,
    pub coins: Tensor<2>,
}

impl GameRound {
    /// A round of `batch` rows of `bits` bits drawn from `source`.
    pub fn draw(source: &mut BitSource, batch: usize, bits: usize, device: &Device) -> Self {
        let drawn = source.draw(2, batch, bits, device);
        let (one, two) = (drawn.get(0), drawn.get(1));
        let coins = Tensor::from_data(TensorData::new(source.bits(batch, 1), [batch, 1]), device);
        Self { first: one.messages, second: two.messages, keys: one.keys, coins }
    }

    /// Rows `start .. start + len` (a replica's share of the round).
    pub fn rows(self, start: usize, len: usize) -> Self {
        let take = |t: Tensor<2>| t.narrow(0, start, len);
        Self {
            first: take(self.first),
            second: take(self.second),
            keys: take(self.keys),
            coins: take(self.coins),
        }
    }

    /// What Alice encrypts: `P_b` in each row, with its key.
    pub fn sent(&self) -> MessageBatch {
        let chosen = self.first.clone() + (self.second.clone() - self.first.clone()) * self.coins.clone();
        MessageBatch { messages: chosen, keys: self.keys.clone() }
    }

    /// What Eve sees: both candidates and the ciphertext. `[rows, N]` -> `[rows, 3N]`.
    pub fn seen(&self, ciphertext: Tensor<2>) -> Tensor<2> {
        Tensor::cat(vec![self.first.clone(), self.second.clone(), ciphertext], 1)
    }

    /// What Eve sees with each position's XOR with either candidate made plain: the
    /// ciphertext centred on 0 (`c`; the suite's distinguisher standardises it), both
    /// candidates as ±1 (`s₀`, `s₁`) and the products
    /// `c·s₀`, `c·s₁` (where values are binary, ±1 for "equal" or "differs"). A key that
    /// cancels between two positions then shows as a product of two inputs, which an MLP
    /// learns quickly, rather than a parity of six. `[rows, N]` -> `[rows, 5N]`.
    pub fn seen_with_xors(&self, centred: Tensor<2>) -> Tensor<2> {
        let signs = |p: &Tensor<2>| p.clone().mul_scalar(2.0).sub_scalar(1.0);
        let (first, second) = (signs(&self.first), signs(&self.second));
        let products = vec![centred.clone() * first.clone(), centred.clone() * second.clone()];
        Tensor::cat([vec![centred, first, second], products].concat(), 1)
    }
}
