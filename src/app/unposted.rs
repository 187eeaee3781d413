//! Rows a training worker has not posted to the page yet. The worker trains in short slices
//! (to answer a pause soon) but posts at most every so many milliseconds, and at once when
//! it pauses, warms up or ends: the page's work per post (progress, the watched message)
//! runs on a thread that competes with the workers for the cores.

use web_time::Instant;

/// A slice's rows kept until the next post, with the seconds they took.
pub struct Unposted<R> {
    rows: Vec<R>,
    seconds: f64,
    /// The shortest time between two posts.
    every_ms: f64,
    last: Option<Instant>,
}

impl<R> Unposted<R> {
    /// Nothing kept yet; posts due at most every `every_ms`.
    pub fn every(every_ms: f64) -> Self {
        Self { rows: Vec::new(), seconds: 0.0, every_ms, last: None }
    }

    /// Keeps a slice's rows and the seconds it took.
    pub fn add(&mut self, rows: Vec<R>, seconds: f64) {
        self.rows.extend(rows);
        self.seconds += seconds;
    }

    /// Whether a post is due: none yet, or `every_ms` passed since the last.
    pub fn due(&self) -> bool {
        self.last.is_none_or(|last| last.elapsed().as_secs_f64() * 1000.0 >= self.every_ms)
    }

    /// The rows kept and their seconds, to post now (`None` when none are kept); the next
    /// post is due `every_ms` from now.
    pub fn take(&mut self) -> Option<(Vec<R>, f64)> {
        if self.rows.is_empty() {
            return None;
        }
        self.last = Some(Instant::now());
        Some((std::mem::take(&mut self.rows), std::mem::take(&mut self.seconds)))
    }
}
