//! Every seed derived from another, named once. A run's seed fixes its weights; each other
//! stream (training data, extra and reset Eves, held-out messages, audits) is derived from
//! it by its own function here, so the streams stay apart and the same seed always gives
//! the same figures.

/// The training data of a run of `seed` (its weights use `seed` itself).
pub fn training_data(seed: u64) -> u64 {
    seed ^ 0x5eed_da7a
}

/// Extra Eve number `index` (1-based) of a run of `seed`, or of a reset drawn from `seed`.
pub fn rival_eve(seed: u64, index: usize) -> u64 {
    seed ^ (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03)
}

/// The fresh Eves of a reset before `iteration` (0-based) of a run of `seed`.
pub fn reset_eves(seed: u64, iteration: usize) -> u64 {
    seed ^ (iteration as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The binned Eve of a run of `seed`, or of a reset drawn from `seed` (`binned_eve`).
pub fn binned_eve(seed: u64) -> u64 {
    seed ^ 0xb1_22ed_e7e0
}

/// The wrong keys Bob reads with in a run of `seed` (`wrong_key_eve`).
pub fn wrong_keys(seed: u64) -> u64 {
    seed ^ 0x0bad_4e75
}

/// The noise Bob reads the ciphertext through in a run of `seed` (`ciphertext_noise`).
pub fn ciphertext_noise(seed: u64) -> u64 {
    seed ^ 0x0015_e000
}

/// The held-out evaluation messages of a model trained (or audited) with `seed`.
pub fn held_out(seed: u64) -> u64 {
    seed ^ 0xe7a1
}

/// The fresh Eve audited right after a training run of `training_seed` (`anc train
/// --audit-steps`, `anc sweep`).
pub fn audit_after_training(training_seed: u64) -> u64 {
    training_seed ^ 0xa0d1
}

/// The messages an audit of `audit_seed` trains its Eve on.
pub fn audit_data(audit_seed: u64) -> u64 {
    audit_seed ^ 0xa0d1_7000
}

/// The weights of attacker number `index` of a suite of `suite_seed`.
pub fn attacker(suite_seed: u64, index: usize) -> u64 {
    suite_seed ^ (index as u64 + 1).wrapping_mul(0xa77a_c4e5_0b1d_5eed)
}

/// The (message, key) batches attacker number `index` of a suite of `suite_seed` trains on.
pub fn attack_data(suite_seed: u64, index: usize) -> u64 {
    attacker(suite_seed, index) ^ 0x5eed_da7a
}

/// The held-out messages every attacker of a suite of `suite_seed` is checked on while it
/// trains (apart from the fresh messages it is scored on: [`held_out`]).
pub fn attack_validation(suite_seed: u64) -> u64 {
    suite_seed ^ 0x7a1d_a7e5
}

/// The messages and keys of the page's "inside the cipher" views (the same pictures on
/// every visit).
pub const CIPHER_VIEWS: u64 = 0x71e3;
