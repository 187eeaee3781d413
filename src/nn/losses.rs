//! Every loss the trainer, the populations and the attackers back up or report, in one
//! place (spec §2–§3). Each is written as one replica's *share* of a whole batch: a sum over
//! the rows it holds, divided by the whole batch's size, so the replicas' shares add up to
//! the whole batch's loss (see [`crate::nn::replicas`]). The whole-batch form is the same
//! function over all rows.

use burn::prelude::*;

/// One replica's share of the bits wrong per message of a whole batch of `batch_size` rows:
/// `Σ |P − guess| / batch_size` over its own rows. `[rows, N]` -> `[1]`.
pub fn bits_wrong_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    (messages - guesses).abs().sum().div_scalar(batch_size as f32)
}

/// Bits wrong per message over a whole batch (`mean over rows of Σ over bits |P − guess|`):
/// [`bits_wrong_share`] over all rows. `[batch, N]` -> `[1]`.
pub fn bits_wrong_loss(messages: Tensor<2>, guesses: Tensor<2>) -> Tensor<1> {
    let [rows, _] = messages.dims();
    bits_wrong_share(messages, guesses, rows)
}

/// One replica's share of the per-bit cross-entropy of `logits` against the bits,
/// `−[m·log σ(x) + (1 − m)·log σ(−x)]` summed over bits and averaged over the whole batch
/// (stable for confident logits, unlike [`cross_entropy_share`] on probabilities).
/// `[rows, N]` -> `[1]`.
pub fn logit_cross_entropy_share(messages: Tensor<2>, logits: Tensor<2>, batch_size: usize) -> Tensor<1> {
    use burn::tensor::activation::log_sigmoid;
    let per = messages.clone() * log_sigmoid(logits.clone())
        + messages.neg().add_scalar(1.0) * log_sigmoid(logits.neg());
    per.sum().neg().div_scalar(batch_size as f32)
}

/// The Eve term of Alice+Bob's loss, `w·(N/2 − L_E)² / (N/2)²`, from Eve's bits wrong per
/// message `L_E` (`[1]`, or one per member of a population: `[K]`): 0 when Eve is at chance.
pub fn eve_term(eve_loss: Tensor<1>, bits: usize, weight: f64) -> Tensor<1> {
    let half = bits as f32 / 2.0;
    let gap = eve_loss.neg().add_scalar(half);
    gap.powi_scalar(2).mul_scalar(weight as f32 / (half * half))
}

/// The distinguishing Eve's term of Alice+Bob's loss (Coutinho et al. 2018), `−γ·min(Err, ½)`,
/// from her error `Err` (her mean probability on the wrong message, `[1]`): a coin flip
/// (½) is the best Alice can get, so she gains nothing by making Eve worse than chance.
pub fn distinguishing_term(error: Tensor<1>, gamma: f64) -> Tensor<1> {
    error.clamp_max(0.5).mul_scalar(-gamma as f32)
}
