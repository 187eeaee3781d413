//! CryptoNet (Coutinho et al. 2018), the network that learns a one-time pad: bits enter as
//! angles `a(b) = arccos(1 − 2b)` (0 or π), one linear layer `W` (2N → N, no bias, no
//! curve) adds them, and the output is `(1 − cos h)/2`. With integer weights that is XOR:
//! `cos(π·Σ wⱼbⱼ)` is `(−1)` to the number of selected bits set. Alice and Bob are the same
//! network: Alice reads `(P, K)`, Bob `(C, K)`. They train against the distinguishing Eve
//! (two messages, which one was sent?) with L2 weight decay, and the weights are rounded
//! to integers ([`PadNet::rounded`]); [`analysis`] reads the formulas off them. As in the
//! paper's method, the rounded network is tested every so often during training, which
//! stops as soon as it is a perfect one-time pad; an attempt that finds none in its
//! iterations can start again from fresh weights.

use burn::module::{Module, Param};
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::{Rng, SeedableRng, rngs::SmallRng};

use crate::nn::attack::Encrypt;
use crate::nn::data::{BitSource, MessageBatch};
use crate::nn::evaluation::Score;
use crate::nn::pending::Pending;

pub mod analysis;
pub mod file;
pub mod trained;
mod trainer;

pub use trainer::PadTrainer;

/// Alice and Bob in one: `W` `[2N, N]`.
#[derive(Module, Debug)]
pub struct PadNet {
    pub weight: Param<Tensor<2>>,
}

/// `a(x) = arccos(1 − 2x)`, kept off ±1 where its slope is infinite. `[rows, N]`.
fn angles(x: Tensor<2>) -> Tensor<2> {
    x.mul_scalar(-2.0).add_scalar(1.0).clamp(-1.0 + 1e-6, 1.0 - 1e-6).acos()
}

impl PadNet {
    /// Weights uniform in ±0.5 from `seed`, for `bits` bits.
    pub fn init(bits: usize, seed: u64, device: &Device) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let values: Vec<f32> = (0..2 * bits * bits).map(|_| rng.random_range(-0.5..0.5)).collect();
        Self {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(values, [2 * bits, bits]), device)),
        }
    }

    /// Bits in a message.
    pub fn bits(&self) -> usize {
        self.weight.dims()[1]
    }

    /// `(1 − cos h)/2` with `h = [a(x), a(key)]·W`: Alice with `x` the message, Bob with `x`
    /// the ciphertext. `[rows, N]`, `[rows, N]` -> `[rows, N]` in 0..1.
    pub fn forward(&self, x: Tensor<2>, key: Tensor<2>) -> Tensor<2> {
        let inputs = Tensor::cat(vec![angles(x), angles(key)], 1); // [rows, 2N]
        let h = inputs.matmul(self.weight.val()); // [rows, N]
        h.cos().neg().add_scalar(1.0).div_scalar(2.0)
    }

    /// A rounded pad's ciphertext as bits, exactly 0 or 1: [`PadNet::forward`] rounded.
    /// Its floats lie within about 1e-5 of a bit, but how far off depends on which inputs
    /// were set (the angles are kept off ±1), so the raw values would leak message bits.
    /// `[rows, N]`, `[rows, N]` -> `[rows, N]`.
    pub fn encrypt_bits(&self, messages: Tensor<2>, key: Tensor<2>) -> Tensor<2> {
        self.forward(messages, key).round()
    }

    /// The weights rounded to the nearest integers.
    pub fn rounded(&self) -> Self {
        Self { weight: Param::from_tensor(self.weight.val().round().detach()) }
    }

    /// Bob's reading of `samples` fresh messages drawn from `seed`, scored as every
    /// evaluation is ([`Score::from_guesses`]).
    pub fn bob_score(&self, samples: usize, seed: u64) -> Pending<Score> {
        let device = self.weight.device();
        let bits = self.bits();
        let batch = BitSource::new(seed).batch(samples, bits, &device);
        let read = self.forward(self.forward(batch.messages.clone(), batch.keys.clone()), batch.keys);
        Pending::new(vec![batch.messages, read], move |all| Score::from_guesses(&all[0], &all[1], bits))
    }

    /// The weights as integers (`[2N][N]`, rows: message bits then key bits).
    pub fn integers(&self) -> Pending<Vec<Vec<i64>>> {
        let [rows, cols] = self.weight.dims();
        Pending::floats(self.weight.val()).map(move |w| {
            (0..rows).map(|r| (0..cols).map(|c| w[r * cols + c].round() as i64).collect()).collect()
        })
    }
}

