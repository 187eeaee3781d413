//! The attacker suite: the honest strength figure of a cipher. Fresh attackers of several
//! shapes ([`AttackerKind`]) are trained from scratch against the frozen Alice — they see
//! ciphertexts and the messages behind them, never a key — each until its bits wrong on
//! held-out messages stops improving (or its step budget ends), then scored on 10,000 fresh
//! messages. The best attacker counts: a cipher is only as strong as the best attack on it
//! that was tried, and a stronger attacker than these may exist. A distinguisher plays the
//! other game beside them ([`DistinguishRun`]: two messages, which one was sent?), scored by
//! how often it is right: it sees leaks that no single bit shows.

use burn::config::Config;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::nn::config::{ConfigError, check_range, limits};
use crate::nn::data::MessageBatch;
use crate::nn::evaluation::Score;
use crate::nn::inference::Runner;
use crate::nn::model::{CipherConfig, Network, Networks};
use crate::nn::pending::Pending;
use crate::nn::steps::Steps;

mod bayes;
mod best_check;
mod distinguish;
mod kinds;
pub(crate) mod nets;
mod run;
mod schedule;
mod standardise;

pub use distinguish::{DistinguishResult, DistinguishRow, DistinguishRun};
pub use kinds::{AttackerKind, SuiteMember};
pub use run::AttackRun;
pub use schedule::{deal, deal_with_distinguisher};

/// What the attackers attack: anything that turns (message, key) batches into ciphertexts.
/// The frozen Alice of a model, or (in tests) a cipher known to leak or known not to.
pub trait Encrypt: Send {
    /// Bits in a message, a key and a ciphertext.
    fn bits(&self) -> usize;
    /// The ciphertext of a batch, `[batch, N]` (no gradient).
    fn encrypt(&self, batch: &MessageBatch) -> Tensor<2>;
}

/// A model's Alice, frozen.
pub struct FrozenAlice {
    alice: Network,
    runner: Runner,
}

impl FrozenAlice {
    /// `ciphers`' Alice (copied, without gradients), run on `device`.
    pub fn new(ciphers: &Networks, device: &Device) -> Self {
        Self { runner: Runner::new(ciphers.alice.bits(), device), alice: ciphers.alice.valid() }
    }
}

impl Encrypt for FrozenAlice {
    fn bits(&self) -> usize {
        self.alice.bits()
    }

    fn encrypt(&self, batch: &MessageBatch) -> Tensor<2> {
        self.runner.encrypt(&self.alice, batch)
    }
}

/// Settings of the suite (each attacker uses them all).
#[derive(Config, Debug, PartialEq)]
pub struct SuiteConfig {
    /// The most steps an attacker trains.
    #[config(default = 20_000)]
    pub max_steps: usize,
    /// Messages per step.
    #[config(default = 512)]
    pub batch_size: usize,
    /// Steps between two checks on the held-out messages.
    #[config(default = 500)]
    pub check_every: usize,
    /// Checks in a row without a gain of `min_gain` bits after which an attacker stops.
    #[config(default = 4)]
    pub patience: usize,
    /// The least drop in held-out bits wrong that counts as a gain.
    #[config(default = 0.01)]
    pub min_gain: f64,
    /// Seed of the attackers' weights and messages.
    #[config(default = 2)]
    pub seed: u64,
}

impl SuiteConfig {
    /// At most `steps` steps per attacker with about 15 held-out checks each, so each
    /// attacker has a curve and can stop early within a short budget (the page's suite and
    /// its screenings of many ciphers).
    pub fn for_budget(steps: usize) -> Self {
        Self::new().with_max_steps(steps).with_check_every((steps / 15).clamp(5, 500))
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range("max_steps", self.max_steps, 1..=1_000_000)?;
        check_range("batch_size", self.batch_size, limits::BATCH_SIZE)?;
        check_range("check_every", self.check_every, 1..=100_000)?;
        check_range("patience", self.patience, 1..=1000)?;
        Ok(())
    }
}

/// One held-out check of an attacker.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttackRow {
    pub attacker: AttackerKind,
    /// Steps trained at the check.
    pub step: usize,
    /// Bits wrong per message on the held-out messages.
    pub held_out_bits_wrong: f64,
}

/// What one attacker achieved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttackResult {
    pub attacker: AttackerKind,
    /// Its reading of fresh messages, as it stood at its best held-out check.
    pub score: Score,
    /// Fresh messages scored.
    pub samples: usize,
    /// Steps it trained before it stopped.
    pub steps: usize,
    /// Steps at its best check (the weights scored).
    pub steps_at_best: usize,
    /// Seconds it trained.
    pub seconds: f64,
}

/// Every attacker's result; the best reader is the cipher's strength in bits, and the
/// distinguisher (when it played) says whether the ciphertext tells two messages apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuiteResult {
    pub attackers: Vec<AttackResult>,
    /// The distinguishing attacker's result (absent from suites that did not run it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinguisher: Option<DistinguishResult>,
}

