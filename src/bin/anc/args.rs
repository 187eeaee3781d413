//! The command line's shape (clap).

use std::path::PathBuf;

use anc::OptimizerKind;
use anc::nn::attack::AttackerKind;
use anc::nn::model::OutputActivation;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

mod sweep;
pub use sweep::{MergeArgs, SweepArgs, SweepCommand};

/// Adversarial neural cryptography: Alice, Bob and Eve, trained with burn. A teaching toy,
/// not real encryption.
#[derive(Parser, Debug)]
#[command(name = "anc", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train Alice, Bob and Eve; write a model file (and optionally a CSV of losses).
    Train(TrainArgs),
    /// Evaluate a model on fresh random messages (Bob % and Eve % correct, bits wrong).
    Eval(EvalArgs),
    /// Freeze Alice and train a suite of fresh attackers against her; the best one counts.
    Audit(AuditArgs),
    /// Write a model's weights as documented JSON.
    ExportJson(ExportArgs),
    /// Write fresh random messages and keys with the model's ciphertexts as CSV, for
    /// attackers trained outside the app (docs/formats.md).
    Sample(SampleArgs),
    /// Train CryptoNet (Coutinho et al. 2018) against the distinguishing Eve, round its
    /// weights to integers and say exactly what it found (formulas, key rank, verdict).
    Pad(PadArgs),
    /// Measure training speed (iterations per second).
    Bench(BenchArgs),
    /// Train a preset over many seeds, audit each with fresh Eves, print a table and a summary.
    Sweep(SweepArgs),
}

/// Where the networks run.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// burn's CPU backend (flex).
    Cpu,
    /// burn's wgpu backend (needs the `wgpu` cargo feature and a GPU adapter).
    Wgpu,
}

/// Parses an attacker of the suite by the core's names (listed in `--help`).
pub(crate) fn attacker() -> impl clap::builder::TypedValueParser<Value = AttackerKind> {
    PossibleValuesParser::new(AttackerKind::ALL.map(AttackerKind::name))
        .map(|name| AttackerKind::from_name(&name).expect("one of the possible values"))
}

/// Parses an optimiser by the core's names (listed in `--help`).
fn optimizer() -> impl clap::builder::TypedValueParser<Value = OptimizerKind> {
    PossibleValuesParser::new(OptimizerKind::ALL.map(OptimizerKind::name))
        .map(|name| OptimizerKind::from_name(&name).expect("one of the possible values"))
}

/// Parses an output activation by the core's names.
fn ciphertext() -> impl clap::builder::TypedValueParser<Value = OutputActivation> {
    PossibleValuesParser::new(OutputActivation::ALL.map(OutputActivation::name))
        .map(|name| OutputActivation::from_name(&name).expect("one of the possible values"))
}

