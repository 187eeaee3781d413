//! One cipher of "train 8 ciphers at once": a small chart of its Bob and Eve curves and
//! what it came to.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::web::population_run::PopulationState;

use crate::web::chart::{self, Axes, BOB_COLOR, EVE_COLOR, Series, loss_points};
use crate::web::lab::Lab;

#[component]
pub fn PopulationMember(k: usize) -> impl IntoView {
    let lab = Lab::get();
    let population = PopulationState::get();
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        population.job.redraw.track();
        lab.resized.track();
        let Some(canvas) = canvas.get() else { return };
        let Some(config) = population.config.get_untracked() else { return };
        let series = population.histories.with_untracked(|h| {
            let Some(rows) = h.get(k) else { return Vec::new() };
            vec![
                Series { name: "", color: BOB_COLOR, points: loss_points(rows, |l| l.bob) },
                Series { name: "", color: EVE_COLOR, points: loss_points(rows, |l| l.eve) },
            ]
        });
        let axes = Axes { x_title: "", x_end: config.total_iterations() as f64, bits: config.cipher.bits };
        error.set(chart::draw_mini(&canvas, &series, &axes).err());
    });
    let seed = move || population.seeds.with(|s| s.get(k).copied().unwrap_or_default());
    let strongest = move || population.strongest() == Some(k);
    let attacked = move || population.attacking.with(|a| a.contains(&k));
    let verdict = move || {
        let bits = population.config.with(|c| c.as_ref().map_or(16, |c| c.cipher.bits));
        match population.outcomes().get(k).cloned().flatten() {
            Some(outcome) if attacked() => {
                format!("Bob reads {:.2} %; attackers at work…", outcome.evaluation.bob.correct_pct)
            }
            Some(outcome) => outcome.words(bits),
            None => population.unfinished().into(),
        }
    };
    view! {
        <figure class="member" class:strongest=strongest data-testid=format!("population-member-{k}")>
            <canvas
                node_ref=canvas
                data-testid=format!("population-chart-{k}")
                role="img"
                aria-label=move || format!("Bob's and Eve's bits wrong while the cipher of seed {} trains", seed())
            ></canvas>
            <figcaption>
                <strong>{move || format!("Seed {}", seed())}</strong>
                {move || if strongest() { " · the strongest" } else { "" }}
                <br/>
                <span class="verdict">{verdict}</span>
                {move || error.get().map(|e| view! { <span class="error">" Chart error: " {e}</span> })}
            </figcaption>
        </figure>
    }
}
