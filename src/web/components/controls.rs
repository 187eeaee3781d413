//! The training form: preset, the fields users tune, and Start / Pause / Resume / Reset.

use leptos::prelude::*;

use crate::web::population_run::PopulationState;

use crate::app::form::{Field, Form};
use crate::nn::config::OptimizerKind;
use crate::nn::config::Preset;
use crate::web::browser::view::{Align, bring_into_view, refocus_if_lost};
use crate::web::components::fold::Fold;
use crate::web::components::form_field::FormField;
use crate::web::job::Status;
use crate::web::lab::Lab;
use crate::web::training_run;

#[component]
pub fn Controls() -> impl IntoView {
    let lab = Lab::get();
    let errors = Memo::new(move |_| lab.config.with(|c| c.as_ref().err().cloned().unwrap_or_default()));
    let error_of = move |field: Field| Signal::derive(move || errors.with(|e| e.get(&field).cloned()));
    let active = move || lab.training.status.get().is_active();
    // One training at a time: a population holds the CPU workers too.
    let can_start = move || {
        errors.with(|e| e.is_empty()) && !active() && !PopulationState::get().job.status.get().is_active()
    };
    let fields = Field::ALL
        .into_iter()
        .filter(|f| *f != Field::Optimizer)
        .map(|field| view! { <FormField field=field error=error_of(field)/> })
        .collect_view();
    // Start, Pause and Resume are disabled once pressed, which drops keyboard focus to the
    // page: it goes to the button that undoes what was pressed. Only on a change the reader
    // made (not when the page opens, or a run ends while they read elsewhere).
    Effect::new(move |before: Option<Status>| {
        let now = lab.training.status.get();
        let target = match (&before, &now) {
            (Some(Status::Idle | Status::Starting | Status::Paused), Status::Running) => {
                Some("[data-testid=pause]")
            }
            (Some(Status::Running), Status::Paused) => Some("[data-testid=resume]"),
            _ => None,
        };
        if let Some(target) = target {
            refocus_if_lost(target);
        }
        now
    });
    let optimizer = move || lab.form.with(|f| f.texts.get(&Field::Optimizer).cloned().unwrap_or_default());
    view! {
        <form
            class="controls"
            aria-label="Training settings"
            on:submit=move |ev| {
                ev.prevent_default();
                if can_start() {
                    training_run::start(lab);
                    // The class sees the chart move, even where it lies below the fold.
                    bring_into_view("[data-testid=loss-chart]", Align::Nearest);
                }
            }
        >
            <div class="field preset">
                <label for="preset">"Preset"</label>
                <select
                    id="preset"
                    data-testid="preset"
                    aria-describedby="preset-about"
                    prop:disabled=active
                    prop:value=move || lab.form.with(|f| f.preset.name())
                    on:change=move |ev| {
                        if let Ok(preset) = Preset::from_name(&event_target_value(&ev)) {
                            lab.form.set(Form::new(preset));
                            lab.bits.set(preset.config().cipher.bits);
                        }
                    }
                >
                    {Preset::ALL
                        .into_iter()
                        .map(|p| view! {
                            <option value=p.name() selected=move || lab.form.with(|f| f.preset == p)>{preset_label(p)}</option>
                        })
                        .collect_view()}
                </select>
                <small id="preset-about" class="hint" data-testid="preset-about">
                    {move || preset_about(lab.form.with(|f| f.preset))}
                </small>
            </div>
            <div class="buttons start-row">
                <button type="submit" data-testid="start" prop:disabled=move || !can_start()>"Start"</button>
                <button
                    type="button"
                    data-testid="pause"
                    prop:disabled=move || lab.training.status.get() != Status::Running
                    on:click=move |_| lab.training.toggle_pause()
                >
                    "Pause"
                </button>
                <button
                    type="button"
                    data-testid="resume"
                    prop:disabled=move || lab.training.status.get() != Status::Paused
                    on:click=move |_| lab.training.toggle_pause()
                >
                    "Resume"
                </button>
                <button
                    type="button"
                    data-testid="stop-keep"
                    title="End the training now and keep the networks as they are: use them for messages, attack them"
                    prop:disabled=move || {
                        !matches!(lab.training.status.get(), Status::Running | Status::Paused)
                            || lab.training.progress.get().done == 0
                    }
                    on:click=move |_| lab.training.stop_and_keep()
                >
                    "Stop and keep"
                </button>
                <button type="button" data-testid="reset" on:click=move |_| training_run::reset(lab)>"Reset"</button>
            </div>
            <Fold
                summary="Details: the settings (optimiser, epochs, batch, learning rates, seed…)"
                test_id="fold-settings"
                open_when=Signal::derive(move || errors.with(|e| !e.is_empty()))
            >
            <div class="settings">
            <div class="field">
                <label for="field-optimizer" title=Field::Optimizer.hint()>"Optimiser"</label>
                <select
                    id="field-optimizer"
                    data-testid="input-optimizer"
                    prop:disabled=active
                    prop:value=optimizer
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        lab.form.update(|f| {
                            f.texts.insert(Field::Optimizer, value);
                        });
                    }
                >
                    {OptimizerKind::ALL
                        .into_iter()
                        .map(|k| {
                            let name = k.name();
                            view! { <option value=name selected=move || optimizer() == name>{k.label()}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            {fields}
            <details class="glossary" data-testid="glossary">
                <summary>"What do these settings mean?"</summary>
                <ul>{Field::ALL.into_iter().map(|f| view! { <li>{f.hint()}</li> }).collect_view()}</ul>
            </details>
            </div>
            </Fold>
        </form>
    }
}

/// A preset's name in the menu: short enough to show whole in its box.
fn preset_label(preset: Preset) -> &'static str {
    match preset {
        Preset::Seed16 => "seed16 — the write-up",
        Preset::Poc8 => "poc8 — 8 bits, for text",
        Preset::Paper16 => "paper16 — the paper's Adam",
        Preset::OwnEve16 => "owneve16 — vs its own Eve",
    }
}

/// What the chosen preset is, under the menu.
fn preset_about(preset: Preset) -> &'static str {
    match preset {
        Preset::Seed16 => "The Keras write-up's 16-bit setup (the default): RMSprop, batch 512, 20 epochs.",
        Preset::Poc8 => "The write-up's 8-bit networks, the ones that encrypt text in step 3.",
        Preset::Paper16 => "The paper's optimiser on the 16-bit networks: Adam, batch 4096.",
        Preset::OwnEve16 => {
            "Tuned until its own Eve read little; fresh attackers still read it almost whole."
        }
    }
}
