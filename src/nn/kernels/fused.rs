//! Fused host operations for the CPU backend, each with its own backward pass:
//!
//! - [`HostOps::mix`]: `f(x·W + b)` for the per-position channel mixing of conv2–conv4, where
//!   `W` is tiny (`[4, 4]`, `[4, 1]`). burn-flex hands such a product to gemm, which spent
//!   ~60 µs on an `[8192, 4]·[4, 4]` product and ~45 µs more on its backward (measured with
//!   a scratch bench); a plain loop over the rows does it in a few. In the page's wasm the
//!   dense layers run through it too ([`super::dense_loops`]).
//! - [`HostOps::affine`]: `x·W + b` with no curve, for the attackers' dense layers in the
//!   page (see [`super::Kernels::linear`]).
//! - [`HostOps::shift`]: `f(x + b)` after the dense layers' products where those stay with
//!   gemm (natively): one pass instead of burn's bias add, then `f` (one scalar libm call
//!   per value on this backend).
//! - [`HostOps::conv1`]: `tanh(conv1(x))` as a direct four-tap stencil
//!   ([`super::conv1_loops`]) rather than the banded matrix product the other devices run.
//!
//! All three also take a leading member dimension (x `[K, R, I]`, w `[K, I, O]`, b `[K, O]`): a
//! population's K networks ([`crate::nn::population`]), each member's rows through its own
//! weights.
//!
//! `f` is tanh or the sigmoid ([`Activation`]). The backward passes read `f'` from the output
//! (`1 − y²`, `y(1 − y)`) and run as plain functions on the CPU backend's tensors. burn
//! offers custom operations through its backend-extension macro and leaves the backward to
//! the user (as its own fused-kernel example does); no crate has these, so they are written
//! here. Only host devices (burn's CPU backend) run them.

use std::borrow::Cow;

use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::ops::{Backward, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Flex, TensorMetadata, backend_extension};
use burn::prelude::*;

use super::conv1_loops::{TAPS, forward as conv1_rows};
use super::dense_loops;
use super::row_loops::mix as mix_rows;
use super::{Activation, Unwritten, apply};

mod host_tensors;
use host_tensors::{Stack, bias_rows, tensor, values, with_last, writable, written};

mod backward;
use backward::{AffineBackward, Conv1Backward, MixBackward, ShiftBackward};

/// The fused operations; implemented for burn's CPU backend and its autodiff. `sigmoid`
/// picks `f`: the sigmoid, else tanh (the macro passes plain arguments such as a bool).
#[backend_extension(Flex, Autodiff)]
pub trait HostOps: Backend {
    /// `f(x·W + b)`: x `[R, I]`, w `[I, O]`, b `[O]` -> `[R, O]`; or member by member, x
    /// `[K, R, I]`, w `[K, I, O]`, b `[K, O]` -> `[K, R, O]`.
    fn mix(
        x: FloatTensor<Self>,
        w: FloatTensor<Self>,
        b: FloatTensor<Self>,
        sigmoid: bool,
    ) -> FloatTensor<Self>;
    /// `x·W + b` with no curve, at the sizes [`super::dense_loops`] takes: x `[R, I]`, w
    /// `[I, O]`, b `[O]` -> `[R, O]`; or member by member as [`HostOps::mix`].
    fn affine(x: FloatTensor<Self>, w: FloatTensor<Self>, b: FloatTensor<Self>) -> FloatTensor<Self>;
    /// `f(x + b)`: x `[R, O]`, b `[O]` -> `[R, O]`; or x `[K, R, O]`, b `[K, O]`.
    fn shift(x: FloatTensor<Self>, b: FloatTensor<Self>, sigmoid: bool) -> FloatTensor<Self>;
    /// `tanh(conv1(x))`: x `[R, 2N]`, w `[C, 1, 4]`, b `[C]` -> `[R·N, 2C]` in the matrix
    /// form's column order ([`super::conv1_loops`]); or x `[K, R, 2N]`, w `[K, C, 1, 4]`, b
    /// `[K, C]` -> `[K, R·N, 2C]`.
    fn conv1(x: FloatTensor<Self>, w: FloatTensor<Self>, b: FloatTensor<Self>) -> FloatTensor<Self>;
}

fn activation(sigmoid: bool) -> Activation {
    if sigmoid { Activation::Sigmoid } else { Activation::Tanh }
}

