//! The page's entry point, built for wasm32 by trunk (`index.html`). Natively there is no
//! page: use the `anc` command.

#[cfg(target_arch = "wasm32")]
fn main() {
    anc::web::open_module();
    // The same module runs the page and, in Web Workers, the CPU learning engine (WebGPU's
    // is `src/webgpu_engine.rs`).
    if anc::web::engine::in_worker() {
        return anc::web::engine::start_worker();
    }
    anc::web::panic_banner::install();
    anc::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("anc-web is the browser page (build it with `trunk build`); natively, use `anc`.");
    std::process::exit(2);
}
