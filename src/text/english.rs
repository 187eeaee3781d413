//! How English-like a text over the 32-symbol alphabet is, to rank the plaintexts a key
//! search produces: the share of its letters that fall in common English words (a list of
//! the most frequent ones), less how far its character counts are from English letter
//! frequencies (a χ² distance; space and punctuation included). Letter counts alone rank
//! gibberish with English-like letters above a short true reading; whole words rarely come
//! out of a wrong key. Per-character likelihood alone is fooled by a text of all spaces; a
//! distance between distributions is not.
//!
//! The tables are written here because they are small; a crate would bring whole corpora.

use crate::text::codec::{ALPHABET, char_of};

mod words;
use words::WORDS;

/// Relative frequency of each symbol in ordinary English prose, in alphabet order (a–z
/// after the usual letter table scaled to 80 % of characters, space 17 %, then `.` `,`
/// `!` `?` `:`).
const FREQUENCY: [f64; 32] = [
    6.53, 1.19, 2.23, 3.40, 10.16, 1.78, 1.61, 4.87, 5.57, 0.12, 0.62, 3.22, 1.92, 5.40, 6.01, 1.54, 0.08,
    4.79, 5.06, 7.24, 2.21, 0.78, 1.89, 0.12, 1.58, 0.06, // a–z
    17.0, 0.9, 0.9, 0.1, 0.1, 0.1, // space . , ! ? :
];

/// Messages shorter than this (in characters) are too short for the ranking to find the
/// true key reliably (measured by `tests/brute_force.rs` on the shipped poc8 model).
pub const SHORTEST_RANKABLE: usize = 24;

/// How much a reading's share of letters in common words counts against the χ² distance.
const WORD_WEIGHT: f64 = 3.0;

/// The share of `codes`' letters that lie in words of [`WORDS`] (0 with no letter).
pub fn word_share(codes: &[u8]) -> f64 {
    let text = text(codes);
    let letters = text.chars().filter(char::is_ascii_lowercase).count();
    let covered: usize =
        text.split(|c: char| !c.is_ascii_lowercase()).filter(|w| WORDS.contains(w)).map(str::len).sum();
    covered as f64 / letters.max(1) as f64
}

/// How English-like `codes` read: [`WORD_WEIGHT`] times the share of their letters in
/// common words, minus the χ² distance of their character counts from English's per
/// character (higher is more English-like).
pub fn score(codes: &[u8]) -> f64 {
    WORD_WEIGHT * word_share(codes) - letter_distance(codes)
}

/// The χ² distance between the counts of `codes` and English's expected counts, per
/// character (0 would be a perfect match).
pub fn letter_distance(codes: &[u8]) -> f64 {
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
    chi2 / n
}

/// The text of some codes.
pub fn text(codes: &[u8]) -> String {
    codes.iter().map(|&c| char_of(c)).collect()
}
