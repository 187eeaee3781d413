//! Loss series kept on the device until the caller reads them (one read-back per slice
//! of iterations, synchronous natively, asynchronous in a browser).

use burn::prelude::*;
use serde::{Deserialize, Serialize};

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

/// Rows of `T` still on the device.
#[must_use = "losses stay on the device until read"]
pub struct Pending<T> {
    first_step: usize,
    /// `[steps, T::WIDTH]`.
    values: Option<Tensor<2>>,
    _row: std::marker::PhantomData<T>,
}

impl<T: FromRow> Pending<T> {
    /// Collects rows `[1, T::WIDTH]`; the first is step `first_step`.
    pub fn new(first_step: usize, rows: Vec<Tensor<2>>) -> Self {
        let values = (!rows.is_empty()).then(|| Tensor::cat(rows, 0));
        Self { first_step, values, _row: std::marker::PhantomData }
    }

    fn unpack(&self, flat: &[f32]) -> Vec<T> {
        flat.chunks_exact(T::WIDTH)
            .enumerate()
            .map(|(i, row)| T::from_row(self.first_step + i, row))
            .collect()
    }

    /// Reads the rows back, blocking (native code; not a browser's WebGPU device).
    pub fn read(self) -> Vec<T> {
        match &self.values {
            Some(t) => self.unpack(&t.to_data().try_into_vec::<f32>().expect("f32 losses")),
            None => Vec::new(),
        }
    }

    /// Reads the rows back without blocking (the browser's way).
    pub async fn read_async(self) -> Result<Vec<T>, String> {
        let Some(t) = &self.values else { return Ok(Vec::new()) };
        let data = t.clone().into_data_async().await.map_err(|e| e.to_string())?;
        let flat = data.try_into_vec::<f32>().map_err(|e| format!("{e:?}"))?;
        Ok(self.unpack(&flat))
    }
}
