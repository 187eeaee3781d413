//! "Same recipe, 8 seeds": the form's settings trained as 8 ciphers at once, a small chart
//! per cipher, their results side by side, and the strongest (by the attackers' screening)
//! offered to the message form.

use leptos::prelude::*;

use crate::web::population_run::PopulationState;

use crate::web::components::scrolling_table::ScrollingTable;

use crate::web::components::steps_field::StepsField;

use crate::app::population_results::{MIN_BOB_PCT, PAGE_POPULATION, Verdict};
use crate::app::report::{Throughput, clock, grouped};
use crate::nn::attack::AttackerKind;
use crate::web::components::population_member::PopulationMember;
use crate::web::job::Status;
use crate::web::lab::Lab;
use crate::web::message_form::MessageForm;
use crate::web::population_run::Step;

#[component]
pub fn PopulationPanel() -> impl IntoView {
    let lab = Lab::get();
    let text = MessageForm::get();
    let population = PopulationState::get();
    // The member handed to the message form (a new population clears it).
    let handed = RwSignal::new(None::<u64>);
    let error = RwSignal::new(None::<String>);
    let first_seed = move || lab.config.with(|c| c.as_ref().map_or(1, |c| c.seed));
    let why_not = move || population.cannot_start(lab);
    // The bar follows the training, then the screening (whole when all is done).
    let shown = move || match (population.job.status.get(), population.step()) {
        (Status::Running | Status::Paused, Step::Screening) => population.screen_progress.get(),
        _ => population.job.progress.get(),
    };
    let members = move || population.seeds.with(Vec::len);
    let summary = move || {
        let k = members().max(1);
        let status = population.job.status.get();
        let paused = if status == Status::Paused { "paused · " } else { "" };
        let restored = if population.restored.get() { " (Restored after a reload.)" } else { "" };
        match (status, population.step()) {
            (Status::Idle, _) => format!(
                "Ready: the settings above with seeds {} to {}.",
                first_seed(),
                first_seed().saturating_add(PAGE_POPULATION as u64 - 1)
            ),
            (Status::Running | Status::Paused, Step::Training) => {
                let p = population.job.progress.get();
                let speed = Throughput::new(p.done, p.total, p.seconds);
                let eta = speed.eta_seconds.map(clock).unwrap_or_else(|| "—".into());
                format!(
                    "{paused}training {k} ciphers: iteration {} of {} each · {:.0} member-iterations/s · {eta} left",
                    p.done / k,
                    p.total / k,
                    speed.per_second
                )
            }
            (Status::Running | Status::Paused, Step::Screening) => {
                let p = population.screen_progress.get();
                let eta = Throughput::new(p.done, p.total, p.seconds)
                    .eta_seconds
                    .map(clock)
                    .unwrap_or_else(|| "—".into());
                let now = population.attacking.with(|a| {
                    let seeds: Vec<String> =
                        a.iter().map(|&m| format!("seed {}", population.seeds.with(|s| s[m]))).collect();
                    if seeds.is_empty() {
                        String::new()
                    } else {
                        format!("attacking {} · ", seeds.join(" and "))
                    }
                });
                format!(
                    "{paused}{now}{} of at most {} attacker steps · at most {eta} left",
                    grouped(p.done),
                    grouped(p.total)
                )
            }
            (Status::Done, _) => {
                let screened = population.screenings.with(|s| s.iter().flatten().count());
                format!(
                    "Done: {k} ciphers trained in {}; {screened} that Bob reads attacked in {}.{restored}",
                    clock(population.job.progress.get().seconds),
                    clock(population.screen_progress.get().seconds)
                )
            }
            (Status::Failed(why), _) => {
                format!("Stopped: {why}. What was trained and attacked is kept below.{restored}")
            }
            (Status::Starting | Status::Evaluating, _) => "Starting…".into(),
        }
    };
    let hand_over = move |k: usize, seed: u64| match population.use_member(k, text) {
        Ok(()) => {
            error.set(None);
            handed.set(Some(seed));
        }
        Err(e) => error.set(Some(format!("That cipher could not be handed over: {e}"))),
    };
    let rows = move || {
        let strongest = population.strongest();
        population
            .outcomes()
            .into_iter()
            .enumerate()
            .map(|(k, outcome)| {
                let seed = population.seeds.with(|s| s[k]);
                let cells = match &outcome {
                    None => view! { <td colspan="5">{population.unfinished()}</td> }.into_any(),
                    Some(o) => {
                        let e = &o.evaluation;
                        let attack = match o.verdict() {
                            Verdict::BobFails => "not attacked (Bob fails)".to_string(),
                            Verdict::Unscreened => "—".to_string(),
                            Verdict::Screened(best) => {
                                format!("{:.2} ({}, {} steps)", best.score.bit_errors, best.attacker.label(), best.steps)
                            }
                        };
                        view! {
                            <td>{format!("{:.2} %", e.bob.correct_pct)}</td>
                            <td>{format!("{:.2}", e.bob.bit_errors)}</td>
                            <td>{format!("{:.2}", e.eve.bit_errors)}</td>
                            <td>{attack}</td>
                            <td>
                                <button
                                    type="button"
                                    data-testid=format!("population-use-{k}")
                                    prop:disabled=move || handed.get() == Some(seed)
                                    on:click=move |_| hand_over(k, seed)
                                >
                                    "Use for messages"
                                </button>
                            </td>
                        }
                        .into_any()
                    }
                };
                view! {
                    <tr class:best=strongest == Some(k) class:failure=outcome.as_ref().is_some_and(|o| o.verdict() == Verdict::BobFails)>
                        <th scope="row">{seed}</th>
                        {cells}
                    </tr>
                }
            })
            .collect_view()
    };
    // The strongest, or why there is none yet.
    let verdict = move || {
        let bits = population.config.with(|c| c.as_ref().map_or(16, |c| c.cipher.bits));
        let outcomes = population.outcomes();
        match population.strongest() {
            Some(k) => {
                let seed = population.seeds.with(|s| s[k]);
                let words = outcomes[k].as_ref().map(|o| o.words(bits)).unwrap_or_default();
                let done = population.job.status.get() == Status::Done;
                let lead = if done { "The strongest" } else { "The strongest so far" };
                view! {
                    <p class="audit-result" data-testid="population-strongest">
                        <strong>{format!("{lead}: seed {seed}")}</strong>
                        {format!(" — {words}. A stronger attacker may read more: attack it fully in step 2.")}
                    </p>
                    <button
                        type="button"
                        data-testid="population-use-strongest"
                        prop:disabled=move || handed.get() == Some(seed)
                        on:click=move |_| hand_over(k, seed)
                    >
                        {move || if handed.get() == Some(seed) { format!("The message form uses seed {seed}") } else { format!("Use seed {seed} for messages") }}
                    </button>
                }
                .into_any()
            }
            None if population.job.status.get() == Status::Done => {
                let failures = outcomes.iter().flatten().filter(|o| o.verdict() == Verdict::BobFails).count();
                view! {
                    <p class="audit-result" data-testid="population-strongest">
                        {format!(
                            "None of the {} is usable for messages: Bob reads {failures} of them too poorly (under {MIN_BOB_PCT:.0} % of messages whole). Train longer (more epochs) and try again.",
                            outcomes.len()
                        )}
                    </p>
                }
                .into_any()
            }
            None => ().into_any(),
        }
    };
    view! {
        <article class="population" data-testid="population" aria-labelledby="population-title">
            <h3 id="population-title">{format!("Same recipe, {PAGE_POPULATION} seeds: train {PAGE_POPULATION} ciphers at once")}</h3>
            <p class="note">
                {format!(
                    "The settings above, with {PAGE_POPULATION} seeds in a row from the form's seed, trained together as one population (every weight stacked, one optimiser over the stack) on this computer's CPU. The same recipe gives different ciphers, and some may fail. Each cipher Bob reads (at least {MIN_BOB_PCT:.0} % of messages whole) is then attacked by the {} fresh attackers of step 2, for at most the steps below each: a quick screening, weaker than a full attack. The strongest is the one whose best attacker gets the most bits wrong.",
                    AttackerKind::ALL.len()
                )}
            </p>
            <p class="hint" data-testid="population-seed-note">
                "Why seed 1 here ends other than seed 1 in the lab: it starts from the same weights and the same messages, but its sums run in another order (the lab splits each batch over two workers; here the ciphers are stacked), and thousands of training steps magnify those last-digit differences. Same recipe, another run."
            </p>
            <div class="audit-controls">
                <StepsField
                    label="Most steps per attacker "
                    value=population.screen_steps
                    valid=Signal::derive(move || population.steps().is_some())
                    test_id="population-steps".to_string()
                    disabled=Signal::derive(move || population.job.status.get().is_active())
                />
                <button
                    type="button"
                    data-testid="population-start"
                    prop:disabled=move || why_not().is_some()
                    on:click=move |_| {
                        handed.set(None);
                        population.start(lab);
                    }
                >
                    {format!("Train {PAGE_POPULATION} ciphers at once")}
                </button>
                <button
                    type="button"
                    data-testid="population-pause"
                    prop:disabled=move || !matches!(population.job.status.get(), Status::Running | Status::Paused)
                    on:click=move |_| population.job.toggle_pause()
                >
                    {move || if population.job.status.get() == Status::Paused { "Resume" } else { "Pause" }}
                </button>
                <button
                    type="button"
                    data-testid="population-stop"
                    prop:disabled=move || !population.job.status.get().is_active()
                    on:click=move |_| population.stop()
                >
                    "Stop"
                </button>
            </div>
            <Show when=move || !population.job.status.get().is_active()>
                <p class="error" data-testid="population-why-not">{why_not}</p>
            </Show>
            <progress
                max=move || shown().total.max(1)
                value=move || shown().done
                aria-label=move || match population.step() {
                    Step::Training => "Training progress of the population",
                    Step::Screening => "Progress of the attackers' screening",
                }
            ></progress>
            <p data-testid="population-status" role="status">{summary}</p>
            <Show when=move || { members() > 0 }>
                <p class="note">"Each chart: Bob's bits wrong (green) and Eve's (red) per iteration; dashed, chance."</p>
                <div class="members">
                    {move || (0..members()).map(|k| view! { <PopulationMember k=k/> }).collect_view()}
                </div>
                <ScrollingTable id="population-table-title" title="Each cipher on 10,000 fresh messages">
                <table class="population-table" data-testid="population-table" aria-labelledby="population-table-title">
                    <thead>
                        <tr>
                            <th scope="col">"Seed"</th>
                            <th scope="col">"Bob: messages whole"</th>
                            <th scope="col">"Bob: bits wrong"</th>
                            <th scope="col">"Training Eve: bits wrong"</th>
                            <th scope="col">"Best attacker: bits wrong"</th>
                            <th scope="col"><span class="sr-only">"Use"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                </ScrollingTable>
                {verdict}
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </Show>
        </article>
    }
}
