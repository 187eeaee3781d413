//! Text <-> bits <-> ciphertext text (spec §5): the 32-symbol alphabet, how characters
//! become message blocks for a model of 8 or 16 bits, and the two written forms of a
//! ciphertext — the spec's symbol text and a compact base64url form for links.
//!
//! Plain Rust with no tensors: `crate::text::messages` runs the networks on what this produces.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use thiserror::Error;

use crate::nn::config::Preset;

/// The 32 symbols; a symbol's index is its 5-bit code.
pub const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz .,!?:";
/// Bits of one character code.
pub const CODE_BITS: usize = 5;

/// What can be wrong with a text or a ciphertext.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CodecError {
    /// Characters outside the alphabet, as (character index, character).
    #[error("{} outside the alphabet (a–z, space and . , ! ? :): {}", count(.0.len(), "character", "characters"), describe(.0))]
    OutsideAlphabet(Vec<(usize, char)>),
    #[error("the message is empty")]
    Empty,
    #[error("the ciphertext must start with a header like `poc8/12/`: {0}")]
    BadHeader(String),
    #[error("the ciphertext is for a {found} model, but the form uses {expected}")]
    WrongPreset { found: String, expected: String },
    #[error("the ciphertext has {found} symbols; {chars} characters on this model need exactly {expected}")]
    WrongLength { found: usize, expected: usize, chars: usize },
    #[error("ciphertext symbol {position} ('{symbol}') is not one of the 32 symbols")]
    BadSymbol { position: usize, symbol: char },
    #[error("the ciphertext's last symbol carries padding bits that are not zero: it was cut or changed")]
    BadPadding,
    #[error("ciphertext value {0} is not a finite number (NaN or infinite)")]
    NotFinite(usize),
    #[error("the compact ciphertext is not valid base64url (was it cut or changed?): {0}")]
    BadBase64(String),
    #[error(
        "the compact ciphertext holds {found} bytes; {chars} characters on this model need exactly {expected} (was it cut or changed?)"
    )]
    WrongCompactLength { found: usize, expected: usize, chars: usize },
    #[error(
        "the ciphertext is in capital letters (`{0}`): ciphertexts are written in lowercase — was it changed to upper case?"
    )]
    CapitalLetters(String),
}

/// `n` and the word for one or for several ("1 character", "3 characters").
pub fn count(n: usize, one: &str, several: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { several })
}

/// A character as a person would name it in a message: a line break or a tab by name.
fn name_of(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".into(),
        '\t' => "a tab".into(),
        c if c.is_control() => format!("'{}'", c.escape_unicode()),
        c => format!("'{c}'"),
    }
}

fn describe(bad: &[(usize, char)]) -> String {
    let shown: Vec<String> =
        bad.iter().take(5).map(|(i, c)| format!("{} at {}", name_of(*c), i + 1)).collect();
    let more = if bad.len() > 5 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// The code of `c` (case-insensitive), if it is in the alphabet.
pub fn code_of(c: char) -> Option<u8> {
    let lower = c.to_ascii_lowercase();
    ALPHABET.chars().position(|a| a == lower).map(|i| i as u8)
}

/// The character of a 5-bit code.
///
/// # Panics
/// If `code` is 32 or more.
pub fn char_of(code: u8) -> char {
    ALPHABET.as_bytes()[code as usize] as char
}

/// The codes of `text`, lower-casing capitals; every other character outside the
/// alphabet is reported with its position (never dropped).
pub fn encode_text(text: &str) -> Result<Vec<u8>, CodecError> {
    let mut codes = Vec::with_capacity(text.len());
    let mut bad = Vec::new();
    for (i, c) in text.chars().enumerate() {
        match code_of(c) {
            Some(code) => codes.push(code),
            None => bad.push((i, c)),
        }
    }
    if !bad.is_empty() {
        return Err(CodecError::OutsideAlphabet(bad));
    }
    if codes.is_empty() {
        return Err(CodecError::Empty);
    }
    Ok(codes)
}

/// How characters fill the message blocks of a model with `bits` bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packing {
    /// Bits per block (the model's N).
    pub bits: usize,
}

impl Packing {
    /// Characters per block: one 5-bit code per 8 bits, three per 16 (and so on).
    pub fn chars_per_block(self) -> usize {
        (self.bits / CODE_BITS).max(1)
    }

    /// Random bits filling each block after its codes.
    pub fn random_bits(self) -> usize {
        self.bits - self.chars_per_block() * CODE_BITS
    }

