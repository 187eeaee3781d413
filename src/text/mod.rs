//! Lowercase text through a learned cipher (spec §5): characters packed into blocks, keys
//! and ciphertexts in their written forms, Alice, Bob and Eve on text, and the key search.

pub mod brute_force;
pub mod codec;
pub mod english;
pub mod key;
pub mod messages;
