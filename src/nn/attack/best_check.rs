//! Early stopping on held-out checks, for every attacker of the suite (the readers and the
//! distinguisher): the best check so far, the step it came at and the learner then, and a
//! stop after `patience` checks in a row without a gain.

/// The best held-out check of one attacker, and whether it has stopped improving.
#[derive(Clone, Debug)]
pub(super) struct BestCheck<L> {
    /// The best check's value, its step, and the learner as it stood then.
    best: Option<(f64, usize, L)>,
    checks_without_gain: usize,
    stopped: bool,
}

impl<L: Clone> BestCheck<L> {
    /// No check yet.
    pub(super) fn new() -> Self {
        Self { best: None, checks_without_gain: 0, stopped: false }
    }

    /// Records a check of `value` at `step` with `learner`: kept as the best when it is the
    /// first or `gains(value, best)` says it gains on the best; otherwise one more check
    /// without a gain, and the attacker stops at `patience` of them.
    pub(super) fn record(
        &mut self,
        value: f64,
        step: usize,
        learner: &L,
        gains: impl FnOnce(f64, f64) -> bool,
        patience: usize,
    ) {
        if self.best.as_ref().is_none_or(|(best, _, _)| gains(value, *best)) {
            self.best = Some((value, step, learner.clone()));
            self.checks_without_gain = 0;
        } else {
            self.checks_without_gain += 1;
            self.stopped = self.checks_without_gain >= patience;
        }
    }

    /// Whether it stopped improving.
    pub(super) fn stopped(&self) -> bool {
        self.stopped
    }

    /// The learner at the best check and its step, if there was a check.
    pub(super) fn best(&self) -> Option<(&L, usize)> {
        self.best.as_ref().map(|(_, step, learner)| (learner, *step))
    }
}
