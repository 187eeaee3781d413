//! The one message protocol between the page and its engine workers (the Web Workers that
//! hold the devices and train): commands in, progress, loss rows, results and errors out,
//! each a JSON string. Plain Rust, so both ends and the tests share it.

use serde::{Deserialize, Serialize};

use crate::app::backend::{BackendKind, Speed};
use crate::app::cipher_views::CipherMeasures;
use crate::app::population_results::TrainedMember;
use crate::nn::attack::{AttackRow, AttackerKind, SuiteConfig, SuiteMember, SuiteResult};
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::Evaluation;
use crate::nn::inference::OneReading;
use crate::nn::metrics::{AuditLoss, IterationLosses};
use crate::nn::pad::PadConfig;
use crate::nn::pad::trained::TrainedPad;

/// What the page asks of an engine worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Times warm iterations of `config` on `backend` for about `budget_ms` (the warm-up
    /// included), for "Automatic". Answered by [`Event::Measured`].
    Measure {
        config: TrainingConfig,
        backend: BackendKind,
        budget_ms: f64,
    },
    /// Trains `config` on `backend` as replica `replica` of `replicas` (1 or 2; with 2 the
    /// message carries a port to the other replica's worker). Replica 0 reports rows and the
    /// trained model; replica 1 follows it through the exchanges.
    Train {
        config: TrainingConfig,
        backend: BackendKind,
        replica: usize,
        replicas: usize,
    },
    /// Trains one population on the CPU: a member per seed of `seeds`, each as a single run
    /// of `config` with that seed ([`crate::nn::population`]), then evaluates each
    /// ([`Event::PopulationTrained`]).
    TrainPopulation {
        config: TrainingConfig,
        seeds: Vec<u64>,
    },
    /// Trains the attackers `kinds` one after another against the frozen Alice of `model`
    /// (a model file of either kind), on the CPU, each scored on `samples` fresh messages;
    /// then, if `distinguisher`, the suite's distinguisher.
    Attack {
        model: Vec<u8>,
        kinds: Vec<AttackerKind>,
        #[serde(default)]
        distinguisher: bool,
        config: SuiteConfig,
        samples: usize,
    },
    /// Trains a CryptoNet pad of `config` on the CPU against the distinguishing Eve
    /// ([`Event::PadRows`]), then rounds and reads it ([`Event::PadTrained`]).
    TrainPad {
        config: PadConfig,
    },
    /// Trains the model's own Eve on against its frozen Alice (a model file) for `steps`
    /// steps, on the CPU, then scores her on 10,000 fresh messages.
    Continue {
        model: Vec<u8>,
        steps: usize,
    },
    /// Measures the model (a model file) for the page's "inside the cipher" views, on the
    /// CPU ([`Event::Measures`]).
    Views {
        model: Vec<u8>,
    },
    /// Reads this one message under this key with the networks being trained, after every
    /// slice ([`Event::Watched`]).
    Watch {
        message: Vec<f32>,
        key: Vec<f32>,
    },
    /// Stops stepping until [`Command::Resume`] (the other replica waits at its next exchange).
    Pause,
    Resume,
    /// Ends the job at its next slice and finishes with what it has: a training run is
    /// evaluated and posted as if its schedule had ended there.
    Stop,
}

/// What an engine worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// The worker's wasm started: it takes commands now.
    Ready,
    /// The device opened; `fallback` says why it is the CPU where WebGPU was asked for.
    Opened { backend: BackendKind, fallback: Option<Fallback> },
    /// The first iterations run while the backend compiles its kernels (slow on WebGPU).
    WarmingUp,
    /// The answer to [`Command::Measure`].
    Measured { backend: BackendKind, speed: Speed },
    /// Iterations done: their losses, the iterations done in all, and the seconds they took
    /// (a warm-up's are not counted, so the speed and time left stay honest).
    Rows { rows: Vec<IterationLosses>, done: usize, seconds: f64 },
    /// A population's iterations: for each of its members (in seed order) its losses, then
    /// the iterations done in all and the seconds they took.
    PopulationRows { rows: Vec<Vec<IterationLosses>>, done: usize, seconds: f64 },
    /// The population is trained: every member's model file and evaluation.
    PopulationTrained { members: Vec<TrainedMember> },
    /// Attackers' held-out checks: the member of the suite training now, the steps done in
    /// all (the budgets of those that stopped early included), the seconds they took, and the
    /// worker's work trained and work left at most, weighted by each member's cost per step
    /// (what its time left is reckoned from).
    AttackRows {
        rows: Vec<AttackRow>,
        current: Option<SuiteMember>,
        done: usize,
        seconds: f64,
        work: (usize, usize),
    },
    /// The answer to [`Command::Attack`]: every attacker's result.
    Attacked { result: SuiteResult },
    /// A pad's iterations: their losses, its weights now (`[2N, N]`, row-major), the
    /// iterations done in all and the seconds they took.
    PadRows { rows: Vec<IterationLosses>, weights: Vec<f32>, done: usize, seconds: f64 },
    /// The answer to [`Command::TrainPad`]: the pad rounded and read.
    PadTrained { pad: TrainedPad },
    /// The continued Eve's losses, the steps done and the seconds they took.
    AuditRows { rows: Vec<AuditLoss>, done: usize, seconds: f64 },
    /// The answer to [`Command::Continue`]: the continued Eve's (and Bob's) reading.
    Audited { evaluation: Evaluation },
    /// The answer to [`Command::Views`].
    Measures { measures: CipherMeasures },
    /// The watched message as the networks being trained read it now.
    Watched { reading: OneReading },
    /// Training is over; the 10,000-message evaluation runs.
    Evaluating,
    /// The trained networks (a model file) and their evaluation.
    Trained { model: Vec<u8>, evaluation: Evaluation },
    /// The work stopped: why, in words for the page.
    Failed { message: String },
}

/// Why WebGPU was not used: a few words, and the browser's or burn's error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fallback {
    pub reason: String,
    pub detail: Option<String>,
}

impl Command {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a command serialises")
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not an engine command ({e})"))
    }
}

impl Event {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an event serialises")
    }

    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("not an engine event ({e})"))
    }
}
