//! Settings older model files may carry that this build no longer trains
//! (`docs/research.md` records what each gave). A retired setting that only shaped the
//! training (extra Eves, noise for Bob, …) is read and ignored: the weights are a model
//! like any other. One that changed the networks' shape is refused, naming it.

use serde_json::Value;

/// Retired settings of the training configuration that shaped only the training.
pub const IGNORED: [&str; 10] = [
    "eve_reset_every",
    "eves",
    "bob_cross_entropy",
    "eve_catch_up_every",
    "eve_term_per_bit",
    "bob_margin",
    "eve_weight_ramp",
    "ciphertext_noise",
    "binned_eve",
    "wrong_key_eve",
];

/// Why a header's networks cannot be built by this build, if they cannot: the first
/// retired setting, in `config` (a model header's `config` as JSON), that changed their
/// shape — conv1's `channels` other than the write-up's 2, or Alice's `cos` ciphertext.
pub fn shape_refusal(config: &Value) -> Option<String> {
    let cipher = config.get("cipher")?;
    if let Some(channels) = cipher.get("channels").and_then(Value::as_u64).filter(|&c| c != 2) {
        return Some(format!(
            "its networks have {channels} conv1 channels (the retired setting `channels`); this build \
             builds the write-up's 2"
        ));
    }
    if cipher.get("ciphertext").and_then(Value::as_str) == Some("cos") {
        return Some(
            "its Alice ends in a cosine (the retired setting `ciphertext: cos`); this build reads \
             sigmoid and tanh ciphertexts"
                .to_string(),
        );
    }
    None
}
