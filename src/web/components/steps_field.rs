//! The "most steps" field the audits and the population's screening share: a whole number
//! typed as text, marked invalid (for screen readers too) when it is not one in range.

use leptos::prelude::*;

#[component]
pub fn StepsField(
    /// The words before the box ("Most steps per attacker ").
    label: &'static str,
    /// The text as typed.
    value: RwSignal<String>,
    /// Whether the text is a number the panel accepts.
    #[prop(into)]
    valid: Signal<bool>,
    test_id: String,
    /// Whether the field is locked (while its work runs).
    #[prop(into, optional)]
    disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <input
                type="text"
                inputmode="numeric"
                data-testid=test_id
                prop:value=move || value.get()
                prop:disabled=move || disabled.get()
                aria-invalid=move || if valid.get() { "false" } else { "true" }
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}
