//! Inside an engine worker: a CryptoNet pad trained on the CPU slice by slice, its losses
//! and weights streamed (the page draws `W` settling), then rounded and read.

use std::rc::Rc;

use burn::prelude::*;

use crate::app::engine_protocol::Event;
use crate::app::unposted::Unposted;
use crate::nn::metrics::IterationLosses;
use crate::nn::pad::{PadConfig, PadTrainer};
use crate::nn::pending::Pending;
use crate::nn::steps::Steps;
use crate::web::engine::job::{REPORT_MS, Slice, State, post, run_slices};

/// Trains a pad of `config`, posting its losses and weights, then the rounded pad.
pub(super) async fn train_pad(state: Rc<State>, config: PadConfig) {
    if let Err(message) = config.validate() {
        return post(&Event::Failed { message });
    }
    let device = Device::flex().autodiff();
    let mut trainer = PadTrainer::new(config, &device);
    let mut unposted = Unposted::every(REPORT_MS);
    let trained = run_slices(
        &state,
        &mut trainer,
        async |trainer, n| trainer.run(n),
        async |trainer, slice| {
            match slice {
                // The page shows where it stopped.
                Slice::Paused => post_rows(&mut unposted, trainer).await,
                Slice::Rows(rows, seconds) => {
                    unposted.add(rows, seconds);
                    if unposted.due() || trainer.is_done() {
                        post_rows(&mut unposted, trainer).await;
                    }
                }
            }
            true
        },
    )
    .await;
    if let Err(e) = trained {
        return post(&Event::Failed { message: format!("the device failed while training ({})", e.cause()) });
    }
    post(&Event::Evaluating);
    match trainer.trained().read_async().await {
        Ok(pad) => post(&Event::PadTrained { pad }),
        Err(e) => post(&Event::Failed {
            message: format!("the device failed while reading the pad ({})", e.cause()),
        }),
    }
}

/// Posts the rows kept in `unposted` (if any) with the pad's weights as they are now.
async fn post_rows(unposted: &mut Unposted<IterationLosses>, trainer: &PadTrainer) {
    let Some((rows, seconds)) = unposted.take() else { return };
    let Ok(weights) = Pending::floats(trainer.net().weight.val()).read_async().await else { return };
    post(&Event::PadRows { rows, weights, done: trainer.done(), seconds });
}
