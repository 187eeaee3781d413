//! Which burn device trains in this browser: WebGPU where the browser gives an adapter,
//! burn's CPU backend (flex, compiled to wasm) otherwise, and why.

use burn::prelude::*;
use burn::tensor::wgpu::WgpuBackend;

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// WebGPU if it works here, else the CPU.
    #[default]
    Auto,
    WebGpu,
    Cpu,
}

impl BackendChoice {
    pub const ALL: [BackendChoice; 3] = [BackendChoice::Auto, BackendChoice::WebGpu, BackendChoice::Cpu];

    pub fn key(self) -> &'static str {
        match self {
            BackendChoice::Auto => "auto",
            BackendChoice::WebGpu => "webgpu",
            BackendChoice::Cpu => "cpu",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BackendChoice::Auto => "Automatic",
            BackendChoice::WebGpu => "WebGPU",
            BackendChoice::Cpu => "CPU",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// The device that runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    WebGpu,
    Cpu,
}

impl BackendKind {
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::WebGpu => "WebGPU",
            BackendKind::Cpu => "CPU",
        }
    }
}

/// The backend in use and the reason it was chosen, for the badge.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendInfo {
    pub kind: BackendKind,
    /// A few words for the badge.
    pub reason: String,
    /// The full error, if WebGPU failed (shown on hover and in the note below the badge).
    pub detail: Option<String>,
}

/// The CPU device (with autodiff) and its badge.
pub fn cpu(reason: impl Into<String>, detail: Option<String>) -> (Device, BackendInfo) {
    (Device::flex().autodiff(), BackendInfo { kind: BackendKind::Cpu, reason: reason.into(), detail })
}

/// Why WebGPU cannot train here: a few words, and burn's error when there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct NoWebGpu {
    pub reason: &'static str,
    pub detail: Option<String>,
}

/// Whether the browser exposes `navigator.gpu` at all.
fn browser_has_webgpu() -> bool {
    let navigator = web_sys::window().map(|w| w.navigator());
    navigator.is_some_and(|n| js_sys::Reflect::has(&n, &"gpu".into()).unwrap_or(false))
}

/// Opens burn's WebGPU device (once per page: burn's runtime cannot be initialised twice,
/// so the caller keeps the result). `Err` says why WebGPU is not available.
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
