//! A table that may be wider than a phone: its title above, then the table in a box that
//! scrolls sideways (and that the keyboard can scroll), so the page itself never does.

use leptos::prelude::*;

/// `children` (a `<table>`, which should name itself with `aria-labelledby={id}`) under a
/// title with id `id`: outside the scrolling box, so the title stays in view.
#[component]
pub fn ScrollingTable(id: &'static str, title: &'static str, children: Children) -> impl IntoView {
    view! {
        <p class="table-title" id=id>{title}</p>
        <div class="scroll-x" tabindex="0" role="region" aria-labelledby=id>
            {children()}
        </div>
    }
}
