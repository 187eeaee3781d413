//! A key for the message form: typed or pasted as bits or as hex, or drawn at random, and
//! written back in both forms.

use thiserror::Error;

/// A key: `bits` bits, typed or pasted as bits (`0110…`, spaces allowed) or as hex
/// (`3fa0`, an optional `0x`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub bits: Vec<u8>,
}

/// Why a typed key is refused.
#[derive(Debug, Clone, PartialEq, Error)]
#[error(
    "a key for this model is {bits} bits: type {bits} zeros and ones, or {hex} hex digits (got “{text}”)"
)]
pub struct KeyError {
    pub bits: usize,
    pub hex: usize,
    pub text: String,
}

impl Key {
    /// Parses `text` for a model of `bits` bits (a multiple of 4).
    pub fn parse(text: &str, bits: usize) -> Result<Self, KeyError> {
        let error = || KeyError { bits, hex: bits / 4, text: text.trim().to_string() };
        let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
        if compact.len() == bits && compact.chars().all(|c| c == '0' || c == '1') {
            return Ok(Self { bits: compact.bytes().map(|b| b - b'0').collect() });
        }
        let hex = compact.strip_prefix("0x").or_else(|| compact.strip_prefix("0X")).unwrap_or(&compact);
        if !bits.is_multiple_of(4) || hex.len() * 4 != bits {
            return Err(error());
        }
        let mut out = Vec::with_capacity(bits);
        for c in hex.chars() {
            let nibble = c.to_digit(16).ok_or_else(error)?;
            out.extend((0..4).rev().map(|b| (nibble >> b & 1) as u8));
        }
        Ok(Self { bits: out })
    }

    /// A key from a bit source (the browser's crypto RNG, say).
    pub fn random(bits: usize, mut random: impl FnMut() -> bool) -> Self {
        Self { bits: (0..bits).map(|_| u8::from(random())).collect() }
    }

    /// The key as zeros and ones.
    pub fn to_bit_string(&self) -> String {
        self.bits.iter().map(|b| char::from(b'0' + b)).collect()
    }

    /// The key as lowercase hex (when its length is a multiple of 4).
    pub fn to_hex(&self) -> String {
        self.bits
            .chunks(4)
            .map(|c| char::from_digit(c.iter().fold(0, |v, &b| v << 1 | u32::from(b)), 16).unwrap_or('?'))
            .collect()
    }

    /// The key as 0.0 / 1.0 floats.
    pub fn floats(&self) -> Vec<f32> {
        self.bits.iter().map(|&b| f32::from(b)).collect()
    }
}
