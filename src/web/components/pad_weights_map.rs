//! The pad's weights `W` as a heat map while it trains: a row per input bit (the message's,
//! then the key's), a column per ciphertext position; red where a weight selects its bit
//! (an odd integer), blue where it drops it (an even one), white while undecided.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::app::pad_view::selection;
use crate::web::figures::{self, HeatMap};
use crate::web::lab::Lab;
use crate::web::pad_run::PadState;

#[component]
pub fn PadWeightsMap() -> impl IntoView {
    let pad = PadState::get();
    let resized = Lab::get().resized;
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        resized.track();
        pad.job.redraw.track();
        let Some(canvas) = canvas.get() else { return };
        pad.weights.with_untracked(|w| {
            let Some(w) = w else { return };
            let bits = ((w.len() / 2) as f64).sqrt().round() as usize;
            let values = selection(w);
            let map = HeatMap {
                title: "The weights W",
                x_title: "ciphertext position",
                y_title: "input: message bits, then key bits",
                values: &values,
                rows: 2 * bits,
                cols: bits,
                ideal: 0.5,
            };
            error.set(figures::heat_map(&canvas, &map).err());
        });
    });
    view! {
        <figure class="view">
            <canvas node_ref=canvas class="pad-weights" data-testid="pad-weights" role="img"
                aria-label="Heat map of the pad's weights: red cells select an input bit, blue cells drop it"></canvas>
            <figcaption>
                "Each cell is one weight of "<code>"W"</code>": red where it selects its input bit (an odd whole number: that bit is XORed in), "
                "blue where it drops it (an even one), white while it is undecided. Watch each column settle into one message bit and a few key bits."
                {move || error.get().map(|e| view! { <span class="error">" Chart error: " {e}</span> })}
            </figcaption>
        </figure>
    }
}
