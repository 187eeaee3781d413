//! A part of the lab the class view folds away: under a "details" line in the class view,
//! open in the full lab (where its line still says what it holds). Nothing is removed.

use leptos::prelude::*;

use crate::web::view_mode::ViewMode;

#[component]
pub fn Fold(
    /// What the folded part holds, in a few words.
    summary: &'static str,
    /// The test id of its `<details>`.
    #[prop(into)]
    test_id: String,
    /// Open in the class view too while this holds (say, a field inside needs fixing).
    #[prop(optional, into)]
    open_when: Option<Signal<bool>>,
    children: Children,
) -> impl IntoView {
    let mode = ViewMode::get();
    let open = move || !mode.class.get() || open_when.is_some_and(|o| o.get());
    view! {
        <details class="fold" data-testid=test_id prop:open=open>
            <summary>{summary}</summary>
            {children()}
        </details>
    }
}
