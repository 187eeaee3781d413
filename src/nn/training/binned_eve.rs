//! The binned Eve ([`TrainingConfig::binned_eve`]): an eavesdropper of the attacker suite's
//! strongest shape (each ciphertext value read through soft bins, then a residual block,
//! learning by cross-entropy) trained beside the write-up's Eves, so that Alice is pushed
//! to hide the magnitudes such an attacker reads, not only what an Eve of her own
//! opponent's shape reads.

use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::activation::sigmoid;
use rand::{SeedableRng, rngs::SmallRng};

use super::losses::logit_cross_entropy_share;
use crate::nn::attack::nets::ResidualNet;
use crate::nn::config::TrainingConfig;
use crate::nn::kernels::Kernels;
use crate::nn::model::OutputActivation;
use crate::nn::optimizer::{FlatOptimizer, optimizer};
use crate::nn::replicas::{Link, all_reduce};
use crate::nn::seeds;

/// The binned Eve's network and optimiser.
pub(super) struct BinnedEve {
    net: ResidualNet,
    optim: FlatOptimizer,
    /// Alice's output activation: fixes how ciphertexts are scaled to the bins' −3..3.
    output: OutputActivation,
}

impl BinnedEve {
    /// The run's binned Eve drawn from `seed` (the run's, or a reset's), if it has one.
    pub(super) fn new(config: &TrainingConfig, seed: u64, device: &Device) -> Option<Self> {
        let width = config.binned_eve?;
        let mut rng = SmallRng::seed_from_u64(seeds::binned_eve(seed));
        Some(Self {
            net: ResidualNet::new(config.cipher.bits, width, 1, &mut rng, device),
            optim: optimizer(config.optimizer),
            output: config.cipher.ciphertext,
        })
    }

    /// Logits of the message bits from ciphertexts `[rows, N]`, Alice's output range mapped
    /// onto the bins' −3..3 (a fixed scale, so every replica reads alike).
    fn logits(
        net: &ResidualNet,
        ciphertext: Tensor<2>,
        output: OutputActivation,
        kernels: &Kernels,
    ) -> Tensor<2> {
        let (low, high) = output.range();
        net.forward(ciphertext.sub_scalar(output.midpoint()).mul_scalar(6.0 / (high - low)), kernels)
    }

    /// Her guesses (probabilities) `[rows, N]` with her weights frozen, for Alice+Bob's
    /// Eve term: gradients reach Alice through `ciphertext` only.
    pub(super) fn guess(&self, ciphertext: Tensor<2>, kernels: &Kernels) -> Tensor<2> {
        sigmoid(Self::logits(&self.net.valid(), ciphertext, self.output, kernels))
    }

    /// One step on a replica's rows of a whole batch of `batch_size`: per-bit cross-entropy
    /// on the logits, gradients added over the replicas.
    pub(super) async fn step(
        &mut self,
        link: &Link,
        (ciphertext, messages): (Tensor<2>, Tensor<2>),
        batch_size: usize,
        lr: f64,
        kernels: &Kernels,
    ) {
        let logits = Self::logits(&self.net, ciphertext.detach(), self.output, kernels);
        let loss = logit_cross_entropy_share(messages, logits, batch_size);
        let grads = GradientsParams::from_grads(loss.backward(), &self.net);
        let (mut grads, _) = all_reduce(link, &[&self.net], vec![grads], None).await;
        let grads = grads.pop().expect("the binned Eve's gradients");
        self.net = self.optim.step_flat(lr, self.net.clone(), grads);
    }
}
