//! Alice, Bob and Eve (spec §1): dense layer(s), then four 1-D convolutions with
//! Keras "same" padding, Glorot-uniform weights and zero biases.
//!
//! The weights live in burn's own `Linear` and `Conv1d` modules, so records, exports and
//! the reference path use burn's layout. [`Network::forward`] computes the convolutions as
//! small matrix products (see [`crate::nn::kernels`]); [`Network::forward_reference`] runs
//! burn's `Conv1d` and `tanh`, and tests check the two agree.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig1d};
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::{Rng, SeedableRng, rngs::SmallRng};
use serde::{Deserialize, Serialize};

use crate::nn::kernels::{Activation, Kernels};

/// The last activation of a network: what range its outputs lie in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputActivation {
    /// (0, 1): Bob and Eve always, Alice in the 16-bit presets.
    Sigmoid,
    /// (-1, 1): Alice's ciphertext in the 8-bit proof of concept.
    Tanh,
}

impl OutputActivation {
    /// Every output activation, in the order `--help` lists them.
    pub const ALL: [OutputActivation; 2] = [OutputActivation::Sigmoid, OutputActivation::Tanh];

    /// The activation's name in model files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            OutputActivation::Sigmoid => "sigmoid",
            OutputActivation::Tanh => "tanh",
        }
    }

    /// Looks an activation up by its name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The range its outputs lie in.
    pub fn range(self) -> (f32, f32) {
        match self {
            OutputActivation::Sigmoid => (0.0, 1.0),
            OutputActivation::Tanh => (-1.0, 1.0),
        }
    }

    /// The middle of [`range`](Self::range): a value above it reads as a 1.
    pub fn midpoint(self) -> f32 {
        let (low, high) = self.range();
        (low + high) / 2.0
    }

    /// The fused operation's `f` that ends a network with this output.
    pub(crate) fn activation(self) -> Activation {
        match self {
            OutputActivation::Sigmoid => Activation::Sigmoid,
            OutputActivation::Tanh => Activation::Tanh,
        }
    }
}

/// The shapes shared by the three networks.
#[derive(Config, Debug, PartialEq)]
pub struct CipherConfig {
    /// Bits in a message, a key and a ciphertext (N).
    #[config(default = 16)]
    pub bits: usize,
    /// The proof-of-concept's extra `Linear(N -> N)` after the convolutions (spec §5).
    #[config(default = false)]
    pub extra_dense: bool,
    /// Alice's output activation (Bob and Eve always end in a sigmoid: they guess bits).
    #[config(default = "OutputActivation::Sigmoid")]
    pub ciphertext: OutputActivation,
}

/// conv1's output channels (the write-up's); conv2 and conv3 have twice as many.
const CONV_CHANNELS: usize = 2;

/// Which of the three roles a network plays; fixes its inputs and dense layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Alice(P, K) -> C.
    Alice,
    /// Bob(C, K) -> P'.
    Bob,
    /// Eve(C) -> P'' (one more dense layer, no key).
    Eve,
}

/// One of the three networks.
#[derive(Module, Debug)]
pub struct Network {
    /// `Linear(in -> 2N)` then tanh; Eve has two.
    pub dense: Vec<Linear>,
    /// `Conv1d(1 -> 2, kernel 4, stride 1, same)`: pads 1 left, 2 right.
    pub conv1: Conv1d,
    /// `Conv1d(2 -> 4, kernel 2, stride 2)`: 2N -> N positions.
    pub conv2: Conv1d,
    /// `Conv1d(4 -> 4, kernel 1)`.
    pub conv3: Conv1d,
    /// `Conv1d(4 -> 1, kernel 1)`.
    pub conv4: Conv1d,
    /// The proof-of-concept's `Linear(N -> N)` after the convolutions.
    pub head: Option<Linear>,
    /// The output activation.
    #[module(skip)]
    pub output: OutputActivation,
}

/// The three networks of one cipher.
#[derive(Module, Debug)]
pub struct Networks {
    /// Encrypts.
    pub alice: Network,
    /// Decrypts with the key.
    pub bob: Network,
    /// Eavesdrops without the key.
    pub eve: Network,
}

/// Keras's Glorot-uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)).
fn glorot<const D: usize>(
    shape: [usize; D],
    fan_in: usize,
    fan_out: usize,
    rng: &mut SmallRng,
    device: &Device,
) -> Param<Tensor<D>> {
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt() as f32;
    let values: Vec<f32> =
        (0..shape.iter().product::<usize>()).map(|_| rng.random_range(-limit..limit)).collect();
    Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), device))
}

fn zeros(len: usize, device: &Device) -> Option<Param<Tensor<1>>> {
    Some(Param::from_tensor(Tensor::zeros([len], device)))
}

/// A `Linear(d_in -> d_out)` with Glorot-uniform weights drawn from `rng` and zero biases.
pub(crate) fn dense(d_in: usize, d_out: usize, rng: &mut SmallRng, device: &Device) -> Linear {
    let mut layer = LinearConfig::new(d_in, d_out).with_bias(false).init(device);
    layer.weight = glorot([d_in, d_out], d_in, d_out, rng, device);
    layer.bias = zeros(d_out, device);
    layer
}

fn conv(config: Conv1dConfig, rng: &mut SmallRng, device: &Device) -> Conv1d {
    let (c_in, c_out) = (config.channels_in, config.channels_out);
    let k = config.kernel_size;
    let mut layer = config.with_bias(false).init(device);
    layer.weight = glorot([c_out, c_in, k], c_in * k, c_out * k, rng, device);
    layer.bias = zeros(c_out, device);
    layer
}

