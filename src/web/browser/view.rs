//! Where the reader looks: bringing a part of the page into view, and giving keyboard focus
//! back where a disabled button dropped it.

use wasm_bindgen::JsCast;

use crate::web::browser::yields::yield_now;

/// How an element is brought into view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Align {
    /// Its top at the top of the window (a section the reader is sent to).
    Top,
    /// Scrolled the least that shows it whole, and not at all if it already shows.
    Nearest,
}

/// The page's first element `selector` names.
fn element(selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.query_selector(selector).ok().flatten()
}

/// Brings the element `selector` names into view once the page has drawn what the caller
/// just changed.
pub fn bring_into_view(selector: &'static str, align: Align) {
    leptos::task::spawn_local(async move {
        yield_now().await;
        let Some(element) = element(selector) else { return };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(match align {
            Align::Top => web_sys::ScrollLogicalPosition::Start,
            Align::Nearest => web_sys::ScrollLogicalPosition::Nearest,
        });
        element.scroll_into_view_with_scroll_into_view_options(&options);
    });
}

/// Moves keyboard focus to the element `selector` names, without scrolling, once focus is
/// lost (on the page's body, or on a button that became disabled, which the browser moves
/// to the body a moment later) and the element can take it. Gives up after half a second,
/// or as soon as the reader put focus somewhere else.
pub fn refocus_if_lost(selector: &'static str) {
    leptos::task::spawn_local(async move {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let was = document.active_element();
        for _ in 0..20 {
            // The page's updates (a button disabled, another enabled) land in between.
            gloo_timers::future::TimeoutFuture::new(25).await;
            let body = document.body().map(|b| b.unchecked_into::<web_sys::Element>());
            let active = document.active_element();
            let disabled = |e: &web_sys::Element| e.matches(":disabled").unwrap_or(false);
            let lost = match &active {
                None => true,
                Some(a) => Some(a) == body.as_ref() || disabled(a),
            };
            if !lost && active != was {
                return; // the reader moved on
            }
            let target = element(selector).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let (true, Some(target)) = (lost, target.filter(|t| !disabled(t))) {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                let _ = target.focus_with_options(&options);
                return;
            }
        }
    });
}
