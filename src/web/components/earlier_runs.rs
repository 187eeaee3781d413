//! The earlier runs of this visit, side by side: what each reached, so "same recipe,
//! another seed" shows as different ciphers (their curves are faint in the loss chart).

use leptos::prelude::*;

use crate::web::components::scrolling_table::ScrollingTable;

use crate::web::lab::Lab;

#[component]
pub fn EarlierRuns() -> impl IntoView {
    let lab = Lab::get();
    let rows = move || {
        lab.earlier.with(|runs| {
            runs.iter()
                .rev()
                .map(|run| {
                    let e = &run.evaluation;
                    view! {
                        <tr>
                            <th scope="row">{run.label.clone()}</th>
                            <td>{format!("{:.2} %", e.bob.correct_pct)}</td>
                            <td>{format!("{:.2}", e.bob.bit_errors)}</td>
                            <td>{format!("{:.2} %", e.eve.correct_pct)}</td>
                            <td>{format!("{:.2}", e.eve.bit_errors)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <Show when=move || lab.earlier.with(|r| !r.is_empty())>
            <div class="earlier-runs" data-testid="earlier-runs">
                <ScrollingTable id="earlier-runs-title" title="Earlier runs of this visit (faint in the chart), newest first, on 10,000 fresh messages">
                <table aria-labelledby="earlier-runs-title">
                    <thead>
                        <tr>
                            <th scope="col">"Run"</th>
                            <th scope="col">"Bob: messages whole"</th>
                            <th scope="col">"Bob: bits wrong"</th>
                            <th scope="col">"Training Eve: messages whole"</th>
                            <th scope="col">"Training Eve: bits wrong"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                </ScrollingTable>
                <button type="button" data-testid="forget-earlier" on:click=move |_| lab.earlier.set(Vec::new())>
                    "Forget earlier runs"
                </button>
            </div>
        </Show>
    }
}
