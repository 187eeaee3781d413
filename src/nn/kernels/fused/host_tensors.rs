//! The CPU backend's tensors as the fused operations read and make them: stacks of K
//! matrices, their values (borrowed where contiguous), buffers written in place, and new
//! tensors from values.

use std::borrow::Cow;

use burn::backend::TensorMetadata;
use burn::backend::flex::FlexTensor;
use burn::tensor::TensorData;

use super::Unwritten;

/// A tensor as K stacked matrices: `[K, R, C]`, `[R, C]` (K = 1) or `[C]` (K = R = 1), with
/// its values (copied only when not contiguous).
pub(super) struct Stack<'a> {
    pub(super) dims: Vec<usize>,
    pub(super) members: usize,
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) values: Cow<'a, [f32]>,
}

impl<'a> Stack<'a> {
    pub(super) fn of(t: &'a FlexTensor) -> Self {
        let dims = t.shape().to_vec();
        let (members, rows, cols) = Self::sizes(&dims);
        Self { dims, members, rows, cols, values: values(t) }
    }

    /// (K, R, C) of a tensor of shape `dims`, without reading its values.
    pub(super) fn sizes(dims: &[usize]) -> (usize, usize, usize) {
        match *dims {
            [cols] => (1, 1, cols),
            [rows, cols] => (1, rows, cols),
            [members, rows, cols] => (members, rows, cols),
            ref other => panic!("a fused host op takes (stacked) matrices, not {other:?}"),
        }
    }

    /// Member `k`'s matrix, row-major.
    pub(super) fn member(&self, k: usize) -> &[f32] {
        let len = self.rows * self.cols;
        &self.values[k * len..(k + 1) * len]
    }
}

/// A tensor's values in row-major order (copied only when not contiguous).
pub(super) fn values(t: &FlexTensor) -> Cow<'_, [f32]> {
    match t.as_slice::<f32>() {
        Some(values) => Cow::Borrowed(values),
        None => Cow::Owned(t.to_contiguous().as_slice::<f32>().expect("contiguous f32").to_vec()),
    }
}

/// `t` ready to be written in place through `storage_mut`: burn-flex's `to_contiguous`
/// keeps a tensor that covers its whole buffer from the start and copies any other (a
/// view), and `storage_mut` copies a buffer another tensor still shares. Saves a copy where
/// an operation's input is not needed after it.
pub(super) fn writable(t: FlexTensor) -> FlexTensor {
    t.to_contiguous()
}

/// A stacked bias `[K, O]` (or `[O]`) as K rows of O.
pub(super) fn bias_rows(b: &FlexTensor) -> (usize, usize, Vec<f32>) {
    let b = Stack::of(b);
    (b.members * b.rows, b.cols, b.values.into_owned())
}

/// `len` values that `write` writes, every one of them, without zeroing them first
/// ([`super::Unwritten`]).
///
/// Written by hand (with one `unsafe`) because no safe form avoids both costs: zeroing a
/// buffer the loops overwrite anyway, or appending row by row.
pub(super) fn written(len: usize, write: impl FnOnce(&mut [Unwritten])) -> Vec<f32> {
    let mut values = Vec::with_capacity(len);
    write(&mut values.spare_capacity_mut()[..len]);
    // SAFETY: every caller's `write` is a row loop of `conv1_loops` or `mix_loops` over
    // slices of exactly this buffer, and each of those writes every value of its output
    // (they assert that their sizes fit together, so no row is left out).
    unsafe { values.set_len(len) };
    values
}

pub(super) fn tensor(values: Vec<f32>, shape: Vec<usize>) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// `dims` with its last entry replaced by `last`.
pub(super) fn with_last(dims: &[usize], last: usize) -> Vec<usize> {
    let mut dims = dims.to_vec();
    *dims.last_mut().expect("a shape") = last;
    dims
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(t: &FlexTensor) -> Vec<f32> {
        values(t).into_owned()
    }

    #[test]
    fn writing_in_place_never_touches_a_view_s_buffer_or_a_shared_one() {
        let whole = || tensor((0..16).map(|v| v as f32).collect(), vec![4, 4]);
        // A view of rows 1..3 (offset into the buffer) and one of columns 1..3 (strided),
        // each the only holder of its buffer: the fused loops write the first `len` values
        // of what `storage_mut` gives, which must then be the view's values, in order.
        for view in [whole().narrow(0, 1, 2), whole().narrow(1, 1, 2)] {
            let before = floats(&view);
            let mut written = writable(view);
            assert_eq!(floats(&written), before);
            let storage = written.storage_mut::<f32>();
            storage.iter_mut().zip(&before).for_each(|(v, b)| *v = -b);
            assert_eq!(floats(&written), before.iter().map(|b| -b).collect::<Vec<_>>());
        }
        // A tensor sharing its buffer with another leaves the other as it was.
        let shared = whole();
        let mut written = writable(shared.clone());
        written.storage_mut::<f32>().iter_mut().for_each(|v| *v = -1.0);
        assert_eq!(floats(&shared), (0..16).map(|v| v as f32).collect::<Vec<_>>());
    }
}
