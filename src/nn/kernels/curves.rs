//! The curves the layers end in, tanh and the logistic sigmoid, by a rational
//! approximation (Eigen's [13/6] form, max error ~3e-7): one value at a time, and the plain
//! loop that vectorises ([`super::curve_loops`] picks the fastest loop for the target). Also
//! `f'` read from `f`'s output, which the fused operations' backward passes use.

/// The curve a layer ends in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Tanh,
    /// The logistic sigmoid.
    Sigmoid,
}

/// `f(x)` for every value, in place.
#[inline(always)]
pub(super) fn apply_loop(values: &mut [f32], curve: Activation) {
    match curve {
        Activation::Tanh => values.iter_mut().for_each(|v| *v = tanh_one(*v)),
        Activation::Sigmoid => values.iter_mut().for_each(|v| *v = sigmoid_one(*v)),
    }
}

/// `f'` from `f`'s output: `1 − y²` for tanh, `y·(1 − y)` for the sigmoid.
#[inline(always)]
pub(super) fn slope(y: f32, curve: Activation) -> f32 {
    match curve {
        Activation::Tanh => 1.0 - y * y,
        Activation::Sigmoid => y * (1.0 - y),
    }
}

#[inline(always)]
fn sigmoid_one(x: f32) -> f32 {
    0.5 + 0.5 * tanh_one(0.5 * x)
}

// tanh by Eigen's [13/6] rational approximation: `x·(A1 + A3·x² + …) / (B0 + B2·x² + …)`
// on x clamped to ±CLAMP, where f32 tanh is ±1 (shared with the SIMD loops in `lanes`).
pub(super) const CLAMP: f32 = 7.905_311;
pub(super) const A1: f32 = 4.893_524_6e-3;
pub(super) const A3: f32 = 6.372_619_3e-4;
pub(super) const A5: f32 = 1.485_722_4e-5;
pub(super) const A7: f32 = 5.122_297e-8;
pub(super) const A9: f32 = -8.604_672e-11;
pub(super) const A11: f32 = 2.000_188e-13;
pub(super) const A13: f32 = -2.760_768_5e-16;
pub(super) const B0: f32 = 4.893_525e-3;
pub(super) const B2: f32 = 2.268_434_6e-3;
pub(super) const B4: f32 = 1.185_347_1e-4;
pub(super) const B6: f32 = 1.198_258_4e-6;

/// tanh of one value (max error ~3e-7). Branch-free, so loops over it vectorise.
#[inline(always)]
pub(super) fn tanh_one(v: f32) -> f32 {
    let x = v.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let p = ((((((A13 * x2 + A11) * x2 + A9) * x2 + A7) * x2 + A5) * x2 + A3) * x2 + A1) * x;
    let q = ((B6 * x2 + B4) * x2 + B2) * x2 + B0;
    p / q
}
