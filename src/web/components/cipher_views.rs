//! "Inside the cipher": pictures of the form's current model — per-bit errors of Bob and of
//! a fresh Eve, the key avalanche, and Alice's output values with the leak they carry,
//! measured in an engine worker on the CPU whenever the form's model changes; for a pad,
//! exactly what it computes, read off its rounded weights.

use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::cipher_views::CipherPictures;
use crate::app::engine_protocol::{Command, Event};
use crate::nn::any_model::AnyModel;
use crate::nn::pad::analysis::Analysis;
use crate::web::components::{
    ciphertext_values_chart::CiphertextValuesChart, fold::Fold, key_avalanche_map::KeyAvalancheMap,
    per_bit_errors::PerBitErrors,
};
use crate::web::engine::client::{EngineWorker, end_later};
use crate::web::message_form::MessageForm;

#[component]
pub fn CipherViews() -> impl IntoView {
    let text = MessageForm::get();
    let pictures = RwSignal::new(None::<CipherPictures>);
    // The form's model when it is a pad: its name and what it computes.
    let pad = RwSignal::new(None::<(String, Analysis)>);
    let failed = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u64);
    // The engine worker measuring the current model (a new model ends the old one's).
    let worker = StoredValue::new_local(None::<EngineWorker>);
    // Recompute when the form's model changes (a new slot, or a new model in it), in an
    // engine worker, so the page's thread stays free while it opens.
    Effect::new(move |_| {
        let slot = text.slot.get();
        let loaded = text.slots.iter().map(|s| s.info.with(|i| matches!(i, Some(Ok(_))))).collect::<Vec<_>>();
        let _ = (slot, loaded);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        failed.set(None);
        end_later(worker.try_update_value(Option::take));
        // A pad is one linear layer: read on the CPU here, at once.
        let read_pad = text.with_model(|m| match &m.saved {
            AnyModel::Pad(p) => {
                let weights = p.net.integers().read().map_err(|e| e.to_string());
                Some(
                    weights
                        .map(|w| (m.saved.name(), Analysis::of(&w, p.header.bob_correct_pct.unwrap_or(0.0)))),
                )
            }
            AnyModel::Networks(_) => None,
        });
        match read_pad.flatten() {
            Some(Ok(read)) => return pad.set(Some(read)),
            Some(Err(why)) => return failed.set(Some(why)),
            None => pad.set(None),
        }
        let Some((header, model)) = text
            .with_model(|m| match &m.saved {
                AnyModel::Networks(n) => Some((n.header.clone(), m.saved.save())),
                AnyModel::Pad(_) => None,
            })
            .flatten()
        else {
            return;
        };
        let answered = move |event| {
            if generation.get_value() != mine {
                return;
            }
            match event {
                Event::Measures { measures } => pictures.set(Some(CipherPictures::new(&header, measures))),
                Event::Failed { message } => failed.set(Some(message)),
                _ => return,
            }
            end_later(worker.try_update_value(Option::take));
        };
        match EngineWorker::spawn(BackendKind::Cpu, answered) {
            Ok(spawned) => {
                spawned.send(&Command::Views { model }, None);
                worker.set_value(Some(spawned));
            }
            Err(e) => failed.set(Some(format!("the engine could not start ({e})"))),
        }
    });
    let title = move || {
        if let Some((name, a)) = pad.get() {
            return format!("the form's model: {name} ({} bits)", a.formulas.len());
        }
        pictures.with(|p| {
            p.as_ref().map_or_else(
                || match failed.get() {
                    Some(why) => format!("the form's model (not drawn: {why})"),
                    None => "the form's model (loading…)".to_string(),
                },
                |p| format!("the form's model: {} ({} bits)", p.preset, p.bits),
            )
        })
    };
    view! {
        <section class="inside" aria-labelledby="inside-title" data-testid="cipher-views">
            <h2 id="inside-title">"Inside the cipher"</h2>
            <p>
                "Pictures of " <strong data-testid="views-model">{title}</strong>
                ". Pick another model in the message form above and they follow it. "
                {move || if pad.with(Option::is_some) {
                    "A pad is read exactly instead: one formula per ciphertext bit."
                } else {
                    "An ideal cipher would show Eve at the chance line, half of all bits flipping, and nothing readable from any single value."
                }}
            </p>
            {move || match pad.get() {
                Some((_, a)) => view! {
                    <p data-testid="views-pad">
                        "A CryptoNet pad has no Eve of its own and nothing to picture value by value: read off its rounded weights, each ciphertext bit is exactly this (⊕ is XOR). "
                        {format!("Verdict: {}.", a.verdict())}
                    </p>
                    <ul class="pad-formulas" data-testid="views-pad-formulas">
                        {a.formulas.iter().map(|f| view! { <li><code>{f.to_string()}</code></li> }).collect_view()}
                    </ul>
                }.into_any(),
                None => view! {
                    <div class="views">
                        <PerBitErrors pictures=pictures/>
                        <Fold summary="Details: what one key bit changes (the avalanche maps)" test_id="fold-avalanche">
                            <KeyAvalancheMap pictures=pictures/>
                        </Fold>
                        <CiphertextValuesChart pictures=pictures/>
                    </div>
                }.into_any(),
            }}
            <p class="note">
                "The brute-force attack in the message form is the fourth view: with Bob's network stolen, "
                "every key of a 16-bit cipher is tried in seconds, however strong the cipher looks above."
            </p>
        </section>
    }
}
