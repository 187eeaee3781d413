//! Using the networks: Alice encrypts, Bob decrypts with the key, Eve reads without it.
//! The one place the per-device compute settings ([`Kernels`]) are built: a [`Runner`] holds
//! them for a device and a message width, and a [`Cipher`] pairs a trained model's networks
//! (values only, no autodiff) with its runner, built once and used by evaluation, audits,
//! the cipher views, the message form and the key search.

use burn::prelude::*;
use burn::tensor::TensorData;

use serde::{Deserialize, Serialize};

use crate::nn::data::MessageBatch;
use crate::nn::kernels::Kernels;
use crate::nn::model::{Network, Networks};
use crate::nn::pending::Pending;

/// The kernels of `bits`-bit networks on one device, and the networks' three uses.
#[derive(Clone, Debug)]
pub struct Runner {
    device: Device,
    kernels: Kernels,
}

impl Runner {
    /// The fastest kernels for `bits`-bit networks on `device` (with or without autodiff:
    /// the trainer's runner backs gradients up through them).
    pub fn new(bits: usize, device: &Device) -> Self {
        Self { device: device.clone(), kernels: Kernels::for_device(bits, device) }
    }

    /// The device the networks run on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The kernels the networks run with.
    pub fn kernels(&self) -> &Kernels {
        &self.kernels
    }

    /// Alice's ciphertext of a batch: `[batch, N]`.
    pub fn encrypt(&self, alice: &Network, batch: &MessageBatch) -> Tensor<2> {
        alice.forward(Tensor::cat(vec![batch.messages.clone(), batch.keys.clone()], 1), &self.kernels)
    }

    /// Bob's reading of `ciphertext` `[batch, N]` with `keys` `[batch, N]`: `[batch, N]`.
    pub fn decrypt(&self, bob: &Network, ciphertext: Tensor<2>, keys: Tensor<2>) -> Tensor<2> {
        bob.forward(Tensor::cat(vec![ciphertext, keys], 1), &self.kernels)
    }

    /// Eve's reading of `ciphertext` `[batch, N]` without the key: `[batch, N]`.
    pub fn eavesdrop(&self, eve: &Network, ciphertext: Tensor<2>) -> Tensor<2> {
        eve.forward(ciphertext, &self.kernels)
    }

    /// Host floats, row-major, as a `[values.len() / width, width]` tensor on the device.
    pub fn rows(&self, values: Vec<f32>, width: usize) -> Tensor<2> {
        let rows = values.len() / width;
        Tensor::from_data(TensorData::new(values, [rows, width]), &self.device)
    }
}

/// A trained cipher ready to use: Alice, Bob and Eve without autodiff, and their runner.
#[derive(Clone, Debug)]
pub struct Cipher {
    ciphers: Networks,
    runner: Runner,
}

impl Cipher {
    /// `ciphers` (copied, without autodiff) ready to run on `device` (its autodiff, if
    /// any, is dropped).
    pub fn new(ciphers: &Networks, device: &Device) -> Self {
        let device = device.clone().inner();
        Self { runner: Runner::new(ciphers.alice.bits(), &device), ciphers: ciphers.valid() }
    }

    /// Bits in a message, a key and a ciphertext (N).
    pub fn bits(&self) -> usize {
        self.ciphers.alice.bits()
    }

    /// The three networks.
    pub fn networks(&self) -> &Networks {
        &self.ciphers
    }

    /// The runner they use.
    pub fn runner(&self) -> &Runner {
        &self.runner
    }

    /// Alice's ciphertext of a batch: `[batch, N]`.
    pub fn encrypt(&self, batch: &MessageBatch) -> Tensor<2> {
        self.runner.encrypt(&self.ciphers.alice, batch)
    }

    /// Bob's reading with the keys: `[batch, N]`.
    pub fn decrypt(&self, ciphertext: Tensor<2>, keys: Tensor<2>) -> Tensor<2> {
        self.runner.decrypt(&self.ciphers.bob, ciphertext, keys)
    }

    /// Eve's reading without the key: `[batch, N]`.
    pub fn eavesdrop(&self, ciphertext: Tensor<2>) -> Tensor<2> {
        self.runner.eavesdrop(&self.ciphers.eve, ciphertext)
    }

    /// What each network makes of one `message` under one `key` (N bits each, 0 or 1).
    ///
    /// # Panics
    /// If either is not N values long.
    pub fn read_one(&self, message: &[f32], key: &[f32]) -> Pending<OneReading> {
        let bits = self.bits();
        assert!(message.len() == bits && key.len() == bits, "a message and a key of {bits} bits");
        let batch = MessageBatch {
            messages: self.runner.rows(message.to_vec(), bits),
            keys: self.runner.rows(key.to_vec(), bits),
        };
        let ciphertext = self.encrypt(&batch);
        let bob = self.decrypt(ciphertext.clone(), batch.keys);
        let eve = self.eavesdrop(ciphertext.clone());
        Pending::new(vec![ciphertext, bob, eve], |mut read| {
            let (eve, bob, ciphertext) = (read.pop(), read.pop(), read.pop());
            OneReading {
                ciphertext: ciphertext.unwrap_or_default(),
                bob: bob.unwrap_or_default(),
                eve: eve.unwrap_or_default(),
            }
        })
    }
}

/// One message read by the three networks: Alice's ciphertext values (-1..1), and Bob's and
/// Eve's guesses (0..1; a bit reads as 1 above 0.5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneReading {
    pub ciphertext: Vec<f32>,
    pub bob: Vec<f32>,
    pub eve: Vec<f32>,
}

impl OneReading {
    /// How many of `message`'s bits Bob and Eve each read right.
    pub fn right(&self, message: &[f32]) -> (usize, usize) {
        let count =
            |guess: &[f32]| guess.iter().zip(message).filter(|(g, m)| (**g > 0.5) == (**m > 0.5)).count();
        (count(&self.bob), count(&self.eve))
    }
}
