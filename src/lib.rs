//! Adversarial neural cryptography (Abadi & Andersen, 2016): Alice learns to encrypt, Bob
//! to decrypt with a shared key, Eve to eavesdrop without it.
//!
//! Three layers, each using only those above it in this list:
//! - [`nn`]: the learning core — networks, training, audits, evaluation. It takes a burn
//!   [`Device`](burn::prelude::Device) and names no concrete backend, so the same code
//!   trains natively and in a browser.
//! - [`text`]: lowercase text through a learned cipher — packing, ciphertexts, keys, the
//!   key search.
//! - [`app`]: plain logic behind the page and the command line (the training form, loss
//!   reports, sweep tables, the "inside the cipher" views), tested natively.
//!
//! The page itself ([`web`], wasm32 only) and the `anc` command line only call these.

pub mod app;
pub mod nn;
pub mod text;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use nn::audit::{Audit, AuditConfig, EveStart};
pub use nn::config::{ConfigError, OptimizerKind, Preset, TrainingConfig};
pub use nn::evaluation::{Evaluation, Score, evaluate};
pub use nn::metrics::{AuditLoss, IterationLosses};
pub use nn::model::{CipherConfig, Network, Networks};
pub use nn::training::Trainer;
