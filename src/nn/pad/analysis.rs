//! What a pad network found, read off its weights rounded to integers: each ciphertext
//! position as a formula over GF(2) (an odd weight selects a bit, an even one drops it:
//! `cos(π·w·b)` is `(−1)^(w·b)`), the rank of the key selection, and the verdict — a perfect
//! one-time pad only when Bob reads every message and the key selection has full rank;
//! otherwise which XORs of ciphertext positions cancel the key, and what they reveal.

use std::fmt;

/// One ciphertext position: the message bits and key bits it XORs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formula {
    pub position: usize,
    pub message: Vec<usize>,
    pub key: Vec<usize>,
}

/// `i` as a subscript (`₁₂`).
fn sub(i: usize) -> String {
    i.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).expect("a digit")).expect("a subscript"))
        .collect()
}

/// `name₁ ⊕ name₅ …`, or `0` for none.
fn xor(name: char, bits: &[usize]) -> String {
    if bits.is_empty() {
        return "0".into();
    }
    bits.iter().map(|&b| format!("{name}{}", sub(b))).collect::<Vec<_>>().join(" ⊕ ")
}

impl fmt::Display for Formula {
    /// `c₃ = m₃ ⊕ k₇ ⊕ k₁₂`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let terms: Vec<String> = self
            .message
            .iter()
            .map(|&b| format!("m{}", sub(b)))
            .chain(self.key.iter().map(|&b| format!("k{}", sub(b))))
            .collect();
        let rhs = if terms.is_empty() { "0".to_string() } else { terms.join(" ⊕ ") };
        write!(f, "c{} = {rhs}", sub(self.position))
    }
}

/// A combination of ciphertext positions whose key bits cancel, and the message bits it
/// reveals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leak {
    pub positions: Vec<usize>,
    pub message: Vec<usize>,
}

impl fmt::Display for Leak {
    /// `c₂ ⊕ c₉ reveals m₂ ⊕ m₉`, or `c₄ is always 0` when neither key nor message reaches it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            return write!(f, "{} is always 0", xor('c', &self.positions));
        }
        write!(f, "{} reveals {}", xor('c', &self.positions), xor('m', &self.message))
    }
}

/// What the rounded weights say.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub formulas: Vec<Formula>,
    /// Rank over GF(2) of the N × N key selection (N: a pad).
    pub key_rank: usize,
    /// Bob's share of messages read whole with the rounded weights (percent).
    pub bob_correct_pct: f64,
    /// Key-free combinations (a basis of them), when the rank is not full.
    pub leaks: Vec<Leak>,
}

impl Analysis {
    /// Reads the integer weights `w` (`[2N][N]`: message rows then key rows) of a cipher
    /// whose rounded Bob read `bob_correct_pct` % of messages whole.
    pub fn of(w: &[Vec<i64>], bob_correct_pct: f64) -> Self {
        let n = w.len() / 2;
        let odd = |row: usize, col: usize| w[row][col].rem_euclid(2) == 1;
        let formulas: Vec<Formula> = (0..n)
            .map(|i| Formula {
                position: i,
                message: (0..n).filter(|&j| odd(j, i)).collect(),
                key: (0..n).filter(|&j| odd(n + j, i)).collect(),
            })
            .collect();
        // Position i's key selection as a bit row (bit j: key bit j), with its message bits.
        let rows: Vec<(u128, u128)> = formulas.iter().map(|f| (mask(&f.key), mask(&f.message))).collect();
        let (key_rank, leaks) = cancelling(&rows, n);
        Self { formulas, key_rank, bob_correct_pct, leaks }
    }

    /// Whether the networks found a perfect one-time pad: Bob reads every message and the
    /// key selection has full rank (each ciphertext pattern equally likely for any message,
    /// one message under one fresh key).
    pub fn is_perfect_pad(&self) -> bool {
        self.bob_correct_pct >= 100.0 && self.key_rank == self.formulas.len()
    }

    /// The verdict in words.
    pub fn verdict(&self) -> String {
        let n = self.formulas.len();
        if self.is_perfect_pad() {
            return format!("a perfect one-time pad (key rank {n} of {n}, Bob reads every message)");
        }
        let mut why = Vec::new();
        if self.bob_correct_pct < 100.0 {
            why.push(format!("Bob reads {:.2} % of messages whole after rounding", self.bob_correct_pct));
        }
        if self.key_rank < n {
            let leaks: Vec<String> = self.leaks.iter().map(ToString::to_string).collect();
            why.push(format!("key rank {} of {n}: {}", self.key_rank, leaks.join("; ")));
        }
        format!("not a perfect pad: {}", why.join("; "))
    }
}

