//! The row loops of the fused channel mixing ([`super::fused`]), for `x` `[R, I]` with small
//! `I` and `O`: `y = x·W + b`, and its whole backward pass in one pass over the rows (`dz =
//! dy·f'(y)`, the input gradient `dz·Wᵀ`, the weight gradient `xᵀ·dz` and the bias gradient,
//! dz's column sums), so dz is never stored and read back three times. `y` and the input
//! gradient are written row by row, in place, into buffers never zeroed first
//! ([`Unwritten`]). Column sums on their own serve the dense layers' bias gradients.
//!
//! The write-up's sizes (4 → 4 and 4 → 1) are written four lanes at a time with
//! `wide::f32x4`: explicit SIMD does not depend on LLVM's loop vectoriser, which is off at
//! the size-optimised levels the page's modules were first built at (whether plain loops
//! would vectorise as well at the opt-level 3 this crate is built at now is not measured).
//! The 8-bit preset's dense layers (16 → 16) run as
//! loops over fixed-size arrays (unrolled, and vectorised natively); anything else as plain
//! loops. ([`super::row_loops`] sends the larger dense layers to [`super::dense_loops`].)

use wide::f32x4;

use super::lanes::{broadcast, load};
use super::{Activation, Unwritten, slope};

/// Picks the loop for `(inputs, outputs)`: `$four_four` and `$four_one` (four lanes) for the
/// write-up's 4 → 4 and 4 → 1, `$fixed::<16, 16>` for the 8-bit preset's dense layers
/// (compiled for fixed small arrays: unrolled, vectorised natively), and `$general` for
/// anything else.
macro_rules! by_size {
    ($inputs:expr, $outputs:expr, $four_four:ident, $four_one:ident, $fixed:ident, $general:expr, ($($arg:expr),*)) => {
        match ($inputs, $outputs) {
            (4, 4) => $four_four($($arg),*),
            (4, 1) => $four_one($($arg),*),
            (16, 16) => $fixed::<16, 16>($($arg),*),
            _ => $general,
        }
    };
}

/// `w` `[I, O]` as fixed arrays.
fn weights<const I: usize, const O: usize>(w: &[f32]) -> [[f32; O]; I] {
    std::array::from_fn(|i| std::array::from_fn(|o| w[i * O + o]))
}

/// y = x·W + b, row by row, for fixed I and O.
fn mix_fixed<const I: usize, const O: usize>(x: &[f32], w: &[f32], b: &[f32], y: &mut [Unwritten]) {
    let w = weights::<I, O>(w);
    let b: [f32; O] = std::array::from_fn(|o| b[o]);
    for (row, out) in x.chunks_exact(I).zip(y.chunks_exact_mut(O)) {
        let mut acc = b;
        for i in 0..I {
            for o in 0..O {
                acc[o] += row[i] * w[i][o];
            }
        }
        out.write_copy_of_slice(&acc);
    }
}

fn mix_general(x: &[f32], w: &[f32], b: &[f32], y: &mut [Unwritten], inputs: usize, outputs: usize) {
    let mut acc = b.to_vec();
    for (row, out) in x.chunks_exact(inputs).zip(y.chunks_exact_mut(outputs)) {
        acc.copy_from_slice(b);
        for (&xi, w_row) in row.iter().zip(w.chunks_exact(outputs)) {
            acc.iter_mut().zip(w_row).for_each(|(o, &wio)| *o += xi * wio);
        }
        out.write_copy_of_slice(&acc);
    }
}

/// The next row of the input gradient, when one is asked for.
#[inline(always)]
fn next_row<'a>(rows: &mut Option<std::slice::ChunksExactMut<'a, Unwritten>>) -> Option<&'a mut [Unwritten]> {
    rows.as_mut().map(|rows| rows.next().expect("dx has a row for every row of x"))
}

/// [`slope`] on four values.
#[inline(always)]
fn slope4(y: f32x4, curve: Activation) -> f32x4 {
    match curve {
        Activation::Tanh => f32x4::ONE - y * y,
        Activation::Sigmoid => y * (f32x4::ONE - y),
    }
}

/// What the backward pass of one member's mixing writes: its input gradient `[R, I]` (when
/// asked for), and its weight and bias gradients `[I, O]`, `[O]` (all overwritten).
pub(super) struct MixGrads<'a> {
    pub dx: Option<&'a mut [Unwritten]>,
    pub dw: &'a mut [f32],
    pub db: &'a mut [f32],
}

/// What the backward pass reads, row by row: the input `x` `[R, I]`, the output `y` and its
/// gradient `dy` `[R, O]`, the weights `w` `[I, O]` and the curve `f`.
pub(super) struct MixRows<'a> {
    pub x: &'a [f32],
    pub y: &'a [f32],
    pub dy: &'a [f32],
    pub w: &'a [f32],
    pub curve: Activation,
}