/// A preset and the fields that override it.
#[derive(Args, Debug, Clone)]
pub struct ConfigArgs {
    /// Starting point: seed16 (the write-up), poc8 (8-bit text model), paper16 (Adam, batch 4096), owneve16 (tuned to beat an Eve of Eve's own shape; the attacker suite reads it almost whole; once named strong16).
    #[arg(long, default_value = "seed16")]
    pub preset: String,
    /// Seed of the weights and of every random message and key.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bits in a message, key and ciphertext (even).
    #[arg(long)]
    pub bits: Option<usize>,
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub iterations_per_epoch: Option<usize>,
    #[arg(long)]
    pub batch_size: Option<usize>,
    #[arg(long, value_parser = optimizer())]
    pub optimizer: Option<OptimizerKind>,
    /// Learning rate of Alice and Bob.
    #[arg(long, visible_alias = "ab-lr")]
    pub ab_learning_rate: Option<f64>,
    /// Learning rate of Eve.
    #[arg(long, visible_alias = "eve-lr")]
    pub eve_learning_rate: Option<f64>,
    /// Alice+Bob steps per iteration.
    #[arg(long)]
    pub ab_steps: Option<usize>,
    /// Eve steps per iteration.
    #[arg(long)]
    pub eve_steps: Option<usize>,
    /// Learning rates fall along a half cosine to this fraction of their value.
    #[arg(long)]
    pub final_lr_fraction: Option<f64>,
    /// Weight of the Eve term in Alice+Bob's loss (1 in the write-up; 0: Alice ignores her).
    #[arg(long)]
    pub eve_weight: Option<f64>,
    /// The last this many iterations move only Bob (Alice frozen).
    #[arg(long)]
    pub bob_only_iterations: Option<usize>,
    /// A second Eve plays the distinguishing game (which of two messages does this
    /// ciphertext encrypt?) on the same Eve steps; Alice+Bob's loss adds −γ·min(Err, ½).
    #[arg(long)]
    pub distinguisher: bool,
    /// γ, the distinguishing Eve's weight in Alice+Bob's loss (7; implies --distinguisher).
    #[arg(long, value_name = "GAMMA")]
    pub distinguisher_weight: Option<f64>,
    /// Each network ends in one more dense layer, N to N (as the 8-bit text preset does).
    #[arg(long)]
    pub extra_dense: bool,
    /// Alice's output: sigmoid (the write-up) or tanh (the 8-bit text preset).
    #[arg(long, value_parser = ciphertext())]
    pub ciphertext: Option<OutputActivation>,
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Model file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// CSV file of the losses (iteration, ab, bob, eve).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// After training, audit with the attacker suite (each attacker at most this many
    /// steps) and record its figures in the model.
    #[arg(long, default_value_t = 0)]
    pub audit_steps: usize,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: Backend,
    /// Threads sharing each batch (1 or 2; default: 2 on a CPU with 2+ cores).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub threads: Option<u8>,
    /// Print one JSON line instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[arg(long)]
    pub model: PathBuf,
    #[arg(long, default_value_t = 10_000)]
    pub samples: usize,
    /// Seed of the evaluation messages.
    #[arg(long, default_value_t = 12_345)]
    pub seed: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[arg(long)]
    pub model: PathBuf,
    /// Attackers of the suite (default: all of them; the best one counts).
    #[arg(long, value_parser = attacker(), value_delimiter = ',', default_values_t = AttackerKind::ALL)]
    pub attackers: Vec<AttackerKind>,
    /// The most steps each attacker trains (it stops sooner once it no longer improves).
    #[arg(long, default_value_t = 20_000)]
    pub steps: usize,
    /// Messages per step.
    #[arg(long, default_value_t = 512)]
    pub batch_size: usize,
    /// Steps between two checks on held-out messages.
    #[arg(long, default_value_t = 500)]
    pub check_every: usize,
    /// Checks without a gain after which an attacker stops.
    #[arg(long, default_value_t = 4)]
    pub patience: usize,
    /// Seed of the attackers' weights and of the audit's messages.
    #[arg(long, default_value_t = 2)]
    pub seed: u64,
    /// Attackers trained side by side (default: the cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Leave the distinguisher (two messages, which one was sent?) out of the suite.
    #[arg(long)]
    pub no_distinguisher: bool,
    /// Instead of the suite: keep training the model's own Eve (for `--steps` steps).
    #[arg(long)]
    pub continue_eve: bool,
    /// The continued Eve's optimiser (with --continue-eve).
    #[arg(long, value_parser = optimizer())]
    pub optimizer: Option<OptimizerKind>,
    /// The continued Eve's learning rate (with --continue-eve).
    #[arg(long)]
    pub lr: Option<f64>,
    /// CSV file of the continued Eve's loss per step (with --continue-eve).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write the suite's figures into the model file's header.
    #[arg(long)]
    pub record: bool,
    #[arg(long, value_enum, default_value = "cpu")]
    pub backend: Backend,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct PadArgs {
    /// Bits in a message, a key and a ciphertext.
    #[arg(long, default_value_t = 16)]
    pub bits: usize,
    /// The most iterations an attempt trains (it stops sooner at a check that finds a
    /// perfect pad).
    #[arg(long, default_value_t = 15_000)]
    pub iterations: usize,
    /// Iterations between two exact checks of the rounded network: training stops at the
    /// first that finds a perfect one-time pad (the end of every attempt is checked too; 0:
    /// only then).
    #[arg(long, default_value_t = anc::nn::pad::DEFAULT_CHECK_EVERY)]
    pub check_every: usize,
    /// Seed of the weights and of every message, key and coin (the first, with --seeds).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fresh starts: when an attempt's --iterations end with no check finding a perfect
    /// pad, start again from new weights, up to this many attempts in all.
    #[arg(long, default_value_t = 4)]
    pub attempts: usize,
    /// Seeds to sweep, from --seed on: a table row each and a summary.
    #[arg(long, default_value_t = 1)]
    pub seeds: u64,
    /// γ in Alice+Bob's loss L_B − γ·min(Err, ½).
    #[arg(long, default_value_t = 7.0)]
    pub gamma: f64,
    /// L2 weight decay on the pad's weights.
    #[arg(long, default_value_t = 0.015)]
    pub weight_decay: f64,
    /// Adam's learning rate, for the pad and its distinguisher.
    #[arg(long, default_value_t = 0.001)]
    pub learning_rate: f64,
    /// Distinguisher steps per Alice+Bob step.
    #[arg(long, default_value_t = 5)]
    pub eve_steps: usize,
    /// Then audit the rounded pad with the attacker suite (each attacker at most this many
    /// steps; 0: no audit).
    #[arg(long, default_value_t = 0)]
    pub audit_steps: usize,
    /// Model file to write the rounded pad to (with its audit, if one was made).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print one JSON line instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    #[arg(long)]
    pub model: PathBuf,
    /// Rows to write.
    #[arg(long, default_value_t = 10_000)]
    pub count: usize,
    /// Seed of the messages and keys.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// CSV file to write.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long)]
    pub model: PathBuf,
    /// JSON file to write.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Timed iterations.
    #[arg(long, default_value_t = 300)]
    pub iterations: usize,
    /// Untimed iterations first.
    #[arg(long, default_value_t = 30)]
    pub warmup: usize,
    /// Backends to measure (default: cpu, and wgpu where built in and an adapter exists).
    #[arg(long, value_enum)]
    pub backend: Vec<Backend>,
    /// Threads sharing each batch (1 or 2; default: 2 on a CPU with 2+ cores).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub threads: Option<u8>,
    /// Also time populations of these sizes (K ciphers in stacked tensors; on a CPU half of
    /// them on each of `--threads`, default both cores) on each backend, as
    /// member-iterations per second: e.g. `--population 1,8,16`.
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u16).range(1..=256))]
    pub population: Vec<u16>,
    #[arg(long)]
    pub json: bool,
}
