//! Text through the shipped models (public/models/): Bob reads what Alice wrote, a wrong
//! key gives garbage, encrypting twice differs, Eve's reading is scored.

use anc::nn::any_model::AnyCipher;
use anc::nn::inference::Cipher;
use anc::nn::model_file;
use anc::text::codec::{Ciphertext, char_of, encode_text};
use anc::text::key::Key;
use anc::text::messages::{Agreement, decrypt, eavesdrop, encrypt, packing};
use burn::prelude::*;
use rand::{Rng, SeedableRng, rngs::SmallRng};

const TEXT: &str = "alice and bob invent a cipher, eve listens: can she read it? not well.";

fn shipped(preset: &str) -> model_file::SavedModel {
    let bytes = std::fs::read(format!("{}/public/models/{preset}.bin", env!("CARGO_MANIFEST_DIR"))).unwrap();
    model_file::load(&bytes, &Device::flex()).unwrap()
}

fn round_trip(preset: &str) {
    let model = shipped(preset);
    let device = Device::flex();
    let cipher = &AnyCipher::from(Cipher::new(&model.ciphers, &device));
    let pack = packing(cipher);
    let mut rng = SmallRng::seed_from_u64(7);
    let key = Key::random(pack.bits, || rng.random());
    let codes = encode_text(TEXT).unwrap();
    let blocks = pack.pack(&codes, || rng.random());
    let values = encrypt(cipher, &blocks, &key).read().unwrap();
    // Through the text form and back, as a user pasting it would.
    let c = Ciphertext { preset: preset.into(), chars: codes.len(), values };
    let pasted = Ciphertext::from_text(&c.to_text(), preset, pack.bits).unwrap();
    assert_eq!(pasted, c);
    let read = |key: &Key| pack.unpack(&decrypt(cipher, &pasted.values, key).read().unwrap(), codes.len());
    let bob = Agreement::of(&codes, &read(&key));
    assert!(bob.chars_right * 100 >= bob.chars * 90, "{preset}: Bob read {bob:?}");
    let mut wrong = key.clone();
    for b in wrong.bits.iter_mut().take(pack.bits / 2) {
        *b ^= 1;
    }
    let garbage = Agreement::of(&codes, &read(&wrong));
    assert!(garbage.chars_right * 2 < garbage.chars, "{preset}: a wrong key still read {garbage:?}");
    let again = encrypt(cipher, &pack.pack(&codes, || rng.random()), &key).read().unwrap();
    assert_ne!(again, pasted.values, "encrypting twice gave the same ciphertext");
    let eve = Agreement::of(
        &codes,
        &pack.unpack(&eavesdrop(cipher, &pasted.values).unwrap().read().unwrap(), codes.len()),
    );
    assert!(eve.bits_right <= eve.bits && eve.chars == codes.len());
    let text: String = read(&key).into_iter().map(char_of).collect();
    println!("{preset}: Bob read “{text}” ({bob:?}); Eve {eve:?}; wrong key {garbage:?}");
}

#[test]
fn the_shipped_poc8_model_encrypts_and_decrypts_text() {
    round_trip("poc8");
}

#[test]
fn the_shipped_seed16_model_encrypts_and_decrypts_text() {
    round_trip("seed16");
}

#[test]
fn a_reading_is_marked_against_what_was_sent_when_it_is_known() {
    use anc::text::messages::MarkedReading;
    let sent = encode_text("hello").unwrap();
    let read = MarkedReading::of(&encode_text("hallo").unwrap(), Some(&sent));
    assert_eq!(read.chars.iter().map(|(c, _)| *c).collect::<String>(), "hallo");
    assert_eq!(read.chars.iter().map(|(_, ok)| *ok).collect::<Vec<_>>(), [true, false, true, true, true]);
    let a = read.agreement.unwrap();
    assert_eq!((a.chars_right, a.chars), (4, 5));
    assert_eq!(a.chars_pct(), 80.0);
    // Unknown, or of another length: every character unmarked, no agreement.
    for sent in [None, Some(&sent[..3])] {
        let read = MarkedReading::of(&encode_text("hallo").unwrap(), sent);
        assert!(read.chars.iter().all(|(_, ok)| *ok) && read.agreement.is_none());
    }
}
