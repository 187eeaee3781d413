//! The row loops of the fused conv1 ([`super::fused`]): the kernel-4 "same" convolution of a
//! one-channel signal into C channels, `z[t, ch] = b[ch] + Σⱼ w[ch, j]·x[t + j − 1]` (one
//! zero before the signal, two after), its input gradient, its weight gradient and its
//! bias gradient.
//!
//! Written directly, a row costs `4·C` multiply-adds per position: an eighth of the banded
//! `[2N, 4N]` product it replaces on the CPU (most of whose entries are zeros), with no
//! selection product to build the band and none to back up through. The stencil runs four
//! positions at a time with `wide::f32x4`, as the mixing loops do (see [`super::mix_loops`]
//! for why explicit SIMD).
//!
//! The output keeps the matrix form's column order, so conv2 reads it as before: for
//! position `t = 2s + k` and channel `ch = 2g + c` of a row, column `s·2C + g·4 + k·2 + c`
//! of the row's `N·2C` values (pairs of channels, then tap, then channel).

use wide::f32x4;

use super::lanes::{broadcast, load};
use super::{Activation, Unwritten, slope};

/// Taps of conv1's kernel.
pub(super) const TAPS: usize = 4;

/// The positions the four-lane loops cover for a row of `len`: `len` rounded up to a
/// multiple of 4 (the networks' 2N always is one; the extra positions read zeros and are
/// never written out).
fn lanes_len(len: usize) -> usize {
    len.next_multiple_of(4)
}

/// A row with `before` zeros ahead of it and zeros after it up to the four-lane loops'
/// last load.
struct Padded {
    values: Vec<f32>,
    before: usize,
}

impl Padded {
    fn new(len: usize, before: usize) -> Self {
        Self { values: vec![0.0; lanes_len(len) + TAPS], before }
    }

    fn fill(&mut self, row: &[f32]) -> &[f32] {
        self.values[self.before..][..row.len()].copy_from_slice(row);
        &self.values
    }
}

/// That `x` holds whole rows of `len`, `y` as many rows of `len·C`, and C is even (the
/// loops take the channels in pairs).
fn assert_sizes(x_len: usize, len: usize, y_len: usize, channels: usize) {
    assert!(
        channels.is_multiple_of(2) && x_len.is_multiple_of(len) && y_len == x_len / len * len * channels,
        "conv1: x [R, {len}] of {x_len} values, y [R, {len}·{channels}] of {y_len} (C even)"
    );
}

/// Each tap of each channel's kernel in all four lanes: `[C][4]`, taps reversed if asked.
fn broadcast_taps(w: &[f32], reversed: bool) -> Vec<[f32x4; TAPS]> {
    w.chunks_exact(TAPS)
        .map(|taps| std::array::from_fn(|j| broadcast(taps[if reversed { TAPS - 1 - j } else { j }])))
        .collect()
}

/// `Σⱼ taps[j]·padded[start + j ..]`, four positions from `start`.
#[inline(always)]
fn stencil(padded: &[f32], start: usize, taps: &[f32x4; TAPS], acc: f32x4) -> f32x4 {
    taps.iter().enumerate().fold(acc, |acc, (j, tap)| acc + *tap * load(&padded[start + j..]))
}

/// The four positions `t0 .. t0 + 4` of channels `2g` (`a`) and `2g + 1` (`b`) in a row of
/// the column order above: positions t0, t0 + 1 lie in the group of 4 at
/// `(t0 / 2)·2C + 4g`, positions t0 + 2, t0 + 3 in the next position's group.
fn groups(t0: usize, g: usize, channels: usize) -> [usize; 2] {
    let first = (t0 / 2) * 2 * channels + 4 * g;
    [first, first + 2 * channels]
}

/// conv1 of every row: x `[R, len]`, w `[C, 4]`, b `[C]` -> y `[R, len·C]` in the column
/// order above (before the activation): writes every value of `y`. Each four positions of
/// each pair of channels are two vectors, interleaved into the pair's first two positions
/// and its next two.
///
/// # Panics
/// If the sizes do not fit together, or C is odd (a value left unwritten would be read
/// uninitialised).
pub(super) fn forward(x: &[f32], w: &[f32], b: &[f32], y: &mut [Unwritten], len: usize) {
    let channels = b.len();
    assert_sizes(x.len(), len, y.len(), channels);
    assert_eq!(w.len(), channels * TAPS, "conv1: w [C, 4]");
    let taps = broadcast_taps(w, false);
    let biases: Vec<f32x4> = b.iter().map(|&b| broadcast(b)).collect();
    let mut padded = Padded::new(len, 1);
    for (row, out) in x.chunks_exact(len).zip(y.chunks_exact_mut(len * channels)) {
        let padded = padded.fill(row);
        for t0 in (0..len).step_by(4) {
            for g in 0..channels / 2 {
                let za = stencil(padded, t0, &taps[2 * g], biases[2 * g]);
                let zb = stencil(padded, t0, &taps[2 * g + 1], biases[2 * g + 1]);
                let [first, second] = groups(t0, g, channels);
                out[first..first + 4].write_copy_of_slice(&za.unpack_lo(zb).to_array());
                if t0 + 2 < len {
                    out[second..second + 4].write_copy_of_slice(&za.unpack_hi(zb).to_array());
                }
            }
        }
    }
}