fn mask(bits: &[usize]) -> u128 {
    bits.iter().fold(0, |m, &b| m | 1 << b)
}

/// Gaussian elimination over GF(2) on the key rows, carrying which positions each reduced
/// row combines and its message bits: the rank, and one leak per row reduced to no key.
fn cancelling(rows: &[(u128, u128)], n: usize) -> (usize, Vec<Leak>) {
    // (key bits, message bits, positions combined)
    let mut work: Vec<(u128, u128, u128)> =
        rows.iter().enumerate().map(|(i, &(k, m))| (k, m, 1u128 << i)).collect();
    let mut rank = 0;
    for bit in 0..n {
        let Some(pivot) = (rank..work.len()).find(|&r| work[r].0 >> bit & 1 == 1) else { continue };
        work.swap(rank, pivot);
        let (pk, pm, pp) = work[rank];
        for (r, row) in work.iter_mut().enumerate() {
            if r != rank && row.0 >> bit & 1 == 1 {
                *row = (row.0 ^ pk, row.1 ^ pm, row.2 ^ pp);
            }
        }
        rank += 1;
    }
    let bits = |m: u128| (0..n).filter(|&b| m >> b & 1 == 1).collect::<Vec<_>>();
    let leaks = work[rank..].iter().map(|&(_, m, p)| Leak { positions: bits(p), message: bits(m) }).collect();
    (rank, leaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[2N][N]` weights: position i takes message bit i and the key bits `keys[i]`.
    fn pad(keys: &[&[usize]]) -> Vec<Vec<i64>> {
        let n = keys.len();
        let mut w = vec![vec![0; n]; 2 * n];
        for (i, ks) in keys.iter().enumerate() {
            w[i][i] = 1;
            for &k in *ks {
                w[n + k][i] = 3; // any odd weight selects
            }
        }
        w[0][1] = 2; // an even weight drops a bit
        w
    }

    #[test]
    fn a_full_rank_key_selection_is_a_perfect_pad_and_formulas_read_off() {
        let a = Analysis::of(&pad(&[&[0, 1], &[1], &[2, 3], &[3]]), 100.0);
        assert_eq!(a.key_rank, 4);
        assert!(a.is_perfect_pad(), "{}", a.verdict());
        assert!(a.leaks.is_empty());
        assert_eq!(a.formulas[0].to_string(), "c₀ = m₀ ⊕ k₀ ⊕ k₁");
        assert_eq!(a.formulas[1].to_string(), "c₁ = m₁ ⊕ k₁", "an even weight drops m₀");
        assert!(a.verdict().starts_with("a perfect one-time pad"));
        // Bob must read every message too.
        assert!(!Analysis::of(&pad(&[&[0], &[1], &[2], &[3]]), 99.99).is_perfect_pad());
    }

    #[test]
    fn a_key_selection_short_of_rank_names_what_leaks() {
        // c₂ and c₃ share one key bit: their XOR cancels it and shows m₂ ⊕ m₃.
        let a = Analysis::of(&pad(&[&[0], &[1], &[2], &[2]]), 100.0);
        assert_eq!(a.key_rank, 3);
        assert!(!a.is_perfect_pad());
        assert_eq!(a.leaks, vec![Leak { positions: vec![2, 3], message: vec![2, 3] }]);
        assert_eq!(a.leaks[0].to_string(), "c₂ ⊕ c₃ reveals m₂ ⊕ m₃");
        assert!(a.verdict().contains("key rank 3 of 4: c₂ ⊕ c₃ reveals m₂ ⊕ m₃"), "{}", a.verdict());
        // A position with no key bit at all is sent in the clear.
        let clear = Analysis::of(&pad(&[&[0], &[], &[2], &[3]]), 100.0);
        assert_eq!(clear.leaks[0].to_string(), "c₁ reveals m₁");
        // A position that carries nothing at all.
        let mut empty = pad(&[&[0], &[1], &[2], &[3]]);
        empty[3][3] = 0;
        empty[4 + 3][3] = 0;
        assert_eq!(Analysis::of(&empty, 75.0).leaks[0].to_string(), "c₃ is always 0");
    }
}
