//! What the page says about a model's strength: the figure its file records, and which
//! attacker reached it. A file audited by the attacker suite names the best attacker;
//! an older file only has one Eve of Eve's own shape, and the page says that is weaker.

use crate::nn::attack::SuiteResult;
use crate::nn::model_file::ModelHeader;

/// A model's recorded strength figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Strength {
    /// Bits wrong per message of the best attacker recorded.
    pub bit_errors: f64,
    /// That attacker's error rate per message bit (0..1), if recorded.
    pub bit_error_rates: Option<Vec<f64>>,
    /// Steps that attacker trained, if recorded.
    pub steps: Option<usize>,
    /// The best attacker's description and how many attackers ran, if the suite ran.
    pub suite: Option<(&'static str, usize)>,
}

impl Strength {
    /// The strength a model file records, if it records one.
    pub fn of(header: &ModelHeader) -> Option<Self> {
        let bit_errors = header.fresh_eve_bit_errors?;
        let count = header.attack_suite.as_ref().map(|s| s.attackers.len());
        let suite = header.best_attacker().map(|a| a.attacker.label()).zip(count);
        Some(Self {
            bit_errors,
            bit_error_rates: header.fresh_eve_bit_error_rates.clone(),
            steps: header.audit_steps,
            suite,
        })
    }

    /// The strength an attacker-suite audit found: its best attacker's.
    pub fn of_suite(suite: &SuiteResult) -> Self {
        let best = suite.best();
        Self {
            bit_errors: best.score.bit_errors,
            bit_error_rates: Some(best.score.bit_error_rates.clone()),
            steps: Some(best.steps),
            suite: Some((best.attacker.label(), suite.attackers.len())),
        }
    }

    /// Who reached the figure, in words: "the best of 7 fresh attackers (binned residual
    /// net, 5000 steps)", or for an older file "a fresh Eve of Eve's own shape (2000
    /// steps; an older, weaker audit)".
    pub fn attacker(&self) -> String {
        let steps = self.steps.map(|s| format!("{s} steps"));
        match self.suite {
            Some((label, count)) => match steps {
                Some(steps) => format!("the best of {count} fresh attackers ({label}, {steps})"),
                None => format!("the best of {count} fresh attackers ({label})"),
            },
            None => format!(
                "a fresh Eve of Eve's own shape ({}an older, weaker audit than the attacker suite)",
                steps.map_or(String::new(), |s| format!("{s}; "))
            ),
        }
    }

    /// The whole sentence for a model of `bits` bits.
    pub fn sentence(&self, bits: usize) -> String {
        format!(
            "{} gets {:.2} bits wrong of {bits} (guessing: {})",
            self.attacker(),
            self.bit_errors,
            bits / 2
        )
    }

    /// What the attacker's per-bit error rates say, in words: every bit read, none read
    /// better than a guess, or which bits it reads better than a guess (an error rate under
    /// 40 %). `None` when the rates were not recorded.
    pub fn leaks(&self) -> Option<String> {
        let rates = self.bit_error_rates.as_ref()?;
        let read: Vec<String> =
            rates.iter().enumerate().filter(|(_, r)| **r < 0.40).map(|(i, _)| i.to_string()).collect();
        Some(if rates.iter().all(|r| *r < 0.05) {
            "Its bars are all near zero: it reads every bit of the message.".to_string()
        } else if read.is_empty() {
            "Its bars all sit near the dashed line: it reads no bit much better than a guess.".to_string()
        } else {
            format!(
                "It reads {} of {} bits much better than a guess (under 40 % wrong): bit{} {}.",
                read.len(),
                rates.len(),
                if read.len() == 1 { "" } else { "s" },
                read.join(", ")
            )
        })
    }
}

/// How much of a message an attacker that gets `bit_errors` bits wrong of `bits` reads:
/// "14.92 of 16 bits" (the figure a class reads the right way round).
pub fn bits_read(bit_errors: f64, bits: usize) -> String {
    format!("{:.2} of {bits} bits", bits as f64 - bit_errors)
}
