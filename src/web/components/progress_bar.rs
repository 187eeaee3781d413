//! Where training stands: a progress bar with epoch and iteration, speed and time left.

use leptos::prelude::*;

use crate::app::report::{Throughput, clock};
use crate::web::backend::{BackendChoice, BackendKind};
use crate::web::job::Status;
use crate::web::lab::Lab;

#[component]
pub fn ProgressBar() -> impl IntoView {
    let lab = Lab::get();
    let per_epoch = move || lab.config.with(|c| c.as_ref().map_or(1, |c| c.iterations_per_epoch)).max(1);
    let summary = move || {
        let p = lab.training.progress.get();
        if p.total == 0 {
            return String::new();
        }
        let epochs = p.total.div_ceil(per_epoch());
        let epoch = (p.done / per_epoch() + 1).min(epochs);
        let speed = Throughput::new(p.done, p.total, p.seconds);
        let pace = match lab.training.status.get() {
            // A run restored after a reload has no time of this page's to tell.
            Status::Done if p.seconds <= 0.0 => String::new(),
            Status::Done => format!(" · {:.1} it/s · took {}", speed.per_second, clock(p.seconds)),
            _ => {
                let eta = speed.eta_seconds.map(clock).unwrap_or_else(|| "—".into());
                format!(" · {:.1} it/s · {eta} left", speed.per_second)
            }
        };
        format!("epoch {epoch}/{epochs} · iteration {}/{}{pace}", p.done, p.total)
    };
    // Where a run stopped early ended.
    let stopped = move || {
        lab.run.stopped_at.get().map_or(String::new(), |n| {
            let total = lab.run.config.with(|c| c.as_ref().map_or(n, |c| c.total_iterations()));
            format!(" at iteration {n} of {total} (stopped and kept)")
        })
    };
    let status = move || {
        if let (Status::Starting | Status::Running, Some(phase)) =
            (lab.training.status.get(), lab.phase.get())
        {
            return phase;
        }
        match lab.training.status.get() {
        Status::Idle if lab.restored.get() => {
            "Losses of a run a reload interrupted, restored; its networks were not kept: press Start to train again."
                .to_string()
        }
        Status::Idle => "Ready. Press Start (or Enter in a field).".to_string(),
        Status::Starting => "Starting the engine…".to_string(),
        Status::Running => "Training…".to_string(),
        Status::Paused => "Paused.".to_string(),
        Status::Evaluating => "Evaluating on 10,000 fresh messages…".to_string(),
        Status::Done if lab.run.restored.get() => format!(
            "Done{} (restored after a reload: the trained model, its settings, results and audits).",
            stopped()
        ),
        Status::Done => {
            format!("Done{}. Next: 2 · attack the cipher below, or use this model for 3 · a message.", stopped())
        }
        Status::Failed(why) => format!("Stopped: {why}. The losses so far are kept (save them below)."),
    }
    };
    view! {
        <div class="progress">
            <progress
                data-testid="progress"
                max=move || lab.training.progress.get().total.max(1)
                value=move || lab.training.progress.get().done
                aria-label="Training progress"
            ></progress>
            <p data-testid="progress-text">{summary}</p>
            <p
                class="status"
                class:failed=move || matches!(lab.training.status.get(), Status::Failed(_))
                data-testid="status"
                role="status"
            >
                {status}
            </p>
            <Show when=move || {
                matches!(lab.training.status.get(), Status::Failed(_)) && lab.backend.get().is_some_and(|b| b.kind == BackendKind::WebGpu)
            }>
                <button
                    type="button"
                    data-testid="use-cpu"
                    on:click=move |_| {
                        lab.choice.set(BackendChoice::Cpu);
                        lab.backend.set(None);
                        lab.training.status.set(Status::Idle);
                        lab.restored.set(true); // the failed run's losses stay on the chart
                    }
                >
                    "Use the CPU backend instead"
                </button>
            </Show>
            <p data-testid="iteration" class="sr-only">{move || lab.training.progress.get().done}</p>
        </div>
    }
}
