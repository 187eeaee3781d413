//! The page's WebGPU engine: a second wasm module (built with the `webgpu` feature) that
//! only an engine worker training or measuring on WebGPU loads, so the page and its CPU
//! workers never download burn's GPU runtime. Natively there is nothing to run.

#[cfg(target_arch = "wasm32")]
unsafe extern "C" {
    /// Runs the module's constructors (cubecl registers its kernels through them).
    fn __wasm_call_ctors();
}

#[cfg(target_arch = "wasm32")]
fn main() {
    // Once, first, as the page's module does (`src/main.rs`, `../shared/notes/burn-web.md`).
    unsafe { __wasm_call_ctors() };
    let _ = console_log::init_with_level(log::Level::Warn);
    console_error_panic_hook::set_once();
    anc::web::engine::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("anc-webgpu is the page's WebGPU engine (built by `trunk build`); natively, use `anc`.");
    std::process::exit(2);
}
