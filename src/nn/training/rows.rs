//! What every replica's iteration reads: the run's configuration, the networks' kernels,
//! and which rows of each whole batch are this replica's (see [`crate::nn::replicas`]).

use crate::nn::config::TrainingConfig;
use crate::nn::inference::Runner;

/// One replica's view of the run.
pub(super) struct Rows<'a> {
    pub(super) config: &'a TrainingConfig,
    /// The networks' kernels on the training device.
    pub(super) runner: &'a Runner,
    /// This replica's rows of each batch: `start .. start + rows`.
    pub(super) start: usize,
    pub(super) rows: usize,
}

impl<'a> Rows<'a> {
    /// Replica `index` of `count`'s rows of each batch of `config`.
    pub(super) fn of(config: &'a TrainingConfig, runner: &'a Runner, index: usize, count: usize) -> Self {
        let batch = config.batch_size;
        let (start, end) = (index * batch / count, (index + 1) * batch / count);
        Self { config, runner, start, rows: end - start }
    }
}
