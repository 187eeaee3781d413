//! A sweep: one preset trained over many seeds, each cipher audited by the attacker suite — the
//! rows of `anc sweep`'s table, and the summary under it (how many seeds reach a bar).

use serde::{Deserialize, Serialize};

use anc::nn::attack::AttackerKind;

/// What one seed's run gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedResult {
    /// The training seed.
    pub seed: u64,
    /// Bob's share of fully read messages, on 10,000 held-out messages (percent).
    pub bob_correct_pct: f64,
    /// Bits wrong of the Eve trained alongside Alice and Bob, on the same messages.
    pub trained_eve_bit_errors: f64,
    /// Bits wrong of the best fresh attacker (the fewest over the suite's attackers).
    pub fresh_eve_bit_errors: f64,
    /// That best attacker.
    pub best_attacker: AttackerKind,
    /// Seconds the training took (audits not included).
    pub train_seconds: f64,
    /// Seconds the audits took.
    pub audit_seconds: f64,
}

/// A pass mark for a cipher: Bob reads at least this share of messages and the best fresh
/// Eve gets at least this many bits wrong.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// Least share of messages Bob must read fully (percent).
    pub bob_correct_pct: f64,
    /// Least bits wrong the best fresh attacker must get.
    pub fresh_eve_bit_errors: f64,
}

impl Bar {
    /// Whether `result` reaches this bar.
    pub fn met_by(&self, result: &SeedResult) -> bool {
        result.bob_correct_pct >= self.bob_correct_pct
            && result.fresh_eve_bit_errors >= self.fresh_eve_bit_errors
    }
}

/// The sweep's figures over all seeds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Seeds run.
    pub seeds: usize,
    /// Seeds whose cipher reached the bar.
    pub meeting_bar: usize,
    /// The bar counted against.
    pub bar: Bar,
    /// Median of Bob's % correct.
    pub median_bob_correct_pct: f64,
    /// Median of the best fresh attacker's bits wrong.
    pub median_fresh_eve_bit_errors: f64,
    /// The lowest best-fresh-Eve bits wrong (the weakest cipher of the sweep).
    pub min_fresh_eve_bit_errors: f64,
    /// Mean seconds per seed (training and audits).
    pub mean_seconds_per_seed: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

impl Summary {
    /// Summarises `results` against `bar`.
    pub fn of(results: &[SeedResult], bar: Bar) -> Self {
        let seeds = results.len();
        let pick = |f: fn(&SeedResult) -> f64| results.iter().map(f).collect::<Vec<_>>();
        let total_seconds: f64 = results.iter().map(|r| r.train_seconds + r.audit_seconds).sum();
        Self {
            seeds,
            meeting_bar: results.iter().filter(|r| bar.met_by(r)).count(),
            bar,
            median_bob_correct_pct: median(pick(|r| r.bob_correct_pct)),
            median_fresh_eve_bit_errors: median(pick(|r| r.fresh_eve_bit_errors)),
            min_fresh_eve_bit_errors: pick(|r| r.fresh_eve_bit_errors).into_iter().fold(f64::NAN, f64::min),
            mean_seconds_per_seed: total_seconds / seeds.max(1) as f64,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} seeds reach Bob >= {} % and the best attacker >= {} bits wrong; median Bob {:.2} %, \
             median best attacker {:.2} bits wrong (lowest {:.2}); {:.0} s per seed",
            self.meeting_bar,
            self.seeds,
            self.bar.bob_correct_pct,
            self.bar.fresh_eve_bit_errors,
            self.median_bob_correct_pct,
            self.median_fresh_eve_bit_errors,
            self.min_fresh_eve_bit_errors,
            self.mean_seconds_per_seed,
        )
    }
}

/// The table header, in Markdown (so it pastes into a README as is).
pub const TABLE_HEADER: &str = "| seed | Bob % correct | trained Eve bits wrong | best fresh attacker bits wrong (which) | train s | audit s |\n\
                                |---:|---:|---:|---:|---:|---:|";

/// One Markdown table row.
pub fn table_row(r: &SeedResult) -> String {
    format!(
        "| {} | {:.2} | {:.2} | {:.2} ({}) | {:.1} | {:.1} |",
        r.seed,
        r.bob_correct_pct,
        r.trained_eve_bit_errors,
        r.fresh_eve_bit_errors,
        r.best_attacker.name(),
        r.train_seconds,
        r.audit_seconds,
    )
}
