//! Encrypt, decrypt and attack text with a learned cipher (spec §5): the key, the message,
//! the ciphertext, Bob's reading and Eve's, around the model field ([`ModelPicker`]), the
//! share link ([`ShareLink`]) and the key search.

use leptos::prelude::*;

use crate::text::codec::{Ciphertext, encode_text};
use crate::text::key::Key;
use crate::text::messages::{MarkedReading, decrypt, eavesdrop, encrypt};
use crate::web::browser::crypto_bits;
use crate::web::browser::view::{Align, bring_into_view};
use crate::web::components::fold::Fold;
use crate::web::components::key_search_panel::KeySearchPanel;
use crate::web::components::model_picker::ModelPicker;
use crate::web::components::reading_chars::ReadingChars;
use crate::web::components::reused_key_view::ReusedKeyView;
use crate::web::components::share_link::ShareLink;
use crate::web::message_form::{MessageForm, ModelSlot, new_key};

/// A ciphertext Alice made in this form: its text and compact forms, why it is as long as
/// it is, and the message it encrypts.
#[derive(Clone, Debug, PartialEq)]
struct Encrypted {
    text: String,
    compact: String,
    why: String,
    plaintext: String,
}

/// The inputs as they are now, read without subscribing (in event handlers).
fn inputs_untracked(text: MessageForm) -> Inputs {
    Inputs {
        model: (text.slot.get_untracked(), text.revision.get_untracked()),
        key: text.key_text.get_untracked(),
        ciphertext: text.ciphertext.get_untracked(),
        plaintext: text.plaintext.get_untracked(),
    }
}

/// What a reading (or an error) was made from. It is shown only while these stay the same:
/// any change of model, key or ciphertext hides every reading derived from the old ones.
#[derive(Clone, Debug, PartialEq)]
struct Inputs {
    /// The slot and the model in it.
    model: (ModelSlot, u64),
    /// The key (empty for Eve, who reads without it).
    key: String,
    ciphertext: String,
    plaintext: String,
}

impl Inputs {
    /// Whether a reading made from `self` still applies to `now` (the message text does not
    /// change what the ciphertext says).
    fn same_reading(&self, now: &Inputs) -> bool {
        (&self.model, &self.key, &self.ciphertext) == (&now.model, &now.key, &now.ciphertext)
    }
}

/// Which Eve read the message, and the strongest attacker the model's audit recorded: the
/// Eve that trained alongside is not the strongest reader of a cipher.
fn eve_which(text: MessageForm) -> String {
    let info = text.info();
    let bits = info.as_ref().map_or(0, |i| i.bits);
    match info.and_then(|i| i.strength) {
        Some(s) => format!(
            ". This is the Eve that trained alongside Alice and Bob; the strongest reader on record for this model, {}, gets {:.2} bits wrong of {bits}.",
            s.attacker(),
            s.bit_errors
        ),
        None => ". This is the Eve that trained alongside Alice and Bob, not the strongest attacker: step 2 trains stronger ones against this model.".to_string(),
    }
}

/// Why a pad's ciphertext has no Eve to read it.
const NO_EVE: &str = "a pad trains against a distinguisher, which tells two messages apart but reads none: there is no Eve to ask. The attacks that work on a pad are below: the key reused for every block, and the key search";

