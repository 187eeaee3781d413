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
    /// `f(x·W + b)`: x `[R, I]`, w `[I, O]`, b `[O]` -> `[R, O]`.
    fn mix(
        x: FloatTensor<Self>,
        w: FloatTensor<Self>,
        b: FloatTensor<Self>,
        sigmoid: bool,
    ) -> FloatTensor<Self>;
    /// `f(x + b)`: x `[R, O]`, b `[O]` -> `[R, O]`.
    fn shift(x: FloatTensor<Self>, b: FloatTensor<Self>, sigmoid: bool) -> FloatTensor<Self>;
}

fn activation(sigmoid: bool) -> Activation {
    if sigmoid { Activation::Sigmoid } else { Activation::Tanh }
}

/// A 2-D tensor's rows, columns and values (copied only when not contiguous).
fn matrix(t: &FlexTensor) -> (usize, usize, std::borrow::Cow<'_, [f32]>) {
    let dims = t.shape().to_vec();
    let (rows, cols) = match dims.as_slice() {
        [cols] => (1, *cols),
        [rows, cols] => (*rows, *cols),
        other => panic!("a fused host op takes matrices, not {other:?}"),
    };
    let values = match t.as_slice::<f32>() {
        Some(values) => std::borrow::Cow::Borrowed(values),
        None => {
            std::borrow::Cow::Owned(t.to_contiguous().as_slice::<f32>().expect("contiguous f32").to_vec())
        }
    };
    (rows, cols, values)
}

fn tensor(values: Vec<f32>, shape: Vec<usize>) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

impl HostOps for Flex {
    fn mix(x: FlexTensor, w: FlexTensor, b: FlexTensor, sigmoid: bool) -> FlexTensor {
        let (rows, inputs, x) = matrix(&x);
        let (w_rows, outputs, w) = matrix(&w);
        let (_, b_len, b) = matrix(&b);
        assert_eq!((w_rows, b_len), (inputs, outputs), "mix: x [R, I], w [I, O], b [O]");
        let mut y = vec![0f32; rows * outputs];
        mix_rows(&x, &w, &b, &mut y, inputs, outputs);
        apply(&mut y, activation(sigmoid));
        tensor(y, vec![rows, outputs])
    }

    fn shift(x: FlexTensor, b: FlexTensor, sigmoid: bool) -> FlexTensor {
        let (rows, cols, x) = matrix(&x);
        let (_, b_len, b) = matrix(&b);
        assert_eq!(b_len, cols, "shift: x [R, O], b [O]");
        let mut y = x.into_owned();
        for row in y.chunks_exact_mut(cols) {
            row.iter_mut().zip(b.iter()).for_each(|(v, &bias)| *v += bias);
        }
        apply(&mut y, activation(sigmoid));
        tensor(y, vec![rows, cols])
    }
}

// The backward passes' pieces, on the CPU backend's tensors.

/// `dy · f'`, `f'` read from the output `y`: both `[R, O]`.
fn through_activation(y: &FlexTensor, dy: FlexTensor, sigmoid: bool) -> FlexTensor {
    let (rows, cols, y) = matrix(y);
    let (_, _, dy) = matrix(&dy);
    let mut dz = dy.into_owned();
    match activation(sigmoid) {
        Activation::Tanh => dz.iter_mut().zip(y.iter()).for_each(|(d, &y)| *d *= 1.0 - y * y),
        Activation::Sigmoid => dz.iter_mut().zip(y.iter()).for_each(|(d, &y)| *d *= y * (1.0 - y)),
    }
    tensor(dz, vec![rows, cols])
}

/// `dz·Wᵀ`: dz `[R, O]`, w `[I, O]` -> `[R, I]`.
fn mix_input_grad(dz: &FlexTensor, w: &FlexTensor) -> FlexTensor {
    let (rows, outputs, dz) = matrix(dz);
    let (inputs, _, w) = matrix(w);
    let mut dx = vec![0f32; rows * inputs];
    input_grad(&dz, &w, &mut dx, inputs, outputs);
    tensor(dx, vec![rows, inputs])
}

