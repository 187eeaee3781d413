//! Data-parallel training on a CPU with more than one core.
//!
//! The networks are tiny (a few hundred weights), so one training step is hundreds of
//! small ops that a backend cannot spread over cores. Instead the batch is split: two
//! *replicas* of Alice, Bob and Eve (same weights, same optimiser state) each run the step
//! on their half in their own thread, swap their gradients, add them in replica order and
//! take the same optimiser step, so their weights stay bit-identical. [`Link`] is the swap.
//!
//! It is written by hand on `std::sync::mpsc` because what crosses is a burn
//! [`GradientsParams`] (not `Clone`, keyed by parameter id) at two fixed points of a step:
//! a general thread pool (rayon) would add a dependency and still need this exchange.

use std::any::Any;
use std::sync::mpsc::{Receiver, Sender, channel};

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::{GradientsAccumulator, GradientsParams};
use burn::prelude::*;

/// How many replicas train side by side on `device` for batches of `batch_size`: two on a
/// CPU device of a native build with two or more cores and a batch of at least 64, else one.
pub fn default_replicas(device: &Device, batch_size: usize) -> usize {
    let cores = available_cores();
    if crate::nn::kernels::is_host_device(device) && cores >= 2 && batch_size >= 64 { 2 } else { 1 }
}

#[cfg(not(target_arch = "wasm32"))]
fn available_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

#[cfg(target_arch = "wasm32")]
fn available_cores() -> usize {
    1 // no threads on wasm32-unknown-unknown without shared memory
}

type Message = Box<dyn Any + Send>;

/// One replica's end of the exchange: with no peer (`solo`), an exchange returns just the
/// replica's own value.
pub struct Link {
    index: usize,
    peer: Option<(Sender<Message>, Receiver<Message>)>,
}

impl Link {
    /// The link of a replica training alone.
    pub fn solo() -> Self {
        Self { index: 0, peer: None }
    }

    /// The two ends for replicas 0 and 1.
    pub fn pair() -> (Self, Self) {
        let (to_one, from_zero) = channel();
        let (to_zero, from_one) = channel();
        (
            Self { index: 0, peer: Some((to_one, from_one)) },
            Self { index: 1, peer: Some((to_zero, from_zero)) },
        )
    }

    /// This replica's index (0 reports the losses).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Sends `mine` to the peer and returns the peer's value from the same point.
    ///
    /// # Panics
    /// Without a peer, or if the peer's thread died (the thread scope then reports its panic).
    fn swap<T: Send + 'static>(&self, mine: T) -> T {
        let (send, receive) = self.peer.as_ref().expect("a link with a peer");
        send.send(Box::new(mine)).expect("the other training replica stopped");
        *receive
            .recv()
            .expect("the other training replica stopped")
            .downcast::<T>()
            .expect("both replicas exchange the same kind of value at each point")
    }
}

/// The gradients of `module` in `grads`, copied (gradient tensors are shared, not cloned).
fn copy_grads<M: Module>(module: &M, grads: &GradientsParams) -> GradientsParams {
    struct Copier<'a> {
        from: &'a GradientsParams,
        to: GradientsParams,
    }
    impl ModuleVisitor for Copier<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(grad) = self.from.get::<D>(param.id) {
                self.to.register::<D>(param.id, grad);
            }
        }
    }
    let mut copier = Copier { from: grads, to: GradientsParams::new() };
    module.visit(&mut copier);
    copier.to
}

/// Sums every replica's gradients of `modules` (in replica order, so every replica gets
/// the same bits) and gathers each replica's `extra` in replica order, in one exchange.
/// With a solo link this returns `grads` and `[extra]` themselves.
pub fn all_reduce<M: Module, X: Clone + Send + 'static>(
    link: &Link,
    modules: &[&M],
    grads: Vec<GradientsParams>,
    extra: X,
) -> (Vec<GradientsParams>, Vec<X>) {
    if link.peer.is_none() {
        return (grads, vec![extra]);
    }
    let copies: Vec<_> = modules.iter().zip(&grads).map(|(m, g)| copy_grads(*m, g)).collect();
    let (their_grads, their_extra) = link.swap((copies, extra.clone()));
    let first = link.index == 0;
    let sums = modules
        .iter()
        .zip(grads.into_iter().zip(their_grads))
        .map(|(module, (mine, theirs))| {
            let mut sum = GradientsAccumulator::<M>::new();
            for g in if first { [mine, theirs] } else { [theirs, mine] } {
                sum.accumulate(*module, g);
            }
            sum.grads()
        })
        .collect();
    let extras = if first { vec![extra, their_extra] } else { vec![their_extra, extra] };
    (sums, extras)
}

/// Sums a detached value over the replicas, in replica order.
pub fn sum_values<const D: usize>(link: &Link, mine: Tensor<D>) -> Tensor<D> {
    if link.peer.is_none() {
        return mine;
    }
    let theirs = link.swap(mine.clone());
    if link.index == 0 { mine + theirs } else { theirs + mine }
}

/// An independent copy of `module` for another replica: the same parameter ids and values,
/// but its own autodiff leaves, so the two replicas' graphs never meet.
pub fn replicate<M: Module>(module: &M) -> M {
    struct Detacher;
    impl ModuleMapper for Detacher {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            param.map(|t| {
                let tracked = t.is_require_grad();
                let t = t.detach();
                if tracked { t.require_grad() } else { t }
            })
        }
    }
    module.clone().map(&mut Detacher)
}
