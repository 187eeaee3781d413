//! Which burn device trains in this browser: WebGPU where the browser gives an adapter (in
//! the WebGPU engine module, built with the `webgpu` feature), burn's CPU backend (flex,
//! compiled to wasm) otherwise, and why.

use burn::prelude::*;
#[cfg(feature = "webgpu")]
use burn::tensor::wgpu::WgpuBackend;

pub use crate::app::backend::{BackendChoice, BackendInfo, BackendKind};

/// Why WebGPU cannot train here: a few words, and burn's error when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct NoWebGpu {
    pub reason: &'static str,
    pub detail: Option<String>,
}

/// Whether this page or worker exposes `navigator.gpu` at all.
#[cfg(feature = "webgpu")]
fn browser_has_webgpu() -> bool {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).ok();
    navigator.is_some_and(|n| js_sys::Reflect::has(&n, &"gpu".into()).unwrap_or(false))
}

/// Opens burn's WebGPU device (once per page: burn's runtime cannot be initialised twice,
/// so the caller keeps the result). `Err` says why WebGPU is not available.
#[cfg(feature = "webgpu")]
pub async fn open_webgpu() -> Result<Device, NoWebGpu> {
    if !browser_has_webgpu() {
        return Err(NoWebGpu { reason: "this browser has no WebGPU", detail: None });
    }
    match Device::wgpu_options().graphics_api(WgpuBackend::WebGpu).init_async().await {
        Ok(device) => Ok(device.autodiff()),
        Err(e) => Err(NoWebGpu {
            reason: "this browser offers no usable WebGPU adapter",
            detail: Some(e.to_string()),
        }),
    }
}

/// The page's own module has no WebGPU runtime: only the WebGPU engine module opens it.
#[cfg(not(feature = "webgpu"))]
pub async fn open_webgpu() -> Result<Device, NoWebGpu> {
    Err(NoWebGpu { reason: "this engine module was built without WebGPU", detail: None })
}
