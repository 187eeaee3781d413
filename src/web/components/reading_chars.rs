//! A reading of a text (Bob's, Eve's) character by character, each wrong one marked.

use leptos::prelude::*;

#[component]
pub fn ReadingChars(
    /// Each character and whether it was right.
    chars: Vec<(char, bool)>,
    test_id: String,
) -> impl IntoView {
    view! {
        <span class="chars" data-testid=test_id>
            {chars.into_iter().map(|(c, ok)| view! { <span class:wrong=!ok>{c.to_string()}</span> }).collect_view()}
        </span>
    }
}
