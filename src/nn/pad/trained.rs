//! A pad at the end of its training, as the command line prints it and the page shows it:
//! the model file of its rounded weights, Bob before and after rounding on 10,000 fresh
//! messages, and exactly what the rounded pad computes.

use serde::{Deserialize, Serialize};

use super::analysis::Analysis;
use super::file::{self as pad_file, PadHeader};
use super::{PadConfig, PadNet};
use crate::nn::data::BitSource;
use crate::nn::evaluation::{EVALUATION_SAMPLES, Score};
use crate::nn::pending::Pending;
use crate::nn::seeds;

/// A trained pad, rounded and read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainedPad {
    /// The rounded pad as a model file ([`pad_file`]), with no audit yet.
    pub model: Vec<u8>,
    pub bits: usize,
    /// Bob's % of messages read whole before the weights were rounded, and after.
    pub bob_before_pct: f64,
    pub bob_pct: f64,
    /// Each ciphertext position as a formula (`c₃ = m₃ ⊕ k₇ ⊕ k₁₂`).
    pub formulas: Vec<String>,
    /// The rank over GF(2) of the key selection.
    pub key_rank: usize,
    /// A perfect one-time pad (every message read, full rank).
    pub perfect: bool,
    /// The verdict in words, with each leak named.
    pub verdict: String,
    /// The rounded weights `[2N, N]`, row-major.
    pub weights: Vec<f32>,
    /// The attempt that trained it (0: the first; [`PadConfig::attempts`]), and its
    /// iterations.
    #[serde(default)]
    pub attempt: usize,
    #[serde(default)]
    pub iterations: usize,
}

impl TrainedPad {
    /// `net`, trained with `config` for `iterations` in attempt `attempt`, rounded and read:
    /// Bob on 10,000 fresh messages held out from its training.
    pub fn of(net: &PadNet, config: &PadConfig, iterations: usize, attempt: usize) -> Pending<Self> {
        let device = net.weight.device();
        let (bits, rounded) = (net.bits(), net.rounded());
        let batch = BitSource::new(seeds::held_out(config.seed)).batch(EVALUATION_SAMPLES, bits, &device);
        let read =
            |n: &PadNet| n.forward(n.forward(batch.messages.clone(), batch.keys.clone()), batch.keys.clone());
        let tensors = vec![batch.messages.clone(), read(net), read(&rounded), rounded.weight.val()];
        let config = config.clone();
        Pending::new(tensors, move |all| {
            let bob = |read: &[f32]| Score::from_guesses(&all[0], read, bits).correct_pct;
            let (bob_before_pct, bob_pct) = (bob(&all[1]), bob(&all[2]));
            let weights = all[3].clone();
            let integers: Vec<Vec<i64>> =
                weights.chunks(bits).map(|row| row.iter().map(|w| w.round() as i64).collect()).collect();
            let analysis = Analysis::of(&integers, bob_pct);
            let header = PadHeader {
                pad: config,
                iterations_trained: iterations,
                bob_correct_pct: Some(bob_pct),
                attack_suite: None,
            };
            Self {
                model: pad_file::save(&header, &rounded),
                bits,
                bob_before_pct,
                bob_pct,
                formulas: analysis.formulas.iter().map(ToString::to_string).collect(),
                key_rank: analysis.key_rank,
                perfect: analysis.is_perfect_pad(),
                verdict: analysis.verdict(),
                weights,
                attempt,
                iterations,
            }
        })
    }
}
