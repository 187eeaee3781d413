//! The fused mixing's row loops chosen by size: the dense layers' larger products (both
//! sizes multiples of 16) as the blocked loops of [`super::dense_loops`], every other size
//! as the loops of [`super::mix_loops`].

use super::Unwritten;
use super::dense_loops;
use super::mix_loops::{self, MixGrads, MixRows};

/// y = x·W + b, x `[R, inputs]`, w `[inputs, outputs]`, b `[outputs]`: writes every value of
/// `y` `[R, outputs]`.
///
/// # Panics
/// If the sizes do not fit together.
pub(super) fn mix(x: &[f32], w: &[f32], b: &[f32], y: &mut [Unwritten], inputs: usize, outputs: usize) {
    if dense_loops::fits(inputs, outputs) {
        mix_loops::assert_sizes(x.len(), inputs, y.len(), outputs);
        assert_eq!((w.len(), b.len()), (inputs * outputs, outputs), "mix: w [I, O], b [O]");
        dense_loops::product(x, w, Some(b), y, inputs, outputs)
    } else {
        mix_loops::mix(x, w, b, y, inputs, outputs)
    }
}

/// The backward pass of `y = f(x·W + b)` ([`mix_loops::backward`]).
///
/// # Panics
/// If the sizes do not fit together.
pub(super) fn backward(rows: MixRows<'_>, grads: MixGrads<'_>, inputs: usize, outputs: usize) {
    if dense_loops::fits(inputs, outputs) {
        mix_loops::assert_sizes(rows.x.len(), inputs, rows.y.len(), outputs);
        assert_eq!(rows.dy.len(), rows.y.len(), "mix backward: y and dy [R, O]");
        if let Some(dx) = &grads.dx {
            assert_eq!(dx.len(), rows.x.len(), "mix backward: dx in x's shape [R, I]");
        }
        dense_loops::backward(rows, grads, inputs, outputs)
    } else {
        mix_loops::backward(rows, grads, inputs, outputs)
    }
}
