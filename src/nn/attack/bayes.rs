//! The attacker that is not a network: a per-bit naive-Bayes read-out. Each ciphertext
//! value, standardised, falls in one of [`BINS`] bins; for every message bit it counts how
//! often each bin of each position came with a 0 and with a 1, and reads a bit by adding
//! the log-odds of the bins it sees. Plain counting on the host: no crate does this for
//! tensors of this shape, and it is a few lines.

/// Bins per ciphertext position (over standardised values −3..3, the ends open).
pub const BINS: usize = 24;

/// Counts of (position, bin, message bit, bit value).
#[derive(Clone, Debug)]
pub struct Counts {
    bits: usize,
    /// `[position][bin][message bit][value]`, flattened.
    counts: Vec<u32>,
}

fn bin(z: f32) -> usize {
    let at = ((z + 3.0) / 6.0 * BINS as f32).floor();
    (at.max(0.0) as usize).min(BINS - 1)
}

impl Counts {
    /// No message seen yet, for `bits`-bit ciphertexts and messages.
    pub fn new(bits: usize) -> Self {
        Self { bits, counts: vec![0; bits * BINS * bits * 2] }
    }

    fn at(&self, position: usize, bin: usize, bit: usize, value: usize) -> usize {
        ((position * BINS + bin) * self.bits + bit) * 2 + value
    }

    /// Counts standardised ciphertexts `z` and their messages (row-major, `[rows, N]`).
    pub fn add(&mut self, z: &[f32], messages: &[f32]) {
        let n = self.bits;
        for (c, m) in z.chunks_exact(n).zip(messages.chunks_exact(n)) {
            for (position, &value) in c.iter().enumerate() {
                let b = bin(value);
                for (bit, &v) in m.iter().enumerate() {
                    let at = self.at(position, b, bit, usize::from(v > 0.5));
                    self.counts[at] += 1;
                }
            }
        }
    }

    /// The probability that each message bit is 1, for standardised ciphertexts `z`
    /// (`[rows, N]` -> `[rows, N]`), with add-one smoothing.
    pub fn guess(&self, z: &[f32]) -> Vec<f32> {
        let n = self.bits;
        // log P(bin | bit = 1) − log P(bin | bit = 0), per (position, bin, bit).
        let mut log_odds = vec![0f32; n * BINS * n];
        for position in 0..n {
            for bit in 0..n {
                let total =
                    |value| (0..BINS).map(|b| self.counts[self.at(position, b, bit, value)]).sum::<u32>();
                let (zeros, ones) = (total(0) as f32 + BINS as f32, total(1) as f32 + BINS as f32);
                for b in 0..BINS {
                    let p1 = (self.counts[self.at(position, b, bit, 1)] as f32 + 1.0) / ones;
                    let p0 = (self.counts[self.at(position, b, bit, 0)] as f32 + 1.0) / zeros;
                    log_odds[(position * BINS + b) * n + bit] = p1.ln() - p0.ln();
                }
            }
        }
        let mut out = Vec::with_capacity(z.len());
        for c in z.chunks_exact(n) {
            let mut sum = vec![0f32; n];
            for (position, &value) in c.iter().enumerate() {
                let row = &log_odds[(position * BINS + bin(value)) * n..][..n];
                sum.iter_mut().zip(row).for_each(|(s, l)| *s += l);
            }
            out.extend(sum.into_iter().map(|s| 1.0 / (1.0 + (-s).exp())));
        }
        out
    }
}
