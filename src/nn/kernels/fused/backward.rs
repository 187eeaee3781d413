//! The backward passes of the fused host operations ([`super::HostOps`]) and their pieces,
//! on the CPU backend's tensors: each reads `f'` from the output and works member by member.

use burn::backend::Flex;
use burn::backend::TensorMetadata;
use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops};
use burn::backend::flex::FlexTensor;

use super::super::conv1_loops::{TAPS, backward as conv1_grads};
use super::super::dense_loops::product_grads;
use super::super::mix_loops::{MixGrads, MixRows, column_sums};
use super::super::row_loops::backward as mix_backward;
use super::super::slope;
use super::{Activation, Stack, Unwritten, activation, conv1_weights, tensor, values, writable, written};

/// `dy · f'`, `f'` read from the output `y` (any shape, both the same).
fn through_activation(y: &FlexTensor, dy: FlexTensor, sigmoid: bool) -> FlexTensor {
    let y = values(y);
    let mut dz = writable(dy); // dy is not needed after this
    let d = dz.storage_mut::<f32>();
    // One loop per curve, so that each compiles without a branch inside.
    match activation(sigmoid) {
        Activation::Tanh => d.iter_mut().zip(y.iter()).for_each(|(d, &y)| *d *= slope(y, Activation::Tanh)),
        Activation::Sigmoid => {
            d.iter_mut().zip(y.iter()).for_each(|(d, &y)| *d *= slope(y, Activation::Sigmoid))
        }
    }
    dz
}

/// The gradients of the mixing member by member, from x `[K, R, I]`, w `[K, I, O]`, the
/// output y and its gradient dy `[K, R, O]`: dx in x's shape (if `want_dx`), dw `[K·I·O]`
/// and db `[K·O]` values.
fn mix_grads(
    (x, w, y, dy): (&FlexTensor, &FlexTensor, &FlexTensor, &FlexTensor),
    sigmoid: bool,
    want_dx: bool,
) -> XwbGrads {
    let (x, w, y, dy) = (Stack::of(x), Stack::of(w), Stack::of(y), Stack::of(dy));
    let (inputs, outputs) = (w.rows, w.cols);
    member_grads(&x, &w, want_dx, |k, grads| {
        let curve = activation(sigmoid);
        let rows = MixRows { x: x.member(k), y: y.member(k), dy: dy.member(k), w: w.member(k), curve };
        mix_backward(rows, grads, inputs, outputs);
    })
}

/// The gradients of `x·W + b` member by member, from x `[K, R, I]`, w `[K, I, O]` and the
/// output's gradient dz `[K, R, O]`, as [`mix_grads`] gives them.
fn affine_grads((x, w, dz): (&FlexTensor, &FlexTensor, &FlexTensor), want_dx: bool) -> XwbGrads {
    let (x, w, dz) = (Stack::of(x), Stack::of(w), Stack::of(dz));
    let (inputs, outputs) = (w.rows, w.cols);
    member_grads(&x, &w, want_dx, |k, grads| {
        product_grads((x.member(k), dz.member(k), w.member(k)), grads, inputs, outputs);
    })
}

