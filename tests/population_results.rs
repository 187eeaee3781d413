//! "Train 8 ciphers at once": each member comes out of the population evaluated as its
//! single run would be, and the strongest is the usable member whose best attacker reads
//! least.

use anc::app::population_results::{
    MIN_BOB_PCT, Outcome, TrainedMember, Verdict, lanes, seeds_from, strongest,
};
use anc::nn::attack::{AttackResult, AttackerKind, SuiteResult};
use anc::nn::evaluation::EVALUATION_SAMPLES;
use anc::nn::inference::Cipher;
use anc::nn::model_file;
use anc::nn::population::{self, Population, PopulationError};
use anc::nn::seeds;
use anc::nn::steps::Steps;
use anc::{Preset, Score, Trainer, evaluate};
use burn::prelude::*;

fn score(correct_pct: f64, bit_errors: f64) -> Score {
    Score { correct_pct, bit_errors, bit_error_rates: vec![bit_errors / 16.0; 16] }
}

fn attacker(kind: AttackerKind, bit_errors: f64) -> AttackResult {
    AttackResult {
        attacker: kind,
        score: score(0.0, bit_errors),
        samples: 10_000,
        steps: 500,
        steps_at_best: 450,
        seconds: 1.0,
    }
}

/// A member Bob reads `bob_pct` % of, screened by attackers reaching `attackers` bits wrong.
fn outcome(bob_pct: f64, attackers: &[f64]) -> Option<Outcome> {
    let screening = (!attackers.is_empty()).then(|| SuiteResult {
        attackers: attackers.iter().zip(AttackerKind::ALL).map(|(&b, k)| attacker(k, b)).collect(),
        distinguisher: None,
    });
    Some(Outcome {
        evaluation: anc::Evaluation { samples: 10_000, bob: score(bob_pct, 0.1), eve: score(0.0, 8.0) },
        screening,
    })
}

#[test]
fn the_strongest_is_the_usable_member_whose_best_attacker_reads_least() {
    // Member 1's attackers read least on average, but its best one (1.0) reads more than
    // member 2's best (3.0); member 3 would be the strongest but Bob cannot read it.
    let outcomes = vec![
        outcome(99.0, &[2.0, 6.0]),
        outcome(99.5, &[7.5, 1.0]),
        outcome(95.0, &[3.0, 3.5]),
        outcome(MIN_BOB_PCT - 0.01, &[7.9, 7.9]),
        None,
        outcome(100.0, &[]),
    ];
    assert_eq!(strongest(&outcomes), Some(2));
    assert_eq!(outcomes[3].as_ref().unwrap().verdict(), Verdict::BobFails);
    assert_eq!(outcomes[5].as_ref().unwrap().verdict(), Verdict::Unscreened);
    match outcomes[1].as_ref().unwrap().verdict() {
        Verdict::Screened(best) => {
            assert_eq!((best.attacker, best.score.bit_errors), (AttackerKind::ALL[1], 1.0))
        }
        other => panic!("screened, not {other:?}"),
    }
    // The verdict's words name the best attacker, its steps and the bits.
    let words = outcomes[2].as_ref().unwrap().words(16);
    assert!(words.contains("3.00 bits wrong of 16") && words.contains("500 steps"), "{words}");
    assert!(outcomes[3].as_ref().unwrap().words(16).contains("a failure"));
    // Equals: the first; nobody usable and screened: none.
    assert_eq!(strongest(&[outcome(99.0, &[4.0]), outcome(99.0, &[4.0])]), Some(0));
    assert_eq!(strongest(&[outcome(10.0, &[7.0]), None, outcome(99.0, &[])]), None);
}

#[test]
fn seeds_follow_the_forms_seed_and_split_into_contiguous_lanes() {
    assert_eq!(seeds_from(5, 8), vec![5, 6, 7, 8, 9, 10, 11, 12]);
    assert_eq!(lanes(8, 2), vec![0..4, 4..8]);
    assert_eq!(lanes(8, 1), vec![0..8]);
    assert_eq!(lanes(7, 2), vec![0..4, 4..7]);
    assert_eq!(lanes(1, 2), vec![0..1]);
}

