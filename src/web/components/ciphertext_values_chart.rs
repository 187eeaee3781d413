//! Alice's output values: a histogram of every ciphertext value, and for each message bit
//! how well the single most telling ciphertext value reads it (the leak Eve exploits).

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::web::lab::Lab;

use crate::app::cipher_views::CipherPictures;
use crate::web::chart::{AB_COLOR, EVE_COLOR};
use crate::web::figures::{self, BarAxes, Bars};

#[component]
pub fn CiphertextValuesChart(pictures: RwSignal<Option<CipherPictures>>) -> impl IntoView {
    let histogram = NodeRef::<Canvas>::new();
    let leak = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    let resized = Lab::get().resized;
    Effect::new(move |_| {
        resized.track();
        let (Some(h), Some(l)) = (histogram.get(), leak.get()) else { return };
        pictures.with(|p| {
            let Some(p) = p else { return };
            let v = &p.values;
            let total = v.histogram.iter().sum::<usize>().max(1) as f64;
            let shares: Vec<f64> = v.histogram.iter().map(|&c| 100.0 * c as f64 / total).collect();
            let bins = shares.len();
            let edge = |i: usize| v.range.0 + (v.range.1 - v.range.0) * i as f64 / bins as f64;
            let labels = (0..bins)
                .map(|i| if i % (bins / 4).max(1) == 0 { format!("{:.1}", edge(i)) } else { String::new() })
                .collect();
            let top = shares.iter().copied().fold(0.0, f64::max) * 1.15;
            let drawn = figures::bars(
                &h,
                &[Bars { name: "ciphertext values", color: AB_COLOR, values: shares }],
                &BarAxes {
                    x_title: "ciphertext value",
                    y_title: "% of values",
                    y_end: top.max(1.0),
                    reference: None,
                    x_labels: labels,
                },
            )
            .and_then(|()| {
                figures::bars(
                    &l,
                    &[Bars {
                        name: "read from one value",
                        color: EVE_COLOR,
                        values: v.leak.iter().map(|a| 100.0 * a).collect(),
                    }],
                    &BarAxes {
                        x_title: "message bit",
                        y_title: "% read right from one value",
                        y_end: 100.0,
                        reference: Some((50.0, "nothing leaks (50 %)".into())),
                        x_labels: (0..v.leak.len()).map(|i| i.to_string()).collect(),
                    },
                )
            });
            error.set(drawn.err());
        });
    });
    let worst = move || {
        pictures.with(|p| {
            p.as_ref().and_then(|p| {
                let v = &p.values;
                let (bit, acc) = v.leak.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1))?;
                Some(format!(
                    "Most exposed: message bit {bit}, read right {:.1} % of the time from ciphertext value {} alone (threshold fitted on {} messages, tested on {} others).",
                    100.0 * acc,
                    v.leak_position[bit],
                    v.samples / 2,
                    v.samples - v.samples / 2
                ))
            })
        })
    };
    view! {
        <figure class="view wide">
            <div class="pair">
                <canvas node_ref=histogram data-testid="view-values" role="img" aria-label="Histogram of Alice's ciphertext values"></canvas>
                <canvas node_ref=leak data-testid="view-leak" role="img" aria-label="For each message bit, how well one ciphertext value reads it"></canvas>
            </div>
            <figcaption>
                <strong>"What do the values give away? "</strong>
                "Left: where Alice puts her outputs. Right: for each message bit, the best guess from one ciphertext value and one threshold, without the key; "
                "bars above the dashed line are a leak an eavesdropper can use. "
                <span data-testid="leak-worst">{worst}</span>
                {move || error.get().map(|e| view! { <span class="error">" Chart error: " {e}</span> })}
            </figcaption>
        </figure>
    }
}
