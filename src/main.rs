//! The page's entry point, built for wasm32 by trunk (`index.html`). Natively there is no
//! page: use the `anc` command.

#[cfg(target_arch = "wasm32")]
unsafe extern "C" {
    /// Runs the module's constructors (cubecl registers its kernels through them).
    fn __wasm_call_ctors();
}

#[cfg(target_arch = "wasm32")]
fn main() {
    // Once, first: otherwise wasm-ld wraps every export in a constructor call and each
    // WebGPU launch reruns them all (10–20× slower; `../shared/notes/burn-web.md`).
    unsafe { __wasm_call_ctors() };
    let _ = console_log::init_with_level(log::Level::Warn);
    // The same module runs the page and, in Web Workers, the CPU learning engine (WebGPU's
    // is `src/webgpu_engine.rs`).
    if anc::web::engine::in_worker() {
        console_error_panic_hook::set_once();
        return anc::web::engine::worker::start();
    }
    anc::web::panic_banner::install();
    anc::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("anc-web is the browser page (build it with `trunk build`); natively, use `anc`.");
    std::process::exit(2);
}
