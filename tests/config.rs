//! Presets and the checks that refuse impossible values.

use anc::nn::config::{ConfigError, Preset, TrainingConfig};
use anc::nn::model::OutputActivation;
use anc::{AuditConfig, OptimizerKind};

#[test]
fn presets_match_the_spec() {
    let seed = Preset::Seed16.config();
    assert_eq!(seed, TrainingConfig::new(anc::CipherConfig::new()), "seed16 is the default");
    assert_eq!(seed.cipher.bits, 16);
    assert_eq!(seed.optimizer, OptimizerKind::RmsProp);
    assert_eq!((seed.ab_learning_rate, seed.eve_learning_rate), (0.001, 0.001));
    assert_eq!((seed.batch_size, seed.iterations_per_epoch, seed.epochs), (512, 128, 20));
    assert_eq!((seed.ab_steps, seed.eve_steps), (1, 2));
    assert_eq!(seed.total_iterations(), 2560);

    let poc = Preset::Poc8.config();
    assert_eq!(poc.cipher.bits, 8);
    assert!(poc.cipher.extra_dense);
    assert_eq!(poc.cipher.ciphertext, OutputActivation::Tanh);

    let paper = Preset::Paper16.config();
    assert_eq!(paper.optimizer, OptimizerKind::Adam);
    assert_eq!(paper.ab_learning_rate, 0.0008);
    assert_eq!(paper.batch_size, 4096);

    let strong = Preset::OwnEve16.config();
    assert_eq!(strong.cipher, seed.cipher, "owneve16 keeps the write-up's networks");
    assert_ne!(strong.total_iterations() * strong.batch_size, seed.total_iterations() * seed.batch_size);
    for preset in Preset::ALL {
        preset.config().validate().unwrap();
        assert_eq!(Preset::from_name(preset.name()).unwrap(), preset);
    }
}

#[test]
fn configs_round_trip_through_json() {
    for preset in Preset::ALL {
        let config = preset.config().with_seed(99).with_epochs(3);
        let json = serde_json::to_string(&config).unwrap();
        let back: TrainingConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
    }
    let json = serde_json::to_string(&Preset::Poc8.config()).unwrap();
    assert!(json.contains("\"preset\":\"poc8\""), "{json}");
}

