//! The cubecl kernels of the fused GPU operations ([`super`]): plain loops over flat f32
//! buffers (contiguous tensors, row-major), one thread per output value or per chunk of
//! rows.

use burn_cubecl::cubecl::{self, prelude::*};

/// `f(v)`.
#[cube]
fn curve(v: f32, #[comptime] sigmoid: bool) -> f32 {
    if sigmoid { 1.0 / (1.0 + f32::exp(-v)) } else { f32::tanh(v) }
}

/// `f'` from `f`'s output y: `1 − y²` for tanh, `y·(1 − y)` for the sigmoid.
#[cube]
fn slope(y: f32, #[comptime] sigmoid: bool) -> f32 {
    if sigmoid { y * (1.0 - y) } else { 1.0 - y * y }
}

/// One output of the mixing per thread: `y[k, r, o] = f(b[k, o] + Σ_i x[k, r, i]·w[k, i, o])`.
#[cube(launch)]
pub(super) fn mix_forward(
    x: &[f32],
    w: &[f32],
    b: &[f32],
    y: &mut [f32],
    rows: usize,
    inputs: usize,
    outputs: usize,
    #[comptime] sigmoid: bool,
) {
    let pos = ABSOLUTE_POS;
    if pos >= y.len() {
        terminate!();
    }
    let o = pos % outputs;
    let row = pos / outputs; // k·R + r
    let k = row / rows;
    let mut acc = b[k * outputs + o];
    for i in 0..inputs {
        acc += x[row * inputs + i] * w[(k * inputs + i) * outputs + o];
    }
    y[pos] = curve(acc, sigmoid);
}

/// One value per thread: `y[k, r, c] = f(x[k, r, c] + b[k, c mod P])`.
#[cube(launch)]
pub(super) fn shift_forward(
    x: &[f32],
    b: &[f32],
    y: &mut [f32],
    per_member: usize,
    cols: usize,
    period: usize,
    #[comptime] sigmoid: bool,
) {
    let pos = ABSOLUTE_POS;
    if pos >= y.len() {
        terminate!();
    }
    let k = pos / per_member;
    y[pos] = curve(x[pos] + b[k * period + (pos % cols) % period], sigmoid);
}

/// The mixing's input gradient, one value per thread: `dx[k, r, i] = Σ_o dz[k, r, o]·w[k,
/// i, o]` with `dz = dy·f'(y)`.
#[cube(launch)]
pub(super) fn mix_input_grad(
    y: &[f32],
    dy: &[f32],
    w: &[f32],
    dx: &mut [f32],
    rows: usize,
    inputs: usize,
    outputs: usize,
    #[comptime] sigmoid: bool,
) {
    let pos = ABSOLUTE_POS;
    if pos >= dx.len() {
        terminate!();
    }
    let i = pos % inputs;
    let row = pos / inputs; // k·R + r
    let k = row / rows;
    let mut acc = 0.0f32;
    for o in 0..outputs {
        let at = row * outputs + o;
        acc += dy[at] * slope(y[at], sigmoid) * w[(k * inputs + i) * outputs + o];
    }
    dx[pos] = acc;
}

/// The mixing's weight and bias gradients summed over one chunk of rows, one per thread:
/// for thread (k, chunk, j), j < I·O: `Σ_r x[k, r, j / O]·dz[k, r, j mod O]`; j ≥ I·O:
/// `Σ_r dz[k, r, j − I·O]`, over the chunk's rows r, with `dz = dy·f'(y)`.
#[cube(launch)]
pub(super) fn mix_chunk_sums(
    x: &[f32],
    y: &[f32],
    dy: &[f32],
    part: &mut [f32],
    rows: usize,
    inputs: usize,
    outputs: usize,
    chunk: usize,
    chunks: usize,
    #[comptime] sigmoid: bool,
) {
    let pos = ABSOLUTE_POS;
    if pos >= part.len() {
        terminate!();
    }
    let width = (inputs + 1) * outputs;
    let j = pos % width;
    let k = pos / (width * chunks);
    let start = (pos / width) % chunks * chunk;
    let mut end = start + chunk;
    if end > rows {
        end = rows;
    }
    let (i, o) = (j / outputs, j % outputs);
    let mut acc = 0.0f32;
    for r in start..end {
        let row = k * rows + r;
        let dz = dy[row * outputs + o] * slope(y[row * outputs + o], sigmoid);
        if i < inputs {
            acc += x[row * inputs + i] * dz;
        } else {
            acc += dz;
        }
    }
    part[pos] = acc;
}

/// The shift's backward over one chunk of rows of one column, per thread (k, chunk, c):
/// writes `dx = dy·f'(y)` for those values and their sum.
#[cube(launch)]
pub(super) fn shift_chunk_sums(
    y: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    part: &mut [f32],
    rows: usize,
    cols: usize,
    chunk: usize,
    chunks: usize,
    #[comptime] sigmoid: bool,
) {
    let pos = ABSOLUTE_POS;
    if pos >= part.len() {
        terminate!();
    }
    let c = pos % cols;
    let k = pos / (cols * chunks);
    let start = (pos / cols) % chunks * chunk;
    let mut end = start + chunk;
    if end > rows {
        end = rows;
    }
    let mut acc = 0.0f32;
    for r in start..end {
        let at = (k * rows + r) * cols + c;
        let dz = dy[at] * slope(y[at], sigmoid);
        dx[at] = dz;
        acc += dz;
    }
    part[pos] = acc;
}

/// The mixing's chunk sums added up, one result per thread (k, j): `Σ_chunk part[k, chunk,
/// j]` is `dw[k, j]` for j < I·O, else `db[k, j − I·O]`.
#[cube(launch)]
pub(super) fn add_mix_chunks(
    part: &[f32],
    dw: &mut [f32],
    db: &mut [f32],
    chunks: usize,
    weights: usize,
    outputs: usize,
) {
    let pos = ABSOLUTE_POS;
    if pos >= dw.len() + db.len() {
        terminate!();
    }
    let width = weights + outputs;
    let (k, j) = (pos / width, pos % width);
    let mut acc = 0.0f32;
    for c in 0..chunks {
        acc += part[(k * chunks + c) * width + j];
    }
    if j < weights {
        dw[k * weights + j] = acc;
    } else {
        db[k * outputs + j - weights] = acc;
    }
}

/// The shift's chunk sums added up, one bias per thread (k, p): `db[k, p] = Σ_chunk Σ_m
/// part[k, chunk, p + m·P]` over the columns that share bias p (C = `fold`·P).
#[cube(launch)]
pub(super) fn add_shift_chunks(part: &[f32], db: &mut [f32], chunks: usize, period: usize, fold: usize) {
    let pos = ABSOLUTE_POS;
    if pos >= db.len() {
        terminate!();
    }
    let (k, p) = (pos / period, pos % period);
    let cols = period * fold;
    let mut acc = 0.0f32;
    for c in 0..chunks {
        let base = (k * chunks + c) * cols + p;
        for m in 0..fold {
            acc += part[base + m * period];
        }
    }
    db[pos] = acc;
}