/// `x·W + b` member by member (x `[K, R, I]`, w `[K, I, O]`, b `[K, O]`) by the row loops of
/// [`mix_rows`]: the values `[K, R, O]` and their shape.
fn products(x: &FlexTensor, w: &FlexTensor, b: &FlexTensor) -> (Vec<f32>, Vec<usize>) {
    let (x, w) = (Stack::of(x), Stack::of(w));
    let (b_rows, b_len, b) = bias_rows(b);
    let (inputs, outputs) = (x.cols, w.cols);
    assert_eq!(
        (w.rows, b_len, w.members, b_rows),
        (inputs, outputs, x.members, x.members),
        "x [K, R, I], w [K, I, O], b [K, O]"
    );
    let y = written(x.members * x.rows * outputs, |y| {
        for (k, y) in y.chunks_exact_mut(x.rows * outputs).enumerate() {
            mix_rows(x.member(k), w.member(k), &b[k * outputs..][..outputs], y, inputs, outputs);
        }
    });
    (y, with_last(&x.dims, outputs))
}

impl HostOps for Flex {
    fn mix(x: FlexTensor, w: FlexTensor, b: FlexTensor, sigmoid: bool) -> FlexTensor {
        let (mut y, dims) = products(&x, &w, &b);
        apply(&mut y, activation(sigmoid));
        tensor(y, dims)
    }

    fn affine(x: FlexTensor, w: FlexTensor, b: FlexTensor) -> FlexTensor {
        let [.., inputs, outputs] = *w.shape().to_vec().as_slice() else { panic!("affine: w [.., I, O]") };
        assert!(dense_loops::fits(inputs, outputs), "affine: {inputs} -> {outputs} is not a blocked size");
        let (y, dims) = products(&x, &w, &b);
        tensor(y, dims)
    }

    fn shift(x: FlexTensor, b: FlexTensor, sigmoid: bool) -> FlexTensor {
        let (members, rows, cols) = Stack::sizes(&x.shape().to_vec());
        let (b_rows, b_len, b) = bias_rows(&b);
        assert_eq!((b_len, b_rows), (cols, members), "shift: x [K, R, O], b [K, O]");
        // The product before it is not kept for the backward pass: add in place.
        let mut y = writable(x);
        let values = y.storage_mut::<f32>();
        for (member, bias) in values.chunks_exact_mut(rows * cols).zip(b.chunks_exact(cols)) {
            for row in member.chunks_exact_mut(cols) {
                row.iter_mut().zip(bias).for_each(|(v, &bias)| *v += bias);
            }
        }
        apply(values, activation(sigmoid));
        y
    }

    fn conv1(x: FlexTensor, w: FlexTensor, b: FlexTensor) -> FlexTensor {
        let x = Stack::of(&x);
        let (members, channels, w) = conv1_weights(&w);
        let (b_rows, b_len, b) = bias_rows(&b);
        assert_eq!(
            (members, b_rows, b_len),
            (x.members, x.members, channels),
            "conv1: x [K, R, 2N], w [K, C, 1, 4], b [K, C]"
        );
        let len = x.cols;
        let mut y = written(x.members * x.rows * len * channels, |y| {
            for (k, y) in y.chunks_exact_mut(x.rows * len * channels).enumerate() {
                let w = &w[k * channels * TAPS..][..channels * TAPS];
                conv1_rows(x.member(k), w, &b[k * channels..][..channels], y, len);
            }
        });
        apply(&mut y, Activation::Tanh);
        tensor(y, conv1_output_dims(&x.dims, channels))
    }
}

/// conv1's weights `[C, 1, 4]` or `[K, C, 1, 4]` as (K, C, their values).
fn conv1_weights(w: &FlexTensor) -> (usize, usize, Cow<'_, [f32]>) {
    let (members, channels) = match *w.shape().to_vec().as_slice() {
        [channels, 1, TAPS] => (1, channels),
        [members, channels, 1, TAPS] => (members, channels),
        ref other => panic!("conv1 weights are [K, C, 1, 4], not {other:?}"),
    };
    (members, channels, values(w))
}

/// The shape of conv1's output for an input of shape `x_dims` (`[.., R, 2N]`) and C
/// channels: `[.., R·N, 2C]`.
fn conv1_output_dims(x_dims: &[usize], channels: usize) -> Vec<usize> {
    let [lead @ .., rows, len] = x_dims else { panic!("conv1 takes rows of a signal") };
    lead.iter().copied().chain([rows * len / 2, 2 * channels]).collect()
}

