//! The activation loops written four lanes at a time with `wide::f32x4`, for the page's
//! wasm build, and the vector loads the other row loops share.
//!
//! Explicit 128-bit SIMD does not depend on LLVM's loop vectoriser, which is off at the
//! size-optimised levels (the page's modules build burn's crates that way; this crate at
//! opt-level 3, `Cargo.toml`). Whether the plain loop of [`super::curves`] would vectorise
//! as well in wasm at opt-level 3 is not measured. Same
//! arithmetic, in the same order, as the scalar [`super::curves::tanh_one`], so the results
//! are bit-identical (a test checks it natively, where `wide` uses SSE).

use wide::f32x4;

use super::Activation;

// The constants as `const` vectors: built at compile time (at opt-level "s" a `splat` in
// the loop stayed a little store loop per call and made this slower than scalar code).
const CLAMP: f32x4 = f32x4::splat(super::curves::CLAMP);
const NEG_CLAMP: f32x4 = f32x4::splat(-super::curves::CLAMP);
const A1: f32x4 = f32x4::splat(super::curves::A1);
const A3: f32x4 = f32x4::splat(super::curves::A3);
const A5: f32x4 = f32x4::splat(super::curves::A5);
const A7: f32x4 = f32x4::splat(super::curves::A7);
const A9: f32x4 = f32x4::splat(super::curves::A9);
const A11: f32x4 = f32x4::splat(super::curves::A11);
const A13: f32x4 = f32x4::splat(super::curves::A13);
const B0: f32x4 = f32x4::splat(super::curves::B0);
const B2: f32x4 = f32x4::splat(super::curves::B2);
const B4: f32x4 = f32x4::splat(super::curves::B4);
const B6: f32x4 = f32x4::splat(super::curves::B6);
const HALF: f32x4 = f32x4::splat(0.5);

/// [`super::curves::tanh_one`] on four values.
#[inline(always)]
fn tanh4(v: f32x4) -> f32x4 {
    let x = v.fast_max(NEG_CLAMP).fast_min(CLAMP);
    let x2 = x * x;
    let p = ((((((A13 * x2 + A11) * x2 + A9) * x2 + A7) * x2 + A5) * x2 + A3) * x2 + A1) * x;
    let q = ((B6 * x2 + B4) * x2 + B2) * x2 + B0;
    p / q
}

/// The curve on four values.
#[inline(always)]
fn curve4(x: f32x4, curve: Activation) -> f32x4 {
    match curve {
        Activation::Tanh => tanh4(x),
        Activation::Sigmoid => HALF + HALF * tanh4(HALF * x),
    }
}

/// The first four values of a slice as one vector.
#[inline(always)]
pub(super) fn load(values: &[f32]) -> f32x4 {
    f32x4::new(values[..4].try_into().expect("four values"))
}

/// One value in all four lanes. wide's `splat` builds an array and loads it, which the
/// page's size-optimised build leaves as a little store loop per call (see the constants
/// above); wasm's own splat instruction has no such cost.
#[inline(always)]
pub(super) fn broadcast(value: f32) -> f32x4 {
    #[cfg(target_arch = "wasm32")]
    return f32x4::from(core::arch::wasm32::f32x4_splat(value));
    #[cfg(not(target_arch = "wasm32"))]
    f32x4::splat(value)
}

/// [`super::curves::apply_loop`]: `f(x)` for every value, in place.
pub(super) fn apply(values: &mut [f32], curve: Activation) {
    let mut chunks = values.chunks_exact_mut(4);
    for chunk in &mut chunks {
        chunk.copy_from_slice(&curve4(load(chunk), curve).to_array());
    }
    super::curves::apply_loop(chunks.into_remainder(), curve);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> Vec<f32> {
        // Every 1/64 from -12 to 12 (past the clamp), plus an odd tail for the remainder.
        (-768..=768).map(|i| i as f32 / 64.0).chain([0.3, -0.7, 5.5]).collect()
    }

    #[test]
    fn four_lanes_match_the_scalar_loop_bit_for_bit() {
        for curve in [Activation::Tanh, Activation::Sigmoid] {
            let xs = inputs();
            let (mut lanes, mut scalar) = (xs.clone(), xs.clone());
            apply(&mut lanes, curve);
            super::super::curves::apply_loop(&mut scalar, curve);
            assert_eq!(lanes, scalar);
        }
    }
}
