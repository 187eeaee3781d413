//! Scoring of spec §4 on hand-made guesses.

use anc::Score;

#[test]
fn scores_count_messages_and_bits() {
    // 3 messages of 4 bits.
    let messages = [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let guesses = [0.9, 0.1, 0.6, 0.4, 0.2, 0.7, 0.8, 0.51, 0.49, 0.3, 0.6, 0.7];
    let s = Score::from_guesses(&messages, &guesses, 4);
    // Message 1 all right; message 2 one bit wrong; message 3 two bits wrong.
    assert!((s.correct_pct - 100.0 / 3.0).abs() < 1e-9);
    assert!((s.bit_errors - 1.0).abs() < 1e-9);
    assert_eq!(s.bit_error_rates, vec![1.0 / 3.0, 0.0, 1.0 / 3.0, 1.0 / 3.0]);
}

#[test]
fn perfect_and_inverted_readers() {
    let messages = [1.0, 0.0, 0.0, 1.0];
    let perfect = Score::from_guesses(&messages, &messages, 2);
    assert_eq!((perfect.correct_pct, perfect.bit_errors), (100.0, 0.0));
    let inverted: Vec<f32> = messages.iter().map(|m| 1.0 - m).collect();
    let wrong = Score::from_guesses(&messages, &inverted, 2);
    assert_eq!((wrong.correct_pct, wrong.bit_errors), (0.0, 2.0));
}
