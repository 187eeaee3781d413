//! What the page shows about a run, as plain data: the loss history as CSV, speed and time
//! left, and the published figures a run is compared with (spec §6).

use crate::nn::metrics::{AuditLoss, IterationLosses};

/// The loss history as CSV: a header, then one line per iteration.
pub fn losses_csv(history: &[IterationLosses]) -> String {
    let mut out = String::from("iteration,ab_loss,bob_loss,eve_loss\n");
    for l in history {
        out.push_str(&format!("{},{},{},{}\n", l.iteration, l.ab, l.bob, l.eve));
    }
    out
}

/// A whole number with its thousands grouped as people write them: `20000` -> `20,000`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An audit's loss curve as CSV.
pub fn audit_csv(history: &[AuditLoss]) -> String {
    let mut out = String::from("step,eve_loss\n");
    for l in history {
        out.push_str(&format!("{},{}\n", l.step, l.eve));
    }
    out
}

/// Speed and time left from `done` of `total` steps after `seconds` of work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Throughput {
    /// Steps per second so far (0 before any step).
    pub per_second: f64,
    /// Seconds left at that speed (`None` before any step).
    pub eta_seconds: Option<f64>,
}

impl Throughput {
    pub fn new(done: usize, total: usize, seconds: f64) -> Self {
        if done == 0 || seconds <= 0.0 {
            return Self { per_second: 0.0, eta_seconds: None };
        }
        let per_second = done as f64 / seconds;
        Self { per_second, eta_seconds: Some(total.saturating_sub(done) as f64 / per_second) }
    }
}

/// Seconds left of work shared by lanes that run side by side, each given as (work
/// trained, work left, seconds so far): each lane's work left at its own pace so far, and
/// the longest of them. `None` until every lane has reported and every lane with work left
/// has trained some.
pub fn lanes_eta(lanes: &[Option<(usize, usize, f64)>]) -> Option<f64> {
    lanes.iter().try_fold(0.0, |longest: f64, lane| {
        let (trained, left, seconds) = (*lane)?;
        if left == 0 {
            return Some(longest);
        }
        (trained > 0 && seconds > 0.0).then(|| longest.max(seconds * left as f64 / trained as f64))
    })
}

/// `seconds` as `m:ss` (or `h:mm:ss`), for an ETA.
pub fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// One published result to compare a run with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reference {
    pub system: &'static str,
    pub setting: &'static str,
    pub bob_correct_pct: Option<f64>,
    pub eve_correct_pct: Option<f64>,
    pub eve_bit_errors: Option<&'static str>,
}

/// The figures of spec §6.
pub const REFERENCES: [Reference; 4] = [
    Reference {
        system: "Keras write-up",
        setting: "16 bits, 20 epochs",
        bob_correct_pct: Some(89.28),
        eve_correct_pct: Some(0.21),
        eve_bit_errors: None,
    },
    Reference {
        system: "Keras write-up, fresh Eve vs frozen Alice/Bob",
        setting: "16 bits",
        bob_correct_pct: None,
        eve_correct_pct: Some(2.55),
        eve_bit_errors: Some("about 3"),
    },
    Reference {
        system: "Keras write-up",
        setting: "8-bit PoC",
        bob_correct_pct: Some(99.99),
        eve_correct_pct: Some(2.3),
        eve_bit_errors: None,
    },
    Reference {
        system: "Abadi & Andersen (paper)",
        setting: "16 bits, successful runs",
        bob_correct_pct: None,
        eve_correct_pct: None,
        eve_bit_errors: Some("near 8"),
    },
];

/// Reads back what [`losses_csv`] wrote (rows that do not parse are skipped).
pub fn parse_losses_csv(text: &str) -> Vec<IterationLosses> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split(',');
            let iteration = cells.next()?.parse().ok()?;
            let mut next = || cells.next()?.parse::<f32>().ok();
            Some(IterationLosses { iteration, ab: next()?, bob: next()?, eve: next()? })
        })
        .collect()
}
