//! Key avalanche: flip one key bit and see which ciphertext bits change, and which of Bob's
//! bits change when he reads with that key — two heat maps, white where half of them flip
//! as an ideal cipher would.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::web::lab::Lab;

use crate::app::cipher_views::CipherPictures;
use crate::web::figures::{self, HeatMap};

#[component]
pub fn KeyAvalancheMap(pictures: RwSignal<Option<CipherPictures>>) -> impl IntoView {
    let ciphertext = NodeRef::<Canvas>::new();
    let decrypted = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    let resized = Lab::get().resized;
    Effect::new(move |_| {
        resized.track();
        let (Some(c), Some(d)) = (ciphertext.get(), decrypted.get()) else { return };
        pictures.with(|p| {
            let Some(p) = p else { return };
            let a = &p.avalanche;
            let map = |title, x_title, values| HeatMap {
                title,
                x_title,
                y_title: "key bit flipped",
                values,
                rows: a.bits,
                cols: a.bits,
                ideal: 0.5,
            };
            let drawn = figures::heat_map(
                &c,
                &map("ciphertext bits that flip", "ciphertext position", &a.ciphertext),
            )
            .and_then(|()| {
                figures::heat_map(
                    &d,
                    &map("Bob's bits that flip (key one bit off)", "message bit", &a.decrypted),
                )
            });
            error.set(drawn.err());
        });
    });
    let means = move || {
        pictures.with(|p| {
            p.as_ref().map(|p| {
                format!(
                    "On average one key bit flips {:.0} % of the ciphertext bits and {:.1} % of Bob's bits (ideal: 50 % of each; {} messages).",
                    100.0 * p.avalanche.mean_ciphertext(),
                    100.0 * p.avalanche.mean_decrypted(),
                    p.avalanche.samples
                )
            })
        })
    };
    view! {
        <figure class="view wide">
            <div class="pair">
                <canvas node_ref=ciphertext data-testid="view-avalanche-ciphertext" role="img" aria-label="Heat map: ciphertext bits that flip when one key bit flips"></canvas>
                <canvas node_ref=decrypted data-testid="view-avalanche-decrypted" role="img" aria-label="Heat map: Bob's output bits that flip when one key bit flips"></canvas>
            </div>
            <figcaption>
                <strong>"Does every key bit matter? "</strong>
                "Each cell is how often flipping one key bit (row) flips one output bit (column): on the left in Alice's ciphertext, "
                "on the right in what Bob reads from the true ciphertext with that one-bit-wrong key. A strong cipher is white everywhere; "
                "blue cells are outputs that key bit barely touches, red ones it flips almost always. "
                <span data-testid="avalanche-means">{means}</span>
                {move || error.get().map(|e| view! { <span class="error">" Chart error: " {e}</span> })}
            </figcaption>
        </figure>
    }
}