/// A pad's Alice, frozen, for the attacker suite.
pub struct FrozenPad {
    net: PadNet,
}

impl FrozenPad {
    /// `net`'s Alice without gradients.
    pub fn new(net: &PadNet) -> Self {
        Self { net: net.valid() }
    }
}

impl Encrypt for FrozenPad {
    fn bits(&self) -> usize {
        self.net.bits()
    }

    fn encrypt(&self, batch: &MessageBatch) -> Tensor<2> {
        self.net.encrypt_bits(batch.messages.clone(), batch.keys.clone())
    }
}

/// How a pad trains.
#[derive(burn::config::Config, Debug, PartialEq)]
pub struct PadConfig {
    /// Bits in a message, a key and a ciphertext.
    #[config(default = 16)]
    pub bits: usize,
    #[config(default = 20_000)]
    pub iterations: usize,
    #[config(default = 256)]
    pub batch_size: usize,
    /// Eve steps per Alice+Bob step.
    #[config(default = 5)]
    pub eve_steps: usize,
    /// γ in `L_B − γ·min(Err, ½)`.
    #[config(default = 7.0)]
    pub gamma: f64,
    /// L2 weight decay on `W`.
    #[config(default = 0.015)]
    pub weight_decay: f64,
    #[config(default = 0.001)]
    pub learning_rate: f64,
    #[config(default = 1)]
    pub seed: u64,
    /// Iterations between two exact checks of the rounded network; training stops at the
    /// first check that finds a perfect one-time pad. The end of every attempt is checked
    /// too (0 or none, as in files written before the checks: only then).
    pub check_every: Option<usize>,
    /// Fresh starts: an attempt whose `iterations` end without a check finding a perfect
    /// pad starts again from new weights, distinguisher and data, up to this many attempts
    /// in all (none, as in files written before: 1). The last attempt's pad is kept.
    pub attempts: Option<usize>,
}

/// Iterations between two checks on the command line.
pub const DEFAULT_CHECK_EVERY: usize = 1000;

impl PadConfig {
    /// Checks every field; the message names the first bad one.
    pub fn validate(&self) -> Result<(), String> {
        let bad = |name: &str, value: String, allowed: &str| {
            Err(format!("{name} = {value} is not allowed: {allowed}"))
        };
        if !(2..=64).contains(&self.bits) {
            return bad("bits", self.bits.to_string(), "an integer from 2 to 64");
        }
        if !(1..=10_000_000).contains(&self.iterations) {
            return bad("iterations", self.iterations.to_string(), "an integer from 1 to 10000000");
        }
        if !(1..=100).contains(&self.attempts()) {
            return bad("attempts", self.attempts().to_string(), "an integer from 1 to 100");
        }
        if !(1..=65_536).contains(&self.batch_size) {
            return bad("batch_size", self.batch_size.to_string(), "an integer from 1 to 65536");
        }
        if !(1..=100).contains(&self.eve_steps) {
            return bad("eve_steps", self.eve_steps.to_string(), "an integer from 1 to 100");
        }
        for (name, value) in [("gamma", self.gamma), ("weight_decay", self.weight_decay)] {
            if !(value.is_finite() && value >= 0.0) {
                return bad(name, value.to_string(), "a number of 0 or more");
            }
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad("learning_rate", self.learning_rate.to_string(), "a number above 0");
        }
        Ok(())
    }

    /// Attempts in all (at least 1).
    pub fn attempts(&self) -> usize {
        self.attempts.unwrap_or(1)
    }
}
