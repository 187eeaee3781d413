//! Data-parallel training on a CPU with more than one core.
//!
//! The networks are tiny (a few hundred weights), so one training step is hundreds of
//! small ops that a backend cannot spread over cores. Instead the batch is split: two
//! *replicas* of Alice, Bob and Eve (same weights, same optimiser state) each run the step
//! on their half, swap their gradients, add them in replica order and take the same
//! optimiser step, so their weights stay bit-identical. [`Link`] is the swap; the other
//! replica is a [`Peer`]: a thread of this process natively ([`ThreadPeer`]), another Web
//! Worker in the page.
//!
//! What crosses is the floats of every gradient end to end, read back once: the sum is
//! taken on the host (in replica order) and handed to the optimiser as one flat vector per
//! network, so an exchange adds a handful of tensor ops to a step, not a few per parameter
//! (each op's bookkeeping, not its arithmetic, is what costs at these sizes).
//!
//! The swap is written by hand on `std::sync::mpsc` because what crosses is a list of
//! floats at fixed points of a step: a general thread pool (rayon) would add a dependency
//! and still need this exchange. It is `async` so that a peer in another Web Worker (which
//! cannot block) can await its message; a thread's peer blocks instead, so its futures
//! finish at their first poll ([`finish_now`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::task::{Context, Poll, Waker};

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::nn::pending::Pending;

/// How many replicas train side by side on `device` for batches of `batch_size`: two on a
/// CPU device of a native build with two or more cores and a batch of at least 64, else one.
pub fn default_replicas(device: &Device, batch_size: usize) -> usize {
    let cores = available_cores();
    if crate::nn::kernels::is_host_device(device) && cores >= 2 && batch_size >= MIN_SPLIT_BATCH {
        2
    } else {
        1
    }
}

/// The smallest batch worth splitting over two replicas.
pub const MIN_SPLIT_BATCH: usize = 64;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn available_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn available_cores() -> usize {
    1 // no threads in one wasm32-unknown-unknown instance: the page runs two workers instead
}

/// What a peer's swap returns: the peer's floats from the same point of the step.
pub type Swapped<'a> = Pin<Box<dyn Future<Output = Vec<f32>> + 'a>>;

/// The other replica of a run.
pub trait Peer {
    /// Sends this replica's `mine` at once (before the future is first polled), so that the
    /// replica can go on with work that does not need the answer, and returns the peer's
    /// floats from the same point of the step (as many as `mine`).
    fn swap(&self, mine: &[f32]) -> Swapped<'_>;
}

/// The peer of a replica in another thread of this process.
pub struct ThreadPeer {
    send: Sender<Vec<f32>>,
    receive: Receiver<Vec<f32>>,
}

impl ThreadPeer {
    /// The two ends, for replicas 0 and 1.
    pub fn pair() -> (Self, Self) {
        let (to_one, from_zero) = channel();
        let (to_zero, from_one) = channel();
        (Self { send: to_one, receive: from_one }, Self { send: to_zero, receive: from_zero })
    }
}

impl Peer for ThreadPeer {
    /// The future blocks, at its first poll, until the peer's floats come.
    ///
    /// # Panics
    /// If the peer's thread died (the thread scope then reports its panic).
    fn swap(&self, mine: &[f32]) -> Swapped<'_> {
        self.send.send(mine.to_vec()).expect("the other training replica stopped");
        Box::pin(async { self.receive.recv().expect("the other training replica stopped") })
    }
}

/// One replica's end of the exchange: with no peer (`solo`), an exchange returns just the
/// replica's own value.
pub struct Link {
    index: usize,
    peer: Option<Box<dyn Peer>>,
}

impl Link {
    /// The link of a replica training alone.
    pub fn solo() -> Self {
        Self { index: 0, peer: None }
    }

    /// Replica `index` (0 or 1) of two, exchanging with `peer`.
    pub fn to_peer(index: usize, peer: Box<dyn Peer>) -> Self {
        assert!(index < 2, "replica 0 or 1");
        Self { index, peer: Some(peer) }
    }

    /// This replica's index (0 reports the losses).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Sends the floats of `mine` (end to end) at once and returns both replicas' floats,
    /// in replica order.
    fn gather(&self, mine: Tensor<1>) -> impl Future<Output = [Vec<f32>; 2]> + '_ {
        let peer = self.peer.as_ref().expect("a link with a peer");
        // Replicas train on host devices, whose tensors read back at once.
        let mine = Pending::floats(mine).read().expect("a host device's floats read back");
        let theirs = peer.swap(&mine);
        async move {
            let theirs = theirs.await;
            assert_eq!(theirs.len(), mine.len(), "both replicas exchange the same floats at each point");
            if self.index == 0 { [mine, theirs] } else { [theirs, mine] }
        }
    }
}

