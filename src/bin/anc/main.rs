//! `anc`: the learning core on the command line — train, evaluate, audit, export, sample,
//! bench, sweep (and merge its shards). One file per subcommand over the helpers of `common`.

mod args;
mod audit;
mod bench;
mod common;
mod eval;
mod export;
mod merge;
mod pad;
mod sample;
mod suite;
mod sweep;
mod train;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

// mimalloc keeps the trainer's ~100 KB activation buffers in its pools instead of
// mapping and unmapping them on every op as glibc's malloc does (`../shared/notes/burn.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("{first} (see `anc --help`)");
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command {
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Audit(args) => audit::run(args),
        Command::ExportJson(args) => export::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Pad(args) => pad::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Sweep(args) => sweep::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