impl<C: CheckpointStrategy> HostOps for Autodiff<Flex, C> {
    fn mix(
        x: FloatTensor<Self>,
        w: FloatTensor<Self>,
        b: FloatTensor<Self>,
        sigmoid: bool,
    ) -> FloatTensor<Self> {
        match MixBackward.prepare::<C>([x.node(), w.node(), b.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (x, w, b) = (x.into_primitive(), w.into_primitive(), b.into_primitive());
                let b_dims = b.shape().to_vec();
                let y = Flex::mix(x.clone(), w.clone(), b, sigmoid);
                prep.finish((x, w, y.clone(), sigmoid, b_dims), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(Flex::mix(x.into_primitive(), w.into_primitive(), b.into_primitive(), sigmoid))
            }
        }
    }

    fn affine(x: FloatTensor<Self>, w: FloatTensor<Self>, b: FloatTensor<Self>) -> FloatTensor<Self> {
        match AffineBackward.prepare::<C>([x.node(), w.node(), b.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (x, w, b) = (x.into_primitive(), w.into_primitive(), b.into_primitive());
                let b_dims = b.shape().to_vec();
                let y = Flex::affine(x.clone(), w.clone(), b);
                prep.finish((x, w, b_dims), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(Flex::affine(x.into_primitive(), w.into_primitive(), b.into_primitive()))
            }
        }
    }

    fn shift(x: FloatTensor<Self>, b: FloatTensor<Self>, sigmoid: bool) -> FloatTensor<Self> {
        match ShiftBackward.prepare::<C>([x.node(), b.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let b = b.into_primitive();
                let b_dims = b.shape().to_vec();
                let y = Flex::shift(x.into_primitive(), b, sigmoid);
                prep.finish((y.clone(), sigmoid, b_dims), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(Flex::shift(x.into_primitive(), b.into_primitive(), sigmoid))
            }
        }
    }

    fn conv1(x: FloatTensor<Self>, w: FloatTensor<Self>, b: FloatTensor<Self>) -> FloatTensor<Self> {
        match Conv1Backward.prepare::<C>([x.node(), w.node(), b.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (x, w, b) = (x.into_primitive(), w.into_primitive(), b.into_primitive());
                let b_dims = b.shape().to_vec();
                let y = Flex::conv1(x.clone(), w.clone(), b);
                prep.finish((x, w, y.clone(), b_dims), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(Flex::conv1(x.into_primitive(), w.into_primitive(), b.into_primitive()))
            }
        }
    }
}

/// `f(x·W + b)` on a host device: x `[R, I]`, w `[I, O]`, b `[O]` -> `[R, O]`, or member by
/// member (x `[K, R, I]`, w `[K, I, O]`, b `[K, O]` -> `[K, R, O]`).
pub fn mix<const D: usize, const B: usize>(
    x: Tensor<D>,
    w: Tensor<D>,
    b: Tensor<B>,
    activation: Activation,
) -> Tensor<D> {
    use burn::backend::Dispatch;
    let sigmoid = activation == Activation::Sigmoid;
    Tensor::from_dispatch(<Dispatch as HostOps>::mix(
        x.into_dispatch(),
        w.into_dispatch(),
        b.into_dispatch(),
        sigmoid,
    ))
}

/// `x·W + b` on a host device, at the sizes [`super::dense_loops`] takes: x `[R, I]`, w
/// `[I, O]`, b `[O]` -> `[R, O]`.
pub fn affine(x: Tensor<2>, w: Tensor<2>, b: Tensor<1>) -> Tensor<2> {
    use burn::backend::Dispatch;
    Tensor::from_dispatch(<Dispatch as HostOps>::affine(
        x.into_dispatch(),
        w.into_dispatch(),
        b.into_dispatch(),
    ))
}

/// `f(x + b)` on a host device: x `[R, O]`, b `[O]`, or x `[K, R, O]`, b `[K, O]`.
pub fn shift<const D: usize, const B: usize>(
    x: Tensor<D>,
    b: Tensor<B>,
    activation: Activation,
) -> Tensor<D> {
    use burn::backend::Dispatch;
    let sigmoid = activation == Activation::Sigmoid;
    Tensor::from_dispatch(<Dispatch as HostOps>::shift(x.into_dispatch(), b.into_dispatch(), sigmoid))
}

/// `tanh(conv1(x))` on a host device: x `[R, 2N]`, w `[C, 1, 4]`, b `[C]` -> `[R·N, 2C]`, or
/// member by member (x `[K, R, 2N]`, w `[K, C, 1, 4]`, b `[K, C]` -> `[K, R·N, 2C]`); columns
/// in the matrix form's order ([`super::conv1_loops`]).
pub fn conv1<const D: usize, const W: usize, const B: usize>(
    x: Tensor<D>,
    w: Tensor<W>,
    b: Tensor<B>,
) -> Tensor<D> {
    use burn::backend::Dispatch;
    Tensor::from_dispatch(<Dispatch as HostOps>::conv1(
        x.into_dispatch(),
        w.into_dispatch(),
        b.into_dispatch(),
    ))
}
