//! Giving the browser a turn between slices of training.
//!
//! Written by hand because the usual `setTimeout(0)` (gloo-timers' `TimeoutFuture::new(0)`)
//! is clamped to 4 ms once such timers chain more than five deep — 10 % of a 35 ms slice —
//! and no well-kept crate offers the unclamped alternative: a message posted to oneself
//! through a `MessageChannel`, which runs as its own task, so the page can draw and take
//! input before training goes on.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Resolves in a new task, after the browser had the chance to render and handle input.
pub async fn yield_now() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return gloo_timers::future::TimeoutFuture::new(0).await;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
        let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    });
    let _ = JsFuture::from(promise).await;
    channel.port1().set_onmessage(None); // `channel` lived until the message came
}
