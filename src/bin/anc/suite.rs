//! The attacker suite on the command line: every attacker (the readers of
//! [`AttackerKind`] and the distinguisher) against a frozen cipher, side by side on the
//! machine's cores, and the suite's figures as text or JSON.

use std::sync::Mutex;

use anc::Networks;
use anc::nn::attack::{
    AttackRow, AttackRun, AttackerKind, DistinguishRow, DistinguishRun, Encrypt, FrozenAlice, SuiteConfig,
    SuiteResult, deal_with_distinguisher,
};
use anc::nn::evaluation::EVALUATION_SAMPLES;
use anc::nn::model::CipherConfig;
use anc::nn::replicas::replicate;
use anyhow::Result;
use burn::prelude::Device;
use indicatif::{MultiProgress, ProgressDrawTarget};
use serde_json::json;

use crate::common::{SLICE, progress, run_to_end};

/// Makes a thread's own copy of the frozen cipher on its device.
pub type MakeCipher<'a> = &'a (dyn Fn(&Device) -> Box<dyn Encrypt> + Sync);

/// What the suite attacks and with whom.
pub struct SuitePlan<'a> {
    /// Each attacker's copy of the cipher.
    pub cipher: MakeCipher<'a>,
    /// The cipher's config (the attackers of Eve's own shape take it).
    pub shape: &'a CipherConfig,
    /// The readers to train.
    pub kinds: &'a [AttackerKind],
    /// Whether the distinguisher plays too.
    pub distinguisher: bool,
}

/// One member of a thread's share of the suite.
#[derive(Clone, Copy)]
enum Member {
    Reader(AttackerKind),
    Distinguisher,
}

/// `networks`' frozen Alice, one copy per thread.
pub fn frozen_alice(networks: &Networks) -> impl Fn(&Device) -> Box<dyn Encrypt> + Sync + '_ {
    move |device| Box::new(FrozenAlice::new(&replicate(networks), device))
}

/// The lanes of `plan` on `threads` threads ([`deal_with_distinguisher`]).
fn lanes(plan: &SuitePlan, threads: usize) -> Vec<Vec<Member>> {
    let members = plan.kinds.len() + usize::from(plan.distinguisher);
    deal_with_distinguisher(plan.kinds, plan.distinguisher, threads.clamp(1, members.max(1)))
        .into_iter()
        .map(|(readers, distinguisher)| {
            let mut lane: Vec<Member> = readers.into_iter().map(Member::Reader).collect();
            if distinguisher {
                lane.push(Member::Distinguisher);
            }
            lane
        })
        .collect()
}

/// Runs the suite of `plan` side by side on `threads` threads, each attacker with its own
/// progress bar (hidden when `quiet`).
pub fn run_suite(plan: &SuitePlan, config: &SuiteConfig, threads: usize, quiet: bool) -> Result<SuiteResult> {
    config.validate()?;
    let bars = if quiet {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    } else {
        MultiProgress::new()
    };
    let results = Mutex::new(SuiteResult { attackers: Vec::new(), distinguisher: None });
    std::thread::scope(|scope| -> Result<()> {
        let workers: Vec<_> = lanes(plan, threads)
            .into_iter()
            .map(|lane| {
                let (bars, results) = (&bars, &results);
                scope.spawn(move || -> Result<()> {
                    let device = Device::flex().autodiff();
                    for member in lane {
                        let bar = bars.add(progress(config.max_steps, quiet));
                        let cipher = (plan.cipher)(&device);
                        match member {
                            Member::Reader(kind) => {
                                let mut run =
                                    AttackRun::new(kind, cipher, plan.shape, config.clone(), &device);
                                let message = |r: &AttackRow| {
                                    let name = r.attacker.name();
                                    format!("{name:<18} held-out {:.2} bits wrong", r.held_out_bits_wrong)
                                };
                                run_to_end(&mut run, SLICE * 4, &bar, message, |_| Ok(()))?;
                                let result = run.finish(EVALUATION_SAMPLES);
                                results.lock().expect("the results").attackers.push(result);
                            }
                            Member::Distinguisher => {
                                let mut run = DistinguishRun::new(cipher, config.clone(), &device);
                                let message = |r: &DistinguishRow| {
                                    format!(
                                        "distinguisher      held-out {:.1} % right",
                                        r.held_out_accuracy_pct
                                    )
                                };
                                run_to_end(&mut run, SLICE * 4, &bar, message, |_| Ok(()))?;
                                let result = run.finish(EVALUATION_SAMPLES);
                                results.lock().expect("the results").distinguisher = Some(result);
                            }
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("an attacker thread")?;
        }
        Ok(())
    })?;
    let mut suite = results.into_inner().expect("the results");
    // In the suite's order (`AttackerKind::ALL`), whatever order they were asked for.
    suite.attackers.sort_by_key(|r| r.attacker);
    Ok(suite)
}

/// The cores of this machine (attackers train side by side on them).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The suite's results as text: one row per reader, the best reader, then the distinguisher.
pub fn print_suite(suite: &SuiteResult, bits: usize) {
    println!("| attacker | bits wrong of {bits} | messages read whole | steps (best at) | seconds |");
    println!("|---|---:|---:|---:|---:|");
    for a in &suite.attackers {
        println!(
            "| {} | {:.2} | {:.2} % | {} ({}) | {:.1} |",
            a.attacker.label(),
            a.score.bit_errors,
            a.score.correct_pct,
            a.steps,
            a.steps_at_best,
            a.seconds
        );
    }
    if !suite.attackers.is_empty() {
        let best = suite.best();
        println!(
            "best attacker: {} — {:.2} bits wrong of {bits} (guessing: {}), {:.2} % of messages read whole",
            best.attacker.label(),
            best.score.bit_errors,
            bits / 2,
            best.score.correct_pct
        );
    }
    if let Some(d) = &suite.distinguisher {
        println!(
            "distinguisher (two messages, which one was sent?): right in {:.2} % of {} fresh rounds (a coin flip: 50 %), {} steps (best at {}), {:.1} s",
            d.accuracy_pct, d.rounds, d.steps, d.steps_at_best, d.seconds
        );
    }
}

/// The suite's results as JSON: every reader, and the distinguisher.
pub fn suite_json(suite: &SuiteResult) -> serde_json::Value {
    let rows: Vec<_> = suite
        .attackers
        .iter()
        .map(|a| {
            json!({
                "attacker": a.attacker.name(), "bit_errors": a.score.bit_errors,
                "correct_pct": a.score.correct_pct, "bit_error_rates": a.score.bit_error_rates,
                "steps": a.steps, "steps_at_best": a.steps_at_best, "seconds": a.seconds,
            })
        })
        .collect();
    json!(rows)
}

/// The distinguisher's result as JSON (null when it did not play).
pub fn distinguisher_json(suite: &SuiteResult) -> serde_json::Value {
    json!(suite.distinguisher)
}
