//! What "train 8 ciphers at once" gave: each member's trained networks and evaluation, the
//! attacker suite's screening of it, its verdict, and which member is the strongest to use.
//! A member Bob cannot read is a failure whatever the attackers do; among the others the
//! strongest is the one whose *best* attacker gets the most bits wrong.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::nn::attack::{AttackResult, SuiteResult};
use crate::nn::evaluation::{EVALUATION_SAMPLES, Evaluation, evaluate};
use crate::nn::inference::Cipher;
use crate::nn::model_file::{self, ModelHeader};
use crate::nn::pending::Pending;
use crate::nn::population::Population;
use crate::nn::seeds;

/// Networks the page trains at once.
pub const PAGE_POPULATION: usize = 8;

/// The least share of messages (percent, on 10,000 fresh ones) Bob must read whole for a
/// cipher to be usable for messages: the write-up's own Bob reached 89.28 %.
pub const MIN_BOB_PCT: f64 = 90.0;

/// Whether Bob reads a cipher well enough to use it (at least [`MIN_BOB_PCT`] % of
/// messages whole on its evaluation).
pub fn bob_reads(evaluation: &Evaluation) -> bool {
    evaluation.bob.correct_pct >= MIN_BOB_PCT
}

/// The most steps per attacker when the page screens a population (the attacker suite's
/// own default in the page is 3,000: a screening is weaker, and says so).
pub const SCREEN_STEPS: usize = 500;

/// The seeds of a population started from `first`: `first`, `first + 1`, …
pub fn seeds_from(first: u64, count: usize) -> Vec<u64> {
    (0..count as u64).map(|i| first.saturating_add(i)).collect()
}

/// The members each of `workers` trains: contiguous shares, the first ones larger (as
/// [`Population::with_threads`] splits its groups).
pub fn lanes(members: usize, workers: usize) -> Vec<Range<usize>> {
    let size = members.div_ceil(workers.clamp(1, members.max(1)));
    (0..members).step_by(size.max(1)).map(|start| start..(start + size).min(members)).collect()
}

/// One member, trained: its model file (with its own seed in the configuration) and its
/// evaluation on 10,000 fresh messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainedMember {
    pub seed: u64,
    pub model: Vec<u8>,
    pub evaluation: Evaluation,
}

impl TrainedMember {
    /// Member `k` of `population`, evaluated as a single run of its seed is (the same
    /// held-out messages) and saved as a model file (`device` without autodiff is enough).
    pub fn of(population: &Population, k: usize, device: &burn::prelude::Device) -> Pending<Self> {
        let (config, ciphers) = (population.member_config(k), population.member(k));
        let cipher = Cipher::new(&ciphers, device);
        evaluate(&cipher, EVALUATION_SAMPLES, seeds::held_out(config.seed)).map(move |evaluation| {
            let header = ModelHeader::trained(config.clone(), Some(evaluation.bob.correct_pct));
            Self { seed: config.seed, model: model_file::save(&header, &ciphers), evaluation }
        })
    }
}

/// What one member came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Bob reads fewer than [`MIN_BOB_PCT`] % of messages whole: not a usable cipher.
    BobFails,
    /// Usable; not screened by the attackers yet.
    Unscreened,
    /// Usable, and this is the best attacker of its screening.
    Screened(AttackResult),
}

/// One member's outcome as far as it got.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub evaluation: Evaluation,
    pub screening: Option<SuiteResult>,
}

impl Outcome {
    pub fn verdict(&self) -> Verdict {
        if !bob_reads(&self.evaluation) {
            return Verdict::BobFails;
        }
        match &self.screening {
            Some(suite) if !suite.attackers.is_empty() => Verdict::Screened(suite.best().clone()),
            _ => Verdict::Unscreened,
        }
    }

    /// The verdict in a few words, for a cipher of `bits` bits.
    pub fn words(&self, bits: usize) -> String {
        match self.verdict() {
            Verdict::BobFails => format!(
                "a failure: Bob reads only {:.2} % of messages whole (under {MIN_BOB_PCT:.0} %)",
                self.evaluation.bob.correct_pct
            ),
            Verdict::Unscreened => "Bob reads it; not attacked yet".into(),
            Verdict::Screened(best) => format!(
                "its best attacker ({}, {} steps) gets {:.2} bits wrong of {bits} (guessing: {})",
                best.attacker.label(),
                best.steps,
                best.score.bit_errors,
                bits / 2
            ),
        }
    }
}

/// The strongest usable member: of those Bob reads and the attackers screened, the one
/// whose best attacker gets the most bits wrong (the first of equals); none if no member
/// is both.
pub fn strongest(outcomes: &[Option<Outcome>]) -> Option<usize> {
    outcomes
        .iter()
        .enumerate()
        .filter_map(|(k, o)| match o.as_ref()?.verdict() {
            Verdict::Screened(best) => Some((k, best.score.bit_errors)),
            _ => None,
        })
        .reduce(|best, next| if next.1 > best.1 { next } else { best })
        .map(|(k, _)| k)
}
