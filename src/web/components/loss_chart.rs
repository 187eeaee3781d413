//! The live loss chart of training, with PNG and CSV downloads.

use leptos::html::{Canvas, Figure};
use leptos::prelude::*;

use crate::app::report::losses_csv;
use crate::web::browser::files;
use crate::web::chart::{self, AB_COLOR, Axes, BOB_COLOR, EVE_COLOR, Series, loss_points};
use crate::web::lab::Lab;

#[component]
pub fn LossChart() -> impl IntoView {
    let lab = Lab::get();
    let canvas = NodeRef::<Canvas>::new();
    let error = RwSignal::new(None::<String>);
    // Redraw only when the training loop says so (a few times a second at most).
    Effect::new(move |_| {
        lab.training.redraw.track();
        lab.resized.track();
        // Bob's and Eve's curves of the earlier runs, faint under this one's.
        let earlier: Vec<Series> = lab.earlier.with(|runs| {
            runs.iter()
                .flat_map(|run| {
                    [
                        Series { name: "", color: BOB_COLOR, points: loss_points(&run.history, |l| l.bob) },
                        Series { name: "", color: EVE_COLOR, points: loss_points(&run.history, |l| l.eve) },
                    ]
                })
                .collect()
        });
        let Some(canvas) = canvas.get() else { return };
        let series = lab.history.with_untracked(|h| {
            let curve = |name, color, pick| Series { name, color, points: loss_points(h, pick) };
            vec![
                curve("Alice+Bob", AB_COLOR, |l| l.ab),
                curve("Bob", BOB_COLOR, |l| l.bob),
                curve("Eve", EVE_COLOR, |l| l.eve),
            ]
        });
        // Before a run, span the run the form describes.
        let planned = lab.config.with(|c| c.as_ref().map_or(0, |c| c.total_iterations()));
        let total = match lab.training.progress.get_untracked().total {
            0 => planned,
            total => total,
        };
        let seen = lab.history.with_untracked(|h| h.last().map_or(0, |l| l.iteration));
        let seen = earlier.iter().filter_map(|s| s.points.last()).fold(seen, |m, p| m.max(p.0 as usize));
        let axes =
            Axes { x_title: "iteration", x_end: total.max(seen) as f64, bits: lab.bits.get_untracked() };
        error.set(chart::draw_over(&canvas, &earlier, &series, &axes).err());
    });
    let empty = move || lab.history.with(|h| h.is_empty());
    let figure = NodeRef::<Figure>::new();
    view! {
        <figure class="chart" node_ref=figure>
            <canvas
                node_ref=canvas
                data-testid="loss-chart"
                role="img"
                aria-label="Loss curves of Alice+Bob, Bob and Eve against training iterations"
            ></canvas>
            <figcaption>
                {move || format!(
                    "Bits wrong per {}-bit message (lower is better for Bob). Guessing gets half wrong (the dashed line); Eve usually ends below it, reading part of each message, which is why step 2 attacks the cipher.",
                    lab.bits.get()
                )}
                <span data-testid="losses-now">
                    {move || {
                        lab.training.redraw.track();
                        lab.history.with_untracked(|h| h.last().map(|l| format!(
                            " At iteration {}: Bob {:.2} bits wrong, Eve {:.2} (guessing: {}).",
                            l.iteration, l.bob, l.eve, lab.bits.get_untracked() / 2
                        )))
                    }}
                </span>
                {move || error.get().map(|e| view! { <span class="error">" Chart error: " {e}</span> })}
            </figcaption>
            <dl class="curves" data-testid="curves-key">
                <dt class="ab">"Alice+Bob loss"</dt>
                <dd>
                    "Not a count of bits: Bob's bits wrong plus a penalty that grows as Eve moves away from guessing. What Alice and Bob minimise."
                </dd>
                <dt class="bob">"Bob"</dt>
                <dd>{move || format!("Bits of the {} that Bob gets wrong on average. It should fall towards 0.", lab.bits.get())}</dd>
                <dt class="eve">"Eve"</dt>
                <dd>
                    "Bits Eve gets wrong. Guessing gets half wrong (the dashed line): Eve first learns a little, then Alice changes the cipher and pushes her back up."
                </dd>
            </dl>
            <div class="buttons">
                // Where the browser shows no element full screen (a phone's Safari), no button.
                <Show when=|| web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.fullscreen_enabled())>
                <button
                    type="button"
                    data-testid="full-screen"
                    title="Show the chart on the whole screen (Esc to leave)"
                    on:click=move |_| {
                        if let Some(f) = figure.get_untracked() {
                            // The resize that follows redraws the chart at its new size.
                            let _ = f.request_fullscreen();
                        }
                    }
                >
                    "Full screen"
                </button>
                </Show>
                <button
                    type="button"
                    data-testid="save-png"
                    prop:disabled=empty
                    on:click=move |_| {
                        if let Some(c) = canvas.get_untracked() {
                            error.set(files::save_png(&c, "anc-losses.png").err());
                        }
                    }
                >
                    "Save chart (PNG)"
                </button>
                <button
                    type="button"
                    data-testid="save-csv"
                    prop:disabled=empty
                    on:click=move |_| {
                        let csv = lab.history.with_untracked(|h| losses_csv(h));
                        error.set(files::save_text("anc-losses.csv", "text/csv", &csv).err());
                    }
                >
                    "Save losses (CSV)"
                </button>
            </div>
        </figure>
    }
}
