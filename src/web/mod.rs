//! The page (built for wasm32 only): Leptos components over the learning core. The core
//! does all the learning: training in engine workers ([`engine`]), the audits and the
//! message form on the page in slices that keep it responsive; these modules pick the
//! backend, drive the core and draw what happens.

pub mod attack_run;
pub mod backend;
pub mod browser;
pub mod chart;
pub mod choose_backend;
pub mod components;
pub mod continued_audit;
pub mod download;
pub mod engine;
pub mod figures;
pub mod lab;
pub mod panic_banner;
pub mod share;
pub mod slices;
pub mod tab_storage;
pub mod text_lab;
pub mod training_run;
pub mod yield_now;

/// Mounts the app on the page's body.
pub fn start() {
    leptos::mount::mount_to_body(components::app::App);
}
