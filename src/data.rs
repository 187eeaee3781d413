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

    /// `count` (message, key) batches of `[batch, bits]`, uploaded as one tensor.
    pub fn batches(&mut self, count: usize, batch: usize, bits: usize, device: &Device) -> Vec<MessageBatch> {
        let rows = 2 * count * batch;
        let all = Tensor::<2>::from_data(TensorData::new(self.bits(rows, bits), [rows, bits]), device);
        (0..count)
            .map(|i| MessageBatch {
                messages: all.clone().narrow(0, 2 * i * batch, batch),
                keys: all.clone().narrow(0, (2 * i + 1) * batch, batch),
            })
            .collect()
    }
}
