//! What lies below the fold, drawn once the browser has painted the page: its code
//! compiled, its nodes built and laid out after the controls are on screen.

use std::cell::Cell;
use std::rc::Rc;

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::web::browser::yields::yield_now;

/// How long a page whose frames do not come (a tab opened in the background) waits before
/// drawing the rest anyway.
const AT_THE_LATEST_MS: u64 = 300;

/// Appends `view` to the end of `parent` after the page's first paint (or
/// [`AT_THE_LATEST_MS`] after this call, whichever comes first), under the calling
/// component's owner (so it sees the same contexts).
///
/// On a just-started browser each wasm function compiles when it first runs, so every
/// panel drawn before the first paint delays it (`node tests/e2e/load.js`). The view is
/// mounted once, not drawn by a reactive closure or `<Show>`: those keep the code to
/// *rebuild* the panels too, which made the page's module ~150 KB larger.
pub fn append_after_first_paint<E, N>(parent: NodeRef<E>, view: impl FnOnce() -> N + 'static)
where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
    N: IntoView + 'static,
{
    let owner = Owner::current();
    let pending = Rc::new(Cell::new(Some(view)));
    let append = move || {
        let Some(element) = parent.get_untracked() else { return };
        let Some(view) = pending.take() else { return };
        let mount = move || leptos::mount::mount_to(element.unchecked_into(), view).forget();
        match &owner {
            Some(owner) => owner.with(mount),
            None => mount(),
        }
    };
    let after_paint = append.clone();
    // A frame's callback runs before its paint; the task after it, once it painted.
    request_animation_frame(move || {
        leptos::task::spawn_local(async move {
            yield_now().await;
            after_paint()
        })
    });
    set_timeout(append, std::time::Duration::from_millis(AT_THE_LATEST_MS));
}
