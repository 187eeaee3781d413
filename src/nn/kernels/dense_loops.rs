//! The row loops of the fused mixing ([`super::mix_loops`]) at the dense layers' sizes
//! (inputs and outputs multiples of 16, such as seed16's 32 → 32 and 16 → 32), written as
//! register-blocked products four lanes at a time with `wide::f32x4`.
//!
//! Why by hand: in the page's wasm these products went to gemm (through burn-flex), whose
//! simd128 path spent ~100–140 µs on a `[256, 32]·[32, 32]` product or either of its
//! backward products, where this loop takes ~20 (a scratch bench in Node's V8, the page's
//! engine; docs/architecture.md). gemm packs its operands and
//! dispatches for every call, which matrices this small never pay back.
//!
//! Each block is two rows of `x` by 16 columns of `W` (eight vector accumulators), `W`
//! packed once per call so the inner loop reads it in order; a last odd row runs alone.

use wide::f32x4;

use super::lanes::{broadcast, load};
use super::mix_loops::{MixGrads, MixRows, column_sums};
use super::{Unwritten, slope};

/// The columns of one block: four vectors.
const BLOCK: usize = 16;

/// Whether the blocked loops take `[R, inputs]·[inputs, outputs]`: both multiples of a
/// block, and not smaller than the dense layers of the 8-bit preset (16 → 16 runs in
/// [`super::mix_loops`]'s fixed-size loop).
pub(super) fn fits(inputs: usize, outputs: usize) -> bool {
    inputs.is_multiple_of(BLOCK) && outputs.is_multiple_of(BLOCK) && inputs * outputs >= 2 * BLOCK * BLOCK
}

/// `w` `[I, O]` as blocks of 16 columns: block `c`'s row `i` is `packed[c·I + i]`.
fn pack(w: &[f32], inputs: usize, outputs: usize) -> Vec<[f32x4; 4]> {
    (0..outputs / BLOCK)
        .flat_map(|c| {
            (0..inputs).map(move |i| std::array::from_fn(|j| load(&w[i * outputs + c * BLOCK + j * 4..])))
        })
        .collect()
}

/// One block's starting values: the bias's 16 columns, or zeros.
fn start(b: Option<&[f32]>, c: usize) -> [f32x4; 4] {
    match b {
        Some(b) => std::array::from_fn(|j| load(&b[c * BLOCK + j * 4..])),
        None => [f32x4::ZERO; 4],
    }
}

/// Writes a block's four vectors at column block `c` of a row.
#[inline(always)]
fn store(row: &mut [Unwritten], c: usize, acc: [f32x4; 4]) {
    for (out, v) in row[c * BLOCK..][..BLOCK].chunks_exact_mut(4).zip(acc) {
        out.write_copy_of_slice(&v.to_array());
    }
}

/// `y = x·W (+ b)`: x `[R, inputs]`, w `[inputs, outputs]`, b `[outputs]`; writes every
/// value of `y` `[R, outputs]`. The caller checks the sizes ([`fits`], and that the rows
/// agree).
pub(super) fn product(
    x: &[f32],
    w: &[f32],
    b: Option<&[f32]>,
    y: &mut [Unwritten],
    inputs: usize,
    outputs: usize,
) {
    let packed = pack(w, inputs, outputs);
    for (x, y) in x.chunks(2 * inputs).zip(y.chunks_mut(2 * outputs)) {
        if x.len() == 2 * inputs {
            let ((x0, x1), (y0, y1)) = (x.split_at(inputs), y.split_at_mut(outputs));
            for (c, block) in packed.chunks_exact(inputs).enumerate() {
                let (mut a0, mut a1) = (start(b, c), start(b, c));
                for ((w, &u), &v) in block.iter().zip(x0).zip(x1) {
                    let (u, v) = (broadcast(u), broadcast(v));
                    for j in 0..4 {
                        a0[j] += w[j] * u;
                        a1[j] += w[j] * v;
                    }
                }
                store(y0, c, a0);
                store(y1, c, a1);
            }
        } else {
            for (c, block) in packed.chunks_exact(inputs).enumerate() {
                let mut a = start(b, c);
                for (w, &u) in block.iter().zip(x) {
                    let u = broadcast(u);
                    for j in 0..4 {
                        a[j] += w[j] * u;
                    }
                }
                store(y, c, a);
            }
        }
    }
}

/// `dW = xᵀ·dz`: x `[R, inputs]`, dz `[R, outputs]` -> dw `[inputs, outputs]` (overwritten),
/// two of dw's rows by 16 columns at a time, summed over every row in registers.
fn weight_grad(x: &[f32], dz: &[f32], dw: &mut [f32], inputs: usize, outputs: usize) {
    for i in (0..inputs).step_by(2) {
        for c in 0..outputs / BLOCK {
            let (mut a0, mut a1) = ([f32x4::ZERO; 4], [f32x4::ZERO; 4]);
            for (x, dz) in x.chunks_exact(inputs).zip(dz.chunks_exact(outputs)) {
                let (u, v) = (broadcast(x[i]), broadcast(x[i + 1]));
                let d = &dz[c * BLOCK..][..BLOCK];
                for j in 0..4 {
                    let g = load(&d[j * 4..]);
                    a0[j] += g * u;
                    a1[j] += g * v;
                }
            }
            for (row, acc) in [(i, a0), (i + 1, a1)] {
                for (out, v) in dw[row * outputs + c * BLOCK..][..BLOCK].chunks_exact_mut(4).zip(acc) {
                    out.copy_from_slice(&v.to_array());
                }
            }
        }
    }
}

