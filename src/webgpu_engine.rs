//! The page's WebGPU engine: a second wasm module (built with the `webgpu` feature) that
//! only an engine worker training or measuring on WebGPU loads, so the page and its CPU
//! workers never download burn's GPU runtime. Natively there is nothing to run.

#[cfg(target_arch = "wasm32")]
fn main() {
    anc::web::open_module();
    anc::web::engine::start_worker();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("anc-webgpu is the page's WebGPU engine (built by `trunk build`); natively, use `anc`.");
    std::process::exit(2);
}
