//! Adversarial neural cryptography (Abadi & Andersen, 2016): Alice learns to encrypt, Bob
//! to decrypt with a shared key, Eve to eavesdrop without it.
//!
//! The learning core takes a burn [`Device`](burn::prelude::Device) and names no concrete
//! backend, so the same code trains natively and in a browser.

pub mod audit;
pub mod brute_force;
pub mod cipher_views;
pub mod codec;
pub mod config;
pub mod data;
pub mod english;
pub mod evaluation;
pub mod form;
pub mod kernels;
pub mod messages;
pub mod metrics;
pub mod model;
pub mod model_file;
pub mod replicas;
pub mod report;
pub mod sweep;
pub mod training;
pub mod transfer;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use audit::{Audit, AuditConfig, EveStart};
pub use config::{ConfigError, OptimizerKind, Preset, TrainingConfig};
pub use evaluation::{Evaluation, Score, evaluate};
pub use metrics::{AuditLoss, IterationLosses, Pending};
pub use model::{CipherConfig, Ciphers, Network};
pub use training::Trainer;
