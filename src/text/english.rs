//! How English-like a text over the 32-symbol alphabet is: how far its character counts
//! are from English letter frequencies (a χ² distance; space and punctuation included),
//! used to rank the plaintexts a key search produces. Per-character likelihood alone is
//! fooled by a text of all spaces; a distance between distributions is not.
//!
//! The table is written here because it is 32 numbers; a crate would bring whole corpora.

use crate::text::codec::{ALPHABET, char_of};

/// Relative frequency of each symbol in ordinary English prose, in alphabet order (a–z
/// after the usual letter table scaled to 80 % of characters, space 17 %, then `.` `,`
/// `!` `?` `:`).
const FREQUENCY: [f64; 32] = [
    6.53, 1.19, 2.23, 3.40, 10.16, 1.78, 1.61, 4.87, 5.57, 0.12, 0.62, 3.22, 1.92, 5.40, 6.01, 1.54, 0.08,
    4.79, 5.06, 7.24, 2.21, 0.78, 1.89, 0.12, 1.58, 0.06, // a–z
    17.0, 0.9, 0.9, 0.1, 0.1, 0.1, // space . , ! ? :
];

/// Minus the χ² distance between the counts of `codes` and English's expected counts
/// (higher is more English-like; 0 would be a perfect match).
pub fn score(codes: &[u8]) -> f64 {
    debug_assert_eq!(ALPHABET.len(), FREQUENCY.len());
    let total: f64 = FREQUENCY.iter().sum();
    let mut counts = [0f64; 32];
    for &c in codes {
        counts[c as usize] += 1.0;
    }
    let n = codes.len().max(1) as f64;
    let chi2: f64 = counts
        .iter()
        .zip(FREQUENCY)
        .map(|(observed, f)| {
            let expected = n * f / total;
            (observed - expected).powi(2) / expected
        })
        .sum();
    -chi2 / n
}

/// The text of some codes.
pub fn text(codes: &[u8]) -> String {
    codes.iter().map(|&c| char_of(c)).collect()
}
