//! The sweep's summary: medians, the weakest cipher, and how many seeds reach a bar.

use anc::app::sweep::{Bar, SeedResult, Summary, table_row};
use anc::nn::attack::AttackerKind;

fn result(seed: u64, bob: f64, fresh_eve: f64) -> SeedResult {
    SeedResult {
        seed,
        bob_correct_pct: bob,
        trained_eve_bit_errors: 7.5,
        fresh_eve_bit_errors: fresh_eve,
        best_attacker: AttackerKind::EveAdam,
        train_seconds: 10.0,
        audit_seconds: 5.0,
    }
}

#[test]
fn summary_counts_the_seeds_that_reach_the_bar() {
    let runs = [result(1, 99.95, 7.2), result(2, 99.99, 6.9), result(3, 99.5, 7.8), result(4, 100.0, 7.0)];
    let s = Summary::of(&runs, Bar::STRONG16);
    assert_eq!((s.seeds, s.meeting_bar), (4, 2), "seed 2's Eve reads too much, seed 3's Bob too little");
    assert!((s.median_bob_correct_pct - 99.97).abs() < 1e-9);
    assert!((s.median_fresh_eve_bit_errors - 7.1).abs() < 1e-9);
    assert_eq!(s.min_fresh_eve_bit_errors, 6.9);
    assert_eq!(s.mean_seconds_per_seed, 15.0);
    assert!(
        s.to_string().starts_with("2/4 seeds reach Bob >= 99.9 % and the best attacker >= 7 bits wrong"),
        "{s}"
    );
    assert_eq!(table_row(&runs[0]), "| 1 | 99.95 | 7.50 | 7.20 (eve-adam) | 10.0 | 5.0 |");
}
