//! Fused host operations for the CPU backend, each with its own backward pass:
//!
//! - [`HostOps::mix`]: `f(x·W + b)` for the per-position channel mixing of conv2–conv4, where
//!   `W` is tiny (`[4, 4]`, `[4, 1]`). burn-flex hands such a product to gemm, which spent
//!   ~60 µs on an `[8192, 4]·[4, 4]` product and ~45 µs more on its backward (measured with
//!   a scratch bench); a plain loop over the rows does it in a few.
//! - [`HostOps::shift`]: `f(x + b)` after the larger products (dense layers, conv1), which
//!   stay with gemm: one pass instead of burn's bias add, then `f` (one scalar libm call per
//!   value on this backend).
//!
//! Both also take a leading member dimension (x `[K, R, I]`, w `[K, I, O]`, b `[K, O]`): a
//! population's K networks ([`crate::nn::population`]), each member's rows through its own
//! weights.
//!
//! `f` is tanh or the sigmoid ([`Activation`]). The backward passes read `f'` from the output
//! (`1 − y²`, `y(1 − y)`) and run as plain functions on the CPU backend's tensors. burn
//! offers custom operations through its backend-extension macro and leaves the backward to
//! the user (as its own fused-kernel example does); no crate has these, so they are written
//! here. Only host devices (burn's CPU backend) run them.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Flex, TensorMetadata, backend_extension};
use burn::prelude::*;
use burn::tensor::TensorData;

use super::mix_loops::{column_sums, input_grad, mix as mix_rows, weight_grad};
use super::{Activation, apply};

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
    /// `f(x + b)`: x `[R, O]`, b `[O]` -> `[R, O]`; or x `[K, R, O]`, b `[K, O]`.
    fn shift(x: FloatTensor<Self>, b: FloatTensor<Self>, sigmoid: bool) -> FloatTensor<Self>;
}

fn activation(sigmoid: bool) -> Activation {
    if sigmoid { Activation::Sigmoid } else { Activation::Tanh }
}

/// A tensor as K stacked matrices: `[K, R, C]`, `[R, C]` (K = 1) or `[C]` (K = R = 1), with
/// its values (copied only when not contiguous).
struct Stack<'a> {
    dims: Vec<usize>,
    members: usize,
    rows: usize,
    cols: usize,
    values: std::borrow::Cow<'a, [f32]>,
}

impl<'a> Stack<'a> {
    fn of(t: &'a FlexTensor) -> Self {
        let dims = t.shape().to_vec();
        let (members, rows, cols) = match dims.as_slice() {
            [cols] => (1, 1, *cols),
            [rows, cols] => (1, *rows, *cols),
            [members, rows, cols] => (*members, *rows, *cols),
            other => panic!("a fused host op takes (stacked) matrices, not {other:?}"),
        };
        let values = match t.as_slice::<f32>() {
            Some(values) => std::borrow::Cow::Borrowed(values),
            None => {
                std::borrow::Cow::Owned(t.to_contiguous().as_slice::<f32>().expect("contiguous f32").to_vec())
            }
        };
        Self { dims, members, rows, cols, values }
    }

    /// Member `k`'s matrix, row-major.
    fn member(&self, k: usize) -> &[f32] {
        let len = self.rows * self.cols;
        &self.values[k * len..(k + 1) * len]
    }
}

/// A stacked bias `[K, O]` (or `[O]`) as K rows of O.
fn bias_rows(b: &FlexTensor) -> (usize, usize, Vec<f32>) {
    let b = Stack::of(b);
    (b.members * b.rows, b.cols, b.values.into_owned())
}

fn tensor(values: Vec<f32>, shape: Vec<usize>) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// `dims` with its last entry replaced by `last`.
fn with_last(dims: &[usize], last: usize) -> Vec<usize> {
    let mut dims = dims.to_vec();
    *dims.last_mut().expect("a shape") = last;
    dims
}

impl HostOps for Flex {
    fn mix(x: FlexTensor, w: FlexTensor, b: FlexTensor, sigmoid: bool) -> FlexTensor {
        let (x, w) = (Stack::of(&x), Stack::of(&w));
        let (b_rows, b_len, b) = bias_rows(&b);
        let (inputs, outputs) = (x.cols, w.cols);
        assert_eq!(
            (w.rows, b_len, w.members, b_rows),
            (inputs, outputs, x.members, x.members),
            "mix: x [K, R, I], w [K, I, O], b [K, O]"
        );
        let mut y = vec![0f32; x.members * x.rows * outputs];
        for (k, y) in y.chunks_exact_mut(x.rows * outputs).enumerate() {
            mix_rows(x.member(k), w.member(k), &b[k * outputs..][..outputs], y, inputs, outputs);
        }
        apply(&mut y, activation(sigmoid));
        tensor(y, with_last(&x.dims, outputs))
    }

