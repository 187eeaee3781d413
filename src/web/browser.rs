//! The browser's I/O the page uses, in one place: its clock, its storage (this tab's and
//! this browser's), and what it says of the machine.

/// Milliseconds on the page's clock (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_default()
}

/// This tab's storage (kept across reloads, forgotten when the tab closes).
pub fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// This browser's storage (kept across visits).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The text stored under `key` in `storage`.
pub fn stored(storage: Option<web_sys::Storage>, key: &str) -> Option<String> {
    storage?.get_item(key).ok().flatten()
}

/// Stores `value` under `key` (or removes the key), ignoring a full or disabled storage:
/// what is kept is a convenience, never needed to go on.
pub fn store(storage: Option<web_sys::Storage>, key: &str, value: Option<&str>) {
    if let Some(storage) = storage {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// Logical cores the browser reports (1 if it does not say).
pub fn cores() -> usize {
    web_sys::window().map(|w| w.navigator().hardware_concurrency() as usize).unwrap_or(1).max(1)
}

/// How many CPU engine workers share work that splits freely (attackers, population
/// members): `?workers=1` forces one; otherwise two where the browser reports two or more
/// cores.
pub fn side_by_side_workers() -> usize {
    match query("workers").as_deref() {
        Some("1") => 1,
        _ if cores() >= 2 => 2,
        _ => 1,
    }
}

/// Whether the page exposes WebGPU at all (`navigator.gpu`).
pub fn has_webgpu() -> bool {
    let navigator = web_sys::window().map(|w| w.navigator());
    navigator.is_some_and(|n| js_sys::Reflect::has(&n, &"gpu".into()).unwrap_or(false))
}

/// A query parameter of the page's address.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}