impl CipherConfig {
    /// Builds one network with Keras's initialisation, drawn from `rng`.
    pub fn init_network(&self, role: Role, rng: &mut SmallRng, device: &Device) -> Network {
        let n = self.bits;
        let dense_layers = match role {
            Role::Alice | Role::Bob => vec![dense(2 * n, 2 * n, rng, device)],
            Role::Eve => vec![dense(n, 2 * n, rng, device), dense(2 * n, 2 * n, rng, device)],
        };
        let c = CONV_CHANNELS;
        let conv1 =
            conv(Conv1dConfig::new(1, c, 4).with_padding(PaddingConfig1d::Explicit(1, 2)), rng, device);
        let conv2 = conv(Conv1dConfig::new(c, 2 * c, 2).with_stride(2), rng, device);
        let conv3 = conv(Conv1dConfig::new(2 * c, 2 * c, 1), rng, device);
        let conv4 = conv(Conv1dConfig::new(2 * c, 1, 1), rng, device);
        let head = self.extra_dense.then(|| dense(n, n, rng, device));
        let output = match role {
            Role::Alice => self.ciphertext,
            Role::Bob | Role::Eve => OutputActivation::Sigmoid,
        };
        Network { dense: dense_layers, conv1, conv2, conv3, conv4, head, output }
    }

    /// Builds Alice, Bob and Eve from one seed (same seed, same weights on every backend).
    pub fn init(&self, seed: u64, device: &Device) -> Networks {
        let mut rng = SmallRng::seed_from_u64(seed);
        Networks {
            alice: self.init_network(Role::Alice, &mut rng, device),
            bob: self.init_network(Role::Bob, &mut rng, device),
            eve: self.init_network(Role::Eve, &mut rng, device),
        }
    }
}

impl Network {
    /// Bits the network outputs (N).
    pub fn bits(&self) -> usize {
        self.conv4_positions()
    }

    fn conv4_positions(&self) -> usize {
        let [_, d_out] = self.dense.last().expect("a network has a dense layer").weight.dims();
        d_out / 2
    }

    /// Runs the network with the convolutions as matrix products (conv1 as a direct stencil
    /// on CPU devices: [`Kernels::conv1`]).
    ///
    /// `input`: `[batch, in]` (in = 2N for Alice and Bob, N for Eve) -> `[batch, N]`.
    pub fn forward(&self, input: Tensor<2>, kernels: &Kernels) -> Tensor<2> {
        let [batch, _] = input.dims();
        let n = self.bits();
        let mut x = input;
        for layer in &self.dense {
            x = kernels.dense(x, layer.weight.val(), bias(&layer.bias), Activation::Tanh); // [batch, 2N]
        }
        // conv1: [batch·N, (pair, k, c)] for output position t = 2s + k (see Kernels::conv1),
        // so that conv2's input needs no transpose.
        let [c1, _, _] = self.conv1.weight.dims();
        let (pairs, c2) = (c1 / 2, 2 * c1);
        let x = kernels.conv1(x, self.conv1.weight.val(), bias(&self.conv1.bias)); // [batch*N, 2C]
        // conv2 (kernel 2, stride 2): each row holds both taps of every channel.
        let w2 =
            self.conv2.weight.val().reshape([c2, pairs, 2, 2]).permute([1, 3, 2, 0]).reshape([2 * c1, c2]); // [(pair, k, c), out]
        let x = kernels.mix(x, w2, bias(&self.conv2.bias), Activation::Tanh); // [batch*N, 2C]
        // conv3, conv4 (kernel 1): per-position channel mixing.
        let w3 = self.conv3.weight.val().reshape([c2, c2]).transpose(); // [in, out]
        let x = kernels.mix(x, w3, bias(&self.conv3.bias), Activation::Tanh); // [batch*N, 2C]
        let w4 = self.conv4.weight.val().reshape([1, c2]).transpose(); // [2C, 1]
        match &self.head {
            // The proof-of-concept's head: tanh, then Linear(N -> N), then the output.
            Some(head) => {
                let x = kernels.mix(x, w4, bias(&self.conv4.bias), Activation::Tanh).reshape([batch, n]);
                kernels.dense(x, head.weight.val(), bias(&head.bias), self.output.activation()) // [batch, N]
            }
            None => kernels.mix(x, w4, bias(&self.conv4.bias), self.output.activation()).reshape([batch, n]),
        }
    }

    /// Runs the network exactly as written in the spec with burn's `Conv1d` and `tanh`:
    /// the reference the fast path is tested against. Same shapes as [`Network::forward`].
    pub fn forward_reference(&self, input: Tensor<2>) -> Tensor<2> {
        let [batch, _] = input.dims();
        let n = self.bits();
        let mut x = input;
        for layer in &self.dense {
            x = layer.forward(x).tanh(); // [batch, 2N]
        }
        let x = x.reshape([batch, 1, 2 * n]); // [batch, 1, 2N]
        let x = self.conv1.forward(x).tanh(); // [batch, 2, 2N]
        let x = self.conv2.forward(x).tanh(); // [batch, 4, N]
        let x = self.conv3.forward(x).tanh(); // [batch, 4, N]
        let x = self.conv4.forward(x).reshape([batch, n]); // [batch, N]
        let x = match &self.head {
            Some(head) => head.forward(x.tanh()),
            None => x,
        };
        match self.output {
            OutputActivation::Sigmoid => burn::tensor::activation::sigmoid(x),
            OutputActivation::Tanh => x.tanh(),
        }
    }
}

/// A layer's bias `[out]` (every layer here has one).
fn bias(bias: &Option<Param<Tensor<1>>>) -> Tensor<1> {
    bias.as_ref().expect("bias").val()
}
