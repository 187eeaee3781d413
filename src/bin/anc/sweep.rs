//! `anc sweep`: one preset trained over many seeds (and over a grid of option values, or
//! one shard of those jobs); each cipher audited by the attacker suite (its attackers side
//! by side on the cores), the best attacker counting. A pad preset (`pad16`) sweeps the
//! CryptoNet pad instead (`pads.rs`).

mod grid;
pub mod lines;
mod pads;
mod table;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::time::Instant;

use anc::nn::attack::{AttackerKind, SuiteConfig, SuiteResult};
use anc::nn::config::names;
use anc::nn::evaluation::EVALUATION_SAMPLES;
use anc::nn::inference::Cipher;
use anc::nn::model_file::{self, ModelHeader};
use anc::nn::population::{Population, default_threads};
use anc::nn::seeds;
use anc::{Evaluation, IterationLosses, Networks, TrainingConfig, evaluate};
use anyhow::{Result, anyhow, bail};
use burn::prelude::Device;
use clap::{Args, Parser};
use grid::{Grid, Point, Shard, jobs};
use lines::{OVERVIEW_HEADER, Origin, SweepLine, SweepSettings, merge, overview_row, point_heading};
use table::{Bar, SeedResult, Summary, TABLE_HEADER, table_row};

use crate::args::{Backend, Cli, Command, ConfigArgs, SweepArgs, SweepCommand};
use crate::common::{SLICE, build_config, device, losses_message, progress, run_to_end, trainer, write};
use crate::suite::{SuitePlan, cores, frozen_alice, run_suite};

