//! The learning core: Alice, Bob and Eve, their training and the measures of a cipher.
//! Plain Rust on a burn `Device`: no backend named, no web type.

pub mod any_model;
pub mod attack;
pub mod audit;
pub mod config;
pub mod data;
pub mod evaluation;
pub mod inference;
pub mod kernels;
pub mod losses;
pub mod metrics;
pub mod model;
pub mod model_file;
pub mod optimizer;
pub mod pad;
pub mod pending;
pub mod population;
pub mod replicas;
pub mod seeds;
pub mod steps;
pub mod training;
pub mod transfer;
