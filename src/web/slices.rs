//! The slice loop of work that runs on the page's own thread (the key search): do a slice
//! of work, await its rows asynchronously, record them, yield to the browser. A slice is
//! sized to take about [`SLICE_MS`] of the page's thread. (Training, the attacker suite,
//! the continued Eve and the populations run in engine workers: [`crate::web::job`].)

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::nn::pending::{Pending, ReadError};
use crate::web::browser::now_ms;
use crate::web::browser::yields::yield_now;
use crate::web::job::{Progress, REDRAW_MS, Status};

/// Target time of one slice on the page's thread.
pub const SLICE_MS: f64 = 35.0;

/// The next slice size: scaled so that a slice takes about `target_ms`, at most doubling
/// from one slice to the next and never above `max`.
pub fn next_slice(slice: u64, elapsed_ms: f64, max: u64, target_ms: f64) -> u64 {
    let scaled = slice as f64 * target_ms / elapsed_ms.max(1.0);
    (scaled.round() as u64).clamp(1, (slice * 2).max(1)).min(max)
}

/// The signals of one job: its status, its run number, its rows, progress and redraws.
#[derive(Clone, Copy)]
pub struct Job<R: 'static> {
    pub status: RwSignal<Status>,
    pub generation: RwSignal<u64>,
    /// The run this loop belongs to; a newer generation abandons it.
    pub mine: u64,
    pub history: RwSignal<Vec<R>>,
    pub progress: RwSignal<Progress>,
    pub redraw: RwSignal<u64>,
}

/// How a slice loop ended.
pub enum LoopEnd {
    /// The work is done.
    Finished,
    /// A newer run (or a reset) took over: leave everything as it is.
    Abandoned,
    /// The device failed; the error says how.
    Failed(ReadError),
}

impl<R: Send + Sync + 'static> Job<R> {
    fn current(&self) -> bool {
        self.generation.get_untracked() == self.mine
    }

    /// Waits while paused; returns whether the loop should go on.
    async fn wait_while_paused(&self) -> bool {
        loop {
            if !self.current() {
                return false;
            }
            match self.status.get_untracked() {
                Status::Running => return true,
                Status::Paused => TimeoutFuture::new(50).await,
                _ => return false,
            }
        }
    }

    /// Runs slices until `work` has nothing left (it returns `None`): `work(n)` starts up to
    /// `n` steps (at most `max_slice`) and hands back their pending rows and the steps done
    /// after them ([`crate::nn::steps::Steps::done`]); `on_redraw` runs with each
    /// (throttled) redraw.
    pub async fn run(
        &self,
        max_slice: u64,
        mut work: impl FnMut(usize) -> Option<(Pending<Vec<R>>, usize)>,
        mut on_redraw: impl FnMut(),
    ) -> LoopEnd {
        let mut slice = 1;
        let mut last_draw = now_ms();
        loop {
            if !self.wait_while_paused().await {
                return LoopEnd::Abandoned;
            }
            let started = now_ms();
            let Some((pending, done)) = work(slice as usize) else { break };
            let rows = match pending.read_async().await {
                Ok(rows) => rows,
                Err(e) => return LoopEnd::Failed(e),
            };
            if !self.current() {
                return LoopEnd::Abandoned;
            }
            let elapsed = now_ms() - started;
            slice = next_slice(slice, elapsed, max_slice, SLICE_MS);
            self.history.update(|h| h.extend(rows));
            self.progress.update(|p| {
                p.done = done;
                p.seconds += elapsed / 1000.0;
            });
            if now_ms() - last_draw >= REDRAW_MS {
                last_draw = now_ms();
                self.redraw.update(|n| *n += 1);
                on_redraw();
            }
            yield_now().await;
        }
        self.redraw.update(|n| *n += 1);
        on_redraw();
        LoopEnd::Finished
    }
}
