//! `anc sweep --preset pad16` (or `pad8`): the CryptoNet pad over seeds, with its own
//! table and bar — the same run as `anc pad --bits N --seeds S`, whose defaults it takes.

use anyhow::{Result, bail};

use clap::Parser;

use crate::args::{Cli, Command, SweepArgs};

/// The bits of a pad preset's name (`pad8`, `pad16`), if it is one.
pub fn pad_bits(preset: &str) -> Option<usize> {
    preset.strip_prefix("pad")?.parse().ok()
}

/// Sweeps `bits`-bit pads over the sweep's seeds, each audited by the sweep's suite budget;
/// refuses the sweep options that only the write-up's networks take.
pub fn run(args: &SweepArgs, bits: usize) -> Result<()> {
    let c = &args.config;
    // Options with a default are told apart from their defaults by being on the command line.
    let argv: Vec<String> = std::env::args().collect();
    let given = |flag: &str| argv.iter().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
    let suite_only = ["--attackers", "--audit-batch-size", "--bob-bar", "--eve-bar", "--threads"];
    if let Some(flag) = suite_only.into_iter().find(|f| given(f)) {
        bail!(
            "{flag}: not for a pad; a pad sweep takes --seed, --seeds, --audit-steps and --json (the pad's suite is the whole suite, and its bar is the pad's own)"
        );
    }
    let networks_only = [
        (!args.grid.is_empty(), "--grid"),
        (args.shard.is_some(), "--shard"),
        (args.jsonl, "--jsonl"),
        (args.models.is_some(), "--models"),
        (args.population, "--population"),
        (c.bits.is_some(), "--bits (the preset names them)"),
        (c.epochs.is_some() || c.iterations_per_epoch.is_some(), "--epochs and --iterations-per-epoch"),
        (c.batch_size.is_some() || c.optimizer.is_some(), "--batch-size and --optimizer"),
        (c.ab_learning_rate.is_some() || c.eve_learning_rate.is_some(), "the learning rates"),
        (c.ab_steps.is_some() || c.eve_steps.is_some(), "--ab-steps and --eve-steps"),
        (c.final_lr_fraction.is_some() || c.bob_only_iterations.is_some(), "the schedule options"),
        (c.eve_weight.is_some() || c.distinguisher || c.distinguisher_weight.is_some(), "the Eve options"),
        (c.extra_dense || c.ciphertext.is_some(), "the network options"),
    ];
    if let Some((_, name)) = networks_only.iter().find(|(set, _)| *set) {
        bail!(
            "{name}: not for a pad; a pad sweep takes --seed, --seeds, --audit-steps and --json (for the pad's own options, use anc pad --bits {bits} --seeds N)"
        );
    }
    // Parsed as `anc pad` would be, so the pad's own defaults stay in one place.
    let mut argv: Vec<String> = ["anc", "pad"].map(String::from).to_vec();
    for (flag, value) in [
        ("--bits", bits.to_string()),
        ("--seed", c.seed.unwrap_or(1).to_string()),
        ("--seeds", args.seeds.to_string()),
        ("--audit-steps", args.audit_steps.to_string()),
    ] {
        argv.extend([flag.to_string(), value]);
    }
    if args.json {
        argv.push("--json".into());
    }
    match Cli::try_parse_from(argv)?.command {
        Command::Pad(pad) => crate::pad::run(pad),
        _ => unreachable!("parsed as `anc pad`"),
    }
}
