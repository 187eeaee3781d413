//! Share links: the training settings, the message form's model and — if the user asks —
//! a ciphertext and the key, in the URL fragment (never sent to a server). Opening such a
//! link restores them.

use leptos::prelude::*;

use crate::app::form::{Field, Form};
use crate::nn::config::Preset;
use crate::text::codec::{Ciphertext, trim_ciphertext};
use crate::web::lab::Lab;
use crate::web::message_form::{MessageForm, ModelSlot};

/// What to put in a link besides the settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extras {
    pub ciphertext: bool,
    pub key: bool,
}

/// The page's address with a fragment holding the settings (and the extras asked for).
pub fn link(lab: Lab, text: MessageForm, extras: Extras) -> String {
    let params = web_sys::UrlSearchParams::new().expect("URLSearchParams");
    let form = lab.form.get_untracked();
    params.append("preset", form.preset.name());
    for field in Field::ALL {
        if let Some(value) = form.texts.get(&field) {
            params.append(field.key(), value);
        }
    }
    let slot = text.slot.get_untracked();
    if slot != ModelSlot::Trained {
        params.append("model", slot.key());
    }
    if extras.ciphertext && !text.ciphertext.get_untracked().is_empty() {
        // The compact form where the ciphertext reads on the form's model: a link about a
        // third as long (base64url of the floats instead of 5-bit symbols).
        let typed = text.ciphertext.get_untracked();
        let compact = text
            .info()
            .and_then(|i| Ciphertext::parse(&typed, &i.preset, i.bits).ok())
            .map(|c| c.to_compact());
        params.append("ciphertext", &compact.unwrap_or_else(|| trim_ciphertext(&typed).to_string()));
    }
    if extras.key {
        params.append("key", text.key_text.get_untracked().trim());
    }
    let location = web_sys::window().map(|w| w.location());
    let base = location
        .and_then(|l| Some(format!("{}{}{}", l.origin().ok()?, l.pathname().ok()?, l.search().ok()?)));
    format!("{}#{}", base.unwrap_or_default(), String::from(params.to_string()))
}

/// Applies the fragment of the page's address, if it holds shared settings.
pub fn apply_fragment(lab: Lab, text: MessageForm) {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let Some(fragment) = hash.strip_prefix('#').filter(|f| !f.is_empty()) else { return };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(fragment) else { return };
    if let Some(preset) = params.get("preset").and_then(|p| Preset::from_name(&p).ok()) {
        let mut form = Form::new(preset);
        for field in Field::ALL {
            if let Some(value) = params.get(field.key()) {
                form.texts.insert(field, value);
            }
        }
        lab.bits.set(preset.config().cipher.bits);
        lab.form.set(form);
    }
    if let Some(slot) = params.get("model").and_then(|m| ModelSlot::ALL.into_iter().find(|s| s.key() == m)) {
        text.slot.set(slot);
    }
    let ciphertext = params.get("ciphertext");
    let key = params.get("key");
    if let Some(c) = &ciphertext {
        text.ciphertext.set(c.clone());
        // The message box would show the page's example text: it is not what was sent.
        text.plaintext.set(String::new());
    }
    if let Some(key) = &key {
        text.shared_key.set(Some(key.clone()));
    }
    if ciphertext.is_some() {
        let model = params.get("model").unwrap_or_else(|| "your own".into());
        text.arrival.set(Some(match key {
            Some(_) => format!(
                "This link brought a ciphertext for the {model} model and its key: press “Bob decrypts” to read it."
            ),
            None => format!(
                "This link brought a ciphertext for the {model} model, but not its key: ask the sender for the key, type it in the key field, then press “Bob decrypts”. (The key in the field now is a random one: with it Bob reads garbage.)"
            ),
        }));
    }
}

/// Brings the message form into view (the form calls it once a shared message's model has
/// loaded, so nothing above it still moves).
pub fn scroll_to_messages() {
    leptos::task::spawn_local(async {
        crate::web::browser::yields::yield_now().await;
        let section =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("messages-title"));
        if let Some(section) = section {
            section.scroll_into_view();
        }
    });
}
