//! The learning engine in Web Workers, so the page's thread only draws: each worker holds
//! its device and trainer, and the page talks to it through
//! [`crate::app::engine_protocol`]. A CPU worker runs this page's own wasm module (no
//! second download); a WebGPU worker runs the WebGPU engine module (`src/webgpu_engine.rs`),
//! which only it downloads. Two CPU workers train as data-parallel replicas over a
//! `MessageChannel` ([`port_peer`]).

mod audits;
pub mod client;
mod job;
pub mod port_peer;
mod train_pad;
mod train_population;
pub mod worker;

/// Starts the engine in this worker; a panic also goes to the console.
pub fn start_worker() {
    console_error_panic_hook::set_once();
    worker::start();
}

/// Whether this wasm instance runs in a worker (no `window`), not in the page.
pub fn in_worker() -> bool {
    web_sys::window().is_none()
}
