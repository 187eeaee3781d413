//! What Alice and Bob hide from: the trainer's one extension point for the secrecy term.
//!
//! Alice+Bob's loss is `L_B + Σ term(errors)` over a list of [`Adversary`]s, and each
//! iteration's Eve steps train every adversary against the frozen Alice. Today the list
//! holds the write-up's Eve ([`super::eve::WriteupEve`]) and, where a run asks for it, the
//! distinguishing Eve ([`super::distinguisher::Distinguisher`]); a new kind of adversary is
//! one new file that implements this trait, and one line in [`super::adversaries`] that
//! adds it.
//!
//! Every method works on one replica's rows of a whole batch (see [`crate::nn::replicas`]):
//! an adversary's *errors* are a small vector the replicas add up before the term is taken,
//! and its own training step adds its gradients over the replicas with
//! [`crate::nn::replicas::all_reduce`].

use std::future::Future;
use std::pin::Pin;

use burn::prelude::*;

use super::rows::Rows;
use crate::nn::data::MessageBatch;
use crate::nn::model::Network;
use crate::nn::replicas::Link;

/// What an adversary's training step returns, once the replicas have exchanged.
pub(super) type Stepped<'a> = Pin<Box<dyn Future<Output = Vec<Tensor<1>>> + 'a>>;

/// One replica's rows of a batch as an adversary's step sees them, Alice frozen.
pub(super) struct Intercepted {
    /// Alice's ciphertexts of `batch`, without gradients. `[rows, N]`.
    pub ciphertext: Tensor<2>,
    /// The messages and keys they encrypt. `[rows, N]` each.
    pub batch: MessageBatch,
}

/// An opponent of Alice and Bob: it adds a term to their loss, and trains on its own.
/// `Send`: natively a replica trains on a thread of its own.
pub(super) trait Adversary: Send {
    /// How many floats its errors take (the replicas add them up before the term).
    fn width(&self) -> usize;

    /// This replica's share of its errors on `batch` of the Alice+Bob step, its own weights
    /// frozen: gradients reach Alice through `ciphertext` (Alice's `[rows, N]` for `batch`),
    /// or through `alice` for an adversary that encrypts rounds of its own. `eve` is the
    /// model's Eve (the one a model file keeps). Returns `[width]`.
    fn errors_share(
        &mut self,
        alice: &Network,
        eve: &Network,
        ciphertext: Tensor<2>,
        batch: &MessageBatch,
        at: &Rows,
    ) -> Tensor<1>;

    /// The term Alice+Bob's loss adds for the whole batch's `errors` (`[width]` -> `[1]`).
    fn term(&self, errors: Tensor<1>) -> Tensor<1>;

    /// One training step against the frozen Alice (`alice`, without gradients) on this
    /// replica's rows `seen`, at learning rate `lr`. The write-up's Eve moves `eve`, the
    /// model's Eve; an adversary with a network of its own leaves it alone. Returns the
    /// replicas' shares of the whole batch's loss, in replica order, when this is the
    /// adversary whose loss the trainer reports (the model's Eve); else nothing.
    fn step<'a>(
        &'a mut self,
        alice: &'a Network,
        eve: &'a mut Network,
        seen: Intercepted,
        at: &'a Rows<'a>,
        link: &'a Link,
        lr: f64,
    ) -> Stepped<'a>;
}