/// `xᵀ·dz`: x `[R, I]`, dz `[R, O]` -> `[I, O]`.
fn mix_weight_grad(x: &FlexTensor, dz: &FlexTensor) -> FlexTensor {
    let (_, inputs, x) = matrix(x);
    let (_, outputs, dz) = matrix(dz);
    let mut dw = vec![0f32; inputs * outputs];
    weight_grad(&x, &dz, &mut dw, inputs, outputs);
    tensor(dw, vec![inputs, outputs])
}

/// The sum of each column: `[R, O]` -> `[O]`.
fn bias_grad(dz: &FlexTensor) -> FlexTensor {
    let (_, cols, dz) = matrix(dz);
    let mut sums = vec![0f32; cols];
    column_sums(&dz, &mut sums);
    tensor(sums, vec![cols])
}

/// The backward of [`HostOps::mix`]; state: x, w, the output y and `f`.
#[derive(Debug)]
struct MixBackward;

impl Backward<Flex, 3> for MixBackward {
    type State = (FlexTensor, FlexTensor, FlexTensor, bool);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, w, y, sigmoid) = ops.state;
        let dz = through_activation(&y, grads.consume::<Flex>(&ops.node), sigmoid);
        let [x_node, w_node, b_node] = ops.parents;
        if let Some(node) = w_node {
            grads.register::<Flex>(node.id, mix_weight_grad(&x, &dz));
        }
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, bias_grad(&dz));
        }
        if let Some(node) = x_node {
            grads.register::<Flex>(node.id, mix_input_grad(&dz, &w));
        }
    }
}

/// The backward of [`HostOps::shift`]; state: the output y and `f`.
#[derive(Debug)]
struct ShiftBackward;

impl Backward<Flex, 2> for ShiftBackward {
    type State = (FlexTensor, bool);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (y, sigmoid) = ops.state;
        let dz = through_activation(&y, grads.consume::<Flex>(&ops.node), sigmoid);
        let [x_node, b_node] = ops.parents;
        if let Some(node) = b_node {
            grads.register::<Flex>(node.id, bias_grad(&dz));
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
                let (x, w) = (x.into_primitive(), w.into_primitive());
                let y = Flex::mix(x.clone(), w.clone(), b.into_primitive(), sigmoid);
                prep.finish((x, w, y.clone(), sigmoid), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(Flex::mix(x.into_primitive(), w.into_primitive(), b.into_primitive(), sigmoid))
            }
        }
    }

    fn shift(x: FloatTensor<Self>, b: FloatTensor<Self>, sigmoid: bool) -> FloatTensor<Self> {
        match ShiftBackward.prepare::<C>([x.node(), b.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let y = Flex::shift(x.into_primitive(), b.into_primitive(), sigmoid);
                prep.finish((y.clone(), sigmoid), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(Flex::shift(x.into_primitive(), b.into_primitive(), sigmoid))
            }
        }
    }
}

/// `f(x·W + b)` on a host device (x `[R, I]`, w `[I, O]`, b `[O]` -> `[R, O]`).
pub fn mix(x: Tensor<2>, w: Tensor<2>, b: Tensor<1>, activation: Activation) -> Tensor<2> {
    use burn::backend::Dispatch;
    let sigmoid = activation == Activation::Sigmoid;
    Tensor::from_dispatch(<Dispatch as HostOps>::mix(
        x.into_dispatch(),
        w.into_dispatch(),
        b.into_dispatch(),
        sigmoid,
    ))
}

/// `f(x + b)` on a host device (x `[R, O]`, b `[O]` -> `[R, O]`).
pub fn shift(x: Tensor<2>, b: Tensor<1>, activation: Activation) -> Tensor<2> {
    use burn::backend::Dispatch;
    let sigmoid = activation == Activation::Sigmoid;
    Tensor::from_dispatch(<Dispatch as HostOps>::shift(x.into_dispatch(), b.into_dispatch(), sigmoid))
}
