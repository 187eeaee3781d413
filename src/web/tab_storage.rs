//! What the page keeps in this tab, so a reload loses nothing: the losses of the current
//! run (with their message bits, for the chart's scale), a finished run whole (model,
//! settings, results, audits), an ended population of ciphers whole, and which model the
//! message form uses.

use crate::app::kept_population::KeptPopulation;
use crate::app::kept_run::KeptRun;
use crate::app::report;
use crate::nn::metrics::IterationLosses;
use crate::web::browser::{session_storage, store, stored};

/// Where the losses of the current run are kept (restored after a crash or a reload).
pub const SAVED_LOSSES_KEY: &str = "anc.losses.csv";
/// Bits per message of the saved losses.
const SAVED_BITS_KEY: &str = "anc.losses.bits";
/// Where a finished run is kept.
const KEPT_RUN_KEY: &str = "anc.run.json";
/// Where an ended population ("train 8 ciphers at once") is kept.
const KEPT_POPULATION_KEY: &str = "anc.population.json";
/// Which model the message form uses (its picker's key).
const FORM_MODEL_KEY: &str = "anc.form.model";

/// The losses saved by an earlier load of the page, and their message bits.
pub fn saved_losses() -> (Vec<IterationLosses>, Option<usize>) {
    let history =
        stored(session_storage(), SAVED_LOSSES_KEY).map(|t| report::parse_losses_csv(&t)).unwrap_or_default();
    (history, stored(session_storage(), SAVED_BITS_KEY).and_then(|b| b.parse().ok()))
}

/// Keeps the losses of the current run (or forgets them).
pub fn save_losses(losses: Option<(&[IterationLosses], usize)>) {
    let (csv, bits) = match losses {
        Some((history, bits)) => (Some(report::losses_csv(history)), Some(bits.to_string())),
        None => (None, None),
    };
    store(session_storage(), SAVED_LOSSES_KEY, csv.as_deref());
    store(session_storage(), SAVED_BITS_KEY, bits.as_deref());
}

/// The finished run kept in this tab, if any.
pub fn kept_run() -> Option<KeptRun> {
    stored(session_storage(), KEPT_RUN_KEY).and_then(|t| KeptRun::from_json(&t))
}

/// Keeps `run` (or forgets the kept one).
pub fn keep_run(run: Option<&KeptRun>) {
    store(session_storage(), KEPT_RUN_KEY, run.map(KeptRun::to_json).as_deref());
}

/// Updates the kept run (if one is kept) with `change`.
pub fn update_kept_run(change: impl FnOnce(&mut KeptRun)) {
    if let Some(mut run) = kept_run() {
        change(&mut run);
        keep_run(Some(&run));
    }
}

/// The ended population kept in this tab, if any.
pub fn kept_population() -> Option<KeptPopulation> {
    stored(session_storage(), KEPT_POPULATION_KEY).and_then(|t| KeptPopulation::from_json(&t))
}

/// Keeps `population` (or forgets the kept one).
pub fn keep_population(population: Option<&KeptPopulation>) {
    store(session_storage(), KEPT_POPULATION_KEY, population.map(KeptPopulation::to_json).as_deref());
}

/// The key of the model the message form used before the reload, if any.
pub fn form_model() -> Option<String> {
    stored(session_storage(), FORM_MODEL_KEY)
}

/// Keeps the key of the model the message form uses.
pub fn keep_form_model(key: &str) {
    store(session_storage(), FORM_MODEL_KEY, Some(key));
}
