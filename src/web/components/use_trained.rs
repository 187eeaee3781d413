//! The one click that hands the model trained in this page to the message form — from
//! either backend: a WebGPU model's weights are read back asynchronously onto the CPU.

use burn::prelude::*;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::nn::any_model::AnyModel;
use crate::nn::model_file::SavedModel;
use crate::nn::transfer::networks_to;
use crate::web::lab::Lab;
use crate::web::message_form::{MessageForm, ModelSlot, OwnFrom};

#[component]
pub fn UseTrained() -> impl IntoView {
    let lab = Lab::get();
    let text = MessageForm::get();
    // Handed over: this training's model is the form's (a new training run clears it).
    let handed = RwSignal::new(false);
    Effect::new(move |_| {
        lab.run.config.track();
        handed.set(false);
        if text.own_from.get_untracked() == Some(OwnFrom::Run) {
            text.own_from.set(None);
        }
    });
    let in_use = move || handed.get() && text.slot.get() == ModelSlot::Trained;
    let moving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let hand_over = move |_| {
        // The run's record: its settings, Bob's figure and the suite's, if it was attacked.
        let Some(header) = lab.run.header() else { return };
        let Some(ciphers) = lab.run.with_networks(|networks, _| networks.clone()) else { return };
        moving.set(true);
        spawn_local(async move {
            // The form runs on the CPU: copy the weights there (a no-op copy on the CPU backend).
            match networks_to(&ciphers, &Device::flex()).read_async().await {
                Ok(ciphers) => {
                    error.set(None);
                    text.adopt(AnyModel::Networks(SavedModel { header, ciphers }), "trained in this page");
                    text.own_from.set(Some(OwnFrom::Run));
                    handed.set(true);
                }
                Err(e) => error.set(Some(format!("The model could not be read back from the device: {e}"))),
            }
            moving.set(false);
        });
    };
    view! {
        <Show when=move || lab.run.config.with(|t| t.is_some())>
            <p class="use-trained">
                <button type="button" data-testid="use-trained" prop:disabled=move || in_use() || moving.get() on:click=hand_over>
                    {move || if in_use() { "The message form uses this model" } else if moving.get() { "Copying the model…" } else { "Use this model for messages" }}
                </button>
                {move || error.get().map(|e| view! { <span class="error" role="alert">" " {e}</span> })}
            </p>
        </Show>
    }
}
