//! A pad on text, as the message form uses it: Alice encrypts a text block by block under
//! one key, Bob reads it whole, the ciphertext's `pad8` header round-trips, there is no Eve
//! to ask, the key search finds the key — and, the key being reused for every block, the
//! XOR of two blocks reads the whole text off the ciphertext and a guess of its first
//! letter, or off the ciphertext alone by trying every first letter. A pad that mixes
//! positions gives no such reading.

use anc::app::key_reuse::{guess_reused_key, read_reused_key};
use anc::nn::any_model::{AnyCipher, AnyModel};
use anc::nn::pad::PadConfig;
use anc::nn::pad::PadNet;
use anc::nn::pad::file::{self as pad_file, PadHeader};
use anc::nn::steps::Steps;
use anc::text::brute_force::KeySearch;
use anc::text::codec::{Ciphertext, char_of, encode_text};
use anc::text::key::Key;
use anc::text::messages::{decrypt, eavesdrop, encrypt, packing};
use burn::module::Param;
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::{Rng, SeedableRng, rngs::SmallRng};

const TEXT: &str = "hello, bob! eve cannot read this.";

/// An `n`-bit pad from `(row, column, weight)` entries of `W` `[2n, n]` (rows: message bits,
/// then key bits).
fn pad(n: usize, entries: &[(usize, usize, f32)]) -> PadNet {
    let mut w = vec![0f32; 2 * n * n];
    for &(row, col, value) in entries {
        w[row * n + col] = value;
    }
    PadNet { weight: Param::from_tensor(Tensor::from_data(TensorData::new(w, [2 * n, n]), &Device::flex())) }
}

/// `c_i = m_i ⊕ k_i ⊕ k_(i+1)` (the last position `m ⊕ k` alone): a perfect pad, of full
/// rank, that keeps positions.
fn xor_pad(n: usize) -> PadNet {
    let mut entries: Vec<_> = (0..n).flat_map(|i| [(i, i, 1.0), (n + i, i, 3.0)]).collect();
    entries.extend((0..n - 1).map(|i| (n + i + 1, i, -1.0)));
    pad(n, &entries)
}

/// Encrypts [`TEXT`] with `cipher` under `key`; the ciphertext, through its text form.
fn encrypted(cipher: &AnyCipher, key: &Key, name: &str) -> Ciphertext {
    let mut rng = SmallRng::seed_from_u64(5);
    let pack = packing(cipher);
    let codes = encode_text(TEXT).unwrap();
    let values = encrypt(cipher, &pack.pack(&codes, || rng.random()), key).read().unwrap();
    assert!(values.iter().all(|&v| v == 0.0 || v == 1.0), "a pad's ciphertext is bits, exactly: {values:?}");
    let c = Ciphertext { preset: name.into(), chars: codes.len(), values };
    let pasted = Ciphertext::parse(&c.to_compact(), name, pack.bits).unwrap();
    assert_eq!(pasted, c, "the compact form round-trips with the {name} header");
    assert_eq!(Ciphertext::parse(&c.to_text(), name, pack.bits).unwrap(), c);
    c
}

fn text(codes: &[u8]) -> String {
    codes.iter().map(|&c| char_of(c)).collect()
}

#[test]
fn a_pad_encrypts_text_bob_reads_it_and_there_is_no_eve() {
    for n in [8, 16] {
        let cipher = AnyCipher::pad(&xor_pad(n), &Device::flex());
        let key = Key::random(n, {
            let mut rng = SmallRng::seed_from_u64(n as u64);
            move || rng.random()
        });
        let c = encrypted(&cipher, &key, &format!("pad{n}"));
        let pack = packing(&cipher);
        let bob = pack.unpack(&decrypt(&cipher, &c.values, &key).read().unwrap(), c.chars);
        assert_eq!(text(&bob), TEXT, "{n} bits: Bob reads the text whole");
        let mut wrong = key.clone();
        wrong.bits[0] ^= 1;
        let garbled = pack.unpack(&decrypt(&cipher, &c.values, &wrong).read().unwrap(), c.chars);
        assert_ne!(text(&garbled), TEXT, "{n} bits: a wrong key does not read it");
        assert!(eavesdrop(&cipher, &c.values).is_none(), "a pad has no Eve");
        // With Bob's network, the key search finds the key (8 bits: all 256 keys).
        if n == 8 {
            let mut search = KeySearch::new(&cipher, c.clone());
            while !search.is_done() {
                search.run(64).read().unwrap();
            }
            // (Keys that differ only where the filler bits are read the same text.)
            assert_eq!(text(&search.best(1)[0].codes), TEXT, "the key search's best key reads the text");
            assert!(search.rank_of(&key).unwrap() <= 8, "the true key is among the best");
        }
    }
}