/// conv1's gradients from its output `y` (after tanh) and the output's gradient `dy`, both
/// `[R, len·C]` in the column order above: the gradient before the activation, `dz = dy·(1 −
/// y²)`, is computed as each row is read (never stored whole), then the input's `dx` `[R,
/// len]` (when asked for, every value written), and `dw` `[C, 4]` and `db` `[C]`,
/// accumulated into.
///
/// `dx[i] = Σ_ch Σⱼ w[ch, j]·dz[ch, i + 1 − j]` is itself a four-tap stencil, with the taps
/// reversed, over each channel's `dz` with two zeros before it.
pub(super) fn backward(
    x: &[f32],
    w: &[f32],
    (y, dy): (&[f32], &[f32]),
    dx: Option<&mut [Unwritten]>,
    dw: &mut [f32],
    db: &mut [f32],
    len: usize,
) {
    let channels = db.len();
    assert_sizes(x.len(), len, y.len(), channels);
    assert_eq!(dy.len(), y.len(), "conv1 backward: y and dy [R, len·C]");
    if let Some(dx) = &dx {
        assert_eq!(dx.len(), x.len(), "conv1 backward: dx in x's shape [R, len]");
    }
    let reversed = broadcast_taps(w, true);
    let mut dw_acc = vec![[f32x4::ZERO; TAPS]; channels];
    let mut db_acc = vec![f32x4::ZERO; channels];
    let mut padded = Padded::new(len, 1);
    // Each channel's dz, position by position, two zeros before it (zeros after `len`).
    const DZ_BEFORE: usize = 2;
    let mut dzc: Vec<Vec<f32>> = vec![vec![0f32; lanes_len(len) + TAPS]; channels];
    let outputs = y.chunks_exact(len * channels).zip(dy.chunks_exact(len * channels));
    let mut dx_rows = dx.map(|dx| dx.chunks_exact_mut(len));
    for (row, (y, dy)) in x.chunks_exact(len).zip(outputs) {
        // dz of the four values from `at`.
        let dz = |at: usize| -> [f32; 4] {
            std::array::from_fn(|j| dy[at + j] * slope(y[at + j], Activation::Tanh))
        };
        let padded = padded.fill(row);
        for g in 0..channels / 2 {
            let (a, b) = dzc.split_at_mut(2 * g + 1);
            let (a, b) = (&mut a[2 * g][DZ_BEFORE..], &mut b[0][DZ_BEFORE..]);
            for t0 in (0..len).step_by(4) {
                let [first, second] = groups(t0, g, channels);
                let (p, q) = (dz(first), if t0 + 2 < len { dz(second) } else { [0.0; 4] });
                a[t0..][..4].copy_from_slice(&[p[0], p[2], q[0], q[2]]);
                b[t0..][..4].copy_from_slice(&[p[1], p[3], q[1], q[3]]);
            }
        }
        for (ch, dzc) in dzc.iter().enumerate() {
            for t0 in (0..len).step_by(4) {
                let g = load(&dzc[DZ_BEFORE + t0..]);
                db_acc[ch] += g;
                for (j, acc) in dw_acc[ch].iter_mut().enumerate() {
                    *acc += g * load(&padded[t0 + j..]);
                }
            }
        }
        if let Some(dx) = dx_rows.as_mut().map(|rows| rows.next().expect("dx has a row for every row of x")) {
            for i0 in (0..len).step_by(4) {
                let acc = dzc
                    .iter()
                    .zip(&reversed)
                    .fold(f32x4::ZERO, |acc, (dzc, taps)| stencil(dzc, i0, taps, acc))
                    .to_array();
                let n = (len - i0).min(4);
                dx[i0..i0 + n].write_copy_of_slice(&acc[..n]);
            }
        }
    }
    for (d, acc) in dw.iter_mut().zip(dw_acc.iter().flatten()) {
        *d += acc.reduce_add();
    }
    for (d, acc) in db.iter_mut().zip(&db_acc) {
        *d += acc.reduce_add();
    }
}
