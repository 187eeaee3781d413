//! Per-bit error rates of Bob and of the best recorded attacker: one pair of bars per message bit, with
//! chance (50 %) dashed.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::web::lab::Lab;

use crate::app::cipher_views::CipherPictures;
use crate::web::chart::{BOB_COLOR, EVE_COLOR};
use crate::web::figures::{self, BarAxes, Bars};

#[component]
pub fn PerBitErrors(pictures: RwSignal<Option<CipherPictures>>) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    let resized = Lab::get().resized;
    Effect::new(move |_| {
        resized.track();
        let Some(canvas) = canvas.get() else { return };
        pictures.with(|p| {
            let Some(p) = p else { return };
            let percent = |rates: &[f64]| rates.iter().map(|r| 100.0 * r).collect::<Vec<_>>();
            let mut series =
                vec![Bars { name: "Bob (with the key)", color: BOB_COLOR, values: percent(&p.bob_rates) }];
            if let Some(rates) = p.strength.as_ref().and_then(|s| s.bit_error_rates.as_ref()) {
                series.push(Bars {
                    name: "best attacker (no key)",
                    color: EVE_COLOR,
                    values: percent(rates),
                });
            }
            let axes = BarAxes {
                x_title: "message bit",
                y_title: "% of messages with the bit wrong",
                y_end: 100.0,
                reference: Some((50.0, "chance (50 %)".into())),
                x_labels: (0..p.bits).map(|i| i.to_string()).collect(),
            };
            error.set(figures::bars(&canvas, &series, &axes).err());
        });
    });
    let audit_line = move || {
        pictures.with(|p| match p.as_ref().map(|p| &p.strength) {
            Some(Some(s)) => format!(
                "The attacker's bars: {}, on held-out messages. {}",
                s.attacker(),
                s.leaks().unwrap_or_default()
            ),
            Some(None) => "This model carries no attacker audit: train one in the lab, run the attackers, then use it in the form.".into(),
            None => String::new(),
        })
    };
    view! {
        <figure class="view">
            <canvas node_ref=canvas data-testid="view-per-bit" role="img" aria-label="Per-bit error rates of Bob and of the best attacker"></canvas>
            <figcaption>
                <strong>"Which bits leak? "</strong>
                "Bob's bars should be near zero and the attacker's near the dashed line; an attacker's bar well below it is a bit the cipher gives away. "
                <span data-testid="per-bit-audit">{audit_line}</span>
                {move || error.get().map(|e| view! { <span class="error">" Chart error: " {e}</span> })}
            </figcaption>
        </figure>
    }
}