fn refused(config: TrainingConfig) -> (String, String) {
    match config.validate() {
        Err(ConfigError::OutOfRange { field, allowed, .. }) => (field.to_string(), allowed),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn impossible_values_are_refused_with_field_and_range() {
    let base = Preset::Seed16.config();
    let cases: Vec<(TrainingConfig, &str)> = vec![
        (TrainingConfig { cipher: base.cipher.clone().with_bits(0), ..base.clone() }, "bits"),
        (TrainingConfig { cipher: base.cipher.clone().with_bits(15), ..base.clone() }, "bits"),
        (TrainingConfig { cipher: base.cipher.clone().with_bits(2), ..base.clone() }, "bits"),
        (TrainingConfig { cipher: base.cipher.clone().with_bits(1000), ..base.clone() }, "bits"),
        (base.clone().with_batch_size(0), "batch_size"),
        (base.clone().with_epochs(0), "epochs"),
        (base.clone().with_iterations_per_epoch(0), "iterations_per_epoch"),
        (base.clone().with_ab_steps(0), "ab_steps"),
        (base.clone().with_eve_steps(100), "eve_steps"),
        (base.clone().with_ab_learning_rate(f64::NAN), "ab_learning_rate"),
        (base.clone().with_ab_learning_rate(-0.1), "ab_learning_rate"),
        (base.clone().with_eve_learning_rate(0.0), "eve_learning_rate"),
        (base.clone().with_eve_learning_rate(f64::INFINITY), "eve_learning_rate"),
        (base.clone().with_final_lr_fraction(Some(0.0)), "final_lr_fraction"),
        (base.clone().with_final_lr_fraction(Some(1.5)), "final_lr_fraction"),
        (base.clone().with_eve_weight(Some(f64::NAN)), "eve_weight"),
        (base.clone().with_eve_weight(Some(-1.0)), "eve_weight"),
        (base.clone().with_bob_only_iterations(Some(2560)), "bob_only_iterations"),
    ];
    for (config, field) in cases {
        let (got, allowed) = refused(config);
        assert_eq!(got, field);
        assert!(
            allowed.contains("from") || allowed.contains("above") || allowed.contains("fewer than"),
            "{allowed}"
        );
    }
    let message = base.with_batch_size(0).validate().unwrap_err().to_string();
    assert_eq!(message, "batch_size = 0 is not allowed: an integer from 1 to 16384");
}

#[test]
fn unknown_names_are_refused() {
    assert_eq!(Preset::from_name("seed17"), Err(ConfigError::UnknownPreset("seed17".into())));
    assert!(OptimizerKind::from_name("sgd").is_err());
    assert_eq!(OptimizerKind::from_name("adam").unwrap(), OptimizerKind::Adam);
}

#[test]
fn audit_settings_are_checked() {
    AuditConfig::new().validate().unwrap();
    assert!(AuditConfig::new().with_steps(0).validate().is_err());
    assert!(AuditConfig::new().with_batch_size(0).validate().is_err());
    assert!(AuditConfig::new().with_learning_rate(f64::NAN).validate().is_err());
}

#[test]
fn learning_rates_fall_along_a_half_cosine_to_the_final_fraction() {
    let base = Preset::Seed16.config().with_epochs(1).with_iterations_per_epoch(101);
    assert_eq!(base.learning_rate_factor(50), 1.0, "constant unless asked");
    let decayed = base.with_final_lr_fraction(Some(0.1));
    assert_eq!(decayed.learning_rate_factor(0), 1.0);
    assert!((decayed.learning_rate_factor(50) - 0.55).abs() < 1e-12, "half way: the mean of 1 and 0.1");
    assert!((decayed.learning_rate_factor(100) - 0.1).abs() < 1e-12);
    let factors: Vec<f64> = (0..=100).map(|i| decayed.learning_rate_factor(i)).collect();
    assert!(factors.windows(2).all(|w| w[1] < w[0]), "strictly falling");
}

#[test]
fn configs_saved_before_the_optional_fields_still_load() {
    let mut json: serde_json::Value = serde_json::to_value(Preset::Seed16.config()).unwrap();
    for field in ["final_lr_fraction", "eve_weight", "bob_only_iterations"] {
        json.as_object_mut().unwrap().remove(field).expect(field);
    }
    let config: TrainingConfig = serde_json::from_value(json).unwrap();
    assert_eq!(config, Preset::Seed16.config());
}

#[test]
fn configs_saved_with_retired_settings_still_load_and_ignore_them() {
    let mut json: serde_json::Value = serde_json::to_value(Preset::OwnEve16.config()).unwrap();
    let object = json.as_object_mut().unwrap();
    for field in anc::nn::model_file::RETIRED_SETTINGS {
        assert!(!object.contains_key(field), "{field} is retired");
        object.insert(field.to_string(), serde_json::json!(3));
    }
    json["cipher"]["channels"] = serde_json::json!(2);
    let config: TrainingConfig = serde_json::from_value(json).unwrap();
    assert_eq!(config, Preset::OwnEve16.config());
}

#[test]
fn a_renamed_preset_still_answers_to_its_former_name() {
    assert_eq!(Preset::from_name("strong16").unwrap(), Preset::OwnEve16);
    assert_eq!(Preset::OwnEve16.name(), "owneve16");
    let former: Preset = serde_json::from_str("\"strong16\"").unwrap();
    assert_eq!(former, Preset::OwnEve16);
    assert_eq!(serde_json::to_string(&Preset::OwnEve16).unwrap(), "\"owneve16\"");
    for (name, _) in Preset::FORMER_NAMES {
        assert!(Preset::ALL.iter().all(|p| p.name() != name), "{name} names one preset only");
    }
}