/// The backward pass of `y = f(x·W + b)`: `dz = dy·f'(y)`, stored once (three products read
/// it), then [`product_grads`]. The caller checks the sizes.
pub(super) fn backward(rows: MixRows<'_>, grads: MixGrads<'_>, inputs: usize, outputs: usize) {
    let dz: Vec<f32> = rows.dy.iter().zip(rows.y).map(|(&dy, &y)| dy * slope(y, rows.curve)).collect();
    product_grads((rows.x, &dz, rows.w), grads, inputs, outputs);
}

/// The gradients of `z = x·W + b` from x `[R, inputs]`, dz `[R, outputs]` and w: `db`
/// dz's column sums, `dW = xᵀ·dz`, and `dx = dz·Wᵀ` (when asked for) by [`product`] with
/// `W` transposed. The caller checks the sizes.
pub(super) fn product_grads(
    (x, dz, w): (&[f32], &[f32], &[f32]),
    grads: MixGrads<'_>,
    inputs: usize,
    outputs: usize,
) {
    grads.db.fill(0.0);
    column_sums(dz, grads.db);
    weight_grad(x, dz, grads.dw, inputs, outputs);
    if let Some(dx) = grads.dx {
        let transposed: Vec<f32> =
            (0..outputs).flat_map(|o| (0..inputs).map(move |i| w[i * outputs + o])).collect();
        product(dz, &transposed, None, dx, outputs, inputs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::kernels::Activation;

    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s as f32 / u32::MAX as f32 - 0.5
        };
        (0..n).map(|_| next()).collect()
    }

    fn read(buffer: Vec<Unwritten>) -> Vec<f32> {
        // SAFETY: every value was written (zeros first, then the loops).
        buffer.into_iter().map(|v| unsafe { v.assume_init() }).collect()
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        let worst = a.iter().zip(b).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst < 1e-5, "differ by {worst}");
    }

    #[test]
    fn blocked_loops_match_plain_sums_for_any_row_count() {
        // Odd counts take the one-row path at the end.
        for (rows, inputs, outputs) in [(1, 16, 32), (5, 32, 32), (6, 16, 48), (7, 48, 16)] {
            assert!(fits(inputs, outputs));
            let (x, w, b) = (values(rows * inputs, 1), values(inputs * outputs, 2), values(outputs, 3));
            let (y, dy) = (values(rows * outputs, 4), values(rows * outputs, 5));
            let at = |m: &[f32], r: usize, c: usize, cols: usize| m[r * cols + c];
            let mut out = vec![Unwritten::new(0.0); rows * outputs];
            product(&x, &w, Some(&b), &mut out, inputs, outputs);
            let expected: Vec<f32> = (0..rows * outputs)
                .map(|v| {
                    let (r, o) = (v / outputs, v % outputs);
                    b[o] + (0..inputs).map(|i| at(&x, r, i, inputs) * at(&w, i, o, outputs)).sum::<f32>()
                })
                .collect();
            close(&read(out), &expected);

            let dz: Vec<f32> = dy.iter().zip(&y).map(|(&d, &y)| d * (1.0 - y * y)).collect();
            let mut dx = vec![Unwritten::new(0.0); rows * inputs];
            let (mut dw, mut db) = (vec![1.0; inputs * outputs], vec![1.0; outputs]);
            let grads = MixGrads { dx: Some(&mut dx), dw: &mut dw, db: &mut db };
            let rows_in = MixRows { x: &x, y: &y, dy: &dy, w: &w, curve: Activation::Tanh };
            backward(rows_in, grads, inputs, outputs);
            let sum_rows = |f: &dyn Fn(usize) -> f32| (0..rows).map(f).sum::<f32>();
            let expected_dw: Vec<f32> = (0..inputs * outputs)
                .map(|v| sum_rows(&|r| at(&x, r, v / outputs, inputs) * at(&dz, r, v % outputs, outputs)))
                .collect();
            let expected_db: Vec<f32> = (0..outputs).map(|o| sum_rows(&|r| at(&dz, r, o, outputs))).collect();
            let expected_dx: Vec<f32> = (0..rows * inputs)
                .map(|v| {
                    let (r, i) = (v / inputs, v % inputs);
                    (0..outputs).map(|o| at(&dz, r, o, outputs) * at(&w, i, o, outputs)).sum::<f32>()
                })
                .collect();
            close(&dw, &expected_dw);
            close(&db, &expected_db);
            close(&read(dx), &expected_dx);
        }
    }
}