#[test]
fn a_trained_member_is_its_single_runs_cipher_evaluated_the_same_way() {
    let device = Device::flex().autodiff();
    let config = Preset::Seed16.config().with_batch_size(64).with_epochs(1).with_iterations_per_epoch(12);
    assert_eq!(population::check(&config), Ok(()));
    assert_eq!(population::check(&Preset::Poc8.config()), Err(PopulationError::Unsupported("extra_dense")));
    let seeds = [3, 8];
    let mut population = Population::new(&config, &seeds, &device).unwrap();
    population.run(12).read().unwrap();
    let member = TrainedMember::of(&population, 1, &device).read().unwrap();
    assert_eq!(member.seed, 8);
    // The model file holds the member's own seed and Bob's figure.
    let saved = model_file::load(&member.model, &Device::flex()).unwrap();
    assert_eq!(saved.header.config, config.clone().with_seed(8));
    assert_eq!(saved.header.bob_correct_pct, Some(member.evaluation.bob.correct_pct));
    // The single run of seed 8, evaluated on the same held-out messages.
    let single = config.with_seed(8);
    let mut trainer = Trainer::with_replicas(single.clone(), single.cipher.init(8, &device), &device, 1);
    trainer.run(12).read().unwrap();
    let alone = evaluate(&Cipher::new(trainer.networks(), &device), EVALUATION_SAMPLES, seeds::held_out(8))
        .read()
        .unwrap();
    assert_eq!(member.evaluation.samples, alone.samples);
    for (a, b) in [(&member.evaluation.bob, &alone.bob), (&member.evaluation.eve, &alone.eve)] {
        assert!((a.bit_errors - b.bit_errors).abs() < 0.01, "{a:?} vs {b:?}");
        assert!((a.correct_pct - b.correct_pct).abs() < 0.1, "{a:?} vs {b:?}");
    }
    // And member 0 is another cipher.
    let other = TrainedMember::of(&population, 0, &device).read().unwrap();
    assert_eq!(other.seed, 3);
    assert_ne!(other.model, member.model);
}

#[test]
fn an_ended_population_survives_the_tab_whole_with_its_losses_thinned() {
    use anc::IterationLosses;
    use anc::app::kept_population::{KEPT_ROWS, KeptMember, KeptPopulation, thinned};
    let rows: Vec<IterationLosses> = (1..=2560)
        .map(|i| IterationLosses { iteration: i, ab: 1.0, bob: 8.0 / i as f32, eve: 7.5 })
        .collect();
    let kept_rows = thinned(&rows);
    assert!(kept_rows.len() <= KEPT_ROWS, "{} rows", kept_rows.len());
    assert_eq!((kept_rows[0], *kept_rows.last().unwrap()), (rows[0], rows[2559]), "the ends are kept");
    assert_eq!(thinned(&rows[..10]), rows[..10].to_vec(), "short curves whole");
    let member = TrainedMember {
        seed: 4,
        model: vec![0, 1, 2, 250, 255],
        evaluation: outcome(97.0, &[]).unwrap().evaluation,
    };
    let kept = KeptPopulation {
        config: Preset::Seed16.config().with_seed(3),
        seeds: vec![3, 4],
        histories: vec![kept_rows.clone(), Vec::new()],
        members: vec![None, Some(KeptMember::of(&member))],
        screenings: vec![
            None,
            Some(SuiteResult { attackers: vec![attacker(AttackerKind::ALL[2], 5.5)], distinguisher: None }),
        ],
        stopped: Some("you stopped it".into()),
        train_seconds: 12.5,
        screen_seconds: 3.25,
    };
    let back = KeptPopulation::from_json(&kept.to_json()).expect("read back");
    assert_eq!(back, kept);
    assert_eq!(back.members[1].as_ref().unwrap().trained(), Some(member), "the model's bytes come back");
    // Damaged or mismatched entries are ignored, not half-restored.
    assert_eq!(KeptPopulation::from_json("{}"), None);
    let mut short = kept.clone();
    short.histories.pop();
    assert_eq!(KeptPopulation::from_json(&short.to_json()), None);
    let mut damaged = kept.members[1].clone().unwrap();
    damaged.model = "not base64 !".into();
    assert_eq!(damaged.trained(), None);
}
