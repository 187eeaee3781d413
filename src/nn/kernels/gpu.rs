//! Fused operations for GPU devices (burn's cubecl backend: wgpu natively, WebGPU in the
//! page), each with its own backward pass ([`backward`]):
//!
//! - [`GpuOps::mix`]: `f(x·W + b)` for the per-position channel mixing, one kernel. Through
//!   burn's own ops it was a block-diagonal product, a bias add and `f` forward (4 launches)
//!   and ~11 back (burn's tanh backward alone is five element-wise kernels); here the
//!   backward pass is three kernels: dx, per-chunk sums of the weight and bias gradients,
//!   and those sums added up.
//! - [`GpuOps::shift`]: `f(x + b)` after a product, b repeating along the row (a period of
//!   one bias per column, or conv1's two channels over its taps). One kernel forward, two
//!   back.
//!
//! All take a leading member dimension too (x `[K, R, I]`, w `[K, I, O]`, b `[K, O]`), as
//! the host operations do ([`super::fused`]). The weight and bias gradients are sums over
//! every row (batch·N of them): each thread of the first kernel sums one chunk of ~√R rows
//! and the second adds the chunks, so no thread walks all R rows (the shape that made burn's
//! `[4, 4]`-output products slow on a GPU; docs/benchmarks.md, "GPU"). burn offers custom kernels
//! through its backend-extension macro and cubecl, and leaves the backward pass to the user;
//! no crate has these, so they are written here.

use burn::backend::{Backend, backend_extension, tensor::FloatTensor};
use burn::prelude::*;
use burn_cubecl::CubeBackend;
use burn_cubecl::cubecl::calculate_cube_count_elemwise;
use burn_cubecl::cubecl::prelude::{BufferArg, CubeCount, CubeDim};
use burn_cubecl::kernel::into_contiguous;
use burn_cubecl::ops::numeric::empty_device_contiguous_dtype;
use burn_cubecl::tensor::CubeTensor;

use super::Activation;

mod backward;
mod cube;
use cube::{
    add_mix_chunks, add_shift_chunks, mix_chunk_sums, mix_forward, mix_input_grad, shift_chunk_sums,
    shift_forward,
};

/// The fused GPU operations; implemented for burn's cubecl backend and its autodiff.
/// `sigmoid` picks `f`: the sigmoid, else tanh.
#[backend_extension(Cube: cfg(feature = "gpu-kernels"), Autodiff)]
pub trait GpuOps: Backend {
    /// `f(x·W + b)`: x `[R, I]`, w `[I, O]`, b `[O]` -> `[R, O]`; or member by member, x
    /// `[K, R, I]`, w `[K, I, O]`, b `[K, O]` -> `[K, R, O]`.
    fn mix(
        x: FloatTensor<Self>,
        w: FloatTensor<Self>,
        b: FloatTensor<Self>,
        sigmoid: bool,
    ) -> FloatTensor<Self>;
    /// `f(x + b)` with b repeating along each row: x `[R, C]`, b `[P]` -> `[R, C]`; or x
    /// `[K, R, C]`, b `[K, P]`; column c gets `b[c mod P]` (C a multiple of P).
    fn shift(x: FloatTensor<Self>, b: FloatTensor<Self>, sigmoid: bool) -> FloatTensor<Self>;
}

/// A tensor as (K, R, C): `[K, R, C]`, `[R, C]` (K = 1) or `[C]` (K = R = 1).
fn stack_sizes(t: &CubeTensor) -> (usize, usize, usize) {
    match *t.meta.shape().as_slice() {
        [cols] => (1, 1, cols),
        [rows, cols] => (1, rows, cols),
        [members, rows, cols] => (members, rows, cols),
        ref other => panic!("a fused GPU op takes (stacked) matrices, not {other:?}"),
    }
}

/// An uninitialised contiguous f32 tensor of `shape` on `like`'s device.
fn empty_like(like: &CubeTensor, shape: Vec<usize>) -> CubeTensor {
    empty_device_contiguous_dtype(like.client.clone(), like.device.clone(), shape.into(), like.dtype)
}

/// The tensor's values as a kernel's flat buffer (copied first if not contiguous).
fn flat(t: CubeTensor) -> BufferArg {
    assert_eq!(t.dtype, burn::tensor::DType::F32, "the fused GPU ops run in f32");
    into_contiguous(t).into_buffer_arg()
}

/// (cube count, cube dim) for one thread per each of `units` values.
fn grid(t: &CubeTensor, units: usize) -> (CubeCount, CubeDim) {
    let dim = CubeDim::new(&t.client, units);
    (calculate_cube_count_elemwise(&t.client, units, dim), dim)
}

/// Rows per chunk (~√R) and the number of chunks for sums over `rows` rows.
fn chunking(rows: usize) -> (usize, usize) {
    let chunk = (rows as f64).sqrt().ceil().max(1.0) as usize;
    (chunk, rows.div_ceil(chunk))
}

impl GpuOps for CubeBackend {
    fn mix(x: CubeTensor, w: CubeTensor, b: CubeTensor, sigmoid: bool) -> CubeTensor {
        let ((members, rows, inputs), (w_members, w_rows, outputs)) = (stack_sizes(&x), stack_sizes(&w));
        let (b_members, b_rows, b_len) = stack_sizes(&b);
        assert_eq!(
            (w_rows, w_members, b_len, b_members * b_rows),
            (inputs, members, outputs, members),
            "mix: x [K, R, I], w [K, I, O], b [K, O]"
        );
        let mut dims = x.meta.shape().to_vec();
        *dims.last_mut().expect("a shape") = outputs;
        let y = empty_like(&x, dims);
        let (count, dim) = grid(&y, members * rows * outputs);
        let client = y.client.clone();
        mix_forward::launch(
            &client,
            count,
            dim,
            flat(x),
            flat(w),
            flat(b),
            y.clone().into_buffer_arg(),
            rows,
            inputs,
            outputs,
            sigmoid,
        );
        y
    }

