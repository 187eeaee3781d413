//! A finished run kept in the tab comes back whole: settings, networks, results, audits.

use anc::app::form::Form;
use anc::app::kept_run::KeptRun;
use anc::nn::evaluation::Score;
use anc::{Evaluation, Preset};
use burn::prelude::*;

#[test]
fn a_kept_run_round_trips_with_its_networks_and_settings() {
    let config = Preset::Poc8.config().with_epochs(3).with_seed(9);
    let ciphers = config.cipher.init(9, &Device::flex());
    let score = |b: f64| Score { correct_pct: 50.0, bit_errors: b, bit_error_rates: vec![b / 8.0; 8] };
    let evaluation = Evaluation { samples: 10_000, bob: score(0.5), eve: score(3.0) };
    let mut run = KeptRun::new(config.clone(), &ciphers, evaluation.clone());
    run.continued = Some(evaluation);
    run.stopped_at = Some(123);
    let back = KeptRun::from_json(&run.to_json()).expect("reads back");
    assert_eq!(back, run);
    // A run kept by a page from before "Stop and keep" reads as a whole schedule's.
    let mut older: serde_json::Value = serde_json::from_str(&run.to_json()).unwrap();
    older.as_object_mut().unwrap().remove("stopped_at");
    assert_eq!(KeptRun::from_json(&older.to_string()).unwrap().stopped_at, None);
    let networks = back.networks(&Device::flex()).unwrap();
    let bytes = |c: &anc::Networks| {
        anc::nn::model_file::save(&anc::nn::model_file::ModelHeader::trained(config.clone(), None), c)
    };
    assert_eq!(bytes(&networks), bytes(&ciphers), "every weight comes back");
    // The form shows the run's own settings (not the default preset's).
    let form = Form::of(&back.config);
    assert_eq!(form.preset, Preset::Poc8);
    assert_eq!(form.config().unwrap(), config);
    assert!(KeptRun::from_json("{\"not\": \"a run\"}").is_none());
}
