//! A model file carried in a share link's fragment: deflated, then base64url (the link of a
//! poc8 model trained in the page was 10,910 characters in `tests/e2e/messages.test.js`),
//! and back, refusing anything damaged or implausibly large with a reason a student can act
//! on.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The most bytes a link's model may inflate to (the shipped model files are under 27 KB).
const MAX_MODEL_BYTES: usize = 1 << 20;

/// Links longer than this many characters are said to be long: some chat apps and mail
/// programs cut them.
pub const LONG_LINK: usize = 8_000;

/// `model` (a model file) as link text.
pub fn to_link_text(model: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(model, 9))
}

/// The model file in link text made by [`to_link_text`], or why it cannot be read.
pub fn from_link_text(text: &str) -> Result<Vec<u8>, String> {
    let deflated = URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| "the model in the link is damaged (was the link cut or changed?)".to_string())?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_MODEL_BYTES)
        .map_err(|_| "the model in the link is damaged or cut short (was the link cut?)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_round_trips_and_damage_is_refused() {
        let model: Vec<u8> = (0..30_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let text = to_link_text(&model);
        assert!(text.len() < model.len(), "deflate shrinks it: {}", text.len());
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "link-safe");
        assert_eq!(from_link_text(&text).unwrap(), model);
        assert!(from_link_text(&text[..text.len() / 2]).unwrap_err().contains("cut"));
        assert!(from_link_text("not base64 !").unwrap_err().contains("damaged"));
        // A bomb (a megabyte and more of zeros) is refused, not inflated.
        let bomb = to_link_text(&vec![0u8; MAX_MODEL_BYTES + 1]);
        assert!(from_link_text(&bomb).is_err());
    }
}