impl SuiteResult {
    /// This audit together with an `earlier` one of the same cipher: for each attacker the
    /// result that read more (fewer bits wrong; this one's among equals), and the
    /// distinguisher that told more rounds right. A cipher is only as strong as the best attack
    /// made on it, so a shorter audit never hides what a longer one found.
    pub fn merged_with(&self, earlier: Option<&SuiteResult>) -> SuiteResult {
        let Some(earlier) = earlier else { return self.clone() };
        let mut attackers: Vec<AttackResult> = AttackerKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let now = self.attackers.iter().find(|a| a.attacker == kind);
                let then = earlier.attackers.iter().find(|a| a.attacker == kind);
                match (now, then) {
                    (Some(now), Some(then)) if then.score.bit_errors < now.score.bit_errors => Some(then),
                    (Some(now), _) => Some(now),
                    (None, then) => then,
                }
                .cloned()
            })
            .collect();
        attackers.sort_by_key(|a| a.attacker);
        let distinguisher = match (&self.distinguisher, &earlier.distinguisher) {
            (Some(now), Some(then)) if then.accuracy_pct > now.accuracy_pct => Some(then.clone()),
            (Some(now), _) => Some(now.clone()),
            (None, then) => then.clone(),
        };
        SuiteResult { attackers, distinguisher }
    }

    /// The attacker with the fewest bits wrong (the first of equals).
    ///
    /// # Panics
    /// With no attacker.
    pub fn best(&self) -> &AttackResult {
        self.attackers
            .iter()
            .reduce(|best, a| if a.score.bit_errors < best.score.bit_errors { a } else { best })
            .expect("at least one attacker")
    }
}

/// A lane of the suite against one cipher: its attackers one after another (an engine
/// worker's share of [`deal`]; the command line runs its lanes on threads).
pub struct Suite {
    runs: Vec<AttackRun>,
    samples: usize,
}

impl Suite {
    /// Every attacker of `kinds` against `ciphers`' frozen Alice on `device` (with
    /// autodiff), to be scored on `samples` fresh messages; `shape` is the cipher's config
    /// (the attackers of Eve's own shape take it).
    pub fn new(
        ciphers: &Networks,
        shape: &CipherConfig,
        kinds: &[AttackerKind],
        config: SuiteConfig,
        samples: usize,
        device: &Device,
    ) -> Result<Self, ConfigError> {
        Self::against(|| Box::new(FrozenAlice::new(ciphers, device)), shape, kinds, config, samples, device)
    }

    /// Like [`Suite::new`], against any cipher: `cipher()` makes each attacker's copy.
    pub fn against(
        cipher: impl Fn() -> Box<dyn Encrypt>,
        shape: &CipherConfig,
        kinds: &[AttackerKind],
        config: SuiteConfig,
        samples: usize,
        device: &Device,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let runs =
            kinds.iter().map(|&kind| AttackRun::new(kind, cipher(), shape, config.clone(), device)).collect();
        Ok(Self { runs, samples })
    }

    /// The attackers' runs, in order.
    pub fn runs(&self) -> &[AttackRun] {
        &self.runs
    }

    /// The work trained so far and the work left at most, in [`AttackerKind::cost`]'s
    /// unit: each attacker's steps times its cost per step (from 1 to 15), and for each one
    /// still training the rest of its budget. What a time left is reckoned from: the pace of
    /// the work trained, over the work left (an early stop only shortens it).
    pub fn work(&self) -> (usize, usize) {
        let cost = |r: &AttackRun| r.kind().cost();
        let trained = self.runs.iter().map(|r| cost(r) * r.done()).sum();
        let left = self.runs.iter().filter(|r| !r.is_done()).map(|r| cost(r) * (r.total() - r.done())).sum();
        (trained, left)
    }

    /// Scores every attacker (call once all are done), in the suite's order
    /// ([`AttackerKind::ALL`]) whatever order they ran in.
    pub fn finish(&self) -> SuiteResult {
        let mut attackers: Vec<AttackResult> = self.runs.iter().map(|r| r.finish(self.samples)).collect();
        attackers.sort_by_key(|a| a.attacker);
        SuiteResult { attackers, distinguisher: None }
    }
}

impl Steps for Suite {
    type Row = AttackRow;

    /// Trains the first attacker not yet done up to `steps` steps.
    fn run(&mut self, steps: usize) -> Pending<Vec<AttackRow>> {
        match self.runs.iter_mut().find(|r| !r.is_done()) {
            Some(run) => run.run(steps),
            None => Pending::ready(Vec::new()),
        }
    }

    /// Steps trained by every attacker so far, and the budgets of those that stopped early.
    fn done(&self) -> usize {
        self.runs.iter().map(|r| if r.is_done() { r.total() } else { r.done() }).sum()
    }

    /// Every attacker's step budget.
    fn total(&self) -> usize {
        self.runs.iter().map(Steps::total).sum()
    }
}
