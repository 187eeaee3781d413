//! `anc`: the learning core on the command line — train, evaluate, audit, export, bench.

mod args;
mod bench;
mod commands;
mod sweep;

use std::process::ExitCode;

use clap::Parser;

// mimalloc keeps the trainer's ~100 KB activation buffers in its pools instead of
// mapping and unmapping them on every op as glibc's malloc does (`../shared/notes/burn.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
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
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
