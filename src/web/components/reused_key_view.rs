//! The message form's pad attack: every block of a text was encrypted under one key, so to
//! a pad the key was used many times. XOR two ciphertext blocks and the key cancels; Eve
//! tries every first block and keeps the most English-like reading — without the key.

use leptos::prelude::*;

use crate::app::key_reuse::{MAX_GUESSED_CHARS, first_block_chars, guess_reused_key};
use crate::app::report::grouped;
use crate::text::codec::Ciphertext;
use crate::text::messages::MarkedReading;
use crate::web::components::reading_chars::ReadingChars;
use crate::web::message_form::MessageForm;

/// Eve's reading, marked against the message where it is known here.
#[derive(Clone, Debug, PartialEq)]
struct Reading {
    /// The ciphertext and model it was made from: shown only while they stay.
    made_from: (String, u64),
    marked: MarkedReading,
    tried: String,
}

#[component]
pub fn ReusedKeyView(
    /// The codes last encrypted in the form, to mark Eve's characters.
    sent: RwSignal<Option<Vec<u8>>>,
) -> impl IntoView {
    let text = MessageForm::get();
    let outcome = RwSignal::new(None::<Result<Reading, String>>);
    let now = move || (text.ciphertext.get(), text.revision.get());
    let run = move |_| {
        let Some(info) = text.info() else { return };
        let made_from = (text.ciphertext.get_untracked(), text.revision.get_untracked());
        let result = Ciphertext::parse(&made_from.0, &info.preset, info.bits).map_err(|e| e.to_string()).and_then(|c| {
            let packing = info.packing();
            if packing.blocks(c.chars) < 2 {
                return Err("this ciphertext is one block: a key used once is the one case a pad protects. Encrypt a longer message.".to_string());
            }
            let per = first_block_chars(&c, packing);
            let codes = guess_reused_key(&c, packing).ok_or_else(|| {
                format!("this pad's blocks hold {per} characters: 32^{per} first blocks are too many to try here (up to {MAX_GUESSED_CHARS}, a 16-bit pad).")
            })?;
            let marked = sent.with_untracked(|s| MarkedReading::of(&codes, s.as_deref()));
            let tried = match per {
                1 => "32 first letters tried".to_string(),
                _ => format!("{} first blocks of {per} letters tried", grouped(32usize.pow(per as u32))),
            };
            Ok(Reading { made_from: made_from.clone(), marked, tried })
        });
        outcome.set(Some(result));
    };
    let shown = move || {
        let now = now();
        outcome.get().map(|o| match o {
            Err(why) => view! { <p class="error" data-testid="reused-key-error">{why}</p> }.into_any(),
            Ok(r) if r.made_from == now => {
                let summary =
                    r.marked.agreement.map(|a| format!(" — {:.0} % of the characters right, without the key", a.chars_pct()));
                view! {
                    <p class="reading" data-testid="reused-key-reading">
                        <span class="who">"Eve: "</span>
                        <ReadingChars chars=r.marked.chars test_id="reused-key-text".to_string()/>
                        {summary}
                        <span class="note">{format!(" ({}, the most English-like reading kept).", r.tried)}</span>
                    </p>
                }
                .into_any()
            }
            Ok(_) => ().into_any(),
        })
    };
    view! {
        <div class="key-reuse" data-testid="reused-key">
            <h3>"One key for every block: what Eve reads without it"</h3>
            <p class="note">
                "This form encrypts every block of a text under the same key, so to a pad the key was used many times. "
                "XOR two blocks of the ciphertext and the key cancels: the XOR of two message blocks is left. "
                "Eve guesses the first block, reads every other block from it, and keeps the guess that reads most like English."
            </p>
            <button type="button" data-testid="reused-key-run" on:click=run
                prop:disabled=move || text.ciphertext.with(|c| c.trim().is_empty())>
                "Eve XORs the blocks (no key)"
            </button>
            {shown}
            <p class="note">"A perfect one-time pad protects one message under one fresh key, used once; text encrypted this way is not secure, and a key of 8 or 16 bits falls to the key search below anyway."</p>
        </div>
    }
}