/// The backward pass for fixed I and O, accumulating in registers.
fn backward_fixed<const I: usize, const O: usize>(rows: MixRows<'_>, grads: MixGrads<'_>) {
    let w = weights::<I, O>(rows.w);
    let mut dx_rows = grads.dx.map(|dx| dx.chunks_exact_mut(I));
    let (mut dw, mut db) = ([[0f32; O]; I], [0f32; O]);
    let outputs = rows.y.chunks_exact(O).zip(rows.dy.chunks_exact(O));
    for (row, (y, dy)) in rows.x.chunks_exact(I).zip(outputs) {
        let dz: [f32; O] = std::array::from_fn(|o| dy[o] * slope(y[o], rows.curve));
        for i in 0..I {
            for o in 0..O {
                dw[i][o] += row[i] * dz[o];
            }
        }
        for o in 0..O {
            db[o] += dz[o];
        }
        if let Some(dx) = next_row(&mut dx_rows) {
            let mut acc = [0f32; I];
            for o in 0..O {
                for i in 0..I {
                    acc[i] += dz[o] * w[i][o];
                }
            }
            dx.write_copy_of_slice(&acc);
        }
    }
    grads.dw.copy_from_slice(dw.as_flattened());
    grads.db.copy_from_slice(&db);
}

fn backward_general(rows: MixRows<'_>, grads: MixGrads<'_>, inputs: usize, outputs: usize) {
    let mut dx_rows = grads.dx.map(|dx| dx.chunks_exact_mut(inputs));
    grads.dw.fill(0.0);
    grads.db.fill(0.0);
    let mut dz = vec![0f32; outputs];
    let outs = rows.y.chunks_exact(outputs).zip(rows.dy.chunks_exact(outputs));
    for (row, (y, dy)) in rows.x.chunks_exact(inputs).zip(outs) {
        for ((dz, &dy), &y) in dz.iter_mut().zip(dy).zip(y) {
            *dz = dy * slope(y, rows.curve);
        }
        for (&xi, dw_row) in row.iter().zip(grads.dw.chunks_exact_mut(outputs)) {
            dw_row.iter_mut().zip(&dz).for_each(|(d, &g)| *d += xi * g);
        }
        grads.db.iter_mut().zip(&dz).for_each(|(s, &g)| *s += g);
        if let Some(dx) = next_row(&mut dx_rows) {
            for (d, w_row) in dx.iter_mut().zip(rows.w.chunks_exact(outputs)) {
                d.write(dz.iter().zip(w_row).map(|(&g, &wio)| g * wio).sum::<f32>());
            }
        }
    }
}

/// The sum of each of `C` columns.
fn column_sums_fixed<const C: usize>(values: &[f32], sums: &mut [f32]) {
    let mut acc = [0f32; C];
    for row in values.chunks_exact(C) {
        for c in 0..C {
            acc[c] += row[c];
        }
    }
    sums.copy_from_slice(&acc);
}

fn column_sums_general(values: &[f32], sums: &mut [f32]) {
    let cols = sums.len();
    for row in values.chunks_exact(cols) {
        sums.iter_mut().zip(row).for_each(|(s, &v)| *s += v);
    }
}

/// The rows of `w` `[4, 4]` as vectors.
fn rows4(w: &[f32]) -> [f32x4; 4] {
    std::array::from_fn(|i| load(&w[i * 4..]))
}

/// y = x·W + b for 4 → 4, a row per vector.
fn mix_4x4(x: &[f32], w: &[f32], b: &[f32], y: &mut [Unwritten]) {
    let [w0, w1, w2, w3] = rows4(w);
    let b = load(b);
    for (row, out) in x.chunks_exact(4).zip(y.chunks_exact_mut(4)) {
        let acc = b
            + w0 * broadcast(row[0])
            + w1 * broadcast(row[1])
            + w2 * broadcast(row[2])
            + w3 * broadcast(row[3]);
        out.write_copy_of_slice(&acc.to_array());
    }
}

/// y = x·w + b for 4 → 1: a dot product per row.
fn mix_4x1(x: &[f32], w: &[f32], b: &[f32], y: &mut [Unwritten]) {
    let w = load(w);
    for (row, out) in x.chunks_exact(4).zip(y.iter_mut()) {
        out.write(b[0] + (load(row) * w).reduce_add());
    }
}

