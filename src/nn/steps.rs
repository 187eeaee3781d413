//! One interface for the long jobs that run a slice at a time — training, audits, the key
//! search — so the page has one slice loop and the command line one progress loop.

use crate::nn::pending::Pending;

/// Work done step by step, each step reporting a row.
pub trait Steps {
    /// What one step reports (a training iteration's losses, an audit step's loss, ...).
    type Row: 'static;

    /// Runs up to `steps` more steps (fewer if the work ends first); their rows may still be
    /// on the device.
    fn run(&mut self, steps: usize) -> Pending<Vec<Self::Row>>;

    /// Steps done so far.
    fn done(&self) -> usize;

    /// Steps in the whole job.
    fn total(&self) -> usize;

    /// Whether every step is done.
    fn is_done(&self) -> bool {
        self.done() >= self.total()
    }
}
