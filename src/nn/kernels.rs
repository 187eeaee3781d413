//! How the networks' arithmetic is carried out on a given device, kept in one place.
//!
//! - **Convolutions as matrix products.** The kernel-4 "same" convolution on one channel is
//!   a banded `[2N, 4N]` matrix built from its 8 weights by one product with a constant 0/1
//!   selection tensor; the padding simply drops out. The other convolutions are reshapes
//!   plus tiny products (see [`crate::nn::model::Network::forward`]). Fewer, larger ops: faster
//!   on CPU and fewer kernel launches on a GPU. On a GPU the per-position channel mixing runs
//!   as one block-diagonal product over the batch ([`Kernels::positions_product`]), so that
//!   its weight gradient is a wide product rather than a `[4, 4]` one over batch·N rows.
//! - **Fused host operations on CPU devices.** burn's CPU backend computes `tanh`, `exp` and
//!   `sigmoid` one scalar libm call at a time, and hands even `[8192, 4]·[4, 4]` products to
//!   gemm. On CPU devices every layer is one fused operation with its own backward pass
//!   ([`fused`]: `f(x·W + b)` for the tiny channel mixing and, in the page's wasm, for the
//!   dense layers too ([`Kernels::dense`]); natively `f(x + b)` after gemm's products for
//!   the dense layers; conv1 as a direct four-tap stencil instead of its banded product),
//!   and `f` is a vectorised rational approximation of tanh (the [13/6] form Eigen uses,
//!   max error ~3e-7) in a plain loop the compiler vectorises (natively; the page's wasm
//!   build uses the explicit SIMD of `lanes`, see there why). They read tensor data
//!   synchronously, so they only run on host (CPU) devices.
//! - **Fused GPU kernels on GPU devices** (builds with a GPU backend): the channel mixing and
//!   each bias plus `f` as cubecl kernels with their own backward passes (`kernels/gpu.rs`), about a
//!   third fewer launches per training iteration than burn's own ops. The products of the
//!   dense layers and conv1 stay burn's.

use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::TensorData;

mod conv1_loops;
mod curve_loops;
mod curves;
mod dense_loops;
pub(crate) mod fused;
#[cfg(feature = "gpu-kernels")]
mod gpu;
mod mix_loops;
mod row_loops;

// Used by the wasm build; compiled natively too so its test runs there.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod lanes;

use curve_loops::apply;
pub use curve_loops::{sigmoid_in_place, tanh_in_place};
pub use curves::Activation;
use curves::slope;

/// A value of a fused operation's output buffer before its row loop writes it: the loops
/// write into a new vector's spare capacity ([`fused`]), so the buffer is never zeroed
/// first (zeroing took 6.7 % of a native training profile).
type Unwritten = std::mem::MaybeUninit<f32>;

/// Whether the dense layers' products run in the fused host operation by default (its
/// blocked four-lane loops, [`dense_loops`]) rather than as gemm's products: in the page's
/// wasm, where gemm's simd128 path is slower at these sizes (one worker trains seed16
/// 1.10–1.14× as fast without it); not natively, where gemm's AVX2+FMA microkernel is
/// faster than four lanes (`anc bench --threads 1`: about 0.9× with the fused loops).
const FUSED_DENSE: bool = cfg!(target_arch = "wasm32");

/// Which implementation of each layer's product, bias and activation runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Implementation {
    /// burn's own products, adds, `tanh` and `sigmoid` (any device).
    Burn,
    /// The fused host operations of [`fused`] (CPU devices only).
    Host,
    /// The fused cubecl kernels of [`gpu`] for the channel mixing and each bias plus `f`
    /// (GPU devices only: builds with a GPU backend).
    #[cfg(feature = "gpu-kernels")]
    Gpu,
}

impl Implementation {
    /// What a GPU device runs: the fused kernels where this build has them.
    #[cfg(feature = "gpu-kernels")]
    const GPU_DEFAULT: Self = Self::Gpu;
    #[cfg(not(feature = "gpu-kernels"))]
    const GPU_DEFAULT: Self = Self::Burn;
}