#[test]
fn a_reused_key_reads_the_whole_text_from_a_guess_of_its_first_block() {
    let key = Key { bits: vec![1, 0, 1, 1, 0, 0, 1, 0] };
    let codes = encode_text(TEXT).unwrap();
    let cipher = AnyCipher::pad(&xor_pad(8), &Device::flex());
    let c = encrypted(&cipher, &key, "pad8");
    let pack = packing(&cipher);
    assert_eq!(text(&read_reused_key(&c, pack, &codes[..1])), TEXT, "one letter guessed reads it all");
    let wrong_guess = encode_text("j").unwrap();
    let read = text(&read_reused_key(&c, pack, &wrong_guess));
    assert!(read.starts_with('j') && read != TEXT, "a wrong guess reads a wrong text: {read}");
    // 16 bits: three characters to a block.
    let key16 = Key { bits: (0..16).map(|i| (i * 7 % 3 == 0) as u8).collect() };
    let cipher16 = AnyCipher::pad(&xor_pad(16), &Device::flex());
    let c16 = encrypted(&cipher16, &key16, "pad16");
    assert_eq!(text(&read_reused_key(&c16, packing(&cipher16), &codes[..3])), TEXT);
    // With no guess at all: every first block tried, the most English-like reading kept.
    assert_eq!(text(&guess_reused_key(&c, pack).unwrap()), TEXT, "8 bits: 32 first letters tried");
    assert_eq!(
        text(&guess_reused_key(&c16, packing(&cipher16)).unwrap()),
        TEXT,
        "16 bits: 32³ first blocks tried"
    );
    // A block of four characters or more: too many first blocks to try.
    let c20 = encrypted(&AnyCipher::pad(&xor_pad(20), &Device::flex()), &Key { bits: vec![1; 20] }, "pad20");
    assert!(guess_reused_key(&c20, anc::text::codec::Packing { bits: 20 }).is_none());
    // A perfect pad that mixes positions (c_0 = m_0 ⊕ m_1 ⊕ k_0 ...): the key still
    // cancels, but the XOR comes scrambled and the text does not read off position by position.
    let mut entries: Vec<_> = (0..8).flat_map(|i| [(i, i, 1.0), (8 + i, i, 1.0)]).collect();
    entries.extend([(1, 0, 1.0), (2, 3, 1.0), (4, 1, 1.0)]);
    let mixing = AnyCipher::pad(&pad(8, &entries), &Device::flex());
    let mixed = encrypted(&mixing, &key, "pad8");
    assert_ne!(text(&read_reused_key(&mixed, packing(&mixing), &codes[..1])), TEXT);
}

#[test]
fn a_pad_file_loads_as_a_cipher_of_either_kind() {
    let net = xor_pad(8);
    let header = PadHeader {
        pad: PadConfig::new().with_bits(8),
        iterations_trained: 0,
        bob_correct_pct: Some(100.0),
        attack_suite: None,
    };
    let model = AnyModel::load(&pad_file::save(&header, &net), &Device::flex()).unwrap();
    assert_eq!((model.name(), model.bits()), ("pad8".to_string(), 8));
    // What the attackers and `anc sample` see is bits too, exactly.
    let batch = anc::nn::data::BitSource::new(3).batch(200, 8, &Device::flex());
    let seen = model.frozen(&Device::flex()).encrypt(&batch).into_data().try_into_vec::<f32>().unwrap();
    assert!(seen.iter().all(|&v| v == 0.0 || v == 1.0));
    let cipher = AnyCipher::of(&model, &Device::flex());
    let key = Key { bits: vec![0, 1, 1, 0, 1, 0, 0, 1] };
    let c = encrypted(&cipher, &key, "pad8");
    let read = packing(&cipher).unpack(&decrypt(&cipher, &c.values, &key).read().unwrap(), c.chars);
    assert_eq!(text(&read), TEXT);
}
