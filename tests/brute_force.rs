//! The key search on the shipped poc8 model: with Bob's network and every one of the 256
//! keys, the true key's reading is among the most English-like.

use anc::nn::inference::Cipher;
use anc::nn::model_file;
use anc::nn::steps::Steps;
use anc::text::brute_force::{KeySearch, key_number, number_of};
use anc::text::codec::{Ciphertext, Key, encode_text};
use anc::text::english;
use anc::text::messages::{encrypt, packing};
use burn::prelude::*;
use rand::{Rng, SeedableRng, rngs::SmallRng};

#[test]
fn key_numbers_round_trip() {
    for n in [0u64, 1, 0xa5, 0xff] {
        assert_eq!(number_of(&key_number(n, 8)), n);
    }
    assert_eq!(key_number(0xa5, 8), Key::parse("a5", 8).unwrap());
}

#[test]
fn english_scores_prefer_english() {
    let score = |t: &str| english::score(&encode_text(t).unwrap());
    assert!(score("the cat sat on the mat.") > score("qzx:!jqv?kz,xqj zvq!x"));
}

#[test]
fn the_true_key_ranks_near_the_top_of_all_256() {
    let bytes = std::fs::read(format!("{}/public/models/poc8.bin", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let device = Device::flex();
    let model = model_file::load(&bytes, &device).unwrap();
    let mut rng = SmallRng::seed_from_u64(3);
    let text = "meet me at the old bridge at noon, bring the map.";
    let codes = encode_text(text).unwrap();
    let cipher = Cipher::new(&model.ciphers, &device);
    let pack = packing(&cipher);
    for _ in 0..3 {
        let key = Key::random(8, || rng.random());
        let values = encrypt(&cipher, &pack.pack(&codes, || rng.random()), &key).read().unwrap();
        let c = Ciphertext { preset: "poc8".into(), chars: codes.len(), values };
        let mut search = KeySearch::new(&cipher, c);
        assert_eq!(search.total(), 256);
        while !search.is_done() {
            let rows = search.run(64).read().unwrap();
            assert_eq!(rows.last().map(|r| r.key as usize + 1), Some(search.done()));
        }
        let rank = search.rank_of(&key).unwrap();
        let best = search.best(3);
        println!(
            "key {}: rank {rank}; best “{}” ({})",
            key.to_hex(),
            english::text(&best[0].codes),
            best[0].key.to_hex()
        );
        assert!(rank <= 3, "the true key ranked {rank} of 256");
        assert!(best.windows(2).all(|w| w[0].score >= w[1].score));
    }
}