    /// Blocks for `chars` characters.
    pub fn blocks(self, chars: usize) -> usize {
        chars.div_ceil(self.chars_per_block())
    }

    /// Message blocks as 0/1 floats, `blocks · bits` row-major: each block holds its
    /// characters' codes (most significant bit first), then bits from `random` — so the
    /// same text encrypts differently each time. A short last block is filled with random
    /// codes (the character count in the header says where the text ends).
    pub fn pack(self, codes: &[u8], mut random: impl FnMut() -> bool) -> Vec<f32> {
        let per = self.chars_per_block();
        let mut out = Vec::with_capacity(self.blocks(codes.len()) * self.bits);
        for chunk in codes.chunks(per) {
            for slot in 0..per {
                let code = chunk
                    .get(slot)
                    .copied()
                    .unwrap_or_else(|| (0..CODE_BITS).fold(0, |c, _| c << 1 | random() as u8));
                out.extend((0..CODE_BITS).rev().map(|b| f32::from(code >> b & 1)));
            }
            out.extend((0..self.random_bits()).map(|_| f32::from(u8::from(random()))));
        }
        out
    }

    /// The first `chars` codes from guessed bits (`blocks · bits` values, rounded at 0.5).
    pub fn unpack(self, guesses: &[f32], chars: usize) -> Vec<u8> {
        let per = self.chars_per_block();
        let mut codes = Vec::with_capacity(chars);
        for block in guesses.chunks(self.bits) {
            for slot in 0..per {
                let bits = &block[slot * CODE_BITS..(slot + 1) * CODE_BITS];
                codes.push(bits.iter().fold(0u8, |c, &b| c << 1 | u8::from(b >= 0.5)));
            }
        }
        codes.truncate(chars);
        codes
    }
}

/// A ciphertext: Alice's floats for `chars` characters of a `preset` model.
#[derive(Clone, Debug, PartialEq)]
pub struct Ciphertext {
    pub preset: String,
    pub chars: usize,
    /// `blocks · bits` floats, row-major.
    pub values: Vec<f32>,
}

