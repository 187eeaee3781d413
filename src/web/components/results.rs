//! The evaluation on 10,000 fresh messages, beside the published figures (spec §6).

use leptos::prelude::*;

use crate::web::components::fold::Fold;
use crate::web::components::scrolling_table::ScrollingTable;

use crate::app::report::REFERENCES;
use crate::web::lab::Lab;

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.2} %"))
}

#[component]
pub fn Results() -> impl IntoView {
    let lab = Lab::get();
    let this_run = move || {
        lab.run.evaluation.get().map(|e| {
            let setting = lab.run.config.get().map_or_else(String::new, |c| {
                format!("{}, {} bits, {} epochs", c.preset.name(), c.cipher.bits, c.epochs)
            });
            view! {
                <tr class="this-run" data-testid="result-row">
                    <th scope="row">"Your run"</th>
                    <td>{setting}</td>
                    <td data-testid="bob-correct">{format!("{:.2} %", e.bob.correct_pct)}</td>
                    <td data-testid="eve-correct">{format!("{:.2} %", e.eve.correct_pct)}</td>
                    <td data-testid="bob-bits">{format!("{:.2}", e.bob.bit_errors)}</td>
                    <td data-testid="eve-bits">{format!("{:.2}", e.eve.bit_errors)}</td>
                </tr>
            }
        })
    };
    view! {
        <Show when=move || lab.run.evaluation.with(|e| e.is_some())>
            <Fold summary="Details: the evaluation on 10,000 fresh messages, next to published figures" test_id="fold-results">
            <ScrollingTable id="results-title" title="Evaluation on 10,000 fresh (message, key) pairs, next to published figures">
            <table class="results" data-testid="results" aria-labelledby="results-title">
                <thead>
                    <tr>
                        <th scope="col">"System"</th>
                        <th scope="col">"Setting"</th>
                        <th scope="col">"Bob % correct"</th>
                        <th scope="col">"Eve % correct"</th>
                        <th scope="col">"Bob bits wrong"</th>
                        <th scope="col">"Eve bits wrong"</th>
                    </tr>
                </thead>
                <tbody>
                    {this_run}
                    {REFERENCES
                        .iter()
                        .map(|r| view! {
                            <tr>
                                <th scope="row">{r.system}</th>
                                <td>{r.setting}</td>
                                <td>{pct(r.bob_correct_pct)}</td>
                                <td>{pct(r.eve_correct_pct)}</td>
                                <td>"—"</td>
                                <td>{r.eve_bit_errors.unwrap_or("—")}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            </ScrollingTable>
            </Fold>
            <p class="note">
                "% correct counts messages whose every bit Bob (or Eve) gets right. "
                "The training Eve's figure flatters the cipher: run the attackers below for a more honest strength figure."
            </p>
        </Show>
    }
}
