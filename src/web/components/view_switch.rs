//! The switch between the class view and the full lab, at the top of the page.

use leptos::prelude::*;

use crate::web::view_mode::ViewMode;

#[component]
pub fn ViewSwitch() -> impl IntoView {
    let mode = ViewMode::get();
    view! {
        <div class="view-switch" role="group" aria-label="How much to show">
            <button
                type="button"
                data-testid="view-class"
                aria-pressed=move || mode.class.get().to_string()
                on:click=move |_| mode.set_class(true)
            >
                "Class view"
            </button>
            <button
                type="button"
                data-testid="view-lab"
                aria-pressed=move || (!mode.class.get()).to_string()
                on:click=move |_| mode.set_class(false)
            >
                "Full lab"
            </button>
            <span class="hint" data-testid="view-hint">
                {move || {
                    if mode.class.get() {
                        "The three steps with one button each; every setting and measurement is under “details”."
                    } else {
                        "Every setting, measurement and tool open."
                    }
                }}
            </span>
        </div>
    }
}
