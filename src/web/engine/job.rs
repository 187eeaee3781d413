//! Inside an engine worker: what every job shares — the worker's state between commands,
//! posting events to the page, and the one slice loop that training, the attacker suite,
//! the continued Eve, the population and the backend measurement all run on.

use std::cell::{Cell, RefCell};

use burn::prelude::*;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use web_time::Instant;

use crate::app::engine_protocol::Event;
use crate::nn::pending::{Pending, ReadError};
use crate::nn::steps::Steps;
use crate::web::backend::NoWebGpu;
use crate::web::browser::yields::yield_now;
use crate::web::job::REDRAW_MS;
use crate::web::slices::next_slice;

/// Target time of one slice of work in a worker: short enough to answer a pause and
/// stream rows, long enough that the messages cost little.
const SLICE_MS: f64 = 100.0;
/// The most steps in one slice.
const SLICE_MAX: u64 = 512;
/// A worker posts a job's rows at most this often ([`crate::app::unposted::Unposted`]): as
/// often as the page redraws. The page's work per post runs on a thread that competes with
/// the workers for the cores.
pub(super) const REPORT_MS: f64 = REDRAW_MS;

/// What one worker keeps between commands.
#[derive(Default)]
pub(super) struct State {
    pub(super) paused: Cell<bool>,
    /// The page asked the job to end now and keep what it has ([`Command::Stop`]).
    ///
    /// [`Command::Stop`]: crate::app::engine_protocol::Command::Stop
    pub(super) stop: Cell<bool>,
    /// The message and key the page watches, read after every slice of training.
    pub(super) watch: RefCell<Option<(Vec<f32>, Vec<f32>)>>,
    /// burn's WebGPU runtime opens once per wasm instance: its outcome is kept.
    pub(super) webgpu: RefCell<Option<Result<Device, NoWebGpu>>>,
}

impl State {
    /// Resolves once the page has not paused this worker, or has asked it to stop (at once
    /// if neither).
    async fn unpaused(&self) {
        while self.paused.get() && !self.stop.get() {
            TimeoutFuture::new(50).await;
        }
    }
}

/// Posts an event to the page.
pub(super) fn post(event: &Event) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&event.to_json().into());
}

/// What a job's slice loop tells the job.
pub(super) enum Slice<R> {
    /// A slice's rows, read back, and the seconds it took.
    Rows(Vec<R>, f64),
    /// The page paused the worker (the job may post what it holds, so the page shows where
    /// it stopped); the loop waits until it resumes.
    Paused,
}

/// Runs `work` a slice at a time until it is done or `on_slice` returns `false`: `run(work,
/// n)` starts up to `n` steps, their rows are read back asynchronously and handed to
/// `on_slice` with the slice's seconds, the next slice is sized to take about [`SLICE_MS`],
/// and the loop yields so that a pause or another command gets in. On a pause `on_slice` is
/// told first (its answer is not asked for: the loop waits until the page resumes). A stop
/// ends the loop at the next slice, as if the work were done. Fails with the device's error
/// if a read-back fails.
pub(super) async fn run_slices<S: Steps>(
    state: &State,
    work: &mut S,
    mut run: impl AsyncFnMut(&mut S, usize) -> Pending<Vec<S::Row>>,
    mut on_slice: impl AsyncFnMut(&S, Slice<S::Row>) -> bool,
) -> Result<(), ReadError> {
    let mut slice = 1;
    while !work.is_done() && !state.stop.get() {
        if state.paused.get() {
            on_slice(work, Slice::Paused).await;
        }
        state.unpaused().await;
        if state.stop.get() {
            break;
        }
        let started = Instant::now();
        let rows = run(work, slice as usize).await.read_async().await?;
        let seconds = started.elapsed().as_secs_f64();
        slice = next_slice(slice, seconds * 1000.0, SLICE_MAX, SLICE_MS);
        if !on_slice(work, Slice::Rows(rows, seconds)).await {
            break;
        }
        yield_now().await; // lets a pause in
    }
    Ok(())
}