/// Per-device helpers for [`crate::nn::model::Network::forward`].
#[derive(Clone, Debug)]
pub struct Kernels {
    implementation: Implementation,
    /// Whether the dense layers run as one fused host operation ([`Kernels::dense`]).
    fused_dense: bool,
    /// `[8, 2N · 4N]` 0/1 selection turning conv1's weights into its banded matrix.
    conv1_selection: Tensor<2>,
    bits: usize,
    /// `[N, 1, N, 1]` identity over the N positions (see [`Kernels::positions_product`]);
    /// the host path never reads it, but it is N² floats, so every device gets one.
    position_eye: Tensor<4>,
}

impl Kernels {
    /// The fastest kernels for `bits`-bit networks on `device`.
    pub fn for_device(bits: usize, device: &Device) -> Self {
        let implementation =
            if is_host_device(device) { Implementation::Host } else { Implementation::GPU_DEFAULT };
        Self::with_implementation(bits, device, implementation)
    }

    /// Kernels with a chosen activation implementation (tests compare the two).
    pub fn with_implementation(bits: usize, device: &Device, implementation: Implementation) -> Self {
        let position_eye = Tensor::eye(bits, device).reshape([bits, 1, bits, 1]);
        let selection = conv1_selection(bits, device);
        Self { implementation, fused_dense: FUSED_DENSE, conv1_selection: selection, bits, position_eye }
    }

    /// These kernels with the dense layers fused or not on CPU devices (tests run both;
    /// [`FUSED_DENSE`] is the default).
    pub fn with_fused_dense(self, fused_dense: bool) -> Self {
        Self { fused_dense, ..self }
    }

    /// Which activation implementation runs.
    pub fn implementation(&self) -> Implementation {
        self.implementation
    }

    /// conv1's weights `[2, 1, 4]` as the banded matrix `[2N, 4N]` of the "same"
    /// convolution (1 left, 2 right of padding), columns ordered (position, tap, channel).
    pub fn conv1_matrix(&self, weight: &Tensor<3>) -> Tensor<2> {
        let n = self.bits;
        self.conv1_matrices(weight.clone().reshape([1, 8])).reshape([2 * n, 4 * n])
    }

    /// [`Kernels::conv1_matrix`] of K members' weights `[K, 8]`: `[K, 2N, 4N]`.
    fn conv1_matrices(&self, weights: Tensor<2>) -> Tensor<3> {
        let ([members, _], n) = (weights.dims(), self.bits);
        weights.matmul(self.conv1_selection.clone()).reshape([members, 2 * n, 4 * n])
    }

    /// `tanh(conv1(x))`: x `[batch, 2N]`, w `[C, 1, 4]`, b `[C]` -> `[batch·N, 2C]`, rows
    /// ordered (batch, position s), columns (pair of channels, tap k, channel c) for output
    /// position `t = 2s + k`, so that conv2's input is this as it is. On CPU devices one fused
    /// host operation (a direct stencil, see [`fused`]); elsewhere a pair of channels at a
    /// time as `[batch, 2N]·[2N, 4N]` with the banded matrix of [`Kernels::conv1_matrix`].
    pub fn conv1(&self, x: Tensor<2>, w: Tensor<3>, b: Tensor<1>) -> Tensor<2> {
        if self.implementation == Implementation::Host {
            return fused::conv1(x, w, b);
        }
        let [batch, _] = x.dims();
        let [channels, _, _] = w.dims();
        let pair = |w: Tensor<3>, b: Tensor<1>| {
            let y = self.conv1_members(x.clone().unsqueeze(), w.unsqueeze(), b.unsqueeze());
            y.reshape([batch * self.bits, 4]) // [batch·N, (k, c)]
        };
        if channels == 2 {
            return pair(w, b); // the write-up's: no slicing (and none to back up through)
        }
        let pairs =
            (0..channels / 2).map(|g| pair(w.clone().narrow(0, 2 * g, 2), b.clone().narrow(0, 2 * g, 2)));
        Tensor::cat(pairs.collect(), 1) // [batch·N, (pair, k, c)]
    }

