//! The message form's model field: which model encrypts and reads (the shipped ones or
//! yours), what it is and how strong it was found, and its file in and out.

use leptos::prelude::*;

use crate::text::codec::count;
use crate::web::browser::files;
use crate::web::components::fold::Fold;
use crate::web::message_form::{MessageForm, ModelSlot};

/// The choice's words in the picker.
fn slot_label(slot: ModelSlot) -> &'static str {
    match slot {
        ModelSlot::ShippedPoc8 => "poc8 (shipped)",
        ModelSlot::ShippedSeed16 => "seed16 (shipped)",
        ModelSlot::ShippedOwnEve16 => "owneve16 (shipped)",
        ModelSlot::Trained => "your model (trained here or loaded)",
    }
}

#[component]
pub fn ModelPicker() -> impl IntoView {
    let text = MessageForm::get();
    let model_line = move || match text.slots[text.slot.get().index()].info.get() {
        None => "Loading the model…".to_string(),
        Some(Err(e)) => e,
        Some(Ok(info)) => format!(
            "Using {} ({} bits), {}: Bob reads {} of messages; {}.{}",
            info.preset,
            info.bits,
            text.source(text.slot.get()),
            info.bob_correct_pct.map_or("an unknown share".into(), |p| format!("{p:.2} %")),
            info.strength.map_or("no attacker audit recorded".to_string(), |s| s.sentence(info.bits)),
            if info.pad {
                " A pad's audit is of one message under one fresh key: this form uses one key for every block of a text (“One key for every block” below shows what that gives away)."
            } else {
                ""
            },
        ),
    };
    let packing_note = move || {
        text.info().map(|i| {
            let p = i.packing();
            let fill = count(p.random_bits(), "fresh random bit", "fresh random bits");
            let codes = count(p.chars_per_block(), "character code", "character codes");
            if p.random_bits() == 0 {
                format!(
                    "Each {}-bit block holds {codes} of 5 bits and no random bit: the same text under the same key encrypts the same way each time.",
                    i.bits
                )
            } else if i.pad {
                // A pad is a fixed XOR under one key: equal blocks, equal ciphertexts.
                format!(
                    "Each {}-bit block holds {codes} of 5 bits and {fill}. Under a pad with one key, only those random bits make two blocks of the same characters encrypt differently.",
                    i.bits
                )
            } else {
                format!(
                    "Each {}-bit block holds {codes} of 5 bits and {fill}, so the same text encrypts differently each time.",
                    i.bits
                )
            }
        })
    };
    view! {
        <div class="field">
            <label for="model-choice">"Model"</label>
            <select
                id="model-choice"
                data-testid="model-choice"
                prop:value=move || text.slot.get().key()
                on:change=move |ev| {
                    let key = event_target_value(&ev);
                    if let Some(slot) = ModelSlot::from_key(&key) {
                        text.slot.set(slot);
                    }
                }
            >
                {ModelSlot::ALL
                    .into_iter()
                    .map(|s| view! {
                        <option value=s.key() selected=move || text.slot.get() == s
                            disabled=move || text.slots[s.index()].info.with(|i| !matches!(i, Some(Ok(_))))>
                            {slot_label(s)}
                        </option>
                    })
                    .collect_view()}
            </select>
            <p data-testid="model-info" role="status">{model_line}</p>
            <Fold summary="Details: model files (download this model, load one)" test_id="fold-model-files">
            <div class="buttons">
                <button type="button" data-testid="download-model" prop:disabled=move || text.info().is_none()
                    on:click=move |_| {
                        let name = text.info().map_or("model".into(), |i| i.preset);
                        if let Some(bytes) = text.model_file() {
                            let result = files::save_bytes(&format!("anc-{name}.bin"), &bytes);
                            text.file_error.set(result.err());
                        }
                    }>
                    "Download this model"
                </button>
                <label class="file-button">
                    "Load a model file… "
                    <input type="file" accept=".bin,application/octet-stream" data-testid="upload-model"
                        on:change=move |ev| {
                            let Some((file, name)) = files::picked_file(&ev) else { return };
                            leptos::task::spawn_local(async move {
                                match files::file_bytes(&file).await {
                                    Ok(bytes) => text.load_file(&name, &bytes),
                                    Err(e) => text.file_error.set(Some(e)),
                                }
                            });
                        }/>
                </label>
            </div>
            </Fold>
            <p class="error" data-testid="model-file-error" role="alert">{move || text.file_error.get()}</p>
            <p class="note">{packing_note}</p>
        </div>
    }
}
