//! What the page says of a model's strength: the attacker suite's best, named with its
//! steps; an older file's single Eve, called weaker; nothing when no audit was made.

use anc::Preset;
use anc::app::strength::{Strength, bits_read};
use anc::nn::attack::{AttackResult, AttackerKind, SuiteResult};
use anc::nn::evaluation::Score;
use anc::nn::model_file::ModelHeader;

fn attacker(attacker: AttackerKind, bit_errors: f64, steps: usize) -> AttackResult {
    let score = Score { correct_pct: 1.0, bit_errors, bit_error_rates: vec![bit_errors / 16.0; 16] };
    AttackResult { attacker, score, samples: 10_000, steps, steps_at_best: steps, seconds: 1.0 }
}

#[test]
fn the_suite_names_its_best_attacker_and_an_old_file_says_it_is_weaker() {
    let mut header = ModelHeader::trained(Preset::Seed16.config(), Some(97.0));
    assert_eq!(Strength::of(&header), None, "no audit, no figure");

    // An older file: one Eve of Eve's own shape.
    header.fresh_eve_bit_errors = Some(4.71);
    header.audit_steps = Some(5000);
    let old = Strength::of(&header).unwrap();
    assert_eq!(
        old.sentence(16),
        "a fresh Eve of Eve's own shape (5000 steps; an older, weaker audit than the attacker suite) gets 4.71 bits wrong of 16 (guessing: 8)"
    );

    // The suite: the best of its attackers is what counts.
    let suite = SuiteResult {
        attackers: vec![
            attacker(AttackerKind::EveRmsProp, 4.7, 20_000),
            attacker(AttackerKind::BinnedResidual, 1.25, 7000),
            attacker(AttackerKind::Bayes, 3.0, 2500),
        ],
        distinguisher: None,
    };
    header.record_suite(&suite);
    let strength = Strength::of(&header).unwrap();
    assert_eq!(strength.bit_errors, 1.25);
    assert_eq!(strength.bit_error_rates.as_deref(), Some(&[1.25 / 16.0; 16][..]));
    assert_eq!(
        strength.sentence(16),
        "the best of 3 fresh attackers (binned residual net, 7000 steps) gets 1.25 bits wrong of 16 (guessing: 8)"
    );
}

#[test]
fn an_older_header_without_the_suite_still_reads() {
    let header = ModelHeader::trained(Preset::Poc8.config(), None);
    let mut json: serde_json::Value = serde_json::to_value(&header).unwrap();
    json.as_object_mut().unwrap().remove("attack_suite");
    let read: ModelHeader = serde_json::from_value(json).unwrap();
    assert_eq!(read, header);
    assert!(read.best_attacker().is_none());
}

#[test]
fn the_bars_are_said_in_words_and_the_figure_the_right_way_round() {
    let mut header = ModelHeader::trained(Preset::Seed16.config(), Some(97.0));
    header.fresh_eve_bit_errors = Some(0.2);
    header.fresh_eve_bit_error_rates = Some(vec![0.01; 16]);
    let said = |h: &ModelHeader| Strength::of(h).unwrap().leaks().unwrap();
    assert_eq!(said(&header), "Its bars are all near zero: it reads every bit of the message.");
    header.fresh_eve_bit_error_rates = Some(vec![0.48; 16]);
    assert!(said(&header).contains("reads no bit much better than a guess"));
    let mut rates = vec![0.48; 16];
    rates[3] = 0.2;
    header.fresh_eve_bit_error_rates = Some(rates.clone());
    assert_eq!(said(&header), "It reads 1 of 16 bits much better than a guess (under 40 % wrong): bit 3.");
    rates[12] = 0.0;
    header.fresh_eve_bit_error_rates = Some(rates);
    assert!(said(&header).ends_with("2 of 16 bits much better than a guess (under 40 % wrong): bits 3, 12."));
    header.fresh_eve_bit_error_rates = None;
    assert_eq!(Strength::of(&header).unwrap().leaks(), None);
    assert_eq!(bits_read(1.08, 16), "14.92 of 16 bits");
    assert_eq!(bits_read(4.0, 8), "4.00 of 8 bits");
}

#[test]
fn a_shorter_audit_never_hides_what_a_longer_one_read() {
    use anc::nn::attack::DistinguishResult;
    let game = |accuracy_pct| DistinguishResult {
        accuracy_pct,
        rounds: 10_000,
        steps: 100,
        steps_at_best: 100,
        seconds: 1.0,
    };
    let mut header = ModelHeader::trained(Preset::Seed16.config(), Some(97.0));
    // A long audit: the binned net reads 0.21 bits wrong; the distinguisher 99 %.
    let long = SuiteResult {
        attackers: vec![
            attacker(AttackerKind::BinnedResidual, 0.21, 20_000),
            attacker(AttackerKind::DeepMlp, 2.4, 20_000),
        ],
        distinguisher: Some(game(99.0)),
    };
    header.record_suite(&long);
    // A short one reads less with the binned net, more with the deep MLP.
    let short = SuiteResult {
        attackers: vec![
            attacker(AttackerKind::BinnedResidual, 1.08, 3000),
            attacker(AttackerKind::DeepMlp, 2.2, 3000),
            attacker(AttackerKind::Bayes, 4.7, 500),
        ],
        distinguisher: Some(game(97.0)),
    };
    header.record_suite(&short);
    let strength = Strength::of(&header).unwrap();
    assert_eq!(strength.bit_errors, 0.21, "the short audit hid the long one's figure");
    assert_eq!(strength.steps, Some(20_000));
    let suite = header.attack_suite.as_ref().unwrap();
    let figures: Vec<(AttackerKind, f64, usize)> =
        suite.attackers.iter().map(|a| (a.attacker, a.score.bit_errors, a.steps)).collect();
    assert_eq!(
        figures,
        vec![
            (AttackerKind::DeepMlp, 2.2, 3000),
            (AttackerKind::BinnedResidual, 0.21, 20_000),
            (AttackerKind::Bayes, 4.7, 500),
        ],
        "each attacker's stronger result, in the suite's order"
    );
    assert_eq!(suite.distinguisher.as_ref().unwrap().accuracy_pct, 99.0);
    // A stronger audit replaces the figure; a distinguisher that told more apart, the other.
    header.record_suite(&SuiteResult {
        attackers: vec![attacker(AttackerKind::BinnedResidual, 0.05, 20_000)],
        distinguisher: Some(game(99.5)),
    });
    assert_eq!(Strength::of(&header).unwrap().bit_errors, 0.05);
    assert_eq!(header.attack_suite.as_ref().unwrap().distinguisher.as_ref().unwrap().accuracy_pct, 99.5);
}
