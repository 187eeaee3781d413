//! "Use the key twice": two messages encrypted with the trained pad under one key, their
//! ciphertexts XORed (the key cancels), and the second message read off with the first —
//! why a one-time pad is one-time, shown with the class's own pad.

use leptos::prelude::*;

use crate::app::bits::bits_text;
use crate::app::key_reuse::{KeyReuse, key_reuse};
use crate::nn::pad::FrozenPad;
use crate::nn::pad::file as pad_file;
use crate::web::message_form::new_key;
use crate::web::pad_run::PadState;

/// Encrypts both messages with the trained pad under one fresh key, on the page's CPU.
async fn reuse(model: Vec<u8>, first: String, second: String) -> Result<(String, KeyReuse), String> {
    let device = burn::prelude::Device::flex();
    let pad = pad_file::load(&model, &device).map_err(|e| e.to_string())?;
    let key = new_key(pad.net.bits());
    let cipher = FrozenPad::new(&pad.net);
    let pending = key_reuse(&cipher, &first, &second, &key.floats(), &device).map_err(|e| e.to_string())?;
    let reading = pending.read_async().await.map_err(|e| e.cause())?;
    Ok((key.to_bit_string(), reading))
}

#[component]
pub fn KeyReuseView() -> impl IntoView {
    let pad = PadState::get();
    let first = RwSignal::new("meet me at noon".to_string());
    let second = RwSignal::new("attack at dawn!".to_string());
    let outcome = RwSignal::new(None::<Result<(String, KeyReuse), String>>);
    // New messages: the last reading no longer matches them.
    Effect::new(move |_| {
        first.track();
        second.track();
        outcome.set(None);
    });
    let run = move |_| {
        let Some(model) = pad.trained.with_untracked(|t| t.as_ref().map(|t| t.model.clone())) else { return };
        let (a, b) = (first.get_untracked(), second.get_untracked());
        leptos::task::spawn_local(async move { outcome.set(Some(reuse(model, a, b).await)) });
    };
    let shown = move || {
        outcome.get().map(|o| match o {
            Err(why) => view! { <p class="error" data-testid="reuse-error">{why}</p> }.into_any(),
            Ok((key, r)) => view! {
                <p class="reading" data-testid="reuse-blocks">
                    {format!("one key {key} · first block of each ciphertext: {} and {}", bits_text(&r.first_ciphertexts.0), bits_text(&r.first_ciphertexts.1))}
                </p>
                <p data-testid="reuse-cancels">
                    {format!(
                        "The two ciphertexts XORed equal the two messages XORed in {:.0} % of the bits: {}",
                        100.0 * r.key_cancels,
                        if r.key_cancels >= 1.0 {
                            "the key cancelled entirely, and an eavesdropper holds m₁ ⊕ m₂ without it."
                        } else {
                            "this pad mixes message bits across positions, so that XOR comes scrambled, but the key has cancelled from it all the same (every position is an XOR of bits)."
                        }
                    )}
                </p>
                {if r.key_cancels >= 1.0 {
                    view! {
                        <p class="audit-result headline" data-testid="reuse-read">
                            "Knowing (or guessing) the first message, an eavesdropper reads the second: "
                            <strong>{format!("“{}”", r.read)}</strong>
                        </p>
                    }.into_any()
                } else {
                    view! {
                        <p data-testid="reuse-read">
                            "Read the same way, with the first message, the second comes out scrambled by the mixing: "
                            {format!("“{}”", r.read)}
                            " (an attacker who knows the formulas above undoes the mixing too)."
                        </p>
                    }.into_any()
                }}
            }
            .into_any(),
        })
    };
    view! {
        <div class="key-reuse" data-testid="key-reuse">
            <h3>"Use the key twice, and the pad breaks"</h3>
            <p class="note">"The message form encrypts every block of a text under one key: to this pad that is the same key used many times."</p>
            <div class="messages">
                <label class="field">"First message " <input type="text" data-testid="reuse-first" prop:value=move || first.get() on:input=move |ev| first.set(event_target_value(&ev))/></label>
                <label class="field">"Second message " <input type="text" data-testid="reuse-second" prop:value=move || second.get() on:input=move |ev| second.set(event_target_value(&ev))/></label>
            </div>
            <button type="button" data-testid="reuse-run" on:click=run>"Encrypt both under one key"</button>
            {shown}
        </div>
    }
}
