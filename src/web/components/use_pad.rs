//! The one click that hands the pad trained in section 4 to the message form, with the
//! attacker suite's record on it: the form then encrypts and decrypts text with it, a share
//! link carries it, and the form shows what reusing its key for every block gives away.

use leptos::prelude::*;

use crate::web::browser::view::{Align, bring_into_view};
use crate::web::message_form::{MessageForm, ModelSlot, OwnFrom};
use crate::web::pad_run::PadState;

#[component]
pub fn UsePad() -> impl IntoView {
    let pad = PadState::get();
    let text = MessageForm::get();
    let in_use = move || text.own_from.get() == Some(OwnFrom::Pad) && text.slot.get() == ModelSlot::Trained;
    let error = RwSignal::new(None::<String>);
    let hand_over = move |_| match pad.model() {
        Some(model) => {
            error.set(None);
            text.adopt(model, "the pad trained in this page (section 4)");
            text.own_from.set(Some(OwnFrom::Pad));
            bring_into_view("#messages-title", Align::Top);
        }
        None => error.set(Some("The pad could not be read: train it again.".into())),
    };
    view! {
        <p class="use-trained">
            <button type="button" data-testid="use-pad" prop:disabled=in_use on:click=hand_over>
                {move || if in_use() { "The message form uses this pad" } else { "Use this pad for messages" }}
            </button>
            {move || error.get().map(|e| view! { <span class="error" role="alert">" " {e}</span> })}
            <span class="note">" The form encrypts every block of a text under one key: for a pad that is one key used many times, and the form shows what that gives away."</span>
        </p>
    }
}
