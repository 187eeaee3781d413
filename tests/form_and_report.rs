//! The page's form checks and report helpers, natively: what the page shows next to a
//! field, the CSV it saves (and reads back after a crash), speed and time left.

use anc::app::form::{Field, Form};
use anc::app::report::{Throughput, clock, lanes_eta, losses_csv, parse_losses_csv};
use anc::nn::metrics::IterationLosses;
use anc::{OptimizerKind, Preset};

#[test]
fn a_fresh_form_is_its_preset() {
    for preset in Preset::ALL {
        assert_eq!(Form::new(preset).config().unwrap(), preset.config());
    }
}

#[test]
fn edited_fields_reach_the_config() {
    let mut form = Form::new(Preset::Seed16);
    for (field, text) in [
        (Field::Epochs, "3"),
        (Field::IterationsPerEpoch, " 40 "),
        (Field::BatchSize, "256"),
        (Field::Optimizer, "adam"),
        (Field::AbLearningRate, "0.002"),
        (Field::EveLearningRate, "1e-4"),
        (Field::EveSteps, "0"),
        (Field::Seed, "99"),
    ] {
        form.texts.insert(field, text.into());
    }
    let config = form.config().unwrap();
    assert_eq!((config.epochs, config.iterations_per_epoch, config.batch_size), (3, 40, 256));
    assert_eq!(config.optimizer, OptimizerKind::Adam);
    assert_eq!((config.ab_learning_rate, config.eve_learning_rate), (0.002, 1e-4));
    assert_eq!((config.eve_steps, config.seed), (0, 99));
}

#[test]
fn bad_fields_get_their_own_message() {
    let error = |field: Field, text: &str| {
        let mut form = Form::new(Preset::Poc8);
        form.texts.insert(field, text.into());
        let errors = form.config().expect_err(text);
        assert_eq!(errors.keys().copied().collect::<Vec<_>>(), vec![field], "{errors:?}");
        errors[&field].clone()
    };
    assert!(error(Field::BatchSize, "0").starts_with("Batch size = 0 is not allowed"));
    assert!(error(Field::BatchSize, "lots").contains("whole number"));
    assert!(error(Field::Epochs, "-2").contains("whole number"));
    assert!(error(Field::Epochs, "0").starts_with("Epochs = 0"));
    assert!(error(Field::AbLearningRate, "NaN").starts_with("Alice+Bob learning rate = NaN"));
    assert!(error(Field::EveLearningRate, "-0.1").starts_with("Eve learning rate = -0.1"));
    assert!(error(Field::EveLearningRate, "fast").contains("number such as"));
    assert!(error(Field::EveSteps, "99").starts_with("Eve steps per Alice+Bob step = 99"));
    // No internal name reaches the page.
    for (field, text) in [(Field::BatchSize, "0"), (Field::EveSteps, "99"), (Field::AbLearningRate, "NaN")] {
        let message = error(field, text);
        assert!(!message.contains('_'), "{message}");
    }
    assert!(error(Field::Optimizer, "sgd").contains("unknown optimizer"));
    assert!(error(Field::Seed, "-1").contains("whole number"));
    // Two bad fields: both are reported.
    let mut form = Form::new(Preset::Seed16);
    form.texts.insert(Field::Epochs, "x".into());
    form.texts.insert(Field::Seed, "y".into());
    assert_eq!(form.config().unwrap_err().len(), 2);
}

#[test]
fn the_losses_csv_reads_back() {
    let history: Vec<_> = (1..=5)
        .map(|i| IterationLosses {
            iteration: i,
            ab: 8.5 / i as f32,
            bob: 8.0 / i as f32,
            eve: 7.0 + 0.1 * i as f32,
        })
        .collect();
    let csv = losses_csv(&history);
    assert!(csv.starts_with("iteration,ab_loss,bob_loss,eve_loss\n1,8.5,8,7.1\n"));
    assert_eq!(parse_losses_csv(&csv), history);
    assert_eq!(parse_losses_csv("iteration,ab\n1,2\nnot,a,row\n"), vec![]);
}

#[test]
fn speed_and_time_left() {
    assert_eq!(Throughput::new(0, 100, 0.0).eta_seconds, None);
    let t = Throughput::new(50, 200, 2.0);
    assert_eq!(t.per_second, 25.0);
    assert_eq!(t.eta_seconds, Some(6.0));
    assert_eq!(clock(6.0), "0:06");
    assert_eq!(clock(125.4), "2:05");
    assert_eq!(clock(3725.0), "1:02:05");
}

#[test]
fn side_by_side_lanes_end_with_the_slowest() {
    // One lane a quarter through in 10 s (30 s left), the other half through in 10 s (10 s left).
    assert_eq!(lanes_eta(&[Some((25, 75, 10.0)), Some((50, 50, 10.0))]), Some(30.0));
    // A lane that is done waits for none; a lane yet to report, or to train, leaves the time unknown.
    assert_eq!(lanes_eta(&[Some((100, 0, 40.0)), Some((50, 50, 10.0))]), Some(10.0));
    assert_eq!(lanes_eta(&[None, Some((50, 50, 10.0))]), None);
    assert_eq!(lanes_eta(&[Some((0, 100, 0.0)), Some((50, 50, 10.0))]), None);
    assert_eq!(lanes_eta(&[Some((100, 0, 40.0))]), Some(0.0));
    // An attacker that stopped early leaves less to do, at the pace of what was trained.
    assert_eq!(lanes_eta(&[Some((20, 40, 5.0))]), Some(10.0));
}

#[test]
fn whole_numbers_are_grouped_by_thousands() {
    use anc::app::report::grouped;
    assert_eq!(
        [0, 999, 1000, 3000, 20_000, 1_234_567].map(grouped),
        ["0", "999", "1,000", "3,000", "20,000", "1,234,567"]
    );
}

#[test]
fn every_field_explains_itself_by_its_own_label() {
    for field in anc::app::form::Field::ALL {
        let hint = field.hint();
        assert!(hint.starts_with(&format!("{}: ", field.label())), "{hint}");
        assert!(hint.len() > field.label().len() + 20, "{hint}");
    }
}

#[test]
fn a_message_typed_as_bits_is_read_checked_and_written_back() {
    use anc::app::bits::{bits_text, parse_bits};
    assert_eq!(parse_bits("1011 0001", 8), Ok(vec![1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0]));
    assert_eq!(parse_bits("10110001", 16).unwrap_err(), "8 bits; this model needs exactly 16");
    assert_eq!(parse_bits("10120001", 8).unwrap_err(), "only 0 and 1: '2' at 4");
    assert_eq!(bits_text(&[0.9, 0.2, 0.51, 0.5]), "1010");
}
