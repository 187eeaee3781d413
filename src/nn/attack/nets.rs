//! The attackers' networks beside Eve's own shape: plain MLPs and a residual net that
//! reads each ciphertext value through soft bins. All output logits `[batch, N]`; weights
//! are drawn from the attacker's seed (Glorot-uniform, as the cipher's networks).

use burn::module::Module;
use burn::nn::{LayerNorm, LayerNormConfig, Linear};
use burn::prelude::*;
use burn::tensor::activation::relu;
use rand::rngs::SmallRng;

use crate::nn::kernels::Kernels;
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

    /// `[batch, inputs]` -> logits `[batch, outputs]`, each layer through `kernels`.
    pub fn forward(&self, x: Tensor<2>, kernels: &Kernels) -> Tensor<2> {
        let x = self.hidden.iter().fold(x, |x, layer| relu(kernels.linear(x, layer))); // [batch, hidden]
        kernels.linear(x, &self.out)
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

    /// Standardised ciphertexts `[batch, N]` -> logits `[batch, N]`, each dense layer through
    /// `kernels`.
    pub fn forward(&self, z: Tensor<2>, kernels: &Kernels) -> Tensor<2> {
        let x = kernels.linear(soft_bins(z), &self.input); // [batch, width]
        let x = self.blocks.iter().fold(x, |x, b| {
            let inner = relu(kernels.linear(b.norm.forward(x.clone()), &b.up)); // [batch, 2·width]
            x + kernels.linear(inner, &b.down)
        });
        kernels.linear(self.norm.forward(x), &self.out) // [batch, N]
    }
}

#[cfg(test)]
mod tests {
    use burn::module::{ModuleVisitor, Param};
    use burn::tensor::{Gradients, TensorData};
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::nn::kernels::Implementation;

    /// Every parameter's gradient, flattened, in visiting order.
    struct GradsOf<'a>(&'a Gradients, Vec<Vec<f32>>);

    impl ModuleVisitor for GradsOf<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let grad = param.val().grad(self.0).expect("every parameter has a gradient");
            self.1.push(grad.into_data().try_into_vec::<f32>().unwrap());
        }
    }

    /// The outputs of `forward` and every gradient of `sum(output · probe)`.
    fn run<M: Module>(net: &M, forward: impl Fn(&Kernels) -> Tensor<2>, kernels: Kernels) -> Vec<Vec<f32>> {
        let out = forward(&kernels);
        let probe = Tensor::<2>::ones(out.dims(), &out.device()).mul_scalar(0.37);
        let grads = (out.clone() * probe).sum().backward();
        let mut visitor = GradsOf(&grads, vec![out.into_data().try_into_vec::<f32>().unwrap()]);
        net.visit(&mut visitor);
        visitor.1
    }

    fn assert_close(fast: &[Vec<f32>], reference: &[Vec<f32>]) {
        assert_eq!(fast.len(), reference.len());
        for (i, (f, r)) in fast.iter().zip(reference).enumerate() {
            let scale = r.iter().fold(1.0f32, |m, v| m.max(v.abs()));
            let worst = f.iter().zip(r).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            assert!(worst <= 5e-5 * scale, "output or gradient {i} differs by {worst} (scale {scale})");
        }
    }

    #[test]
    fn fused_dense_layers_compute_what_burns_linear_does() {
        let device = Device::flex().autodiff();
        let (bits, rows) = (16, 33); // an odd batch: the blocked loops' last row runs alone
        let mut rng = SmallRng::seed_from_u64(4);
        let z: Vec<f32> = (0..rows * bits).map(|_| rng.random_range(-2.0..2.0)).collect();
        let z = Tensor::<2>::from_data(TensorData::new(z, [rows, bits]), &device);
        let host =
            |fused| Kernels::with_implementation(bits, &device, Implementation::Host).with_fused_dense(fused);
        let mlp = Mlp::new(bits, &[128, 64], bits, &mut rng, &device);
        let forward = |k: &Kernels| mlp.forward(z.clone(), k);
        assert_close(&run(&mlp, forward, host(true)), &run(&mlp, forward, host(false)));
        let net = ResidualNet::new(bits, 32, 2, &mut rng, &device);
        let forward = |k: &Kernels| net.forward(z.clone(), k);
        assert_close(&run(&net, forward, host(true)), &run(&net, forward, host(false)));
    }
}