#[component]
pub fn MessagesPanel() -> impl IntoView {
    let text = MessageForm::get();
    let inputs = move || Inputs {
        model: (text.slot.get(), text.revision.get()),
        key: text.key_text.get(),
        ciphertext: text.ciphertext.get(),
        plaintext: text.plaintext.get(),
    };
    let without_key = move || Inputs { key: String::new(), ..inputs() };
    let error = RwSignal::new(None::<(Inputs, String)>);
    let bob = RwSignal::new(None::<(Inputs, MarkedReading)>);
    let eve = RwSignal::new(None::<(Inputs, MarkedReading)>);
    // The codes last encrypted here, to mark Bob's and Eve's characters.
    let sent = RwSignal::new(None::<Vec<u8>>);
    // The ciphertext Alice made last, while the field still holds it.
    let encrypted = RwSignal::new(None::<Encrypted>);
    let shown = move || {
        let now = text.ciphertext.get();
        encrypted.get().filter(|e| e.text == now)
    };
    // The message was edited since Alice encrypted the ciphertext in the field.
    let edited = move || shown().is_some_and(|e| text.plaintext.with(|p| *p != e.plaintext));
    let key_error = move || {
        let info = text.info()?;
        Key::parse(&text.key_text.get(), info.bits).err().map(|e| e.to_string())
    };
    // An empty message is not an error (a link lands on an empty one): a hint says what to do.
    let empty = move || text.plaintext.with(String::is_empty);
    let text_error = move || {
        text.plaintext.with(|t| encode_text(t).err().filter(|_| !t.is_empty()).map(|e| e.to_string()))
    };
    let shown_error = move || {
        let now = inputs();
        // An error the key's or the message's field already shows is not said twice.
        let at_fields = [key_error(), text_error()];
        error
            .get()
            .filter(|(made, _)| *made == now)
            .map(|(_, e)| e)
            .filter(|e| !at_fields.contains(&Some(e.clone())))
    };
    let fail = move |e: String| error.set(Some((inputs_untracked(text), e)));
    let key_forms = move || {
        let info = text.info()?;
        let typed: String = text.key_text.get().chars().filter(|c| !c.is_whitespace()).collect();
        // Zeros and ones too few for bits are hex digits: said, so "1010" is not a surprise.
        let as_hex = typed.chars().all(|c| matches!(c, '0' | '1')) && typed.len() != info.bits;
        let note = if as_hex {
            format!("read as hex ({} binary digits would be bits): ", info.bits)
        } else {
            String::new()
        };
        Key::parse(&text.key_text.get(), info.bits)
            .ok()
            .map(|k| format!("{note}bits {} · hex {}", k.to_bit_string(), k.to_hex()))
    };
    let fresh_key = move || {
        if let Some(info) = text.info() {
            text.key_text.set(new_key(info.bits).to_hex());
        }
    };
    // A model's key length differs: draw a key whenever the chosen model changes. A shared
    // message is brought into view once its model is there.
    let landed = StoredValue::new(false);
    // The chosen model: its slot, the model put there (by the slot's generation) and its
    // bits. A new audit recorded on it changes its description, not the model, and keeps
    // the key.
    let chosen = Memo::new(move |_| {
        let slot = text.slot.get();
        (slot, text.slots[slot.index()].generation.get(), text.info().map(|i| i.bits))
    });
    Effect::new(move |_| {
        // Only the memo is tracked here (not the model's description, which an audit changes).
        let Some(bits) = chosen.with(|(_, _, bits)| *bits) else { return };
        if text.arrival.get_untracked().is_some() && !landed.get_value() {
            landed.set_value(true);
            // Once its model has loaded, so nothing above it still moves.
            bring_into_view("#messages-title", Align::Top);
        }
        // A key that came with a share link is used once, in place of a fresh one.
        match text.shared_key.get_untracked() {
            Some(key) => {
                text.key_text.set(key);
                text.shared_key.set(None);
            }
            None => text.key_text.set(new_key(bits).to_hex()),
        }
    });
    let read = move |as_bob: bool| -> Result<MarkedReading, String> {
        let info = text.info().ok_or("the model is still loading")?;
        let c = Ciphertext::parse(&text.ciphertext.get_untracked(), &info.preset, info.bits)
            .map_err(|e| e.to_string())?;
        let key = Key::parse(&text.key_text.get_untracked(), info.bits).map_err(|e| e.to_string())?;
        let guesses = text
            .with_model(|m| {
                let read = if as_bob {
                    Some(decrypt(&m.cipher, &c.values, &key))
                } else {
                    eavesdrop(&m.cipher, &c.values)
                };
                read.ok_or_else(|| NO_EVE.to_string())?.read().map_err(|e| e.to_string())
            })
            .ok_or("the model is still loading")??;
        let codes = info.packing().unpack(&guesses, c.chars);
        Ok(sent.with_untracked(|s| MarkedReading::of(&codes, s.as_deref())))
    };
    let on_encrypt = move |_| {
        error.set(None);
        bob.set(None);
        eve.set(None);
        let Some(info) = text.info() else { return };
        let result = (|| -> Result<Ciphertext, String> {
            let codes = encode_text(&text.plaintext.get_untracked()).map_err(|e| e.to_string())?;
            let key = Key::parse(&text.key_text.get_untracked(), info.bits).map_err(|e| e.to_string())?;
            let pack = info.packing();
            let mut random = crypto_bits(pack.blocks(codes.len()) * info.bits).into_iter();
            let blocks = pack.pack(&codes, || random.next().unwrap_or(false));
            let values = text
                .with_model(|m| encrypt(&m.cipher, &blocks, &key).read().map_err(|e| e.to_string()))
                .ok_or("the model is still loading")??;
            sent.set(Some(codes.clone()));
            Ok(Ciphertext { preset: info.preset.clone(), chars: codes.len(), values })
        })();
        match result {
            Ok(c) => {
                let why = text.info().map(|i| c.length_explained(i.bits)).unwrap_or_default();
                text.ciphertext.set(c.to_text());
                encrypted.set(Some(Encrypted {
                    text: c.to_text(),
                    compact: c.to_compact(),
                    why,
                    plaintext: text.plaintext.get_untracked(),
                }));
            }
            Err(e) => fail(e),
        }
    };
    let on_decrypt = move |_| {
        bob.set(None);
        match read(true) {
            Ok(r) => {
                error.set(None);
                bob.set(Some((inputs_untracked(text), r)));
            }
            Err(e) => fail(e),
        }
    };
    let on_attack = move |_| {
        eve.set(None);
        match read(false) {
            Ok(r) => {
                error.set(None);
                eve.set(Some((Inputs { key: String::new(), ..inputs_untracked(text) }, r)));
            }
            Err(e) => fail(e),
        }
    };
    let show = move |reading: RwSignal<Option<(Inputs, MarkedReading)>>, who: &'static str| {
        move || {
            let now = if who == "Eve" { without_key() } else { inputs() };
            let current = reading.get().filter(|(made, _)| made.same_reading(&now)).map(|(_, r)| r);
            current.map(|r| {
                let summary = r.agreement.map(|a| {
                    format!(" — {:.0} % of characters and {:.0} % of bits right", a.chars_pct(), a.bits_pct())
                });
                view! {
                    <p class="reading" data-testid=format!("{}-reading", who.to_lowercase())>
                        <span class="who">{who} ": "</span>
                        <ReadingChars chars=r.chars test_id=format!("{}-text", who.to_lowercase())/>
                        {summary}
                        {(who == "Eve").then(|| view! { <span class="note" data-testid="eve-which">{eve_which(text)}</span> })}
                    </p>
                }
            })
        }
    };
    view! {
        <section class="messages" aria-labelledby="messages-title">
            <h2 id="messages-title">"3 · Send a message: encrypt, decrypt, attack"</h2>
            <p class="toy">"A teaching toy: this cipher is not secure. Do not use it for anything real."</p>
            {move || text.arrival.get().map(|a| view! { <p class="link-notice" data-testid="link-notice" role="status">{a}</p> })}
            <ModelPicker/>
            <div class="field">
                <label for="key">"Key (bits or hex)"</label>
                <div class="row">
                    <input id="key" data-testid="key" type="text" autocomplete="off" spellcheck="false"
                        prop:value=move || text.key_text.get()
                        on:input=move |ev| text.key_text.set(event_target_value(&ev))/>
                    <button type="button" data-testid="new-key" on:click=move |_| fresh_key()>"New key"</button>
                </div>
                <span class="note" data-testid="key-forms">{key_forms}</span>
                <span class="error" data-testid="key-error">{key_error}</span>
            </div>
            <div class="field">
                <label for="plaintext">"Message (a–z, space and . , ! ? :)"</label>
                <textarea id="plaintext" data-testid="plaintext" rows="2"
                    prop:value=move || text.plaintext.get()
                    on:input=move |ev| text.plaintext.set(event_target_value(&ev).to_lowercase())></textarea>
                <span class="error" data-testid="plaintext-error">{text_error}</span>
                <span class="hint" data-testid="plaintext-hint">
                    {move || empty().then_some("Type a message for Alice to encrypt.")}
                </span>
            </div>
            <div class="buttons">
                <button type="button" data-testid="encrypt" on:click=on_encrypt
                    prop:disabled=move || {
                        empty() || text_error().is_some() || key_error().is_some() || text.info().is_none()
                    }>
                    "Alice encrypts"
                </button>
            </div>
            <div class="field">
                <label for="ciphertext">"Ciphertext (paste one to decrypt it)"</label>
                <textarea id="ciphertext" data-testid="ciphertext" rows="4" spellcheck="false"
                    prop:value=move || text.ciphertext.get()
                    on:input=move |ev| text.ciphertext.set(event_target_value(&ev))></textarea>
                <Show when=move || shown().is_some()>
                    <small class="hint" data-testid="ciphertext-length">
                        "Why so long? " {move || shown().map(|e| e.why).unwrap_or_default()}
                    </small>
                </Show>
                <Show when=edited>
                    <p class="notice" data-testid="ciphertext-stale">
                        "This ciphertext, and any reading below, is of the message as it was: press “Alice encrypts” for the message as it is now."
                    </p>
                </Show>
            </div>
            <Show when=move || shown().is_some()>
                <Fold summary="Details: the same ciphertext, compact" test_id="fold-compact">
                <div class="field">
                    <label for="compact">"The same ciphertext, compact (base64url of the floats; also accepted above)"</label>
                    <input id="compact" data-testid="compact" type="text" readonly prop:value=move || shown().map(|e| e.compact).unwrap_or_default()/>
                </div>
                </Fold>
            </Show>
            <div class="buttons">
                <button type="button" data-testid="decrypt" on:click=on_decrypt>"Bob decrypts (with the key)"</button>
                <button type="button" data-testid="attack" on:click=on_attack
                    prop:disabled=move || text.info().is_some_and(|i| i.pad)>"Eve attacks (the trained Eve, no key)"</button>
            </div>
            <Show when=move || text.info().is_some_and(|i| i.pad)>
                <p class="note" data-testid="no-eve">{format!("No Eve for this model: {NO_EVE}.")}</p>
            </Show>
            <p class="error" data-testid="messages-error" role="alert">{shown_error}</p>
            <ShareLink/>
            {show(bob, "Bob")}
            {show(eve, "Eve")}
            <Show when=move || text.info().is_some_and(|i| i.pad)>
                <ReusedKeyView sent=sent/>
            </Show>
            <KeySearchPanel/>
        </section>
    }
}
