//! The page (built for wasm32 only): Leptos components over the learning core. The core
//! does all the learning — training, the audits and the populations in engine workers
//! ([`engine`], driven as [`job::WorkerJob`]s), the message form and the key search on the
//! page's thread; these modules pick the backend, drive the core and draw what happens.

pub mod backend;
pub mod browser;
pub mod chart;
pub mod choose_backend;
pub mod components;
pub mod continued_eve;
pub mod engine;
pub mod figures;
pub mod job;
pub mod lab;
pub mod message_form;
pub mod pad_run;
pub mod panic_banner;
pub mod population_run;
pub mod share;
pub mod slices;
pub mod suite_run;
pub mod tab_storage;
pub mod trained_run;
pub mod training_run;
pub mod view_mode;

/// Every wasm module's allocator (the page's, its CPU engine workers', the WebGPU
/// engine's): talc instead of Rust's default dlmalloc. The engine allocates a few hundred
/// small tensors a training step, and dlmalloc's `malloc`/`free` took ~14 % of a CPU
/// profile of in-page training at batch 32 (`BATCH=32 QUERY='&workers=1' WORKERS=1
/// ITERATIONS=6000 node tests/e2e/profile.js`).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

unsafe extern "C" {
    /// Runs the module's constructors (cubecl registers its kernels through them).
    fn __wasm_call_ctors();
}

/// What every wasm entry point (the page's `src/main.rs`, the WebGPU engine's
/// `src/webgpu_engine.rs`) does first: runs the constructors once — otherwise wasm-ld wraps
/// every export in a constructor call and each WebGPU launch reruns them all (10–20×
/// slower; `../shared/notes/burn-web.md`) — and sends warnings to the console.
pub fn open_module() {
    unsafe { __wasm_call_ctors() };
    let _ = console_log::init_with_level(log::Level::Warn);
}

/// Mounts the app on the page's body.
pub fn start() {
    leptos::mount::mount_to_body(components::app::App);
}