    /// [`Kernels::conv1`] for K members of two channels at once: x `[K, batch, 2N]`, w
    /// `[K, 2, 1, 4]`, b `[K, 2]` -> `[K, batch·N, 4]`.
    pub fn conv1_members(&self, x: Tensor<3>, w: Tensor<4>, b: Tensor<2>) -> Tensor<3> {
        if self.implementation == Implementation::Host {
            return fused::conv1(x, w, b);
        }
        let [k, batch, _] = x.dims();
        let rows = batch * self.bits;
        let m1 = self.conv1_matrices(w.reshape([k, 8])); // [K, 2N, 4N], columns (position, tap, channel)
        #[cfg(feature = "gpu-kernels")]
        if self.implementation == Implementation::Gpu {
            // Both taps of a position take the two channels' biases: b repeats with period 2.
            return gpu::shift(x.matmul(m1).reshape([k, rows, 4]), b, Activation::Tanh);
        }
        // Each tap's two channels get the channels' biases: a broadcast add, so no copy of b
        // (a `cat` was two launches forward and three back on a GPU).
        let z = x.matmul(m1).reshape([k, rows, 2, 2]) + b.reshape([k, 1, 1, 2]); // [K, batch·N, tap, channel]
        self.activate(z.reshape([k, rows, 4]), Activation::Tanh)
    }

    /// `f(x·W + b)` for a small `W` (the per-position channel mixing): x `[R, I]`, w `[I, O]`,
    /// b `[O]` -> `[R, O]`. One fused host operation on CPU devices (see [`fused`]).
    pub fn mix(&self, x: Tensor<2>, w: Tensor<2>, b: Tensor<1>, activation: Activation) -> Tensor<2> {
        match self.implementation {
            Implementation::Host => fused::mix(x, w, b, activation),
            #[cfg(feature = "gpu-kernels")]
            Implementation::Gpu => gpu::mix(x, w, b, activation),
            Implementation::Burn => self.activate(self.positions_product(x, w) + b.unsqueeze(), activation),
        }
    }

    /// Whether the dense layers run as fused host operations: on CPU devices, where
    /// `fused_dense` (by default [`FUSED_DENSE`]).
    fn fuses_dense(&self) -> bool {
        self.implementation == Implementation::Host && self.fused_dense
    }

    /// `f(x·W + b)` for a dense layer: x `[R, I]`, w `[I, O]`, b `[O]` -> `[R, O]`. On CPU
    /// devices either the product (gemm's) then [`Kernels::shift`], or, where
    /// [`FUSED_DENSE`], all of it as the fused [`Kernels::mix`].
    pub fn dense(&self, x: Tensor<2>, w: Tensor<2>, b: Tensor<1>, activation: Activation) -> Tensor<2> {
        if self.fuses_dense() {
            return fused::mix(x, w, b, activation);
        }
        self.shift(x.matmul(w), b, activation)
    }

    /// [`Kernels::dense`] for K members at once: x `[K, R, I]`, w `[K, I, O]`, b `[K, O]` ->
    /// `[K, R, O]`.
    pub fn dense_members(
        &self,
        x: Tensor<3>,
        w: Tensor<3>,
        b: Tensor<2>,
        activation: Activation,
    ) -> Tensor<3> {
        if self.fuses_dense() {
            return fused::mix(x, w, b, activation);
        }
        self.shift_members(x.matmul(w), b, activation)
    }

    /// A linear layer, `x·W + b` with no curve (the attackers' networks): x `[R, I]` ->
    /// `[R, O]`. One fused host operation on CPU devices where [`FUSED_DENSE`] and the
    /// blocked loops take the sizes ([`dense_loops::fits`]); otherwise burn's `Linear`.
    pub fn linear(&self, x: Tensor<2>, layer: &Linear) -> Tensor<2> {
        let [inputs, outputs] = layer.weight.dims();
        let fused = self.fuses_dense() && dense_loops::fits(inputs, outputs);
        match &layer.bias {
            Some(b) if fused => fused::affine(x, layer.weight.val(), b.val()),
            _ => layer.forward(x),
        }
    }

    /// `f(x + b)`: x `[R, O]`, b `[O]` -> `[R, O]`; one fused host operation on CPU devices.
    pub fn shift(&self, x: Tensor<2>, b: Tensor<1>, activation: Activation) -> Tensor<2> {
        match self.implementation {
            Implementation::Host => fused::shift(x, b, activation),
            #[cfg(feature = "gpu-kernels")]
            Implementation::Gpu => gpu::shift(x, b, activation),
            Implementation::Burn => self.activate(x + b.unsqueeze(), activation),
        }
    }