    fn shift(x: CubeTensor, b: CubeTensor, sigmoid: bool) -> CubeTensor {
        let (members, rows, cols) = stack_sizes(&x);
        let (b_members, b_rows, period) = stack_sizes(&b);
        assert!(
            b_members * b_rows == members && cols.is_multiple_of(period),
            "shift: x [K, R, C], b [K, P] with C a multiple of P"
        );
        let y = empty_like(&x, x.meta.shape().to_vec());
        let (count, dim) = grid(&y, members * rows * cols);
        let client = y.client.clone();
        shift_forward::launch(
            &client,
            count,
            dim,
            flat(x),
            flat(b),
            y.clone().into_buffer_arg(),
            rows * cols,
            cols,
            period,
            sigmoid,
        );
        y
    }
}

/// The mixing's gradients from x `[K, R, I]`, w `[K, I, O]`, its output y and y's gradient
/// dy `[K, R, O]`: dx in x's shape (if `want_dx`), dw `[K, I, O]` and db `[K, O]` (reshape
/// them to w's and b's shapes).
fn mix_grads(
    (x, w, y, dy): (CubeTensor, CubeTensor, CubeTensor, CubeTensor),
    sigmoid: bool,
    want_dx: bool,
) -> (Option<CubeTensor>, CubeTensor, CubeTensor) {
    let ((members, rows, inputs), (_, _, outputs)) = (stack_sizes(&x), stack_sizes(&w));
    let client = x.client.clone();
    let (y, dy) = (into_contiguous(y), into_contiguous(dy));
    let dx = want_dx.then(|| {
        let dx = empty_like(&x, x.meta.shape().to_vec());
        let (count, dim) = grid(&dx, members * rows * inputs);
        mix_input_grad::launch(
            &client,
            count,
            dim,
            flat(y.clone()),
            flat(dy.clone()),
            flat(w),
            dx.clone().into_buffer_arg(),
            rows,
            inputs,
            outputs,
            sigmoid,
        );
        dx
    });
    let (chunk, chunks) = chunking(rows);
    let width = (inputs + 1) * outputs;
    let part = empty_like(&x, vec![members, chunks, width]);
    let (count, dim) = grid(&part, members * chunks * width);
    mix_chunk_sums::launch(
        &client,
        count,
        dim,
        flat(x.clone()),
        flat(y),
        flat(dy),
        part.clone().into_buffer_arg(),
        rows,
        inputs,
        outputs,
        chunk,
        chunks,
        sigmoid,
    );
    let (dw, db) = (empty_like(&x, vec![members, inputs, outputs]), empty_like(&x, vec![members, outputs]));
    let (count, dim) = grid(&dw, members * width);
    add_mix_chunks::launch(
        &client,
        count,
        dim,
        part.into_buffer_arg(),
        dw.clone().into_buffer_arg(),
        db.clone().into_buffer_arg(),
        chunks,
        inputs * outputs,
        outputs,
    );
    (dx, dw, db)
}

/// The shift's gradients from its output y and y's gradient dy `[K, R, C]` and a bias of
/// period P: dx in y's shape and db `[K, P]`.
fn shift_grads(y: CubeTensor, dy: CubeTensor, period: usize, sigmoid: bool) -> (CubeTensor, CubeTensor) {
    let (members, rows, cols) = stack_sizes(&y);
    let (chunk, chunks) = chunking(rows);
    let dx = empty_like(&y, y.meta.shape().to_vec());
    let part = empty_like(&y, vec![members, chunks, cols]);
    let (count, dim) = grid(&part, members * chunks * cols);
    let client = y.client.clone();
    shift_chunk_sums::launch(
        &client,
        count,
        dim,
        flat(y),
        flat(dy),
        dx.clone().into_buffer_arg(),
        part.clone().into_buffer_arg(),
        rows,
        cols,
        chunk,
        chunks,
        sigmoid,
    );
    let db = empty_like(&dx, vec![members, period]);
    let (count, dim) = grid(&db, members * period);
    add_shift_chunks::launch(
        &client,
        count,
        dim,
        part.into_buffer_arg(),
        db.clone().into_buffer_arg(),
        chunks,
        period,
        cols / period,
    );
    (dx, db)
}

/// `f(x·W + b)` on a GPU device: x `[R, I]`, w `[I, O]`, b `[O]` -> `[R, O]`, or member by
/// member (x `[K, R, I]`, w `[K, I, O]`, b `[K, O]` -> `[K, R, O]`).
pub fn mix<const D: usize, const B: usize>(
    x: Tensor<D>,
    w: Tensor<D>,
    b: Tensor<B>,
    activation: Activation,
) -> Tensor<D> {
    use burn::backend::Dispatch;
    let sigmoid = activation == Activation::Sigmoid;
    Tensor::from_dispatch(<Dispatch as GpuOps>::mix(
        x.into_dispatch(),
        w.into_dispatch(),
        b.into_dispatch(),
        sigmoid,
    ))
}

/// `f(x + b)` on a GPU device, b repeating along each row: x `[R, C]`, b `[P]`, or x `[K, R,
/// C]`, b `[K, P]` (C a multiple of P).
pub fn shift<const D: usize, const B: usize>(
    x: Tensor<D>,
    b: Tensor<B>,
    activation: Activation,
) -> Tensor<D> {
    use burn::backend::Dispatch;
    let sigmoid = activation == Activation::Sigmoid;
    Tensor::from_dispatch(<Dispatch as GpuOps>::shift(x.into_dispatch(), b.into_dispatch(), sigmoid))
}
