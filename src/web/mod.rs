//! The page (built for wasm32 only): Leptos components over the learning core. The core
//! does all the learning; these modules only pick a device, drive the core in slices that
//! keep the page responsive, and draw what happens.

pub mod backend;
pub mod chart;
pub mod components;
pub mod download;
pub mod figures;
pub mod lab;
pub mod panic_banner;
pub mod session;
pub mod share;
pub mod slices;
pub mod text_lab;
pub mod yield_now;

/// Mounts the app on the page's body.
pub fn start() {
    leptos::mount::mount_to_body(components::app::App);
}
