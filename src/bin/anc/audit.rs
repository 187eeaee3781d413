//! `anc audit`: freezes a model's Alice and trains the attacker suite against her (the
//! best attacker counts), or, with `--continue-eve`, keeps training the model's own Eve;
//! `--record` writes the suite's figures into the model file.

use anc::nn::attack::SuiteConfig;
use anc::nn::model_file::SavedModel;
use anc::{AuditConfig, EveStart, OptimizerKind};
use anyhow::{Result, bail};
use burn::prelude::Device;
use serde_json::json;

use crate::args::AuditArgs;
use crate::common::{csv_writer, device, read_any, read_model, run_audit, write};
use crate::suite::{SuitePlan, cores, distinguisher_json, print_suite, run_suite, suite_json};

pub fn run(args: AuditArgs) -> Result<()> {
    if args.continue_eve {
        return continue_eve(args);
    }
    if args.optimizer.is_some() || args.lr.is_some() || args.csv.is_some() {
        bail!("--optimizer, --lr and --csv are for --continue-eve: each attacker of the suite has its own");
    }
    if args.attackers.is_empty() {
        bail!("--attackers needs at least one attacker");
    }
    let mut model = read_any(&args.model, &Device::flex().autodiff())?;
    let config = SuiteConfig::new()
        .with_max_steps(args.steps)
        .with_batch_size(args.batch_size)
        .with_check_every(args.check_every)
        .with_patience(args.patience)
        .with_seed(args.seed);
    let started = std::time::Instant::now();
    let threads = args.threads.unwrap_or_else(cores);
    let cipher = |device: &Device| model.frozen(device);
    let shape = model.shape();
    let plan = SuitePlan {
        cipher: &cipher,
        shape: &shape,
        kinds: &args.attackers,
        distinguisher: !args.no_distinguisher,
    };
    let suite = run_suite(&plan, &config, threads, args.json)?;
    let seconds = started.elapsed().as_secs_f64();
    if args.record {
        model.record_suite(&suite);
        write(&args.model, &model.save())?;
    }
    let bits = model.bits();
    let best = suite.best();
    if args.json {
        let line = json!({
            "max_steps": args.steps,
            "fresh_eve_bit_errors": best.score.bit_errors,
            "fresh_eve_correct_pct": best.score.correct_pct,
            "fresh_eve_bit_error_rates": best.score.bit_error_rates,
            "best_attacker": best.attacker.name(),
            "attackers": suite_json(&suite),
            "distinguisher": distinguisher_json(&suite),
            "seconds": seconds,
        });
        println!("{line}");
    } else {
        println!(
            "{} attackers trained against the frozen Alice (each at most {} steps; {seconds:.0} s on {threads} thread(s)):",
            suite.attackers.len() + usize::from(suite.distinguisher.is_some()),
            args.steps
        );
        print_suite(&suite, bits);
    }
    Ok(())
}

/// The model's own Eve trained on against the frozen cipher (the write-up's Figure 3).
fn continue_eve(args: AuditArgs) -> Result<()> {
    let device = device(args.backend)?;
    let model: SavedModel = read_model(&args.model, &device)?;
    let audit_config = AuditConfig::new()
        .with_start(EveStart::Continue)
        .with_steps(args.steps)
        .with_batch_size(args.batch_size)
        .with_optimizer(args.optimizer.unwrap_or(OptimizerKind::RmsProp))
        .with_learning_rate(args.lr.unwrap_or(0.001))
        .with_seed(args.seed);
    let mut csv = csv_writer(args.csv.as_deref(), &["step", "eve_loss"])?;
    let (e, last_loss) =
        run_audit(&model.ciphers, &model.header.config, audit_config, &device, args.json, csv.as_mut())?;
    if let Some(mut w) = csv {
        w.flush()?;
    }
    let bits = model.header.config.cipher.bits;
    if args.json {
        let line = json!({
            "steps": args.steps,
            "continued_eve_bit_errors": e.eve.bit_errors,
            "continued_eve_correct_pct": e.eve.correct_pct,
            "continued_eve_bit_error_rates": e.eve.bit_error_rates,
            "final_eve_loss": last_loss,
            "bob_correct_pct": e.bob.correct_pct,
        });
        println!("{line}");
    } else {
        println!("The model's own Eve, trained on for {} steps against the frozen cipher:", args.steps);
        println!(
            "  {:.3} bits wrong of {bits}, {:.2} % of messages fully read",
            e.eve.bit_errors, e.eve.correct_pct
        );
        println!("  (guessing: {} bits wrong). Bob: {:.2} % correct.", bits / 2, e.bob.correct_pct);
    }
    Ok(())
}
