//! The attacker suite in the page: fresh attackers of several shapes trained one after
//! another against the frozen Alice, a curve each (held-out bits wrong), progress per
//! attacker, and a table of what each reached — the best one named as the cipher's strength.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::web::components::scrolling_table::ScrollingTable;

use crate::web::components::steps_field::StepsField;

use crate::app::pad_view::distinguisher_reading;
use crate::app::report::{clock, grouped};
use crate::app::strength::bits_read;
use crate::nn::attack::{AttackRow, AttackerKind};
use crate::web::chart::{self, Axes, Series};
use crate::web::job::Status;
use crate::web::lab::{Lab, PAGE_SUITE_STEPS, SuiteTarget};
use crate::web::message_form::MessageForm;
use crate::web::pad_run::PadState;
use crate::web::suite_run;
use plotters::style::RGBColor;

/// A color per attacker, in [`AttackerKind::ALL`]'s order.
const COLORS: [RGBColor; 7] = [
    RGBColor(220, 38, 38),
    RGBColor(234, 88, 12),
    RGBColor(37, 99, 235),
    RGBColor(124, 58, 237),
    RGBColor(13, 148, 136),
    RGBColor(17, 24, 39),
    RGBColor(161, 98, 7),
];

fn color(kind: AttackerKind) -> RGBColor {
    COLORS[AttackerKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
}

/// Bits of the model the suite attacks (or would attack): the form's, or the trained one's.
fn attacked_bits(lab: Lab, text: MessageForm) -> usize {
    match lab.suite.target.get_untracked() {
        Some(SuiteTarget::Form(_)) => text.info().map_or(16, |i| i.bits),
        Some(SuiteTarget::Pad) => {
            PadState::get().trained.with_untracked(|p| p.as_ref().map_or(16, |p| p.bits))
        }
        _ => {
            lab.run.config.with_untracked(|t| t.as_ref().map_or(lab.bits.get_untracked(), |c| c.cipher.bits))
        }
    }
}

#[component]
pub fn SuitePanel() -> impl IntoView {
    let lab = Lab::get();
    let text = MessageForm::get();
    let suite = lab.suite;
    let canvas = NodeRef::<Canvas>::new();
    let steps =
        move || suite.steps.with(|s| s.trim().parse::<usize>().ok().filter(|n| (1..=100_000).contains(n)));
    Effect::new(move |_| {
        suite.job.redraw.track();
        lab.resized.track();
        lab.run.config.track();
        let Some(canvas) = canvas.get() else { return };
        let series: Vec<Series> = suite.history.with_untracked(|h| {
            AttackerKind::ALL
                .into_iter()
                .filter_map(|kind| {
                    let points: Vec<(f64, f64)> = h
                        .iter()
                        .filter(|r: &&AttackRow| r.attacker == kind)
                        .map(|r| (r.step as f64, r.held_out_bits_wrong))
                        .collect();
                    // Named in the key below the chart, as in the table.
                    (!points.is_empty()).then(|| Series { name: "", color: color(kind), points })
                })
                .collect()
        });
        let x_end = steps().unwrap_or(PAGE_SUITE_STEPS) as f64;
        let bits = suite.result.with_untracked(|r| r.as_ref().map(|r| r.best().score.bit_error_rates.len()));
        let bits = bits.unwrap_or_else(|| attacked_bits(lab, text));
        let _ = chart::draw(&canvas, &series, &Axes { x_title: "attacker's training step", x_end, bits });
    });
    let idle = move || steps().is_some() && !suite.job.status.get().is_active();
    let can_start = move || lab.run.config.with(|t| t.is_some()) && idle();
    let can_start_form = move || text.info().is_some() && idle();
    let target = move || {
        suite.target.get().map(|t| match t {
            SuiteTarget::Trained => "Attacking the model trained in this page.".to_string(),
            SuiteTarget::Form(name) => format!("Attacking the message form's model: {name}."),
            SuiteTarget::Pad => "Attacking the one-time pad trained in this page (step 4 below).".to_string(),
        })
    };
    let summary = move || {
        let p = suite.job.progress.get();
        match suite.job.status.get() {
            Status::Idle if lab.run.config.with(|t| t.is_none()) => {
                "Train Alice and Bob first, or attack the message form's model.".to_string()
            }
            Status::Idle => "Ready.".to_string(),
            Status::Starting => "Starting the attackers' workers…".to_string(),
            Status::Failed(why) => format!("Stopped: {why}"),
            Status::Evaluating => "Scoring the attackers on 10,000 fresh messages…".to_string(),
            Status::Done => {
                let played = suite.result.with(|r| {
                    r.as_ref().map_or(0, |r| r.attackers.len() + usize::from(r.distinguisher.is_some()))
                });
                if p.seconds <= 0.0 {
                    format!("Done: {played} attackers (their results kept across a reload).")
                } else {
                    format!("Done: {played} attackers in {}.", clock(p.seconds))
                }
            }
            Status::Running | Status::Paused => {
                let now = suite.current.with(|now| match &now[..] {
                    [] => String::new(),
                    [one] => format!("training now: {} · ", one.label()),
                    [one, two, ..] => {
                        format!("training now, side by side: {} and {} · ", one.label(), two.label())
                    }
                });
                // Early stops only shorten it.
                let eta = suite.eta.get().map(clock).unwrap_or_else(|| "—".into());
                let paused = if suite.job.status.get() == Status::Paused { "paused · " } else { "" };
                format!("{paused}{now}{} of at most {} steps in all · about {eta} left", p.done, p.total)
            }
        }
    };
    let result = move || {
        suite.result.get().map(|r| {
            let best = r.best().clone();
            let bits = best.score.bit_error_rates.len();
            let rows = r
                .attackers
                .iter()
                .map(|a| {
                    let is_best = a.attacker == best.attacker;
                    view! {
                        <tr class:best=is_best>
                            <th scope="row">{a.attacker.label()}</th>
                            <td>{format!("{:.2}", a.score.bit_errors)}</td>
                            <td>{format!("{:.2} %", a.score.correct_pct)}</td>
                            <td>{format!("{} (best at {})", a.steps, a.steps_at_best)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="audit-result headline" data-testid="audit-result-fresh">
                    "Cipher strength: an attacker reads "
                    <strong>{bits_read(best.score.bit_errors, bits)}</strong>
                    {format!(
                        " — the best of {} attackers ({}, {} steps) gets {:.2} bits wrong of {bits} (guessing gets {} wrong) and reads {:.2} % of messages whole.",
                        r.attackers.len(), best.attacker.label(), best.steps, best.score.bit_errors, bits / 2, best.score.correct_pct
                    )}
                </p>
                {r.distinguisher.as_ref().map(|d| view! {
                    <p class="audit-result" data-testid="audit-result-distinguisher">
                        "Told two messages apart: "
                        <strong>{format!("{:.1} %", d.accuracy_pct)}</strong>
                        {format!(
                            " of {} fresh rounds (a coin flip: 50 %) by a distinguisher that sees both candidates and the ciphertext of one ({} steps). {}",
                            grouped(d.rounds), d.steps, distinguisher_reading(d.accuracy_pct)
                        )}
                    </p>
                })}
                <ScrollingTable id="suite-table-title" title="Each attacker on 10,000 fresh messages, as it stood at its best held-out check">
                <table class="suite-table" data-testid="suite-table" aria-labelledby="suite-table-title">
                    <thead>
                        <tr>
                            <th scope="col">"Attacker"</th>
                            <th scope="col">{format!("Bits wrong of {bits}")}</th>
                            <th scope="col">"Messages read whole"</th>
                            <th scope="col">"Steps trained"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                </ScrollingTable>
            }
        })
    };
    view! {
        <article class="audit-panel suite-panel" data-testid="audit-fresh">
            <h3>"Attack it: fresh attackers of several shapes"</h3>
            <p class="note">
                {format!(
                    "{} attackers train against the frozen Alice (one after another, two at a time where this computer has the cores) (they see ciphertexts and the messages behind them, never the key): Eve's own shape with two optimisers, deeper and wider networks, one trained by cross-entropy, a residual network that reads each value through bins, and a naive-Bayes count. Each stops when it no longer improves on held-out messages. The best one is the cipher's strength. Then a distinguisher plays the other game: handed two messages and the ciphertext of one, it says which (it catches leaks no single bit shows). ",
                    AttackerKind::ALL.len()
                )}
                {format!(
                    "Here each trains at most {} steps by default (the command line's anc audit allows 20,000), so a stronger attacker may read more.",
                    grouped(PAGE_SUITE_STEPS)
                )}
            </p>
            <div class="audit-controls">
                <StepsField
                    label="Most steps per attacker "
                    value=suite.steps
                    valid=Signal::derive(move || steps().is_some())
                    test_id="audit-steps-fresh".to_string()
                />
                <button
                    type="button"
                    data-testid="audit-start-fresh"
                    prop:disabled=move || !can_start()
                    on:click=move |_| suite_run::start_suite(lab, SuiteTarget::Trained)
                >
                    "Attack the model trained here"
                </button>
                <button
                    type="button"
                    data-testid="audit-start-form"
                    prop:disabled=move || !can_start_form()
                    on:click=move |_| {
                        let slot = text.slot.get_untracked();
                        let name = text.info().map_or_else(String::new, |i| format!("{}, {}", i.preset, text.source(slot)));
                        suite_run::start_suite(lab, SuiteTarget::Form(name))
                    }
                >
                    {move || text.info().map_or("Attack the message form's model".to_string(), |i| format!("Attack the form's model ({})", i.preset))}
                </button>
                <button
                    type="button"
                    data-testid="audit-pause-fresh"
                    prop:disabled=move || !matches!(suite.job.status.get(), Status::Running | Status::Paused)
                    on:click=move |_| lab.suite.job.toggle_pause()
                >
                    {move || if suite.job.status.get() == Status::Paused { "Resume" } else { "Pause" }}
                </button>
            </div>
            <Show when=move || steps().is_none()>
                <p class="error">"Most steps per attacker: a whole number from 1 to 100,000."</p>
            </Show>
            <progress max=move || suite.job.progress.get().total.max(1) value=move || suite.job.progress.get().done></progress>
            <p data-testid="audit-target">{target}</p>
            <p data-testid="audit-status-fresh" role="status">{summary}</p>
            <canvas node_ref=canvas class="audit-chart" data-testid="audit-chart-fresh" role="img" aria-label="Each attacker's bits wrong on held-out messages while it trains"></canvas>
            <ul class="key" data-testid="audit-key" aria-label="The chart's curves">
                {move || {
                    let seen: Vec<AttackerKind> = suite.history.with(|h| {
                        AttackerKind::ALL.into_iter().filter(|k| h.iter().any(|r| r.attacker == *k)).collect()
                    });
                    seen.into_iter()
                        .map(|kind| {
                            let RGBColor(r, g, b) = color(kind);
                            view! {
                                <li>
                                    <span class="swatch" style=format!("background: rgb({r}, {g}, {b})")></span>
                                    {kind.label()}
                                </li>
                            }
                        })
                        .collect_view()
                }}
                <li><span class="swatch dashed"></span>"chance"</li>
            </ul>
            {result}
        </article>
    }
}
