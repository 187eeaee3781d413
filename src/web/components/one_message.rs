//! One message, bit by bit: its bits and key, Alice's ciphertext values, and Bob's and Eve's
//! readings with each bit marked right or wrong — live while training (the reporting
//! engine worker reads it after every slice), so the class sees Bob start reading and Eve
//! fall back; from the trained model after the run.

use leptos::prelude::*;

use crate::app::bits::{bits_text, parse_bits};
use crate::nn::data::BitSource;
use crate::nn::inference::Cipher;
use crate::web::browser::now_ms;
use crate::web::lab::Lab;
use crate::web::training_run::{send_watch, watched};

/// A fresh random message and key of `bits` bits.
fn new_pair(lab: Lab, bits: usize) {
    let drawn = BitSource::new(now_ms().to_bits()).bits(2, bits);
    lab.watch.message.set(bits_text(&drawn[..bits]));
    lab.watch.key.set(bits_text(&drawn[bits..]));
}

/// Reads the watched pair: the running worker does (it has the networks), or the page
/// with the trained model.
fn refresh(lab: Lab) {
    if lab.training.status.get_untracked().is_active() {
        return send_watch(lab);
    }
    let Some((message, key)) = watched(lab) else { return lab.watch.reading.set(None) };
    let reading = lab
        .run
        .with_networks(|networks, device| {
            (networks.alice.bits() == message.len())
                .then(|| Cipher::new(networks, device).read_one(&message, &key).read().ok())
                .flatten()
        })
        .flatten();
    lab.watch.reading.set(reading);
}

fn bit_cells(values: &[f32], message: &[f32]) -> impl IntoView + use<> {
    values
        .iter()
        .zip(message)
        .map(|(v, m)| {
            let bit = u8::from(*v > 0.5);
            let right = (*v > 0.5) == (*m > 0.5);
            let class = if right { "bit right" } else { "bit wrong" };
            view! { <td class=class title=format!("{v:.2}")>{bit}{if right { "" } else { "×" }}</td> }
        })
        .collect_view()
}

#[component]
pub fn OneMessage() -> impl IntoView {
    let lab = Lab::get();
    let watch = lab.watch;
    // A pair of the networks' width (the preset decides it).
    Effect::new(move |_| {
        let bits = lab.bits.get();
        if parse_bits(&watch.message.get_untracked(), bits).is_err() {
            new_pair(lab, bits);
        }
    });
    // Read it again whenever the pair, the run or the model changes.
    Effect::new(move |_| {
        watch.message.track();
        watch.key.track();
        lab.training.status.track();
        lab.run.config.track();
        refresh(lab);
    });
    let error = move || {
        let bits = lab.bits.get();
        [("Message", watch.message.get()), ("Key", watch.key.get())]
            .into_iter()
            .find_map(|(name, text)| parse_bits(&text, bits).err().map(|e| format!("{name}: {e}")))
    };
    let table = move || {
        let reading = watch.reading.get()?;
        let message = parse_bits(&watch.message.get(), lab.bits.get()).ok()?;
        let key = parse_bits(&watch.key.get(), lab.bits.get()).ok()?;
        let plain = |values: &[f32]| {
            values.iter().map(|v| view! { <td class="bit">{u8::from(*v > 0.5)}</td> }).collect_view()
        };
        let values = reading
            .ciphertext
            .iter()
            .map(|c| {
                let shade = (c.abs() * 60.0).round() as u8;
                let color = if *c >= 0.0 {
                    format!("rgba(37,99,235,0.{shade:02})")
                } else {
                    format!("rgba(220,38,38,0.{shade:02})")
                };
                view! { <td class="value" style=format!("background:{color}")>{format!("{c:+.2}")}</td> }
            })
            .collect_view();
        let (bob, eve) = reading.right(&message);
        let n = message.len();
        Some(view! {
            // Wider than a phone: it scrolls, and the keyboard can scroll it too.
            <div class="scroll-x one-message-scroll" tabindex="0" role="region" aria-label="The message, bit by bit">
            <table class="one-message" data-testid="one-message">
                <tbody>
                    <tr><th scope="row">"Message P"</th>{plain(&message)}</tr>
                    <tr><th scope="row">"Key K"</th>{plain(&key)}</tr>
                    <tr><th scope="row">"Ciphertext C (Alice)"</th>{values}</tr>
                    <tr data-testid="one-bob"><th scope="row">"Bob reads (with K)"</th>{bit_cells(&reading.bob, &message)}</tr>
                    <tr data-testid="one-eve"><th scope="row">"Eve reads (no K)"</th>{bit_cells(&reading.eve, &message)}</tr>
                </tbody>
            </table>
            </div>
            <p data-testid="one-summary">
                {format!("Bob reads {bob} of {n} bits right, Eve {eve} of {n} (guessing gets about {}).", n / 2)}
            </p>
        })
    };
    view! {
        <details class="one-message-panel" data-testid="one-message-panel" open>
            <summary>"One message, bit by bit"</summary>
            <p class="note">
                "Follow one message and key through the networks. While they train, this updates after every slice: Bob starts reading, Eve falls back. × marks a wrong bit."
            </p>
            <div class="one-inputs">
                <label>
                    "Message bits "
                    <input type="text" data-testid="one-message-bits" prop:value=move || watch.message.get()
                        on:input=move |ev| watch.message.set(event_target_value(&ev))/>
                </label>
                <label>
                    "Key bits "
                    <input type="text" data-testid="one-key-bits" prop:value=move || watch.key.get()
                        on:input=move |ev| watch.key.set(event_target_value(&ev))/>
                </label>
                <button type="button" data-testid="one-new" on:click=move |_| new_pair(lab, lab.bits.get_untracked())>
                    "Another message"
                </button>
            </div>
            <p class="error" role="alert">{error}</p>
            {move || table().map_or_else(
                || view! { <p class="note" data-testid="one-waiting">"Start training (or finish a run) to see how the networks read it."</p> }.into_any(),
                |t| t.into_any(),
            )}
        </details>
    }
}
