//! The continued-Eve audit (write-up Figure 3): the Eve that trained alongside keeps
//! training against the frozen Alice, with her own live chart, progress and result — it
//! shows whether she was merely kept busy. (The cipher's strength is the attacker suite's.)

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::web::components::steps_field::StepsField;

use crate::app::report::{Throughput, audit_csv, clock};
use crate::nn::audit::EveStart;
use crate::web::browser::files;
use crate::web::chart::{self, Axes, EVE_COLOR, Series};
use crate::web::continued_eve;
use crate::web::job::Status;
use crate::web::lab::Lab;

#[component]
pub fn ContinuedEvePanel() -> impl IntoView {
    let lab = Lab::get();
    let audit = lab.continued;
    let canvas = NodeRef::<Canvas>::new();
    let key = EveStart::Continue.name();
    Effect::new(move |_| {
        audit.job.redraw.track();
        lab.resized.track();
        lab.run.config.track();
        let Some(canvas) = canvas.get() else { return };
        let points =
            audit.history.with_untracked(|h| h.iter().map(|l| (l.step as f64, l.eve as f64)).collect());
        let series = [Series { name: "Eve", color: EVE_COLOR, points }];
        let planned = audit.steps.with_untracked(|s| s.trim().parse::<usize>().unwrap_or(0));
        let total = match audit.job.progress.get_untracked().total {
            0 => planned,
            total => total,
        };
        let bits =
            lab.run.config.with_untracked(|t| t.as_ref().map_or(lab.bits.get_untracked(), |c| c.cipher.bits));
        let _ = chart::draw(&canvas, &series, &Axes { x_title: "audit step", x_end: total as f64, bits });
    });
    let steps_valid =
        move || audit.steps.with(|s| s.trim().parse::<usize>().is_ok_and(|n| (1..=1_000_000).contains(&n)));
    let can_start =
        move || lab.run.config.with(|t| t.is_some()) && steps_valid() && !audit.job.status.get().is_active();
    let summary = move || {
        let p = audit.job.progress.get();
        let speed = Throughput::new(p.done, p.total, p.seconds);
        let eta = speed.eta_seconds.map(clock).unwrap_or_else(|| "—".into());
        match audit.job.status.get() {
            Status::Idle if lab.run.config.with(|t| t.is_none()) => "Train Alice and Bob first.".to_string(),
            Status::Idle => "Ready.".to_string(),
            Status::Failed(why) => format!("Stopped: {why}"),
            Status::Evaluating => "Evaluating on 10,000 messages…".to_string(),
            _ => format!("step {}/{} · {:.0} steps/s · {eta} left", p.done, p.total, speed.per_second),
        }
    };
    let result = move || {
        lab.run.continued.get().map(|r| {
            view! {
                <p class="audit-result" data-testid=format!("audit-result-{key}")>
                    "This Eve now: "
                    <strong>{format!("{:.2} bits wrong", r.eve.bit_errors)}</strong>
                    {format!(" of {} ({:.2} % of messages read exactly; guessing gets {} wrong)",
                        lab.run.config.get().map_or(16, |c| c.cipher.bits), r.eve.correct_pct,
                        lab.run.config.get().map_or(8, |c| c.cipher.bits / 2))}
                </p>
            }
        })
    };
    view! {
        <article class="audit-panel" data-testid=format!("audit-{key}")>
            <h3>"Keep training this Eve"</h3>
            <div class="audit-controls">
                <StepsField
                    label="Steps for this Eve "
                    value=audit.steps
                    valid=Signal::derive(steps_valid)
                    test_id=format!("audit-steps-{key}")
                />
                <button
                    type="button"
                    data-testid=format!("audit-start-{key}")
                    prop:disabled=move || !can_start()
                    on:click=move |_| continued_eve::start_continued(lab)
                >
                    "Run"
                </button>
                <button
                    type="button"
                    data-testid=format!("audit-pause-{key}")
                    prop:disabled=move || !matches!(audit.job.status.get(), Status::Running | Status::Paused)
                    on:click=move |_| lab.continued.job.toggle_pause()
                >
                    {move || if audit.job.status.get() == Status::Paused { "Resume" } else { "Pause" }}
                </button>
                <button
                    type="button"
                    prop:disabled=move || audit.history.with(|h| h.is_empty())
                    on:click=move |_| {
                        let csv = audit.history.with_untracked(|h| audit_csv(h));
                        let _ = files::save_text(&format!("anc-audit-{key}.csv"), "text/csv", &csv);
                    }
                >
                    "Save CSV"
                </button>
            </div>
            <Show when=move || !steps_valid()>
                <p class="error">"Steps: a whole number from 1 to 1,000,000."</p>
            </Show>
            <progress max=move || audit.job.progress.get().total.max(1) value=move || audit.job.progress.get().done></progress>
            <p data-testid=format!("audit-status-{key}") role="status">{summary}</p>
            <canvas node_ref=canvas class="audit-chart" data-testid=format!("audit-chart-{key}") role="img" aria-label="Eve's loss during the audit"></canvas>
            {result}
        </article>
    }
}
