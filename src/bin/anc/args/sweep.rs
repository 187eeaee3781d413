//! The flags of `anc sweep` and `anc sweep merge`.

use std::path::PathBuf;

use anc::nn::attack::AttackerKind;
use clap::{Args, Subcommand};

use super::{ConfigArgs, attacker};

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, args_override_self = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    pub command: Option<SweepCommand>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Also vary a training option over values, `option=value,value,...` (e.g.
    /// eve-weight=4,8,16; a switch takes true,false); repeat for a grid of every combination.
    #[arg(long, value_name = "OPTION=VALUES")]
    pub grid: Vec<String>,
    /// Run only this machine's share of the jobs (points × seeds), `I/N` with I from 0 to N−1,
    /// and write each finished job as one JSON line (join the shards with `anc sweep merge`).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write each finished job as one JSON line, as a shard does (for the whole sweep).
    #[arg(long)]
    pub jsonl: bool,
    /// How many seeds to train, counting up from the preset's seed (or --seed).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub seeds: u64,
    /// The most steps each attacker of the audit suite trains.
    #[arg(long, default_value_t = 20_000)]
    pub audit_steps: usize,
    /// Messages per audit step.
    #[arg(long, default_value_t = 512)]
    pub audit_batch_size: usize,
    /// Attackers of the suite (default: all; the best one counts).
    #[arg(long, value_parser = attacker(), value_delimiter = ',', default_values_t = AttackerKind::ALL)]
    pub attackers: Vec<AttackerKind>,
    /// Least Bob % correct a cipher must reach to count in the summary.
    #[arg(long, default_value_t = 99.9)]
    pub bob_bar: f64,
    /// Least bits wrong the best attacker must leave for a cipher to count in the summary.
    #[arg(long, default_value_t = 7.0)]
    pub eve_bar: f64,
    /// Folder to keep each seed's model in (`<preset>-seed<S>.bin`, audit figure recorded).
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Threads sharing each training batch (1 or 2; default: 2 on a CPU with 2+ cores).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub threads: Option<u8>,
    /// Train each point's seeds (this shard's share of them) as one population: stacked
    /// tensors, one optimiser, each member as its own single run within float tolerance.
    /// Only the write-up's training and the presets' schedule options.
    #[arg(long)]
    pub population: bool,
    /// Print one JSON line instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum SweepCommand {
    /// Join the JSON lines of a sweep's shards into its tables and summaries.
    Merge(MergeArgs),
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shards' JSON-lines files (`-` reads standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON object instead of the tables.
    #[arg(long)]
    pub json: bool,
}
