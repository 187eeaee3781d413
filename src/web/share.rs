//! Share links: the training settings, the message form's model (a shipped one by name, a
//! model trained here or loaded from a file whole) and — if the user asks — a ciphertext
//! and the key, in the URL fragment (never sent to a server). Opening such a link restores
//! them.

use leptos::prelude::*;

use crate::app::form::{Field, Form};
use crate::app::link_model::{from_link_text, to_link_text};
use crate::nn::config::Preset;
use crate::text::codec::{Ciphertext, trim_ciphertext};
use crate::web::lab::Lab;
use crate::web::message_form::{MessageForm, ModelSlot, load_for_text};

/// The fragment's key for the sender's own model ([`to_link_text`]).
const OWN_MODEL: &str = "own";

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
    if slot == ModelSlot::Trained {
        // A model trained here (or loaded from a file) is on no server: it travels in the link.
        if let Some(model) = text.model_file() {
            params.append(OWN_MODEL, &to_link_text(&model));
        }
    } else {
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
    if let Some(slot) = params.get("model").and_then(|m| ModelSlot::from_key(&m)) {
        text.slot.set(slot);
    }
    // The sender's own model, if the link carries it: `None` when it does not, else whether
    // it could be read.
    // The model this browser kept, if any, gives way to the link's: said in the notice.
    let had_own = text.slots[ModelSlot::Trained.index()].info.get_untracked().is_some();
    let own = params.get(OWN_MODEL).map(|t| {
        let model = from_link_text(&t).and_then(|bytes| load_for_text(&bytes))?;
        text.adopt(model, "sent in the link you opened (the sender's own model)");
        Ok::<(), String>(())
    });
    let replaced = if had_own && matches!(own, Some(Ok(()))) {
        " It replaced the model this browser had kept (download yours first next time, to keep it)."
    } else {
        ""
    };
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
    let model = match (&own, params.get("model")) {
        (Some(Ok(())), _) => "the sender's own model (it came in the link)".to_string(),
        (Some(Err(why)), _) => {
            return text.arrival.set(Some(format!(
                "This link should have brought the sender's own model, but {why}. Ask the sender for the model file (Download model) and load it here; the ciphertext and key that came are in the form."
            )));
        }
        // Named as the form names it now (a link may carry a former name).
        (None, Some(preset)) => {
            let name = ModelSlot::from_key(&preset).map_or(preset.clone(), |s| s.key().to_string());
            format!("the {name} model")
        }
        (None, None) => "a model that is not in the link".to_string(),
    };
    text.arrival.set(match (&ciphertext, &key) {
        (Some(_), Some(_)) => Some(format!(
            "This link brought a ciphertext for {model} and its key: press “Bob decrypts” to read it.{replaced}"
        )),
        (Some(_), None) => Some(format!(
            "This link brought a ciphertext for {model}, but not its key: ask the sender for the key, type it in the key field, then press “Bob decrypts”. (The key in the field now is a random one: with it Bob reads garbage.){replaced}"
        )),
        (None, _) if own.is_some() => Some(format!("This link brought {model}: the form uses it now.{replaced}")),
        (None, _) => None,
    });
}
