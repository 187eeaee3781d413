//! `anc audit`: freezes a model's Alice and Bob and trains an Eve against them (a fresh
//! one, or the model's own trained on); optionally records the fresh-Eve figure in the file.

use anc::nn::model_file;
use anc::{AuditConfig, EveStart};
use anyhow::Result;
use serde_json::json;

use crate::args::AuditArgs;
use crate::common::{csv_writer, device, read_model, run_audit, write};

pub fn run(args: AuditArgs) -> Result<()> {
    let device = device(args.backend)?;
    let mut model = read_model(&args.model, &device)?;
    let start = if args.continue_eve { EveStart::Continue } else { EveStart::Fresh };
    let audit_config = AuditConfig::new()
        .with_start(start)
        .with_steps(args.steps)
        .with_batch_size(args.batch_size)
        .with_optimizer(args.optimizer)
        .with_learning_rate(args.lr)
        .with_seed(args.seed);
    let mut csv = csv_writer(args.csv.as_deref(), &["step", "eve_loss"])?;
    let (e, last_loss) =
        run_audit(&model.ciphers, &model.header.config, audit_config, &device, args.json, csv.as_mut())?;
    if let Some(mut w) = csv {
        w.flush()?;
    }
    let prefix = if args.continue_eve { "continued_eve" } else { "fresh_eve" };
    if args.record && !args.continue_eve {
        model.header.record_audit(&e, args.steps);
        write(&args.model, &model_file::save(&model.header, &model.ciphers))?;
    }
    let bits = model.header.config.cipher.bits;
    if args.json {
        let line = json!({
            "steps": args.steps,
            format!("{prefix}_bit_errors"): e.eve.bit_errors,
            format!("{prefix}_correct_pct"): e.eve.correct_pct,
            format!("{prefix}_bit_error_rates"): e.eve.bit_error_rates,
            "final_eve_loss": last_loss,
            "bob_correct_pct": e.bob.correct_pct,
        });
        println!("{line}");
    } else {
        let who = if args.continue_eve { "The model's own Eve, trained on" } else { "A fresh Eve" };
        println!("{who} for {} steps against the frozen cipher:", args.steps);
        println!(
            "  {:.3} bits wrong of {bits}, {:.2} % of messages fully read",
            e.eve.bit_errors, e.eve.correct_pct
        );
        println!("  (guessing: {} bits wrong). Bob: {:.2} % correct.", bits / 2, e.bob.correct_pct);
    }
    Ok(())
}
