//! The row loops of the fused channel mixing ([`super::fused`]): `y = x·W + b`, its input
//! gradient `dz·Wᵀ`, its weight gradient `xᵀ·dz` and column sums, for `x` `[R, I]` with
//! small `I` and `O`. `y` and the input gradient are appended row by row to a vector the
//! caller reserved, so their buffers are never zeroed first (that zeroing was ~6 % of a
//! native profile).
//!
//! The write-up's sizes (4 → 4 and 4 → 1) are written four lanes at a time with
//! `wide::f32x4`: the page builds this crate at `opt-level = "s"`, where LLVM's loop
//! vectoriser is off (see [`super::lanes`]), and explicit SIMD does not depend on it. Other
//! sizes the networks use run as loops over fixed-size arrays (unrolled, and vectorised
//! natively); anything else as plain loops.

use wide::f32x4;

use super::lanes::{broadcast, load};

/// Picks the loop for `(inputs, outputs)`: `$four_four` and `$four_one` (four lanes) for the
/// write-up's 4 → 4 and 4 → 1, `$fixed::<I, O>` for the wider networks' sizes (conv1 of 4 or
/// 8 channels: I of 8 or 16), compiled for fixed small arrays (unrolled, vectorised
/// natively), and `$general` for anything else.
macro_rules! by_size {
    ($inputs:expr, $outputs:expr, $four_four:ident, $four_one:ident, $fixed:ident, $general:expr, ($($arg:expr),*)) => {
        match ($inputs, $outputs) {
            (4, 4) => $four_four($($arg),*),
            (4, 1) => $four_one($($arg),*),
            (8, 8) => $fixed::<8, 8>($($arg),*),
            (8, 1) => $fixed::<8, 1>($($arg),*),
            (16, 16) => $fixed::<16, 16>($($arg),*),
            (16, 1) => $fixed::<16, 1>($($arg),*),
            _ => $general,
        }
    };
}

/// `w` `[I, O]` as fixed arrays.
fn weights<const I: usize, const O: usize>(w: &[f32]) -> [[f32; O]; I] {
    std::array::from_fn(|i| std::array::from_fn(|o| w[i * O + o]))
}

/// y = x·W + b, row by row, for fixed I and O.
fn mix_fixed<const I: usize, const O: usize>(x: &[f32], w: &[f32], b: &[f32], y: &mut Vec<f32>) {
    let w = weights::<I, O>(w);
    let b: [f32; O] = std::array::from_fn(|o| b[o]);
    for row in x.chunks_exact(I) {
        let mut acc = b;
        for i in 0..I {
            for o in 0..O {
                acc[o] += row[i] * w[i][o];
            }
        }
        y.extend_from_slice(&acc);
    }
}

fn mix_general(x: &[f32], w: &[f32], b: &[f32], y: &mut Vec<f32>, inputs: usize, outputs: usize) {
    for row in x.chunks_exact(inputs) {
        let start = y.len();
        y.extend_from_slice(b);
        let out = &mut y[start..];
        for (&xi, w_row) in row.iter().zip(w.chunks_exact(outputs)) {
            out.iter_mut().zip(w_row).for_each(|(o, &wio)| *o += xi * wio);
        }
    }
}

/// dx = dz·Wᵀ, row by row, for fixed I and O.
fn input_grad_fixed<const I: usize, const O: usize>(dz: &[f32], w: &[f32], dx: &mut Vec<f32>) {
    let w = weights::<I, O>(w);
    for g in dz.chunks_exact(O) {
        let mut acc = [0f32; I];
        for o in 0..O {
            for i in 0..I {
                acc[i] += g[o] * w[i][o];
            }
        }
        dx.extend_from_slice(&acc);
    }
}

fn input_grad_general(dz: &[f32], w: &[f32], dx: &mut Vec<f32>, inputs: usize, outputs: usize) {
    for g in dz.chunks_exact(outputs) {
        let row = w.chunks_exact(outputs).take(inputs);
        dx.extend(row.map(|w_row| g.iter().zip(w_row).map(|(&g, &wio)| g * wio).sum::<f32>()));
    }
}

/// dW = xᵀ·dz, accumulated over the rows in registers, for fixed I and O.
fn weight_grad_fixed<const I: usize, const O: usize>(x: &[f32], dz: &[f32], dw: &mut [f32]) {
    let mut acc = [[0f32; O]; I];
    for (row, g) in x.chunks_exact(I).zip(dz.chunks_exact(O)) {
        for i in 0..I {
            for o in 0..O {
                acc[i][o] += row[i] * g[o];
            }
        }
    }
    dw.copy_from_slice(acc.as_flattened());
}

