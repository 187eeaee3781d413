//! Every loss the trainer backs up or reports, in one place (spec §2–§3 and the options
//! beside them). Each is written as one replica's *share* of a whole batch: a sum over the
//! rows it holds, divided by the whole batch's size, so the replicas' shares add up to the
//! whole batch's loss (see [`crate::replicas`]). The whole-batch form is the same function
//! over all rows.

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

/// One replica's share of each bit's error over a whole batch: `Σ over its rows |P − guess|
/// / batch_size`, bit by bit. `[rows, N]` -> `[N]`.
pub fn per_bit_wrong_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    let [_, bits] = messages.dims();
    (messages - guesses).abs().sum_dim(0).reshape([bits]).div_scalar(batch_size as f32)
}

/// One replica's share of the cross-entropy of `guesses` (probabilities) against the bits,
/// summed over bits and averaged over the whole batch. `[rows, N]` -> `[1]`.
pub fn cross_entropy_share(messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
    let eps = 1e-7;
    let p = guesses.clamp(eps, 1.0 - eps);
    let ones =
        messages.clone() * p.clone().log() + messages.neg().add_scalar(1.0) * p.neg().add_scalar(1.0).log();
    ones.sum().neg().div_scalar(batch_size as f32)
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

/// One replica's share of the errors beyond `margin`: `Σ max(0, |P − guess| − margin)` over
/// its rows, `/ batch_size`. `[rows, N]` -> `[1]`.
pub fn beyond_margin_share(
    messages: Tensor<2>,
    guesses: Tensor<2>,
    margin: f64,
    batch_size: usize,
) -> Tensor<1> {
    (messages - guesses).abs().sub_scalar(margin as f32).clamp_min(0.0).sum().div_scalar(batch_size as f32)
}

/// The Eve term of Alice+Bob's loss, `w·(N/2 − L_E)² / (N/2)²`, from Eve's bits wrong per
/// message `L_E` (`[1]`, or one per member of a population: `[K]`): 0 when Eve is at chance.
pub fn eve_term(eve_loss: Tensor<1>, bits: usize, weight: f64) -> Tensor<1> {
    let half = bits as f32 / 2.0;
    let gap = eve_loss.neg().add_scalar(half);
    gap.powi_scalar(2).mul_scalar(weight as f32 / (half * half))
}

/// The Eve term counted bit by bit, `w·(4/N)·Σᵢ(½ − eᵢ)²`, from Eve's error on each bit
/// (`[N]`, each in 0..1) -> `[1]`. Equals [`eve_term`] when every bit is equally off.
pub fn per_bit_eve_term(bit_errors: Tensor<1>, weight: f64) -> Tensor<1> {
    let [bits] = bit_errors.dims();
    let gap = bit_errors.neg().add_scalar(0.5);
    gap.powi_scalar(2).sum().mul_scalar(4.0 * weight as f32 / bits as f32)
}

/// How Alice+Bob's loss counts an Eve's errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EveCount {
    /// The write-up's: bits wrong per message, one number per Eve ([`eve_term`]).
    Total { bits: usize },
    /// Bit by bit, `N` numbers per Eve ([`per_bit_eve_term`]).
    PerBit,
}

impl EveCount {
    /// Floats per Eve in her errors: 1, or N bit by bit.
    pub fn width(self, bits: usize) -> usize {
        match self {
            EveCount::Total { .. } => 1,
            EveCount::PerBit => bits,
        }
    }

    /// One replica's share of an Eve's errors on a whole batch of `batch_size` rows.
    /// `[rows, N]` -> `[width]`.
    pub fn share(self, messages: Tensor<2>, guesses: Tensor<2>, batch_size: usize) -> Tensor<1> {
        match self {
            EveCount::Total { .. } => bits_wrong_share(messages, guesses, batch_size),
            EveCount::PerBit => per_bit_wrong_share(messages, guesses, batch_size),
        }
    }

    /// The Eve term of a whole batch's errors (`[width]` -> `[1]`).
    pub fn term(self, errors: Tensor<1>, weight: f64) -> Tensor<1> {
        match self {
            EveCount::Total { bits } => eve_term(errors, bits, weight),
            EveCount::PerBit => per_bit_eve_term(errors, weight),
        }
    }
}

/// Alice+Bob's loss on one replica's rows: what Bob learns from, plus for each Eve `j` the
/// term of her whole-batch errors, `eve_shares[j] + others[j]`, where `others[j]` (the
/// other replicas' share, detached) is held constant. The Eve term's weight `weight` is
/// shared equally by the Eves. Since the loss is not linear in the Eve errors, this is the
/// form whose gradients add up over replicas to exactly the whole batch's:
/// `∇L_B + c·∇L_E` with `c = −2(N/2 − L_E)/(N/2)²`.
pub fn ab_loss_share(
    bob: Tensor<1>,
    eve_shares: Vec<Tensor<1>>,
    others: Vec<Tensor<1>>,
    count: EveCount,
    weight: f64,
) -> Tensor<1> {
    assert_eq!(eve_shares.len(), others.len(), "one constant per Eve");
    let errors = eve_shares.into_iter().zip(others).map(|(share, other)| share + other);
    with_eve_terms(bob, errors.collect(), count, weight)
}

/// Alice+Bob's whole-batch loss `L_B + w·Σⱼ term(L_E,j) / eves` (the write-up's `L_B + (N/2 −
/// L_E)²/(N/2)²` for one Eve at weight 1): [`ab_loss_share`] over all rows, where no other
/// replica holds any. The trainer reports it.
pub fn ab_loss(bob: Tensor<1>, eve_errors: Vec<Tensor<1>>, count: EveCount, weight: f64) -> Tensor<1> {
    with_eve_terms(bob, eve_errors, count, weight)
}

/// `bob` plus each Eve's term of her whole-batch `errors`, the weight shared equally.
fn with_eve_terms(bob: Tensor<1>, errors: Vec<Tensor<1>>, count: EveCount, weight: f64) -> Tensor<1> {
    let weight = weight / errors.len().max(1) as f64;
    errors.into_iter().fold(bob, |loss, errors| loss + count.term(errors, weight))
}
