//! One labelled field of the training form, with its error shown beside it.

use leptos::prelude::*;

use crate::app::form::Field;
use crate::web::lab::Lab;

/// A text input bound to `field` of the lab's form.
#[component]
pub fn FormField(
    /// The form field this input edits.
    field: Field,
    /// The field's current error, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let lab = Lab::get();
    let id = format!("field-{}", field.key());
    let error_id = format!("{id}-error");
    let value = move || lab.form.with(|f| f.texts.get(&field).cloned().unwrap_or_default());
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone() title=field.hint()>{field.label()}</label>
            <input
                id=id
                type="text"
                inputmode="decimal"
                autocomplete="off"
                data-testid=format!("input-{}", field.key())
                prop:value=value
                prop:disabled=move || lab.training.status.get().is_active()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    lab.form.update(|f| {
                        f.texts.insert(field, text);
                    });
                }
            />
            <span class="error" id=error_id data-testid=format!("error-{}", field.key()) aria-live="polite">
                {move || error.get().unwrap_or_default()}
            </span>
        </div>
    }
}