pub fn run(args: SweepArgs) -> Result<()> {
    if let Some(SweepCommand::Merge(merge_args)) = args.command {
        return crate::merge::run(merge_args);
    }
    if let Some(bits) = pads::pad_bits(&args.config.preset) {
        return pads::run(&args, bits);
    }
    SuiteConfig::new().with_max_steps(args.audit_steps).with_batch_size(args.audit_batch_size).validate()?;
    if args.attackers.is_empty() {
        bail!("--attackers needs at least one of {}", names(&AttackerKind::ALL, AttackerKind::name));
    }
    let grid = Grid::parse(&args.grid)?;
    let argv: Vec<String> = std::env::args().collect();
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    let lines = shard.is_some() || args.jsonl;
    let base = build_config(&args.config)?;
    // Every point's options are checked before anything trains.
    let configs = grid
        .points()
        .into_iter()
        .map(|point| Ok((config_at(&argv, &point)?, point)))
        .collect::<Result<Vec<(TrainingConfig, Point)>>>()?;
    for (i, (config, point)) in configs.iter().enumerate() {
        if let Some((_, same)) = configs[..i].iter().find(|(other, _)| other == config) {
            bail!(
                "--grid: {same} and {point} train with the same options (the preset may already set one of them)"
            );
        }
    }
    let settings = SweepSettings {
        preset: base.preset.name().to_string(),
        first_seed: base.seed,
        seeds: args.seeds,
        grid: grid.axes.clone(),
        audit_steps: args.audit_steps,
        audit_batch_size: args.audit_batch_size,
        attackers: args.attackers.clone(),
        bar: Bar { bob_correct_pct: args.bob_bar, fresh_eve_bit_errors: args.eve_bar },
    };
    if let Some(dir) = &args.models {
        std::fs::create_dir_all(dir).map_err(|e| anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    let device = device(Backend::Cpu)?;
    let all = jobs(&grid, base.seed, args.seeds);
    let total = all.len();
    let mine = shard.unwrap_or(Shard::ALL).take(all);
    let text = !lines && !args.json;
    if text {
        println!(
            "{}: {} seeds from {}{}, {} iterations each; attackers ({}) trained up to {} steps of {} messages",
            base.preset,
            args.seeds,
            base.seed,
            if grid.axes.is_empty() {
                String::new()
            } else {
                format!(" at each of {} points", configs.len())
            },
            base.total_iterations(),
            names(&args.attackers, AttackerKind::name),
            args.audit_steps,
            args.audit_batch_size,
        );
    }
    if let Some(shard) = shard {
        eprintln!("shard {}/{}: {} of the sweep's {total} jobs", shard.index, shard.count, mine.len());
    }
    let mut done: Vec<(Origin, SweepLine)> = Vec::new();
    // With --population: each point's seeds, trained together when the point starts.
    let mut trained: std::collections::VecDeque<(Networks, f64)> = Default::default();
    for (n, job) in mine.iter().enumerate() {
        let (point_config, _) =
            configs.iter().find(|(_, p)| *p == job.point).expect("every job's point is on the grid");
        let config = TrainingConfig { seed: job.seed, ..point_config.clone() };
        let starts_point = n == 0 || mine[n - 1].point != job.point;
        if text && starts_point {
            if let Some(heading) = point_heading(&job.point) {
                println!("{heading}");
            }
            println!("{TABLE_HEADER}");
        }
        if args.population && starts_point {
            let seeds: Vec<u64> =
                mine[n..].iter().take_while(|j| j.point == job.point).map(|j| j.seed).collect();
            let threads = args.threads.map_or_else(|| default_threads(&device), usize::from);
            trained = train_population(&config, &seeds, &device, threads, args.json)?.into();
        }
        let (ciphers, train_seconds) = match trained.pop_front() {
            Some(member) => member,
            None => train_one(&args, config.clone(), &device)?,
        };
        let result = judge(&args, &job.point, &config, &ciphers, train_seconds, &device)?;
        let line = SweepLine { sweep: settings.clone(), point: job.point.clone(), config, result };
        if lines {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", serde_json::to_string(&line)?)?;
            out.flush()?;
        } else if text {
            println!("{}", table_row(&line.result));
        }
        done.push((Origin { file: "this sweep".into(), line: n + 1 }, line));
        let ends_point = mine.get(n + 1).is_none_or(|next| next.point != job.point);
        if text && ends_point {
            let results: Vec<SeedResult> =
                done.iter().filter(|(_, l)| l.point == job.point).map(|(_, l)| l.result.clone()).collect();
            println!("{}", Summary::of(&results, settings.bar));
        }
    }
    if lines {
        return Ok(());
    }
    let merged = merge(done)?;
    if args.json {
        println!("{}", serde_json::to_string(&merged)?);
    } else if merged.points.len() > 1 {
        println!("\n{OVERVIEW_HEADER}");
        for point in &merged.points {
            println!("{}", overview_row(point));
        }
    }
    Ok(())
}

/// A point's training options: the sweep's own command line `argv` with the point's values
/// typed after it (a later value wins), so every option of `anc train` can vary, checked
/// by the same parser.
fn config_at(argv: &[String], point: &Point) -> Result<TrainingConfig> {
    let training = ConfigArgs::augment_args(clap::Command::new("training options"));
    let mut argv = argv.to_vec();
    for (option, value) in &point.0 {
        let arg =
            training.get_arguments().find(|a| a.get_long() == Some(option.as_str())).ok_or_else(|| {
                anyhow!("--grid {option}: no training option --{option} (see `anc sweep --help`)")
            })?;
        if arg.get_action().takes_values() {
            argv.push(format!("--{option}={value}"));
            continue;
        }
        // A switch: true turns it on; false leaves it off, which the switch given outside the
        // grid would contradict.
        match value.as_str() {
            "true" => argv.push(format!("--{option}")),
            "false" if argv.contains(&format!("--{option}")) => {
                bail!("--grid {option}=false contradicts --{option} given outside the grid")
            }
            "false" => {}
            other => bail!("--grid {option}: a switch takes true or false, not {other:?}"),
        }
    }
    let cli = Cli::try_parse_from(&argv).map_err(|e| {
        let text = e.to_string();
        anyhow!(
            "--grid at {point}: {}",
            text.lines().next().unwrap_or("invalid value").trim_start_matches("error: ")
        )
    })?;
    let Command::Sweep(args) = cli.command else { unreachable!("the same command line, a sweep") };
    build_config(&args.config).map_err(|e| anyhow!("--grid at {point}: {e:#}"))
}

/// Trains one seed of a point: its networks and the seconds it took.
fn train_one(args: &SweepArgs, config: TrainingConfig, device: &Device) -> Result<(Networks, f64)> {
    let started = Instant::now();
    let mut trainer = trainer(config.clone(), device, args.threads)?;
    let bar = progress(config.total_iterations(), args.json);
    run_to_end(&mut trainer, SLICE, &bar, losses_message, |_| Ok(()))?;
    Ok((trainer.into_networks(), started.elapsed().as_secs_f64()))
}

/// Trains `seeds` of a point's `config` as one population: each member's networks, and the
/// population's seconds shared equally among them.
fn train_population(
    config: &TrainingConfig,
    seeds: &[u64],
    device: &Device,
    threads: usize,
    quiet: bool,
) -> Result<Vec<(Networks, f64)>> {
    let started = Instant::now();
    let mut population = Population::with_threads(config, seeds, device, threads)?;
    let bar = progress(config.total_iterations(), quiet);
    let message = |members: &Vec<IterationLosses>| {
        let bob = members.iter().map(|l| l.bob).fold(f32::INFINITY, f32::min);
        format!("{} ciphers at once; best Bob {bob:.3}", members.len())
    };
    run_to_end(&mut population, SLICE, &bar, message, |_| Ok(()))?;
    let seconds = started.elapsed().as_secs_f64() / seeds.len() as f64;
    Ok((0..seeds.len()).map(|k| (population.member(k), seconds)).collect())
}

/// Evaluates a point's trained seed, audits it with every attacker; keeps the model if asked.
fn judge(
    args: &SweepArgs,
    point: &Point,
    config: &TrainingConfig,
    ciphers: &Networks,
    train_seconds: f64,
    device: &Device,
) -> Result<SeedResult> {
    let cipher = Cipher::new(ciphers, device);
    let trained = evaluate(&cipher, EVALUATION_SAMPLES, seeds::held_out(config.seed)).read()?;

    let started = Instant::now();
    let suite_config = SuiteConfig::new()
        .with_max_steps(args.audit_steps)
        .with_batch_size(args.audit_batch_size)
        .with_seed(seeds::audit_after_training(config.seed));
    let cipher = frozen_alice(ciphers);
    // The sweep's table counts readers' bits wrong; the distinguisher plays in `anc audit`.
    let plan =
        SuitePlan { cipher: &cipher, shape: &config.cipher, kinds: &args.attackers, distinguisher: false };
    let suite = run_suite(&plan, &suite_config, cores(), true)?;
    let audit_seconds = started.elapsed().as_secs_f64();
    let best = suite.best();
    if let Some(dir) = &args.models {
        keep_model(dir, point, config, ciphers, &trained, &suite)?;
    }
    Ok(SeedResult {
        seed: config.seed,
        bob_correct_pct: trained.bob.correct_pct,
        trained_eve_bit_errors: trained.eve.bit_errors,
        fresh_eve_bit_errors: best.score.bit_errors,
        best_attacker: best.attacker,
        train_seconds,
        audit_seconds,
    })
}

fn keep_model(
    dir: &std::path::Path,
    point: &Point,
    config: &TrainingConfig,
    ciphers: &Networks,
    trained: &Evaluation,
    suite: &SuiteResult,
) -> Result<()> {
    let mut header = ModelHeader::trained(config.clone(), Some(trained.bob.correct_pct));
    header.record_suite(suite);
    // `<preset>-seed<S>.bin`, or `<preset>-<point>-seed<S>.bin` on a grid.
    let point = if point.0.is_empty() { String::new() } else { format!("-{}", point.slug()) };
    write(
        &dir.join(format!("{}{point}-seed{}.bin", config.preset, config.seed)),
        &model_file::save(&header, ciphers),
    )
}
