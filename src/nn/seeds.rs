//! Every seed derived from another, named once. A run's seed fixes its weights; each other
//! stream (training data, held-out messages, audits, attackers) is derived from
//! it by its own function here, so the streams stay apart and the same seed always gives
//! the same figures.

/// The training data of a run of `seed` (its weights use `seed` itself).
pub fn training_data(seed: u64) -> u64 {
    seed ^ 0x5eed_da7a
}

/// The seed of fresh start number `attempt` of a pad of `seed` (the first start is `seed`
/// itself; each start draws its weights, distinguisher and data from it as a run would).
pub fn pad_attempt(seed: u64, attempt: usize) -> u64 {
    if attempt == 0 { seed } else { seed ^ (attempt as u64).wrapping_mul(0xa7e3_9d41_5eed_0001) }
}

/// The distinguishing Eve's weights in a run of `seed`.
pub fn distinguisher(seed: u64) -> u64 {
    seed ^ 0xd157_1a90
}

/// The distinguishing game's messages, keys and coins in a run of `seed`.
pub fn distinguishing_game(seed: u64) -> u64 {
    seed ^ 0x9a3e_c011
}

/// The messages and keys `anc sample --seed` writes for an outside audit.
pub fn outside_sample(seed: u64) -> u64 {
    seed ^ 0x5a3b_1e00
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