fn weight_grad_general(x: &[f32], dz: &[f32], dw: &mut [f32], inputs: usize, outputs: usize) {
    for (row, g) in x.chunks_exact(inputs).zip(dz.chunks_exact(outputs)) {
        for (&xi, dw_row) in row.iter().zip(dw.chunks_exact_mut(outputs)) {
            dw_row.iter_mut().zip(g).for_each(|(d, &g)| *d += xi * g);
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
fn mix_4x4(x: &[f32], w: &[f32], b: &[f32], y: &mut Vec<f32>) {
    let [w0, w1, w2, w3] = rows4(w);
    let b = load(b);
    for row in x.chunks_exact(4) {
        let acc = b
            + w0 * broadcast(row[0])
            + w1 * broadcast(row[1])
            + w2 * broadcast(row[2])
            + w3 * broadcast(row[3]);
        y.extend_from_slice(&acc.to_array());
    }
}

/// y = x·w + b for 4 → 1: a dot product per row.
fn mix_4x1(x: &[f32], w: &[f32], b: &[f32], y: &mut Vec<f32>) {
    let w = load(w);
    y.extend(x.chunks_exact(4).map(|row| b[0] + (load(row) * w).reduce_add()));
}

/// dx = dz·Wᵀ for 4 → 4: each row of dx a sum of W's columns.
fn input_grad_4x4(dz: &[f32], w: &[f32], dx: &mut Vec<f32>) {
    let columns: [f32x4; 4] = std::array::from_fn(|o| f32x4::new(std::array::from_fn(|i| w[i * 4 + o])));
    let [c0, c1, c2, c3] = columns;
    for g in dz.chunks_exact(4) {
        let acc = c0 * broadcast(g[0]) + c1 * broadcast(g[1]) + c2 * broadcast(g[2]) + c3 * broadcast(g[3]);
        dx.extend_from_slice(&acc.to_array());
    }
}

/// dx = dz·wᵀ for 4 → 1: each row of dx is w scaled.
fn input_grad_4x1(dz: &[f32], w: &[f32], dx: &mut Vec<f32>) {
    let w = load(w);
    for &g in dz {
        dx.extend_from_slice(&(w * broadcast(g)).to_array());
    }
}

/// dW = xᵀ·dz for 4 → 4, in four vector accumulators.
fn weight_grad_4x4(x: &[f32], dz: &[f32], dw: &mut [f32]) {
    let mut acc = [f32x4::ZERO; 4];
    for (row, g) in x.chunks_exact(4).zip(dz.chunks_exact(4)) {
        let g = load(g);
        for (a, &xi) in acc.iter_mut().zip(row) {
            *a += g * broadcast(xi);
        }
    }
    for (out, a) in dw.chunks_exact_mut(4).zip(acc) {
        out.copy_from_slice(&a.to_array());
    }
}

/// dw = xᵀ·dz for 4 → 1, in one vector accumulator.
fn weight_grad_4x1(x: &[f32], dz: &[f32], dw: &mut [f32]) {
    let mut acc = f32x4::ZERO;
    for (row, &g) in x.chunks_exact(4).zip(dz) {
        acc += load(row) * broadcast(g);
    }
    dw.copy_from_slice(&acc.to_array());
}

/// y = x·W + b, x `[R, inputs]`, w `[inputs, outputs]`, b `[outputs]`, appended to `y`.
pub(super) fn mix(x: &[f32], w: &[f32], b: &[f32], y: &mut Vec<f32>, inputs: usize, outputs: usize) {
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

/// dx = dz·Wᵀ, dz `[R, outputs]`, w `[inputs, outputs]`, appended to `dx`.
pub(super) fn input_grad(dz: &[f32], w: &[f32], dx: &mut Vec<f32>, inputs: usize, outputs: usize) {
    by_size!(
        inputs,
        outputs,
        input_grad_4x4,
        input_grad_4x1,
        input_grad_fixed,
        input_grad_general(dz, w, dx, inputs, outputs),
        (dz, w, dx)
    )
}

/// dW = xᵀ·dz, x `[R, inputs]`, dz `[R, outputs]`.
pub(super) fn weight_grad(x: &[f32], dz: &[f32], dw: &mut [f32], inputs: usize, outputs: usize) {
    by_size!(
        inputs,
        outputs,
        weight_grad_4x4,
        weight_grad_4x1,
        weight_grad_fixed,
        weight_grad_general(x, dz, dw, inputs, outputs),
        (x, dz, dw)
    )
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
