//! What the page draws and says of a pad and of the distinguisher: how firmly each weight
//! selects its bit (the heat map of `W`), and the distinguisher's accuracy in words.

/// How firmly each weight selects its input bit, `(1 − cos(π·w))/2`: 1 at an odd integer
/// (the bit is XORed in), 0 at an even one (it drops out), ½ halfway — what the weight
/// does to the output once rounded, seen while it trains.
pub fn selection(weights: &[f32]) -> Vec<f64> {
    weights.iter().map(|&w| (1.0 - (std::f64::consts::PI * f64::from(w)).cos()) / 2.0).collect()
}

/// A distinguisher's accuracy on 10,000 fresh rounds in words for a class.
pub fn distinguisher_reading(accuracy_pct: f64) -> &'static str {
    // At chance, 10,000 rounds spread about ±0.5 points: 51.5 % is three spreads above.
    if accuracy_pct < 51.5 {
        "That is chance: it cannot tell which message was sent."
    } else if accuracy_pct < 75.0 {
        "Better than chance: the ciphertext gives something of the message away."
    } else {
        "Far better than chance: the ciphertext gives the message away."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_weights_select_even_ones_drop_and_halfway_is_undecided() {
        let s = selection(&[1.0, -3.0, 0.0, 2.0, 0.5, 1.5]);
        let want = [1.0, 1.0, 0.0, 0.0, 0.5, 0.5];
        assert!(s.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-9), "{s:?}");
    }

    #[test]
    fn the_reading_of_an_accuracy() {
        assert!(distinguisher_reading(50.4).starts_with("That is chance"));
        assert!(distinguisher_reading(60.0).starts_with("Better than chance"));
        assert!(distinguisher_reading(99.0).starts_with("Far better"));
    }
}
