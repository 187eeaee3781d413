//! A message or key written as bits ("1011…"), for the one-message view: read, checked
//! and written back.

/// The bits of `text` (`0` and `1`; spaces ignored), which must be `bits` long.
pub fn parse_bits(text: &str, bits: usize) -> Result<Vec<f32>, String> {
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some((at, bad)) = digits.iter().enumerate().find(|(_, c)| !matches!(c, '0' | '1')) {
        return Err(format!("only 0 and 1: '{bad}' at {}", at + 1));
    }
    if digits.len() != bits {
        return Err(format!("{} bits; this model needs exactly {bits}", digits.len()));
    }
    Ok(digits.iter().map(|c| if *c == '1' { 1.0 } else { 0.0 }).collect())
}

/// `values` as bits (above 0.5 reads as 1).
pub fn bits_text(values: &[f32]) -> String {
    values.iter().map(|v| if *v > 0.5 { '1' } else { '0' }).collect()
}
