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
//! The swap is written by hand on `std::sync::mpsc` because what crosses is a list of
//! gradient tensors at fixed points of a step: a general thread pool (rayon) would add a
//! dependency and still need this exchange. It is `async` so that a peer in another Web
//! Worker (which cannot block) can await its message; a thread's peer blocks instead, so
//! its futures finish at their first poll ([`finish_now`]).

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::task::{Context, Poll, Waker};

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::{GradientsAccumulator, GradientsParams};
use burn::prelude::*;

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

/// What a peer's swap returns: the peer's tensors from the same point of the step.
pub type Swapped<'a> = Pin<Box<dyn Future<Output = Vec<Tensor<1>>> + 'a>>;

/// The other replica of a run.
pub trait Peer {
    /// Sends this replica's `mine` and returns the peer's tensors from the same point of
    /// the step (the same count, each of the same length).
    fn swap(&self, mine: Vec<Tensor<1>>) -> Swapped<'_>;
}

/// The peer of a replica in another thread of this process.
pub struct ThreadPeer {
    send: Sender<Vec<Tensor<1>>>,
    receive: Receiver<Vec<Tensor<1>>>,
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
    /// Blocks until the peer's tensors come.
    ///
    /// # Panics
    /// If the peer's thread died (the thread scope then reports its panic).
    fn swap(&self, mine: Vec<Tensor<1>>) -> Swapped<'_> {
        self.send.send(mine).expect("the other training replica stopped");
        let theirs = self.receive.recv().expect("the other training replica stopped");
        Box::pin(std::future::ready(theirs))
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

    /// Sends `mine` and returns both replicas' values, in replica order.
    async fn gather(&self, mine: Vec<Tensor<1>>) -> [Vec<Tensor<1>>; 2] {
        let peer = self.peer.as_ref().expect("a link with a peer");
        let theirs = peer.swap(mine.clone()).await;
        assert_eq!(theirs.len(), mine.len(), "both replicas exchange the same tensors at each point");
        if self.index == 0 { [mine, theirs] } else { [theirs, mine] }
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

/// The inverse of [`flat_grads`]: `flat`, in `module`'s parameter order, as its gradients.
fn grads_of<M: Module>(module: &M, flat: Vec<Tensor<1>>) -> GradientsParams {
    struct Rebuild {
        flat: std::vec::IntoIter<Tensor<1>>,
        out: GradientsParams,
    }
    impl ModuleVisitor for Rebuild {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let flat = self.flat.next().expect("a gradient for every parameter");
            let dims: [usize; D] = param.val().dims();
            self.out.register::<D>(param.id, flat.reshape(dims));
        }
    }
    let mut rebuild = Rebuild { flat: flat.into_iter(), out: GradientsParams::new() };
    module.visit(&mut rebuild);
    rebuild.out
}

/// Sums every replica's gradients of `modules` (in replica order, so every replica gets
/// the same bits) and gathers each replica's `extra` in replica order, in one exchange.
/// With a solo link this returns `grads` and `[extra]` themselves.
pub async fn all_reduce<M: Module>(
    link: &Link,
    modules: &[&M],
    grads: Vec<GradientsParams>,
    extra: Option<Tensor<1>>,
) -> (Vec<GradientsParams>, Vec<Tensor<1>>) {
    if link.peer.is_none() {
        return (grads, extra.into_iter().collect());
    }
    // One list per exchange: every module's flattened gradients, then the extra.
    let flat: Vec<Vec<Tensor<1>>> = modules.iter().zip(&grads).map(|(m, g)| flat_grads(*m, g)).collect();
    let counts: Vec<usize> = flat.iter().map(Vec::len).collect();
    let mut mine: Vec<Tensor<1>> = flat.into_iter().flatten().collect();
    mine.extend(extra.clone());
    let both = link.gather(mine).await;
    let mut extras = Vec::new();
    let mut per_replica: Vec<Vec<GradientsParams>> = Vec::new();
    for mut list in both {
        if extra.is_some() {
            extras.push(list.pop().expect("the extra"));
        }
        let mut list = list.into_iter();
        per_replica.push(
            modules
                .iter()
                .zip(&counts)
                .map(|(m, &n)| grads_of(*m, list.by_ref().take(n).collect()))
                .collect(),
        );
    }
    let [first, second]: [Vec<GradientsParams>; 2] = per_replica.try_into().expect("two replicas");
    let sums = modules
        .iter()
        .zip(first.into_iter().zip(second))
        .map(|(module, (a, b))| {
            let mut sum = GradientsAccumulator::<M>::new();
            sum.accumulate(*module, a);
            sum.accumulate(*module, b);
            sum.grads()
        })
        .collect();
    (sums, extras)
}

/// Sums a detached value over the replicas, in replica order.
pub async fn sum_values(link: &Link, mine: Tensor<1>) -> Tensor<1> {
    if link.peer.is_none() {
        return mine;
    }
    let [first, second] = link.gather(vec![mine]).await;
    first.into_iter().chain(second).reduce(|a, b| a + b).expect("two values")
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
