//! The whole page, in the order a class follows it: what it is, 1 the training lab and its
//! results, 2 the attacks on the trained cipher, 3 the message form, 4 the other game (a
//! one-time pad), then inside the cipher.

use leptos::prelude::*;

use crate::web::backend::BackendChoice;
use crate::web::browser::query;
use crate::web::components::{
    after_first_paint::append_after_first_paint, backend_badge::BackendBadge,
    continued_eve_panel::ContinuedEvePanel, controls::Controls, earlier_runs::EarlierRuns,
    explainer::Explainer, loss_chart::LossChart, one_message::OneMessage, progress_bar::ProgressBar,
    results::Results, suite_panel::SuitePanel,
};
use crate::web::components::{
    cipher_views::CipherViews, fold::Fold, messages_panel::MessagesPanel, pad_panel::PadPanel,
    population_panel::PopulationPanel, use_trained::UseTrained, view_switch::ViewSwitch,
};
use crate::web::lab::Lab;
use crate::web::message_form::MessageForm;
use crate::web::pad_run::PadState;
use crate::web::population_run::PopulationState;
use crate::web::view_mode::ViewMode;
use crate::web::{tab_storage, training_run};

/// The backend asked for in the address (`?backend=cpu`, `webgpu` or `auto`).
fn backend_from_address() -> BackendChoice {
    query("backend").and_then(|k| BackendChoice::from_key(&k)).unwrap_or_default()
}

#[component]
pub fn App() -> impl IntoView {
    let lab = Lab::new(backend_from_address(), tab_storage::saved_losses());
    provide_context(lab);
    provide_context(ViewMode::new());
    // Charts size themselves from their boxes: a resize or a rotation redraws them all.
    let _ = window_event_listener(leptos::ev::resize, move |_| lab.resized.update(|n| *n += 1));
    let text = MessageForm::new();
    provide_context(text);
    text.load_shipped();
    training_run::restore_run(lab);
    provide_context(PadState::new());
    let population = PopulationState::new();
    provide_context(population);
    population.restore();
    crate::web::share::apply_fragment(lab, text);
    // What lies below the fold is appended after the first paint, in page order: the rest
    // of step 1 at the end of its section, then steps 2 and 3 and the cipher views at the
    // end of `main`.
    let (lab_section, main) = (NodeRef::new(), NodeRef::new());
    append_after_first_paint(lab_section, || {
        view! {
            <OneMessage/>
            <Results/>
            <EarlierRuns/>
            <UseTrained/>
            <Fold summary="Details: train 8 ciphers at once, and find the strongest" test_id="fold-population">
                <PopulationPanel/>
            </Fold>
        }
    });
    append_after_first_paint(main, || {
        view! {
            <section class="audit" aria-labelledby="audit-title">
                <h2 id="audit-title">"2 · Attack it: how strong is the cipher?"</h2>
                <p>
                    "Freeze Alice, then let eavesdroppers train against the frozen cipher. "
                    "Fresh attackers start from new random weights; the best of them is the cipher's strength "
                    "(a stronger attacker than these may still exist). "
                    "Continuing the Eve that trained alongside shows whether she was merely kept busy."
                </p>
                <div class="audits">
                    <SuitePanel/>
                    <Fold summary="Details: continue the Eve that trained alongside" test_id="fold-continued">
                        <ContinuedEvePanel/>
                    </Fold>
                </div>
            </section>
            <MessagesPanel/>
            <PadPanel/>
            <CipherViews/>
        }
    });
    view! {
        <header class="masthead">
            <h1>"Alice, Bob and Eve: neural networks that invent a cipher"</h1>
            <p class="toy" data-testid="toy-warning">
                <strong>"A teaching toy, not encryption. "</strong>
                "The cipher these networks learn is not secure: never use it to protect anything."
            </p>
            <a class="next-step" href="#lab-title" data-testid="next-step">
                "Start with step 1: train them ↓"
            </a>
            <ViewSwitch/>
        </header>
        <main node_ref=main>
            <Explainer/>
            <section class="lab" aria-labelledby="lab-title" node_ref=lab_section>
                <h2 id="lab-title">"1 · Train them"</h2>
                <Fold summary="Details: the engine (CPU or WebGPU) and its speed" test_id="fold-backend">
                    <BackendBadge/>
                </Fold>
                <Controls/>
                <ProgressBar/>
                <LossChart/>
            </section>
        </main>
        <footer>
            <p>
                "After Abadi & Andersen, “Learning to Protect Communications with Adversarial Neural Cryptography” (2016), "
                "and a Keras write-up of it. Everything runs in this page; nothing is sent anywhere."
            </p>
        </footer>
    }
}
