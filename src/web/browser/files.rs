//! Files in and out: reading one the user picked, saving what the page made (text such as
//! CSV through a Blob URL, a canvas as PNG), and text on the clipboard.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, Url};

fn click_link(href: &str, file_name: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "cannot make a link")?
        .dyn_into()
        .map_err(|_| "not a link")?;
    link.set_href(href);
    link.set_download(file_name);
    link.click();
    Ok(())
}

/// Offers `blob` as a download named `file_name`.
fn save_blob(blob: &Blob, file_name: &str) -> Result<(), String> {
    let url = Url::create_object_url_with_blob(blob).map_err(|_| "cannot make a file URL")?;
    let result = click_link(&url, file_name);
    // The browser reads the blob after the click returns: free it a little later.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    result
}

fn blob_options(mime: &str) -> BlobPropertyBag {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    options
}

/// Offers `text` as a download named `file_name`.
pub fn save_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let blob = Blob::new_with_str_sequence_and_options(&parts, &blob_options(mime))
        .map_err(|_| "cannot make the file")?;
    save_blob(&blob, file_name)
}

/// Offers `bytes` as a download named `file_name`.
pub fn save_bytes(file_name: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob =
        Blob::new_with_u8_array_sequence_and_options(&parts, &blob_options("application/octet-stream"))
            .map_err(|_| "cannot make the file")?;
    save_blob(&blob, file_name)
}

/// Offers the canvas's picture as a PNG download.
pub fn save_png(canvas: &HtmlCanvasElement, file_name: &str) -> Result<(), String> {
    let url = canvas.to_data_url_with_type("image/png").map_err(|_| "cannot read the chart")?;
    click_link(&url, file_name)
}

/// Copies `text` to the clipboard (the browser may refuse: then `Err`).
pub async fn copy_text(text: &str) -> Result<(), ()> {
    let clipboard = web_sys::window().ok_or(())?.navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.map(|_| ()).map_err(|_| ())
}

/// The first file a file input's `change` event picked, with its name (none if the user
/// cancelled).
pub fn picked_file(event: &web_sys::Event) -> Option<(wasm_bindgen::JsValue, String)> {
    let target = wasm_bindgen::JsValue::from(event.target()?);
    let files = js_sys::Reflect::get(&target, &"files".into()).ok()?;
    let file = js_sys::Reflect::get_u32(&files, 0).ok().filter(|f| !f.is_undefined())?;
    let name =
        js_sys::Reflect::get(&file, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    Some((file, name))
}

/// The bytes of a `File` the user picked (through its JS `arrayBuffer()`).
pub async fn file_bytes(file: &wasm_bindgen::JsValue) -> Result<Vec<u8>, String> {
    super::array_buffer_bytes(file).await.map_err(|stop| {
        match stop {
            super::ReadStop::Failed => "the file could not be read",
            super::ReadStop::NoMethod | super::ReadStop::NoPromise => "not a file",
        }
        .to_string()
    })
}