/// The backward pass for 4 → 4: a row per vector; dx's row a sum of W's columns, dW in
/// four vector accumulators.
fn backward_4x4(rows: MixRows<'_>, grads: MixGrads<'_>) {
    let columns: [f32x4; 4] = std::array::from_fn(|o| f32x4::new(std::array::from_fn(|i| rows.w[i * 4 + o])));
    let [c0, c1, c2, c3] = columns;
    let (mut dw, mut db) = ([f32x4::ZERO; 4], f32x4::ZERO);
    let mut dx_rows = grads.dx.map(|dx| dx.chunks_exact_mut(4));
    let outputs = rows.y.chunks_exact(4).zip(rows.dy.chunks_exact(4));
    for (row, (y, dy)) in rows.x.chunks_exact(4).zip(outputs) {
        let dz = load(dy) * slope4(load(y), rows.curve);
        for (a, &xi) in dw.iter_mut().zip(row) {
            *a += dz * broadcast(xi);
        }
        db += dz;
        if let Some(dx) = next_row(&mut dx_rows) {
            let g = dz.to_array();
            let acc =
                c0 * broadcast(g[0]) + c1 * broadcast(g[1]) + c2 * broadcast(g[2]) + c3 * broadcast(g[3]);
            dx.write_copy_of_slice(&acc.to_array());
        }
    }
    for (out, a) in grads.dw.chunks_exact_mut(4).zip(dw) {
        out.copy_from_slice(&a.to_array());
    }
    grads.db.copy_from_slice(&db.to_array());
}

/// The backward pass for 4 → 1: dx's row is w scaled, dw in one vector accumulator.
fn backward_4x1(rows: MixRows<'_>, grads: MixGrads<'_>) {
    let w = load(rows.w);
    let mut dx_rows = grads.dx.map(|dx| dx.chunks_exact_mut(4));
    let (mut dw, mut db) = (f32x4::ZERO, 0f32);
    let outputs = rows.y.iter().zip(rows.dy);
    for (row, (&y, &dy)) in rows.x.chunks_exact(4).zip(outputs) {
        let dz = dy * slope(y, rows.curve);
        dw += load(row) * broadcast(dz);
        db += dz;
        if let Some(dx) = next_row(&mut dx_rows) {
            dx.write_copy_of_slice(&(w * broadcast(dz)).to_array());
        }
    }
    grads.dw.copy_from_slice(&dw.to_array());
    grads.db[0] = db;
}

/// y = x·W + b, x `[R, inputs]`, w `[inputs, outputs]`, b `[outputs]`: writes every value of
/// `y` `[R, outputs]`.
///
/// # Panics
/// If the sizes do not fit together (a row left unwritten would be read uninitialised).
pub(super) fn mix(x: &[f32], w: &[f32], b: &[f32], y: &mut [Unwritten], inputs: usize, outputs: usize) {
    assert_sizes(x.len(), inputs, y.len(), outputs);
    assert_eq!((w.len(), b.len()), (inputs * outputs, outputs), "mix: w [I, O], b [O]");
    by_size!(
        inputs,
        outputs,
        mix_4x4,
        mix_4x1,
        mix_fixed,
        mix_general(x, w, b, y, inputs, outputs),
        (x, w, b, y)
    )
}

/// The backward pass of `y = f(x·W + b)` in one pass over the rows: `dz = dy·f'(y)`, then
/// `dx = dz·Wᵀ`, `dW = xᵀ·dz` and `db` (dz's column sums), each row's dz never stored; writes
/// every value of `dx` when it is asked for.
///
/// # Panics
/// If the sizes do not fit together.
pub(super) fn backward(rows: MixRows<'_>, grads: MixGrads<'_>, inputs: usize, outputs: usize) {
    assert_sizes(rows.x.len(), inputs, rows.y.len(), outputs);
    assert_eq!(rows.dy.len(), rows.y.len(), "mix backward: y and dy [R, O]");
    if let Some(dx) = &grads.dx {
        assert_eq!(dx.len(), rows.x.len(), "mix backward: dx in x's shape [R, I]");
    }
    by_size!(
        inputs,
        outputs,
        backward_4x4,
        backward_4x1,
        backward_fixed,
        backward_general(rows, grads, inputs, outputs),
        (rows, grads)
    )
}

/// That `x` holds whole rows of `inputs` and `y` as many rows of `outputs`.
pub(super) fn assert_sizes(x_len: usize, inputs: usize, y_len: usize, outputs: usize) {
    assert!(
        x_len.is_multiple_of(inputs) && y_len == x_len / inputs * outputs,
        "x [R, {inputs}] of {x_len} values and y [R, {outputs}] of {y_len} do not fit"
    );
}

/// The sum of each column of `values` (as many columns as `sums` has).
pub(super) fn column_sums(values: &[f32], sums: &mut [f32]) {
    match sums.len() {
        4 => {
            let acc = values.chunks_exact(4).fold(f32x4::ZERO, |acc, row| acc + load(row));
            sums.copy_from_slice(&acc.to_array());
        }
        1 => sums[0] = values.iter().sum(),
        8 => column_sums_fixed::<8>(values, sums),
        16 => column_sums_fixed::<16>(values, sums),
        32 => column_sums_fixed::<32>(values, sums),
        _ => column_sums_general(values, sums),
    }
}