    /// [`Kernels::mix`] for K members at once: x `[K, R, I]`, w `[K, I, O]`, b `[K, O]` ->
    /// `[K, R, O]`, each member's rows through its own weights.
    pub fn mix_members(&self, x: Tensor<3>, w: Tensor<3>, b: Tensor<2>, activation: Activation) -> Tensor<3> {
        match self.implementation {
            Implementation::Host => fused::mix(x, w, b, activation),
            #[cfg(feature = "gpu-kernels")]
            Implementation::Gpu => gpu::mix(x, w, b, activation),
            Implementation::Burn => {
                self.activate(self.positions_members_product(x, w) + b.unsqueeze_dim(1), activation)
            }
        }
    }

    /// [`Kernels::shift`] for K members at once: x `[K, R, O]`, b `[K, O]` -> `[K, R, O]`.
    pub fn shift_members(&self, x: Tensor<3>, b: Tensor<2>, activation: Activation) -> Tensor<3> {
        match self.implementation {
            Implementation::Host => fused::shift(x, b, activation),
            #[cfg(feature = "gpu-kernels")]
            Implementation::Gpu => gpu::shift(x, b, activation),
            Implementation::Burn => self.activate(x + b.unsqueeze_dim(1), activation),
        }
    }

    /// `x·w` for the per-position channel mixing on devices other than the CPU: x
    /// `[batch·N, I]` (rows ordered batch, position), w `[I, O]` -> `[batch·N, O]`, computed
    /// as `[batch, N·I]·B` with `B = I_N ⊗ w` the block-diagonal `[N·I, N·O]`. Written as the
    /// plain `[batch·N, I]·[I, O]`, autodiff's weight gradient `xᵀ·dy` is a `[I, O]` product
    /// over all batch·N rows, which burn's GPU matmul gives to a handful of threads that each
    /// walk the whole inner dimension (~20 ms each on lavapipe for seed16); this way it is a
    /// wide `[N·I, N·O]` product over the batch plus a parallel sum over B's diagonal blocks.
    fn positions_product(&self, x: Tensor<2>, w: Tensor<2>) -> Tensor<2> {
        let ([rows, _], [_, outputs]) = (x.dims(), w.dims());
        self.positions_members_product(x.unsqueeze(), w.unsqueeze()).reshape([rows, outputs])
    }

    /// [`Kernels::positions_product`] per member: x `[K, batch·N, I]`, w `[K, I, O]` ->
    /// `[K, batch·N, O]`.
    fn positions_members_product(&self, x: Tensor<3>, w: Tensor<3>) -> Tensor<3> {
        let ([members, rows, inputs], [_, _, outputs]) = (x.dims(), w.dims());
        let n = self.bits;
        let blocks = self.position_eye.clone().unsqueeze::<5>() * w.reshape([members, 1, inputs, 1, outputs]); // [K, N, I, N, O]
        x.reshape([members, rows / n, n * inputs])
            .matmul(blocks.reshape([members, n * inputs, n * outputs]))
            .reshape([members, rows, outputs])
    }

    /// burn's own `f` (the path on devices other than the CPU).
    fn activate<const D: usize>(&self, x: Tensor<D>, activation: Activation) -> Tensor<D> {
        match activation {
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => burn::tensor::activation::sigmoid(x),
        }
    }
}

/// Whether tensors on `device` live in host memory (burn's CPU backend), where reading
/// them synchronously is cheap. Every other device keeps burn's own kernels.
pub(crate) fn is_host_device(device: &Device) -> bool {
    // Device equality ignores the autodiff decoration.
    *device == Device::flex()
}

/// The 0/1 tensor `S` with `reshape(w, [1, 8]) · S = M`, `M[t_in, col]` = conv1's weight
/// for input position `t_in` and output column `col = s·4 + k·2 + c`, where the output
/// position is `t = 2s + k`, the channel `c`, and `t_in = t + j − 1` for tap `j`.
fn conv1_selection(bits: usize, device: &Device) -> Tensor<2> {
    let (rows, cols) = (2 * bits, 4 * bits);
    let mut s = vec![0f32; 8 * rows * cols];
    for col in 0..cols {
        let (pos, k, c) = (col / 4, (col / 2) % 2, col % 2);
        let t = 2 * pos + k;
        for j in 0..4 {
            // "same" padding: 1 zero before, 2 after; out-of-range taps read zeros.
            let Some(t_in) = (t + j).checked_sub(1).filter(|&t_in| t_in < rows) else { continue };
            s[(c * 4 + j) * rows * cols + t_in * cols + col] = 1.0;
        }
    }
    Tensor::from_data(TensorData::new(s, [8, rows * cols]), device)
}
