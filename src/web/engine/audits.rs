//! Inside an engine worker: the audits of a trained model on the CPU, slice by slice: the
//! attacker suite (fresh attackers against its frozen Alice) and its own Eve trained on.

use std::rc::Rc;

use burn::prelude::*;

use crate::app::engine_protocol::Event;
use crate::nn::any_model::AnyModel;
use crate::nn::attack::{AttackerKind, DistinguishRun, Suite, SuiteConfig, SuiteMember};
use crate::nn::audit::{Audit, AuditConfig, EveStart};
use crate::nn::model_file;
use crate::nn::steps::Steps;
use crate::web::engine::job::{Slice, State, post, run_slices};

/// Trains the attackers `kinds` against the frozen Alice of `model` (either kind of model),
/// one after another, on the CPU, then the distinguisher if asked, posting their progress
/// and then every attacker's result.
pub(super) async fn attack(
    state: Rc<State>,
    model: Vec<u8>,
    kinds: Vec<AttackerKind>,
    distinguisher: bool,
    config: SuiteConfig,
    samples: usize,
) {
    let device = Device::flex().autodiff();
    let saved = match AnyModel::load(&model, &device) {
        Ok(saved) => saved,
        Err(e) => {
            return post(&Event::Failed {
                message: format!("the model to attack did not arrive whole ({e})"),
            });
        }
    };
    let shape = saved.shape();
    let made = Suite::against(|| saved.frozen(&device), &shape, &kinds, config.clone(), samples, &device);
    let mut suite = match made {
        Ok(suite) => suite,
        Err(e) => return post(&Event::Failed { message: e.to_string() }),
    };
    // The distinguisher's work, after the readers'.
    let game = if distinguisher { SuiteMember::Distinguisher.cost() * config.max_steps } else { 0 };
    let attacked = run_slices(
        &state,
        &mut suite,
        async |suite, n| suite.run(n),
        async |suite, slice| {
            if let Slice::Rows(rows, seconds) = slice {
                let current =
                    suite.runs().iter().find(|r| !r.is_done()).map(|r| SuiteMember::Reader(r.kind()));
                let (trained, left) = suite.work();
                post(&Event::AttackRows {
                    rows,
                    current,
                    done: suite.done(),
                    seconds,
                    work: (trained, left + game),
                });
            }
            true
        },
    )
    .await;
    if let Err(e) = attacked {
        return post(&Event::Failed { message: format!("the device failed ({})", e.cause()) });
    }
    let mut result = suite.finish();
    if distinguisher {
        let mut run = DistinguishRun::new(saved.frozen(&device), config, &device);
        let readers = suite.done();
        let (reader_work, _) = suite.work();
        let played = run_slices(
            &state,
            &mut run,
            async |run, n| run.run(n),
            async |run, slice| {
                if let Slice::Rows(_, seconds) = slice {
                    // Its checks are in another unit: only its progress goes to the page.
                    post(&Event::AttackRows {
                        rows: Vec::new(),
                        current: Some(SuiteMember::Distinguisher),
                        done: readers + run.done(),
                        seconds,
                        work: (
                            reader_work + SuiteMember::Distinguisher.cost() * run.done(),
                            SuiteMember::Distinguisher.cost() * (run.total() - run.done()),
                        ),
                    });
                }
                true
            },
        )
        .await;
        if let Err(e) = played {
            return post(&Event::Failed { message: format!("the device failed ({})", e.cause()) });
        }
        result.distinguisher = Some(run.finish(samples));
    }
    post(&Event::Attacked { result });
}

/// Trains the model's own Eve on against its frozen Alice, posting her losses, then scores
/// her (and Bob) on 10,000 fresh messages.
pub(super) async fn continue_eve(state: Rc<State>, model: Vec<u8>, steps: usize) {
    let device = Device::flex().autodiff();
    let saved = match model_file::load(&model, &device) {
        Ok(saved) => saved,
        Err(e) => return post(&Event::Failed { message: format!("the model did not arrive whole ({e})") }),
    };
    let config = AuditConfig::new().with_start(EveStart::Continue).with_steps(steps);
    let mut audit = match Audit::new(&saved.ciphers, &saved.header.config.cipher, config, &device) {
        Ok(audit) => audit,
        Err(e) => return post(&Event::Failed { message: e.to_string() }),
    };
    let trained = run_slices(
        &state,
        &mut audit,
        async |audit, n| audit.run(n),
        async |audit, slice| {
            if let Slice::Rows(rows, seconds) = slice {
                post(&Event::AuditRows { rows, done: audit.done(), seconds });
            }
            true
        },
    )
    .await;
    if let Err(e) = trained {
        return post(&Event::Failed { message: format!("the device failed ({})", e.cause()) });
    }
    post(&Event::Evaluating);
    match audit.evaluate().read_async().await {
        Ok(evaluation) => post(&Event::Audited { evaluation }),
        Err(e) => post(&Event::Failed { message: format!("the device failed ({})", e.cause()) }),
    }
}
