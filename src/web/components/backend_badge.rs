//! The badge saying which backend trains (and why), with a switch to force one.

use leptos::prelude::*;

use crate::web::backend::{BackendChoice, BackendKind};
use crate::web::lab::Lab;

#[component]
pub fn BackendBadge() -> impl IntoView {
    let lab = Lab::get();
    let text = move || match lab.backend.get() {
        // Automatic's reason starts with the backend's name ("CPU: 290 it/s vs WebGPU …").
        Some(info) if info.reason.starts_with(info.kind.label()) => info.reason,
        Some(info) => format!("{} — {}", info.kind.label(), info.reason),
        None => match lab.choice.get() {
            BackendChoice::Cpu => "CPU — chosen".to_string(),
            BackendChoice::WebGpu => "WebGPU — chosen (the CPU if this browser has none)".to_string(),
            BackendChoice::Auto => {
                "Automatic: the faster of WebGPU and the CPU here, timed when training starts".to_string()
            }
        },
    };
    let kind_class = move || match lab.backend.get().map(|b| b.kind) {
        Some(BackendKind::WebGpu) => "badge webgpu",
        Some(BackendKind::Cpu) => "badge cpu",
        None => "badge",
    };
    let detail = move || lab.backend.get().and_then(|b| b.detail);
    view! {
        <div class="backend">
            <span class=kind_class data-testid="backend-badge" role="status" title=detail>{text}</span>
            <label>
                "Backend "
                <select
                    data-testid="backend-choice"
                    prop:disabled=move || lab.training.status.get().is_active()
                    on:change=move |ev| {
                        if let Some(choice) = BackendChoice::from_key(&event_target_value(&ev)) {
                            lab.choice.set(choice);
                            lab.backend.set(None);
                        }
                    }
                >
                    {BackendChoice::ALL
                        .into_iter()
                        .map(|c| view! {
                            <option value=c.key() selected=move || lab.choice.get() == c>{c.label()}</option>
                        })
                        .collect_view()}
                </select>
            </label>
            {move || detail().map(|d| view! {
                <details class="backend-detail">
                    <summary>"Why not WebGPU?"</summary>
                    <code>{d}</code>
                </details>
            })}
        </div>
    }
}
