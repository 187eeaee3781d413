//! The one click that hands the model trained in this page to the message form.

use leptos::prelude::*;

use crate::model_file::{ModelHeader, SavedModel};
use crate::web::backend::BackendKind;
use crate::web::lab::{Lab, Stage};
use crate::web::text_lab::{ModelSlot, TextLab};

#[component]
pub fn UseTrained() -> impl IntoView {
    let lab = Lab::get();
    let text = TextLab::get();
    let on_cpu = move || lab.backend.get().is_some_and(|b| b.kind == BackendKind::Cpu);
    let in_use = move || text.slot.get() == ModelSlot::Trained;
    let hand_over = move |_| {
        let fresh_eve = lab.audits[0].result.get_untracked().map(|r| r.eve.bit_errors);
        let audit_steps = fresh_eve.map(|_| lab.audits[0].progress.get_untracked().done);
        let bob = lab.evaluation.get_untracked().map(|e| e.bob.correct_pct);
        let model = lab.engine.with_value(|e| match &e.stage {
            Stage::Trained { config, ciphers } => Some(SavedModel {
                header: ModelHeader {
                    config: config.clone(),
                    iterations_trained: config.total_iterations(),
                    bob_correct_pct: bob,
                    fresh_eve_bit_errors: fresh_eve,
                    audit_steps,
                },
                ciphers: ciphers.clone(),
            }),
            _ => None,
        });
        if let Some(model) = model {
            text.adopt(model, "trained in this page");
        }
    };
    view! {
        <Show when=move || lab.trained.with(|t| t.is_some())>
            <p class="use-trained">
                <button type="button" data-testid="use-trained" prop:disabled=move || !on_cpu() || in_use() on:click=hand_over>
                    {move || if in_use() { "The message form uses this model" } else { "Use this model for messages" }}
                </button>
                <Show when=move || !on_cpu()>
                    <span class="note">" (models trained on WebGPU cannot be handed to the form yet: train on the CPU backend)"</span>
                </Show>
            </p>
        </Show>
    }
}