/// Runs a replica's future that never waits (a solo replica's, or one whose peer is a
/// thread that blocks) to its end.
///
/// Written by hand: an executor crate would park the thread for a wake-up that never comes
/// here, and on wasm parking is not available.
///
/// # Panics
/// If the future waits after all (its peer was not a blocking one).
pub fn finish_now<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a replica with a thread peer or none never waits"),
    }
}

/// The gradients of `module` in `grads`, each flattened, in the module's parameter order.
fn flat_grads<M: Module>(module: &M, grads: &GradientsParams) -> Vec<Tensor<1>> {
    struct Flatten<'a> {
        grads: &'a GradientsParams,
        out: Vec<Tensor<1>>,
    }
    impl ModuleVisitor for Flatten<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let grad = self.grads.get::<D>(param.id).expect("every parameter has a gradient");
            self.out.push(grad.flatten(0, D - 1));
        }
    }
    let mut flatten = Flatten { grads, out: Vec::new() };
    module.visit(&mut flatten);
    flatten.out
}

/// The gradients of `module` in `grads`, end to end in the module's parameter order: what
/// [`crate::nn::optimizer::FlatOptimizer::step_flat`] takes. `[parameters]`.
pub fn flat_gradient<M: Module>(module: &M, grads: &GradientsParams) -> Tensor<1> {
    Tensor::cat(flat_grads(module, grads), 0)
}

/// Sums every replica's gradients of `modules` (in replica order, so every replica gets
/// the same bits) and gathers each replica's `extra` in replica order, in one exchange.
/// Returns each module's summed gradient as one flat vector ([`flat_gradient`]); with a
/// solo link, `grads` themselves flattened, and `[extra]`.
pub async fn all_reduce<M: Module>(
    link: &Link,
    modules: &[&M],
    grads: Vec<GradientsParams>,
    extra: Option<Tensor<1>>,
) -> (Vec<Tensor<1>>, Vec<Tensor<1>>) {
    if link.peer.is_none() {
        let flat = modules.iter().zip(&grads).map(|(m, g)| flat_gradient(*m, g)).collect();
        return (flat, extra.into_iter().collect());
    }
    let parts: Vec<Vec<Tensor<1>>> = modules.iter().zip(&grads).map(|(m, g)| flat_grads(*m, g)).collect();
    let device = parts[0][0].device();
    let lengths: Vec<usize> = parts.iter().map(|p| p.iter().map(|t| t.dims()[0]).sum()).collect();
    // One exchange: every module's gradients end to end, then the extra.
    let mine = Tensor::cat(parts.into_iter().flatten().chain(extra.clone()).collect(), 0);
    let [first, second] = link.gather(mine).await;
    let total: usize = lengths.iter().sum();
    let sum = in_replica_order(&first[..total], &second[..total]);
    let mut rest = &sum[..];
    let sums = lengths
        .into_iter()
        .map(|n| {
            let (module, tail) = rest.split_at(n);
            rest = tail;
            host_tensor(module, &device)
        })
        .collect();
    let extras = if extra.is_some() {
        vec![host_tensor(&first[total..], &device), host_tensor(&second[total..], &device)]
    } else {
        Vec::new()
    };
    (sums, extras)
}

/// Sums a detached value over the replicas, in replica order. This replica's value is
/// sent at once: work that does not need the sum can run before it is awaited.
pub fn sum_values(link: &Link, mine: Tensor<1>) -> impl Future<Output = Tensor<1>> + '_ {
    let device = mine.device();
    let gathered = link.peer.as_ref().map(|_| link.gather(mine.clone()));
    async move {
        match gathered {
            Some(gathered) => {
                let [first, second] = gathered.await;
                host_tensor(&in_replica_order(&first, &second), &device)
            }
            None => mine,
        }
    }
}

/// Replica 0's floats plus replica 1's, element by element: the same bits on both replicas.
fn in_replica_order(first: &[f32], second: &[f32]) -> Vec<f32> {
    first.iter().zip(second).map(|(a, b)| a + b).collect()
}

/// `floats` as a tensor `[len]` on `device`.
fn host_tensor(floats: &[f32], device: &Device) -> Tensor<1> {
    Tensor::from_data(TensorData::new(floats.to_vec(), [floats.len()]), device)
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
