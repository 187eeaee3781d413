//! Standardised inputs for the attackers that want them: each ciphertext position's mean
//! and spread, measured once on held-out ciphertexts.

use burn::prelude::*;

/// Per-position mean and spread of the ciphertext values, to standardise the inputs.
#[derive(Clone, Debug)]
pub(super) struct Standardise {
    mean: Vec<f32>,
    inv_std: Vec<f32>,
}

impl Standardise {
    /// The means and spreads of `values` (rows of `bits`).
    pub(super) fn of(values: &[f32], bits: usize) -> Self {
        let rows = (values.len() / bits).max(1) as f32;
        let mut mean = vec![0f32; bits];
        values.chunks_exact(bits).for_each(|r| mean.iter_mut().zip(r).for_each(|(m, v)| *m += v / rows));
        let mut var = vec![0f32; bits];
        for r in values.chunks_exact(bits) {
            var.iter_mut().zip(r).zip(&mean).for_each(|((s, v), m)| *s += (v - m) * (v - m) / rows);
        }
        Self { mean, inv_std: var.into_iter().map(|v| 1.0 / v.sqrt().max(1e-6)).collect() }
    }

    /// `values` (rows of the same width) standardised.
    pub(super) fn host(&self, values: &[f32]) -> Vec<f32> {
        let n = self.mean.len();
        values.iter().enumerate().map(|(i, v)| (v - self.mean[i % n]) * self.inv_std[i % n]).collect()
    }

    /// A batch of ciphertexts `[rows, N]` standardised.
    pub(super) fn tensor(&self, c: Tensor<2>) -> Tensor<2> {
        let device = c.device();
        let row = |v: &[f32]| Tensor::<1>::from_floats(v, &device).unsqueeze::<2>();
        (c - row(&self.mean)) * row(&self.inv_std)
    }
}