impl Ciphertext {
    /// The spec's text form: `preset/chars/` then the symbols: every float's 32 IEEE-754
    /// bits, most significant first, floats in order, read 5 bits at a time through the
    /// alphabet; the last symbol is padded with zero bits.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}/{}/", self.preset, self.chars);
        let bits: Vec<u8> = self
            .values
            .iter()
            .flat_map(|v| (0..32).rev().map(move |b| (v.to_bits() >> b & 1) as u8))
            .collect();
        for chunk in bits.chunks(CODE_BITS) {
            let code = (0..CODE_BITS).fold(0u8, |c, i| c << 1 | chunk.get(i).copied().unwrap_or(0));
            out.push(char_of(code));
        }
        out
    }

    /// Reads [`Ciphertext::to_text`]'s form for a model of `preset` with `bits` bits.
    pub fn from_text(text: &str, preset: &str, bits: usize) -> Result<Self, CodecError> {
        let (chars, symbols) = split_header(text, preset)?;
        let symbols = symbols.as_str();
        let floats = Packing { bits }.blocks(chars) * bits;
        let expected = (floats * 32).div_ceil(CODE_BITS);
        let found_len = symbols.chars().count();
        if found_len != expected {
            return Err(CodecError::WrongLength { found: found_len, expected, chars });
        }
        let mut bits_read = Vec::with_capacity(expected * CODE_BITS);
        for (position, symbol) in symbols.chars().enumerate() {
            // Only lowercase symbols: a capital is not what was written.
            let code = ALPHABET
                .chars()
                .position(|a| a == symbol)
                .ok_or(CodecError::BadSymbol { position: position + 1, symbol })?;
            bits_read.extend((0..CODE_BITS).rev().map(|b| (code >> b & 1) as u32));
        }
        if bits_read[floats * 32..].iter().any(|&b| b != 0) {
            return Err(CodecError::BadPadding);
        }
        let values =
            bits_read[..floats * 32].chunks(32).map(|c| f32::from_bits(c.iter().fold(0, |v, &b| v << 1 | b)));
        Self::checked(preset, chars, values.collect())
    }

    /// Why the text form is as long as it is, for a model of `bits` bits: "15 characters →
    /// 5 blocks of 16 bits (3 characters of 5 bits each, 1 random bit) → 80 floats from
    /// Alice → 32 bits each, written 5 bits a symbol: 512 symbols."
    pub fn length_explained(&self, bits: usize) -> String {
        let pack = Packing { bits };
        let blocks = pack.blocks(self.chars);
        let floats = blocks * bits;
        let per_block = pack.chars_per_block();
        let random = match pack.random_bits() {
            0 => String::new(),
            1 => ", 1 random bit".to_string(),
            n => format!(", {n} random bits"),
        };
        format!(
            "{} character{} → {blocks} block{} of {bits} bits ({per_block} character{} of {CODE_BITS} bits each{random}) → {floats} floats from Alice → 32 bits each, written {CODE_BITS} bits a symbol: {} symbols.",
            self.chars,
            if self.chars == 1 { "" } else { "s" },
            if blocks == 1 { "" } else { "s" },
            if per_block == 1 { "" } else { "s" },
            (floats * 32).div_ceil(CODE_BITS),
        )
    }

    /// The compact form for links: `preset/chars/` then base64url (no padding) of the
    /// floats as little-endian IEEE-754 bytes.
    pub fn to_compact(&self) -> String {
        let bytes: Vec<u8> = self.values.iter().flat_map(|v| v.to_le_bytes()).collect();
        format!("{}/{}/{}", self.preset, self.chars, URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Reads [`Ciphertext::to_compact`]'s form.
    pub fn from_compact(text: &str, preset: &str, bits: usize) -> Result<Self, CodecError> {
        let (chars, data) = split_header(text, preset)?;
        let bytes = URL_SAFE_NO_PAD.decode(&data).map_err(|e| CodecError::BadBase64(e.to_string()))?;
        let floats = Packing { bits }.blocks(chars) * bits;
        if bytes.len() != floats * 4 {
            return Err(CodecError::WrongCompactLength { found: bytes.len(), expected: floats * 4, chars });
        }
        let values = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        Self::checked(preset, chars, values.collect())
    }

    /// Reads either written form: the symbol text, or else the compact form. When neither
    /// reads, the error reported is that of the form the text looks like (base64url's capitals,
    /// digits, `-` and `_` never occur in the symbol text).
    pub fn parse(text: &str, preset: &str, bits: usize) -> Result<Self, CodecError> {
        let long = Self::from_text(text, preset, bits);
        let Err(long_error) = long else { return long };
        Self::from_compact(text, preset, bits).map_err(|compact_error| {
            let body = trim_ciphertext(text).splitn(3, '/').nth(2).unwrap_or_default();
            let looks_compact =
                body.chars().any(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if looks_compact { compact_error } else { long_error }
        })
    }

    fn checked(preset: &str, chars: usize, values: Vec<f32>) -> Result<Self, CodecError> {
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(CodecError::NotFinite(i + 1));
        }
        Ok(Self { preset: preset.to_string(), chars, values })
    }
}

/// A pasted ciphertext without what surrounds it: leading whitespace, trailing line breaks
/// and tabs. Trailing spaces stay: the space is one of the 32 symbols, and a ciphertext's
/// last symbol can be one.
pub fn trim_ciphertext(text: &str) -> &str {
    text.trim_start().trim_end_matches(['\n', '\r', '\t'])
}

/// Splits `preset/chars/body` (either written form), checking the preset and the count;
/// gives the character count and the body.
/// Line breaks and tabs inside the body are dropped: mail clients wrap long lines, and
/// neither is a symbol (the space is, so spaces stay).
fn split_header(text: &str, preset: &str) -> Result<(usize, String), CodecError> {
    let mut parts = trim_ciphertext(text).splitn(3, '/');
    let (Some(found), Some(count), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(CodecError::BadHeader("no `/` separators found".into()));
    };
    let chars: usize = count
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| CodecError::BadHeader(format!("`{count}` is not a character count")))?;
    check_preset(found, preset)?;
    Ok((chars, body.chars().filter(|c| !matches!(c, '\n' | '\r' | '\t')).collect()))
}

fn check_preset(found: &str, expected: &str) -> Result<(), CodecError> {
    if found.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(CodecError::CapitalLetters(found.to_string()));
    }
    if found.is_empty() || !found.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(CodecError::BadHeader(format!("`{found}` is not a preset name")));
    }
    // A preset's former name is the preset (ciphertexts written before it was renamed).
    let current =
        |name: &str| Preset::from_name(name).map_or_else(|_| name.to_string(), |p| p.name().to_string());
    if current(found) != current(expected) {
        return Err(CodecError::WrongPreset { found: found.into(), expected: expected.into() });
    }
    Ok(())
}
