//! The curves of [`super::curves`] applied in place by the fastest loop for the target:
//! explicit 128-bit SIMD in the page's wasm ([`super::lanes`]), AVX2+FMA where the x86-64
//! processor has it (picked at run time), else the plain loop.

use super::curves::Activation;
#[cfg(not(target_arch = "wasm32"))]
use super::curves::apply_loop;

/// The plain loop compiled for AVX2+FMA: the default x86-64 target assumes only SSE2,
/// so without this a loop uses 4 of 8 lanes and no fused multiply-add. Picked at run time.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::Activation;
    use super::apply_loop;

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn apply(values: &mut [f32], curve: Activation) {
        apply_loop(values, curve)
    }

    pub(super) fn available() -> bool {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
}

/// `f(x)` in place, by the fastest form for this target: explicit SIMD in wasm, AVX2+FMA
/// where the x86-64 processor has it, else the plain loop.
pub(super) fn apply(values: &mut [f32], curve: Activation) {
    #[cfg(target_arch = "wasm32")]
    super::lanes::apply(values, curve);
    #[cfg(not(target_arch = "wasm32"))]
    {
        #[cfg(target_arch = "x86_64")]
        if avx2::available() {
            // SAFETY: the processor has AVX2 and FMA (checked just above).
            return unsafe { avx2::apply(values, curve) };
        }
        apply_loop(values, curve)
    }
}

/// tanh of every value, in place.
pub fn tanh_in_place(values: &mut [f32]) {
    apply(values, Activation::Tanh)
}

/// The logistic sigmoid `0.5 + 0.5·tanh(x / 2)` of every value, in place.
pub fn sigmoid_in_place(values: &mut [f32]) {
    apply(values, Activation::Sigmoid)
}
