//! "The other game": Eve must tell two messages apart instead of reading one, and Alice and
//! Bob — one network of one linear layer (CryptoNet) — invent a one-time pad. Trains in an
//! engine worker, draws `W` settling, then shows the rounded formulas, the exact verdict,
//! and the attacker suite against it; says plainly what a pad does not protect.

use leptos::prelude::*;

use crate::app::report::{Throughput, clock, grouped};
use crate::web::browser::view::{Align, bring_into_view};
use crate::web::components::key_reuse_view::KeyReuseView;
use crate::web::components::pad_weights_map::PadWeightsMap;
use crate::web::components::use_pad::UsePad;
use crate::web::job::Status;
use crate::web::lab::{Lab, SuiteTarget};
use crate::web::message_form::{MessageForm, OwnFrom};
use crate::web::pad_run::{PAD_CHOICES, PAGE_ATTEMPTS, PAGE_CHECK_EVERY, PadState};
use crate::web::suite_run;

/// `text` with its first letter a capital.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[component]
pub fn PadPanel() -> impl IntoView {
    let lab = Lab::get();
    let pad = PadState::get();
    let text = MessageForm::get();
    let config = move || pad.config();
    let running = move || pad.job.status.get().is_active();
    let status = move || {
        let p = pad.job.progress.get();
        let speed = Throughput::new(p.done, p.total, p.seconds);
        let eta = speed.eta_seconds.map(clock).unwrap_or_else(|| "—".into());
        let last = pad.history.with(|h| h.last().copied());
        let losses = last.map_or(String::new(), |l| {
            format!(
                " · Bob {:.2} bits wrong · the distinguisher wrong {:.0} % of the time (a coin flip: 50 %)",
                l.bob,
                100.0 * l.eve
            )
        });
        match pad.job.status.get() {
            Status::Idle => "Ready.".to_string(),
            Status::Starting => "Starting the engine…".to_string(),
            Status::Running | Status::Paused => {
                let paused = if pad.job.status.get() == Status::Paused { "paused · " } else { "" };
                // Each attempt trains `per` iterations unless a check ends the run.
                let per = (p.total / PAGE_ATTEMPTS).max(1);
                let attempt = (p.done / per + 1).min(PAGE_ATTEMPTS);
                format!(
                    "{paused}attempt {attempt} of {PAGE_ATTEMPTS} · iteration {} of {per} · {:.0} it/s · at most {eta} left{losses}",
                    p.done - (attempt - 1) * per,
                    speed.per_second
                )
            }
            Status::Evaluating => {
                "Rounding the weights and reading Bob on 10,000 fresh messages…".to_string()
            }
            Status::Done => match pad.trained.get() {
                Some(t) if t.perfect => format!(
                    "A perfect pad at iteration {} of attempt {} of {PAGE_ATTEMPTS} ({} iterations in all, {}): the rounded weights are checked every {PAGE_CHECK_EVERY} iterations, and training stops at the first perfect pad.",
                    grouped(t.iterations),
                    t.attempt + 1,
                    grouped(p.done),
                    clock(p.seconds)
                ),
                _ => format!(
                    "No check found a perfect pad in {PAGE_ATTEMPTS} attempts ({} iterations in all, {}): below is what the last attempt found.",
                    grouped(p.done),
                    clock(p.seconds)
                ),
            },
            Status::Failed(why) => format!("Stopped: {why}"),
        }
    };
    let attack_line = move || {
        pad.suite.get().map(|r| {
            let best = r.best().clone();
            let bits = best.score.bit_error_rates.len();
            let told = r.distinguisher.as_ref().map_or(String::new(), |d| {
                format!("; the distinguisher told the two messages apart in {:.1} % of rounds (a coin flip: 50 %)", d.accuracy_pct)
            });
            format!(
                "The attacker suite against this pad: the best of {} readers left {:.2} bits wrong of {bits} (guessing: {}) after at most {} steps{told}.",
                r.attackers.len(), best.score.bit_errors, bits / 2, best.steps
            )
        })
    };
    let outcome = move || {
        pad.trained.get().map(|t| {
            let formulas = t.formulas.iter().map(|f| view! { <li><code>{f.clone()}</code></li> }).collect_view();
            view! {
                <p class="audit-result headline" data-testid="pad-verdict" class:perfect=t.perfect>
                    {capitalised(&t.verdict)}
                    {if t.perfect { ": for one message under one fresh key." } else { "." }}
                </p>
                <p data-testid="pad-bob">
                    {format!(
                        "Bob reads {:.2} % of 10,000 fresh messages whole after the weights are rounded to whole numbers ({:.2} % before). The key bits the positions select have rank {} of {} over GF(2): {}",
                        t.bob_pct, t.bob_before_pct, t.key_rank, t.bits,
                        if t.key_rank == t.bits { "no combination of positions cancels the key." } else { "some combination of positions cancels the key, and shows the message bits named above." }
                    )}
                </p>
                <p>"What each ciphertext bit is, read off the rounded weights (⊕ is XOR):"</p>
                <ul class="pad-formulas" data-testid="pad-formulas">{formulas}</ul>
                <div class="audit-controls">
                    <button
                        type="button"
                        data-testid="pad-attack"
                        prop:disabled=move || lab.suite.job.status.get().is_active()
                        on:click=move |_| {
                            suite_run::start_suite(lab, SuiteTarget::Pad);
                            bring_into_view("[data-testid=audit-fresh]", Align::Top);
                        }
                    >
                        "Attack this pad with the attacker suite"
                    </button>
                </div>
                <p data-testid="pad-attack-result" role="status">{attack_line}</p>
                <UsePad/>
                <KeyReuseView/>
            }
        })
    };
    view! {
        <section class="pad" aria-labelledby="pad-title" data-testid="pad-panel">
            <h2 id="pad-title">"4 · The other game: two messages, which one?"</h2>
            <div class="games">
                <div>
                    <h3>"Game 1 (steps 1–3): Eve guesses the message"</h3>
                    <p>"Alice and Bob learn to hide the message from the Eve they train against, and a fresh attacker still reads it: the networks mostly encode the message, and the key moves the ciphertext a little."</p>
                </div>
                <div>
                    <h3>"Game 2 (here): Eve must tell two messages apart"</h3>
                    <p>
                        "Eve is handed two messages and the ciphertext of one of them under a fresh key, and says which. "
                        "Alice and Bob are one network of one layer that adds bits as angles (CryptoNet, Coutinho et al. 2018), so XOR is easy for it. "
                        "Against this Eve they invent a one-time pad: each ciphertext bit a message bit XOR some key bits."
                    </p>
                </div>
            </div>
            <div class="audit-controls">
                <label>
                    "Bits "
                    <select
                        data-testid="pad-bits"
                        prop:disabled=running
                        on:change=move |ev| {
                            let bits: usize = event_target_value(&ev).parse().unwrap_or(16);
                            if let Some((_, iterations)) = PAD_CHOICES.iter().find(|(b, _)| *b == bits) {
                                pad.bits.set(bits);
                                pad.iterations.set(iterations.to_string());
                            }
                        }
                    >
                        {PAD_CHOICES.iter().map(|(bits, _)| view! { <option value=bits.to_string() selected=move || pad.bits.get() == *bits>{bits.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    "Iterations per attempt "
                    <input type="text" inputmode="numeric" size="7" data-testid="pad-iterations"
                        prop:value=move || pad.iterations.get()
                        prop:disabled=running
                        on:input=move |ev| pad.iterations.set(event_target_value(&ev))/>
                </label>
                <label>
                    "Seed "
                    <input type="text" inputmode="numeric" size="5" data-testid="pad-seed"
                        prop:value=move || pad.seed.get()
                        prop:disabled=running
                        on:input=move |ev| pad.seed.set(event_target_value(&ev))/>
                </label>
                <button type="button" data-testid="pad-start"
                    prop:disabled=move || running() || config().is_err()
                    on:click=move |_| {
                        // The attack on the last pad is not this pad's.
                        if lab.suite.target.get_untracked() == Some(SuiteTarget::Pad) {
                            suite_run::reset_suite(lab);
                        }
                        // A new pad is another model: the form keeps the old one, no longer
                        // tied to this panel (its audits stay its own).
                        if text.own_from.get_untracked() == Some(OwnFrom::Pad) {
                            text.own_from.set(None);
                        }
                        pad.start()
                    }>
                    "Train a pad"
                </button>
                <button type="button" data-testid="pad-pause"
                    prop:disabled=move || !matches!(pad.job.status.get(), Status::Running | Status::Paused)
                    on:click=move |_| pad.job.toggle_pause()>
                    {move || if pad.job.status.get() == Status::Paused { "Resume" } else { "Pause" }}
                </button>
            </div>
            <p class="note" data-testid="pad-expect">
                {move || if pad.bits.get() == 8 {
                    "8 bits: from about 15 seconds to two minutes here. With these settings on the command line, seeds 1 to 10 gave a perfect one-time pad in 8 runs (most at the first attempt, within 3,000 iterations); the others leave a leak the verdict names."
                } else {
                    "16 bits: one to three minutes here, which is short for 16 bits: with these settings on the command line, seeds 1 to 10 gave a perfect pad in 4 runs, and Bob read every message in all 10 (the command line's longer attempts found one in all 10)."
                }}
            </p>
            {move || config().err().map(|e| view! { <p class="error" data-testid="pad-error">{e}</p> })}
            <progress max=move || pad.job.progress.get().total.max(1) value=move || pad.job.progress.get().done
                aria-label="Pad training progress"></progress>
            <p data-testid="pad-status" role="status">{status}</p>
            <Show when=move || pad.weights.with(Option::is_some)>
                <PadWeightsMap/>
            </Show>
            {outcome}
            <p class="note" data-testid="pad-honesty">
                <strong>"What a pad protects, and what it does not. "</strong>
                "A one-time pad is perfect for one message under one fresh key, used once: that is all the verdict above says. "
                "Encrypt two messages with the same key and XOR the two ciphertexts: the key cancels and the XOR of the two messages is left. "
                "And a key of 8 or 16 bits falls to a key search in moments. This is a teaching toy: never use it to protect anything."
            </p>
        </section>
    }
}