    fn shift(x: FlexTensor, b: FlexTensor, sigmoid: bool) -> FlexTensor {
        let x = Stack::of(&x);
        let (b_rows, b_len, b) = bias_rows(&b);
        let (cols, dims) = (x.cols, x.dims.clone());
        assert_eq!((b_len, b_rows), (cols, x.members), "shift: x [K, R, O], b [K, O]");
        let mut y = x.values.into_owned();
        for (member, bias) in y.chunks_exact_mut(x.rows * cols).zip(b.chunks_exact(cols)) {
            for row in member.chunks_exact_mut(cols) {
                row.iter_mut().zip(bias).for_each(|(v, &bias)| *v += bias);
            }
        }
        apply(&mut y, activation(sigmoid));
        tensor(y, dims)
    }
}

// The backward passes' pieces, on the CPU backend's tensors.

/// `dy · f'`, `f'` read from the output `y` (any shape, both the same).
fn through_activation(y: &FlexTensor, dy: FlexTensor, sigmoid: bool) -> FlexTensor {
    let y = Stack::of(y);
    let dy = Stack::of(&dy);
    let mut dz = dy.values.into_owned();
    match activation(sigmoid) {
        Activation::Tanh => dz.iter_mut().zip(y.values.iter()).for_each(|(d, &y)| *d *= 1.0 - y * y),
        Activation::Sigmoid => dz.iter_mut().zip(y.values.iter()).for_each(|(d, &y)| *d *= y * (1.0 - y)),
    }
    tensor(dz, y.dims)
}

/// `dz·Wᵀ` member by member: dz `[K, R, O]`, w `[K, I, O]` -> `[K, R, I]`.
fn mix_input_grad(dz: &FlexTensor, w: &FlexTensor) -> FlexTensor {
    let (dz, w) = (Stack::of(dz), Stack::of(w));
    let (inputs, outputs) = (w.rows, w.cols);
    let mut dx = vec![0f32; dz.members * dz.rows * inputs];
    for (k, dx) in dx.chunks_exact_mut(dz.rows * inputs).enumerate() {
        input_grad(dz.member(k), w.member(k), dx, inputs, outputs);
    }
    tensor(dx, with_last(&dz.dims, inputs))
}

/// `xᵀ·dz` member by member: x `[K, R, I]`, dz `[K, R, O]` -> `[K, I, O]` (w's own shape).
fn mix_weight_grad(x: &FlexTensor, dz: &FlexTensor, w_dims: Vec<usize>) -> FlexTensor {
    let (x, dz) = (Stack::of(x), Stack::of(dz));
    let (inputs, outputs) = (x.cols, dz.cols);
    let mut dw = vec![0f32; x.members * inputs * outputs];
    for (k, dw) in dw.chunks_exact_mut(inputs * outputs).enumerate() {
        weight_grad(x.member(k), dz.member(k), dw, inputs, outputs);
    }
    tensor(dw, w_dims)
}

/// The sum of each member's columns: `[K, R, O]` -> `[K, O]` (the bias's own shape).
fn bias_grad(dz: &FlexTensor, b_dims: Vec<usize>) -> FlexTensor {
    let dz = Stack::of(dz);
    let mut sums = vec![0f32; dz.members * dz.cols];
    for (k, sums) in sums.chunks_exact_mut(dz.cols).enumerate() {
        column_sums(dz.member(k), sums);
    }
    tensor(sums, b_dims)
}

/// The backward of [`HostOps::mix`]; state: x, w, the output y, `f` and b's shape.
#[derive(Debug)]
struct MixBackward;

impl Backward<Flex, 3> for MixBackward {
    type State = (FlexTensor, FlexTensor, FlexTensor, bool, Vec<usize>);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, w, y, sigmoid, b_dims) = ops.state;
        let dz = through_activation(&y, grads.consume::<Flex>(&ops.node), sigmoid);
        let [x_node, w_node, b_node] = ops.parents;
        if let Some(node) = w_node {
            grads.register::<Flex>(node.id, mix_weight_grad(&x, &dz, w.shape().to_vec()));
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, bias_grad(&dz, b_dims));
        }
        if let Some(node) = x_node {
            grads.register::<Flex>(node.id, mix_input_grad(&dz, &w));
        }
    }
}

/// The backward of [`HostOps::shift`]; state: the output y, `f` and b's shape.
#[derive(Debug)]
struct ShiftBackward;

impl Backward<Flex, 2> for ShiftBackward {
    type State = (FlexTensor, bool, Vec<usize>);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (y, sigmoid, b_dims) = ops.state;
        let dz = through_activation(&y, grads.consume::<Flex>(&ops.node), sigmoid);
        let [x_node, b_node] = ops.parents;
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, bias_grad(&dz, b_dims));
        }
        if let Some(node) = x_node {
            grads.register::<Flex>(node.id, dz);
        }
    }
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
