//! `anc bench`: training iterations per second of a preset on each available backend.

use std::time::Instant;

use anyhow::Result;
use burn::prelude::Device;
use serde_json::json;

use crate::args::{Backend, BenchArgs};
use anc::nn::population::{Population, default_threads};
use anc::nn::steps::Steps;

use crate::common::{SLICE, build_config, device, trainer};

/// Iterations per second of `iterations` timed iterations after `warmup` untimed ones.
/// The losses are read back once per timed run, as the page and `anc train` do per slice.
fn measure(args: &BenchArgs, device: &Device, threads: Option<u8>) -> Result<f64> {
    let config = timed_config(args)?;
    let trainer = trainer(config, device, threads)?;
    time_steps(args, trainer)
}

/// The configuration timed: the warm-up and timed iterations as one epoch.
fn timed_config(args: &BenchArgs) -> Result<anc::TrainingConfig> {
    let mut config = build_config(&args.config)?;
    config.epochs = 1;
    config.iterations_per_epoch = args.warmup + args.iterations;
    // Times the schedule's ordinary iterations: a Bob-only tail would not fit the short
    // run (and is refused when as long as it).
    config.bob_only_iterations = None;
    Ok(config)
}

/// Steps per second of `args.iterations` steps of `work` after `args.warmup` untimed ones,
/// read back a slice at a time.
fn time_steps(args: &BenchArgs, mut work: impl Steps) -> Result<f64> {
    work.run(args.warmup).read()?;
    let start = Instant::now();
    let mut done = 0;
    while done < args.iterations {
        let n = (args.iterations - done).min(SLICE);
        done += work.run(n).read()?.len();
    }
    Ok(args.iterations as f64 / start.elapsed().as_secs_f64())
}

/// Member-iterations per second of a population of `members` (seeds 1..=members) on
/// `--threads` threads (default: both cores on a CPU).
fn measure_population(args: &BenchArgs, device: &Device, members: u16) -> Result<f64> {
    let config = timed_config(args)?;
    let seeds: Vec<u64> = (1..=u64::from(members)).collect();
    let threads = args.threads.map_or_else(|| default_threads(device), usize::from);
    let population = Population::with_threads(&config, &seeds, device, threads)?;
    Ok(time_steps(args, population)? * f64::from(members))
}

pub fn run(args: BenchArgs) -> Result<()> {
    let config = build_config(&args.config)?;
    let explicit = !args.backend.is_empty();
    let backends = if explicit { args.backend.clone() } else { vec![Backend::Cpu, Backend::Wgpu] };
    let mut results = serde_json::Map::new();
    for backend in backends {
        let key = match backend {
            Backend::Cpu => "iterations_per_s",
            Backend::Wgpu => "wgpu_iterations_per_s",
        };
        // One device per backend for every measurement (wgpu initialises once per process).
        match device(backend).and_then(|device| Ok((measure(&args, &device, args.threads)?, device))) {
            Ok((rate, device)) => {
                for &members in &args.population {
                    let key = match backend {
                        Backend::Cpu => format!("population_{members}_member_iterations_per_s"),
                        Backend::Wgpu => format!("wgpu_population_{members}_member_iterations_per_s"),
                    };
                    results.insert(key, json!(measure_population(&args, &device, members)?));
                }
                results.insert(key.into(), json!(rate));
                // On the CPU, also the one-thread figure, to show what the second core adds.
                if backend == Backend::Cpu && args.threads.is_none() {
                    results.insert(
                        "single_thread_iterations_per_s".into(),
                        json!(measure(&args, &device, Some(1))?),
                    );
                }
            }
            Err(e) if !explicit && backend == Backend::Wgpu => {
                results.insert("wgpu_skipped".into(), json!(e.to_string()));
            }
            Err(e) => return Err(e),
        }
    }
    if args.json {
        let mut line = json!({
            "preset": config.preset.name(), "batch_size": config.batch_size,
            "iterations": args.iterations, "warmup": args.warmup,
        });
        line.as_object_mut().expect("an object").extend(results);
        println!("{line}");
    } else {
        println!(
            "{} batch {}: {} timed iterations after {} warm-up",
            config.preset, config.batch_size, args.iterations, args.warmup
        );
        for (k, v) in results {
            println!("  {k}: {v}");
        }
    }
    Ok(())
}
