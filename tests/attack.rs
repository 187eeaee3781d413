//! The attacker suite is calibrated both ways: it reads a leaky "cipher" to near 0 bits
//! wrong, leaves a true one-time pad at chance, reports the best of its attackers, and
//! finds a real (shipped) cipher's leak at least as well as the write-up's Eve does.

use anc::nn::attack::{AttackResult, AttackerKind, DistinguishRun, Encrypt, Suite, SuiteConfig, SuiteResult};
use anc::nn::data::MessageBatch;
use anc::nn::evaluation::Score;
use anc::nn::model::CipherConfig;
use anc::nn::steps::Steps;
use burn::prelude::*;

/// A "cipher" made of plain tensor arithmetic on the bits.
struct Formula(fn(&MessageBatch) -> Tensor<2>);

impl Encrypt for Formula {
    fn bits(&self) -> usize {
        16
    }
    fn encrypt(&self, batch: &MessageBatch) -> Tensor<2> {
        (self.0)(batch)
    }
}

/// A short suite of every attacker against `cipher`, run to its end.
fn attack(cipher: fn(&MessageBatch) -> Tensor<2>) -> SuiteResult {
    let config =
        SuiteConfig::new().with_max_steps(1200).with_batch_size(256).with_check_every(200).with_patience(2);
    let device = Device::flex().autodiff();
    let shape = CipherConfig::new();
    let mut suite =
        Suite::against(|| Box::new(Formula(cipher)), &shape, &AttackerKind::ALL, config, 10_000, &device)
            .unwrap();
    let (none, all) = suite.work();
    assert_eq!((none, all), (0, AttackerKind::ALL.iter().map(|k| k.cost() * 1200).sum()));
    while !suite.is_done() {
        let (trained, left) = suite.work();
        suite.run(500).read().unwrap();
        let (trained_now, left_now) = suite.work();
        assert!(trained_now > trained && left_now < left, "each slice trains some and leaves less");
        assert!(trained_now + left_now <= all, "no more work than the budgets");
    }
    // Every attacker done (some stopped early): nothing left, and only what was trained counted.
    let (trained, left) = suite.work();
    assert_eq!(left, 0);
    assert!(trained > 0 && trained <= all);
    suite.finish()
}

fn figures(result: &SuiteResult) -> String {
    result
        .attackers
        .iter()
        .map(|a| format!("{} {:.3}", a.attacker, a.score.bit_errors))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn a_copy_and_a_constant_xor_are_read_whole() {
    for (name, cipher) in [
        ("copy", (|b: &MessageBatch| b.messages.clone()) as fn(&MessageBatch) -> Tensor<2>),
        // XOR with 1010…: flips every other bit.
        ("xor", |b: &MessageBatch| {
            let device = b.messages.device();
            let pattern: Vec<f32> = (0..16).map(|i| (i % 2) as f32).collect();
            let pattern = Tensor::<1>::from_floats(pattern.as_slice(), &device).unsqueeze::<2>();
            (b.messages.clone() - pattern).abs()
        }),
    ] {
        let result = attack(cipher);
        println!("{name}: {}", figures(&result));
        assert!(result.best().score.bit_errors < 0.05, "{name}: {}", figures(&result));
        assert!(result.best().score.correct_pct > 95.0, "{name}: {}", figures(&result));
    }
}

#[test]
fn a_one_time_pad_leaves_every_attacker_at_chance() {
    // Message XOR a uniform key, as 0/1 floats.
    let result = attack(|b| (b.messages.clone() - b.keys.clone()).abs());
    println!("one-time pad: {}", figures(&result));
    assert_eq!(result.attackers.len(), AttackerKind::ALL.len());
    for a in &result.attackers {
        assert!(
            (a.score.bit_errors - 8.0).abs() <= 0.15,
            "{} reads a one-time pad: {}",
            a.attacker,
            figures(&result)
        );
        assert!(a.steps > 0 && a.steps_at_best <= a.steps);
    }
}

/// The distinguisher's accuracy (percent) against `cipher`, trained to its end.
fn distinguish(cipher: fn(&MessageBatch) -> Tensor<2>) -> f64 {
    let config =
        SuiteConfig::new().with_max_steps(1500).with_batch_size(256).with_check_every(250).with_patience(2);
    let device = Device::flex().autodiff();
    let mut run = DistinguishRun::new(Box::new(Formula(cipher)), config, &device);
    while !run.is_done() {
        run.run(500).read().unwrap();
    }
    let result = run.finish(10_000);
    assert!(result.steps > 0 && result.steps_at_best <= result.steps);
    assert_eq!(result.rounds, 10_000);
    result.accuracy_pct
}

/// `x ⊕ y` on 0/1 floats.
fn xor(x: Tensor<2>, y: Tensor<2>) -> Tensor<2> {
    (x - y).abs()
}

#[test]
fn the_distinguisher_is_at_chance_on_a_pad_and_tells_a_copy_or_a_cancelling_key() {
    let pad = distinguish(|b| xor(b.messages.clone(), b.keys.clone()));
    assert!((pad - 50.0).abs() <= 1.5, "a one-time pad: {pad:.2} % right");
    let copy = distinguish(|b| b.messages.clone());
    assert!(copy > 95.0, "a copy: {copy:.2} % right");
    // A pad whose positions 3 and 8 share their key bit: every single bit is random, but
    // c₃ ⊕ c₈ = m₃ ⊕ m₈ tells the candidates apart whenever they differ there (half the
    // rounds), so a perfect distinguisher is right in 75 %.
    let shared = distinguish(|b| {
        let keys = b.keys.clone();
        let key3 = keys.clone().narrow(1, 3, 1);
        let keys = Tensor::cat(vec![keys.clone().narrow(1, 0, 8), key3, keys.narrow(1, 9, 7)], 1);
        xor(b.messages.clone(), keys)
    });
    println!("distinguisher: pad {pad:.2} %, copy {copy:.2} %, shared key {shared:.2} %");
    assert!(shared > 65.0, "a key shared by two positions: {shared:.2} % right");
}

fn result(attacker: AttackerKind, bit_errors: f64) -> AttackResult {
    let score = Score { correct_pct: 0.0, bit_errors, bit_error_rates: vec![bit_errors / 16.0; 16] };
    AttackResult { attacker, score, samples: 10_000, steps: 100, steps_at_best: 100, seconds: 1.0 }
}

#[test]
fn the_best_is_the_attacker_with_the_fewest_bits_wrong() {
    let suite = SuiteResult {
        attackers: vec![
            result(AttackerKind::EveRmsProp, 7.0),
            result(AttackerKind::WideMlp, 5.2),
            result(AttackerKind::Bayes, 6.1),
            result(AttackerKind::BinnedResidual, 5.2),
        ],
        distinguisher: None,
    };
    assert_eq!(suite.best().attacker, AttackerKind::WideMlp, "the minimum, the first of equals");
    let min = suite.attackers.iter().map(|a| a.score.bit_errors).fold(f64::INFINITY, f64::min);
    assert_eq!(suite.best().score.bit_errors, min);
}

#[test]
fn attacker_names_round_trip() {
    for kind in AttackerKind::ALL {
        assert_eq!(AttackerKind::from_name(kind.name()), Some(kind));
        // Files and JSON spell it the same way.
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.name()));
    }
    assert_eq!(AttackerKind::from_name("eve"), None);
}
