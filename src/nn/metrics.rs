//! The rows a step-wise job reports (training losses, audit losses), kept on the device
//! until the caller reads them: one read-back per slice of steps (see [`Pending`]).

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::nn::pending::Pending;

/// A record made from one row of floats read back from the device.
pub trait FromRow: Sized {
    /// Floats in a row.
    const WIDTH: usize;
    /// Builds the record of 1-based step `step` from its row.
    fn from_row(step: usize, row: &[f32]) -> Self;
}

/// The losses of one training iteration, in bits wrong per message.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct IterationLosses {
    /// 1-based iteration number.
    pub iteration: usize,
    /// Alice+Bob's loss `L_B + (N/2 − L_E)² / (N/2)²` on its (last) step.
    pub ab: f32,
    /// Bob's reconstruction loss `L_B` on the same step.
    pub bob: f32,
    /// Eve's loss `L_E`, the mean over this iteration's Eve steps (NaN with no Eve step).
    pub eve: f32,
}

impl FromRow for IterationLosses {
    const WIDTH: usize = 3;
    fn from_row(iteration: usize, row: &[f32]) -> Self {
        Self { iteration, ab: row[0], bob: row[1], eve: row[2] }
    }
}

/// Eve's loss on one step of a security audit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLoss {
    /// 1-based audit step.
    pub step: usize,
    /// Eve's loss `L_E` (bits wrong per message) on that step's batch.
    pub eve: f32,
}

impl FromRow for AuditLoss {
    const WIDTH: usize = 1;
    fn from_row(step: usize, row: &[f32]) -> Self {
        Self { step, eve: row[0] }
    }
}

/// Rows `[1, R::WIDTH]` still on the device, the first of step `first_step`, read back
/// as records.
pub fn pending_rows<R: FromRow + 'static>(first_step: usize, rows: Vec<Tensor<2>>) -> Pending<Vec<R>> {
    if rows.is_empty() {
        return Pending::ready(Vec::new());
    }
    Pending::of(Tensor::cat(rows, 0), move |flat| {
        flat.chunks_exact(R::WIDTH).enumerate().map(|(i, row)| R::from_row(first_step + i, row)).collect()
    })
}
