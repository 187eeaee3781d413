//! "Inside the cipher": pictures of the form's current model — per-bit errors of Bob and of
//! a fresh Eve, the key avalanche, and Alice's output values with the leak they carry.
//! Computed on the CPU device whenever the form's model changes.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::cipher_views::{Avalanche, CiphertextValues, ciphertext_values, key_avalanche};
use crate::app::strength::Strength;
use crate::nn::evaluation::{EVALUATION_SAMPLES, evaluate};
use crate::nn::seeds;
use crate::web::components::{
    ciphertext_values_chart::CiphertextValuesChart, key_avalanche_map::KeyAvalancheMap,
    per_bit_errors::PerBitErrors,
};
use crate::web::text_lab::TextLab;
use crate::web::yield_now::yield_now;

/// (message, key) pairs in the avalanche (each tried with every key bit flipped).
const AVALANCHE_SAMPLES: usize = 400;
/// Pairs behind the value histogram and the leak (half fit the threshold, half test it).
const VALUE_SAMPLES: usize = 4000;
/// Bins of the value histogram.
const VALUE_BINS: usize = 40;

/// Everything the views draw, for one model.
#[derive(Clone, Debug)]
pub struct CipherPictures {
    pub preset: String,
    pub bits: usize,
    /// Bob's per-bit error rates on 10,000 fresh messages.
    pub bob_rates: Vec<f64>,
    /// The model's recorded strength (the best attacker's per-bit error rates in it).
    pub strength: Option<Strength>,
    pub avalanche: Avalanche,
    pub values: CiphertextValues,
}

#[component]
pub fn CipherViews() -> impl IntoView {
    let text = TextLab::get();
    let pictures = RwSignal::new(None::<CipherPictures>);
    let generation = StoredValue::new(0u64);
    // Recompute when the form's model changes (a new slot, or a new model in it).
    Effect::new(move |_| {
        let slot = text.slot.get();
        let loaded = text.infos.iter().map(|i| i.with(|i| matches!(i, Some(Ok(_))))).collect::<Vec<_>>();
        let _ = (slot, loaded);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            // Let the page paint the model change first.
            yield_now().await;
            if generation.get_value() != mine {
                return;
            }
            let computed = text.with_model(|m| {
                let (h, seed) = (&m.saved.header, seeds::CIPHER_VIEWS);
                // The CPU device reads back at once.
                let evaluation = evaluate(&m.cipher, EVALUATION_SAMPLES, seed).read().ok()?;
                Some(CipherPictures {
                    preset: h.config.preset.name().to_string(),
                    bits: h.config.cipher.bits,
                    bob_rates: evaluation.bob.bit_error_rates,
                    strength: Strength::of(h),
                    avalanche: key_avalanche(&m.cipher, AVALANCHE_SAMPLES, seed),
                    values: ciphertext_values(&m.cipher, VALUE_SAMPLES, VALUE_BINS, seed),
                })
            });
            pictures.set(computed.flatten());
        });
    });
    let title = move || {
        pictures.with(|p| {
            p.as_ref().map_or("the form's model (loading…)".to_string(), |p| {
                format!("the form's model: {} ({} bits)", p.preset, p.bits)
            })
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
                <KeyAvalancheMap pictures=pictures/>
                <CiphertextValuesChart pictures=pictures/>
            </div>
            <p class="note">
                "The brute-force attack in the message form is the fourth view: with Bob's network stolen, "
                "every key of a 16-bit cipher is tried in seconds, however strong the cipher looks above."
            </p>
        </section>
    }
}