/// Runs `member(k, its gradients)` for every member of x `[K, R, I]` and w `[K, I, O]`,
/// each writing its slices of dx (when `want_dx`), dw and db; returns them all.
fn member_grads(x: &Stack, w: &Stack, want_dx: bool, member: impl Fn(usize, MixGrads<'_>)) -> XwbGrads {
    let (inputs, outputs) = (w.rows, w.cols);
    let (mut dw, mut db) = (vec![0f32; w.values.len()], vec![0f32; x.members * outputs]);
    let per_member = x.rows * inputs;
    let mut members = |mut dx: Option<&mut [Unwritten]>| {
        let each = dw.chunks_exact_mut(inputs * outputs).zip(db.chunks_exact_mut(outputs));
        for (k, (dw, db)) in each.enumerate() {
            let dx = dx.as_deref_mut().map(|dx| &mut dx[k * per_member..][..per_member]);
            member(k, MixGrads { dx, dw, db });
        }
    };
    let dx = with_dx(want_dx, x.values.len(), &mut members);
    (dx, dw, db)
}

/// Runs `members` (the row loops of every member) with an input gradient of `len` values to
/// write when `want_dx`, and returns it.
fn with_dx(
    want_dx: bool,
    len: usize,
    members: &mut impl FnMut(Option<&mut [Unwritten]>),
) -> Option<Vec<f32>> {
    if want_dx {
        Some(written(len, |dx| members(Some(dx))))
    } else {
        members(None);
        None
    }
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

/// An operation's gradients for its inputs x (computed only when asked for), w and b, as
/// values.
type XwbGrads = (Option<Vec<f32>>, Vec<f32>, Vec<f32>);

/// Registers `computed` for the inputs x, w and b whose nodes (`parents`, in that order)
/// take part in autodiff, each in its input's shape (`shapes`, the same order).
fn register_xwb(
    grads: &mut Gradients,
    parents: [Option<NodeId>; 3],
    computed: XwbGrads,
    shapes: [Vec<usize>; 3],
) {
    let (dx, dw, db) = computed;
    let [x_node, w_node, b_node] = parents;
    let [x_dims, w_dims, b_dims] = shapes;
    if let Some(id) = w_node {
        grads.register::<Flex>(id, tensor(dw, w_dims));
    }
    if let Some(id) = b_node {
        grads.register::<Flex>(id, tensor(db, b_dims));
    }
    if let (Some(id), Some(dx)) = (x_node, dx) {
        grads.register::<Flex>(id, tensor(dx, x_dims));
    }
}

/// The backward of [`HostOps::mix`]; state: x, w, the output y, `f` and b's shape.
#[derive(Debug)]
pub(super) struct MixBackward;

impl Backward<Flex, 3> for MixBackward {
    type State = (FlexTensor, FlexTensor, FlexTensor, bool, Vec<usize>);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, w, y, sigmoid, b_dims) = ops.state;
        let dy = grads.consume::<Flex>(&ops.node);
        let [x_node, w_node, b_node] = ops.parents;
        let computed = mix_grads((&x, &w, &y, &dy), sigmoid, x_node.is_some());
        let shapes = [x.shape().to_vec(), w.shape().to_vec(), b_dims];
        register_xwb(grads, [x_node, w_node, b_node].map(|n| n.map(|n| n.id)), computed, shapes);
    }
}

/// The backward of [`HostOps::affine`]; state: x, w and b's shape.
#[derive(Debug)]
pub(super) struct AffineBackward;

impl Backward<Flex, 3> for AffineBackward {
    type State = (FlexTensor, FlexTensor, Vec<usize>);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, w, b_dims) = ops.state;
        let dz = grads.consume::<Flex>(&ops.node);
        let [x_node, w_node, b_node] = ops.parents;
        let computed = affine_grads((&x, &w, &dz), x_node.is_some());
        let shapes = [x.shape().to_vec(), w.shape().to_vec(), b_dims];
        register_xwb(grads, [x_node, w_node, b_node].map(|n| n.map(|n| n.id)), computed, shapes);
    }
}

/// The backward of [`HostOps::shift`]; state: the output y, `f` and b's shape.
#[derive(Debug)]
pub(super) struct ShiftBackward;

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

/// The backward of [`HostOps::conv1`]; state: x, w, the output y and b's shape.
#[derive(Debug)]
pub(super) struct Conv1Backward;

impl Backward<Flex, 3> for Conv1Backward {
    type State = (FlexTensor, FlexTensor, FlexTensor, Vec<usize>);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, w, y, b_dims) = ops.state;
        let dy = grads.consume::<Flex>(&ops.node);
        let [x_node, w_node, b_node] = ops.parents;
        let computed = conv1_backward(&x, &w, (&y, &dy), x_node.is_some());
        let shapes = [x.shape().to_vec(), w.shape().to_vec(), b_dims];
        register_xwb(grads, [x_node, w_node, b_node].map(|n| n.map(|n| n.id)), computed, shapes);
    }
}

/// conv1's gradients member by member, from its output y and that output's gradient dy: dx
/// (if `want_dx`) in x's shape, dw in w's, db as `[K·C]` values.
fn conv1_backward(
    x: &FlexTensor,
    w: &FlexTensor,
    (y, dy): (&FlexTensor, &FlexTensor),
    want_dx: bool,
) -> XwbGrads {
    let x = Stack::of(x);
    let (_, channels, w) = conv1_weights(w);
    let (y, dy) = (values(y), values(dy));
    let len = x.cols;
    let (mut dw, mut db) = (vec![0f32; w.len()], vec![0f32; x.members * channels]);
    let (per_member, dx_per_member) = (x.rows * len * channels, x.rows * len);
    let mut members = |mut dx: Option<&mut [Unwritten]>| {
        for k in 0..x.members {
            let dx = dx.as_deref_mut().map(|dx| &mut dx[k * dx_per_member..][..dx_per_member]);
            let (dw, db) =
                (&mut dw[k * channels * TAPS..][..channels * TAPS], &mut db[k * channels..][..channels]);
            let w = &w[k * channels * TAPS..][..channels * TAPS];
            let outputs = (&y[k * per_member..][..per_member], &dy[k * per_member..][..per_member]);
            conv1_grads(x.member(k), w, outputs, dx, dw, db, len);
        }
    };
    let dx = with_dx(want_dx, x.values.len(), &mut members);
    (dx, dw, db)
}
