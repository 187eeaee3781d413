//! The fused GPU operations under autodiff: the forward pass keeps what its backward pass
//! reads (x, w and the output y for the mixing; y for the shift) and the backward passes run
//! the kernels of [`super`].

use burn::backend::autodiff::NodeId;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, TensorMetadata};
use burn_cubecl::CubeBackend;
use burn_cubecl::tensor::CubeTensor;

use super::{GpuOps, mix_grads, shift_grads};

impl<C: CheckpointStrategy> GpuOps for Autodiff<CubeBackend, C> {
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
                let y = CubeBackend::mix(x.clone(), w.clone(), b, sigmoid);
                prep.finish((x, w, y.clone(), sigmoid, b_dims), y)
            }
            OpsKind::UnTracked(prep) => prep.finish(CubeBackend::mix(
                x.into_primitive(),
                w.into_primitive(),
                b.into_primitive(),
                sigmoid,
            )),
        }
    }

    fn shift(x: FloatTensor<Self>, b: FloatTensor<Self>, sigmoid: bool) -> FloatTensor<Self> {
        match ShiftBackward.prepare::<C>([x.node(), b.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let b = b.into_primitive();
                let b_dims = b.shape().to_vec();
                let y = CubeBackend::shift(x.into_primitive(), b, sigmoid);
                prep.finish((y.clone(), sigmoid, b_dims), y)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(CubeBackend::shift(x.into_primitive(), b.into_primitive(), sigmoid))
            }
        }
    }
}

/// `t` reshaped to `dims` (a contiguous kernel output: no copy).
fn shaped(t: CubeTensor, dims: Vec<usize>) -> CubeTensor {
    CubeBackend::float_reshape(t, dims.into())
}

fn register(grads: &mut Gradients, node: Option<NodeId>, grad: CubeTensor, dims: Vec<usize>) {
    if let Some(id) = node {
        grads.register::<CubeBackend>(id, shaped(grad, dims));
    }
}

/// The backward of [`GpuOps::mix`]; state: x, w, the output y, `f` and b's shape.
#[derive(Debug)]
struct MixBackward;

impl Backward<CubeBackend, 3> for MixBackward {
    type State = (CubeTensor, CubeTensor, CubeTensor, bool, Vec<usize>);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (x, w, y, sigmoid, b_dims) = ops.state;
        let dy = grads.consume::<CubeBackend>(&ops.node);
        let [x_node, w_node, b_node] = ops.parents.map(|n| n.map(|n| n.id));
        let (x_dims, w_dims) = (x.shape().to_vec(), w.shape().to_vec());
        let (dx, dw, db) = mix_grads((x, w, y, dy), sigmoid, x_node.is_some());
        register(grads, w_node, dw, w_dims);
        register(grads, b_node, db, b_dims);
        if let Some(dx) = dx {
            register(grads, x_node, dx, x_dims);
        }
    }
}

/// The backward of [`GpuOps::shift`]; state: the output y, `f` and b's shape.
#[derive(Debug)]
struct ShiftBackward;

impl Backward<CubeBackend, 2> for ShiftBackward {
    type State = (CubeTensor, bool, Vec<usize>);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let (y, sigmoid, b_dims) = ops.state;
        let dy = grads.consume::<CubeBackend>(&ops.node);
        let [x_node, b_node] = ops.parents.map(|n| n.map(|n| n.id));
        let period = *b_dims.last().expect("a bias shape");
        let y_dims = y.shape().to_vec();
        let (dx, db) = shift_grads(y, dy, period, sigmoid);
        register(grads, b_node, db, b_dims);
        register(grads, x_node, dx, y_dims);
    }
}
