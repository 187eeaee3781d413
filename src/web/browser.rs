//! The browser's I/O the page uses, in one place: its clock, its storage (this tab's and
//! this browser's), what it says of the machine, the site's own files, its crypto RNG,
//! files in and out ([`files`]), turns given back to it ([`yields`]) and where the reader
//! looks ([`view`]).

pub mod files;
pub mod view;
pub mod yields;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

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

/// The bytes of one of the site's own files.
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    // The `Response` is used through its JS properties: naming web-sys's `Response` type
    // would need one more web-sys feature for three calls.
    let get = |target: &wasm_bindgen::JsValue, name: &str| {
        js_sys::Reflect::get(target, &name.into()).map_err(|_| format!("no {name}"))
    };
    let window = web_sys::window().ok_or("no window")?;
    let response =
        JsFuture::from(window.fetch_with_str(path)).await.map_err(|_| "the request failed".to_string())?;
    if get(&response, "ok")?.as_bool() != Some(true) {
        return Err(format!("HTTP {}", get(&response, "status")?.as_f64().unwrap_or_default()));
    }
    array_buffer_bytes(&response).await.map_err(|stop| {
        match stop {
            ReadStop::NoMethod => "no arrayBuffer",
            ReadStop::NoPromise => "no body",
            ReadStop::Failed => "the body could not be read",
        }
        .to_string()
    })
}

/// Where reading an object's bytes through its `arrayBuffer()` stopped.
enum ReadStop {
    /// It has no `arrayBuffer` method.
    NoMethod,
    /// The method did not give a promise.
    NoPromise,
    /// The promise failed.
    Failed,
}

/// The bytes of `target.arrayBuffer()`: a fetched `Response`'s, a picked `File`'s
/// ([`files::file_bytes`]).
async fn array_buffer_bytes(target: &wasm_bindgen::JsValue) -> Result<Vec<u8>, ReadStop> {
    let read: js_sys::Function = js_sys::Reflect::get(target, &"arrayBuffer".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or(ReadStop::NoMethod)?;
    let promise: js_sys::Promise =
        read.call0(target).ok().and_then(|p| p.dyn_into().ok()).ok_or(ReadStop::NoPromise)?;
    let buffer = JsFuture::from(promise).await.map_err(|_| ReadStop::Failed)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// `count` random bits from the browser's crypto RNG.
pub fn crypto_bits(count: usize) -> Vec<bool> {
    let mut bytes = vec![0u8; count.div_ceil(8)];
    getrandom03::fill(&mut bytes).expect("the browser's crypto.getRandomValues");
    (0..count).map(|i| bytes[i / 8] >> (i % 8) & 1 == 1).collect()
}
