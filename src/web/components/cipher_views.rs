//! "Inside the cipher": pictures of the form's current model — per-bit errors of Bob and of
//! a fresh Eve, the key avalanche, and Alice's output values with the leak they carry.
//! Measured in an engine worker on the CPU whenever the form's model changes.

use leptos::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::cipher_views::CipherPictures;
use crate::app::engine_protocol::{Command, Event};
use crate::nn::model_file;
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
        let Some((header, model)) = text
            .with_model(|m| (m.saved.header.clone(), model_file::save(&m.saved.header, &m.saved.ciphers)))
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
                ". Pick another model in the message form above and they follow it. An ideal cipher would show "
                "Eve at the chance line, half of all bits flipping, and nothing readable from any single value."
            </p>
            <div class="views">
                <PerBitErrors pictures=pictures/>
                <Fold summary="Details: what one key bit changes (the avalanche maps)" test_id="fold-avalanche">
                    <KeyAvalancheMap pictures=pictures/>
                </Fold>
                <CiphertextValuesChart pictures=pictures/>
            </div>
            <p class="note">
                "The brute-force attack in the message form is the fourth view: with Bob's network stolen, "
                "every key of a 16-bit cipher is tried in seconds, however strong the cipher looks above."
            </p>
        </section>
    }
}
