//! The attackers' networks beside Eve's own shape: plain MLPs and a residual net that
//! reads each ciphertext value through soft bins. All output logits `[batch, N]`; weights
//! are drawn from the attacker's seed (Glorot-uniform, as the cipher's networks).

use burn::module::Module;
use burn::nn::{LayerNorm, LayerNormConfig, Linear};
use burn::prelude::*;
use burn::tensor::activation::relu;
use rand::rngs::SmallRng;

use crate::nn::model::dense;

/// Dense ReLU layers, then a linear read-out.
#[derive(Module, Debug)]
pub struct Mlp {
    hidden: Vec<Linear>,
    out: Linear,
}

impl Mlp {
    /// `inputs -> hidden[0] -> … -> outputs`.
    pub fn new(inputs: usize, hidden: &[usize], outputs: usize, rng: &mut SmallRng, device: &Device) -> Self {
        let mut width = inputs;
        let hidden = hidden
            .iter()
            .map(|&h| {
                let layer = dense(width, h, rng, device);
                width = h;
                layer
            })
            .collect();
        Self { hidden, out: dense(width, outputs, rng, device) }
    }

    /// `[batch, inputs]` -> logits `[batch, outputs]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.hidden.iter().fold(x, |x, layer| relu(layer.forward(x))); // [batch, hidden]
        self.out.forward(x)
    }
}

/// One pre-norm residual block: `x + down(relu(up(norm(x))))`.
#[derive(Module, Debug)]
pub struct Block {
    norm: LayerNorm,
    up: Linear,
    down: Linear,
}

/// Soft bins per ciphertext value in [`ResidualNet`].
pub const BINS: usize = 16;

/// Standardised values `z` `[batch, N]` -> `[batch, N · (BINS + 1)]`: each value itself and
/// its `BINS` triangular bin memberships over z in −3..3 (so a network reads magnitudes
/// as separate features).
pub fn soft_bins(z: Tensor<2>) -> Tensor<2> {
    let [batch, n] = z.dims();
    let device = z.device();
    let step = 6.0 / (BINS - 1) as f32;
    let centers: Vec<f32> = (0..BINS).map(|b| -3.0 + step * b as f32).collect();
    let centers = Tensor::<1>::from_floats(centers.as_slice(), &device).reshape([1, 1, BINS]);
    let bins = (z.clone().reshape([batch, n, 1]) - centers).abs().div_scalar(step).neg().add_scalar(1.0);
    let bins = bins.clamp_min(0.0).reshape([batch, n * BINS]); // [batch, N·BINS]
    Tensor::cat(vec![z, bins], 1)
}

/// Soft-binned inputs, a projection to `width`, residual blocks with layer norm, a norm
/// and a linear read-out.
#[derive(Module, Debug)]
pub struct ResidualNet {
    input: Linear,
    blocks: Vec<Block>,
    norm: LayerNorm,
    out: Linear,
}

impl ResidualNet {
    /// For `bits`-bit ciphertexts: `blocks` blocks of `width` (inner `2 · width`).
    pub fn new(bits: usize, width: usize, blocks: usize, rng: &mut SmallRng, device: &Device) -> Self {
        let norm = || LayerNormConfig::new(width).init(device);
        let blocks = (0..blocks)
            .map(|_| Block {
                norm: norm(),
                up: dense(width, 2 * width, rng, device),
                down: dense(2 * width, width, rng, device),
            })
            .collect();
        Self {
            input: dense(bits * (BINS + 1), width, rng, device),
            blocks,
            norm: norm(),
            out: dense(width, bits, rng, device),
        }
    }

    /// Standardised ciphertexts `[batch, N]` -> logits `[batch, N]`.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        let x = self.input.forward(soft_bins(z)); // [batch, width]
        let x = self.blocks.iter().fold(x, |x, b| {
            let inner = relu(b.up.forward(b.norm.forward(x.clone()))); // [batch, 2·width]
            x + b.down.forward(inner)
        });
        self.out.forward(self.norm.forward(x)) // [batch, N]
    }
}
