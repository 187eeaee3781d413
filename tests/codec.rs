//! The text codec (spec §5): symbols, packing, the two ciphertext forms and keys.

use anc::text::codec::{ALPHABET, Ciphertext, CodecError, Packing, char_of, code_of, encode_text};
use anc::text::key::Key;
use proptest::prelude::*;

#[test]
fn every_symbol_round_trips() {
    assert_eq!(ALPHABET.chars().count(), 32);
    for (i, c) in ALPHABET.chars().enumerate() {
        assert_eq!(code_of(c), Some(i as u8));
        assert_eq!(char_of(i as u8), c);
    }
    assert_eq!(code_of('Q'), code_of('q'), "capitals are lower-cased");
}

#[test]
fn characters_outside_the_alphabet_are_named_never_dropped() {
    assert_eq!(encode_text("Hi, Bob!").unwrap(), encode_text("hi, bob!").unwrap());
    match encode_text("héllo 2 you") {
        Err(CodecError::OutsideAlphabet(bad)) => assert_eq!(bad, vec![(1, 'é'), (6, '2')]),
        other => panic!("{other:?}"),
    }
    assert_eq!(encode_text(""), Err(CodecError::Empty));
    let message = encode_text("a\u{1F600}").unwrap_err().to_string();
    assert!(message.contains("at 2"), "{message}");
}

#[test]
fn packing_puts_codes_first_and_random_bits_after() {
    let poc8 = Packing { bits: 8 };
    assert_eq!((poc8.chars_per_block(), poc8.random_bits()), (1, 3));
    let codes = encode_text("b").unwrap(); // code 1 = 00001
    assert_eq!(poc8.pack(&codes, || true), vec![0., 0., 0., 0., 1., 1., 1., 1.]);
    let seed16 = Packing { bits: 16 };
    assert_eq!((seed16.chars_per_block(), seed16.random_bits(), seed16.blocks(4)), (3, 1, 2));
    let codes = encode_text("hello").unwrap();
    let mut flip = false;
    let blocks = seed16.pack(&codes, || {
        flip = !flip;
        flip
    });
    assert_eq!(blocks.len(), 32);
    assert_eq!(seed16.unpack(&blocks, 5), codes);
    // Noisy guesses round at 0.5.
    let noisy: Vec<f32> = blocks.iter().map(|b| if *b > 0.5 { 0.6 } else { 0.4 }).collect();
    assert_eq!(seed16.unpack(&noisy, 5), codes);
}

fn ciphertext(values: Vec<f32>, chars: usize) -> Ciphertext {
    Ciphertext { preset: "poc8".into(), chars, values }
}

#[test]
fn ciphertext_text_is_exact_for_every_finite_float_class() {
    let values = vec![1.5, -0.0, 0.0, f32::MIN_POSITIVE / 4.0, -1e-42, f32::MAX, f32::MIN, 0.123_456_79];
    let c = ciphertext(values.clone(), 1);
    let text = c.to_text();
    assert!(text.starts_with("poc8/1/"));
    assert_eq!(text.len(), "poc8/1/".len() + (8 * 32usize).div_ceil(5));
    let back = Ciphertext::from_text(&text, "poc8", 8).unwrap();
    assert_eq!(
        back.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        values.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    let compact = Ciphertext::from_compact(&c.to_compact(), "poc8", 8).unwrap();
    assert_eq!(compact, back);
}

#[test]
fn bad_ciphertexts_get_clear_errors() {
    let good = ciphertext(vec![0.25; 8], 1).to_text();
    let err = |text: &str| Ciphertext::from_text(text, "poc8", 8).unwrap_err();
    assert!(matches!(err("just words"), CodecError::BadHeader(_)));
    assert!(matches!(err(&good.replacen("poc8", "seed16", 1)), CodecError::WrongPreset { .. }));
    assert!(matches!(
        err(&good[..good.len() - 1]),
        CodecError::WrongLength { found: 51, expected: 52, chars: 1 }
    ));
    assert!(matches!(err(&good.replacen("/1/", "/2/", 1)), CodecError::WrongLength { .. }));
    assert!(matches!(err(&good.replacen("/1/", "/x/", 1)), CodecError::BadHeader(_)));
    let mut symbols: Vec<char> = good.chars().collect();
    symbols[10] = '#';
    assert!(matches!(
        err(&symbols.iter().collect::<String>()),
        CodecError::BadSymbol { position: 4, symbol: '#' }
    ));
    symbols[10] = 'A';
    assert!(matches!(err(&symbols.iter().collect::<String>()), CodecError::BadSymbol { .. }));
    // 256 bits in 52 symbols: the last symbol carries 4 zero bits of padding.
    let mut padded: Vec<char> = good.chars().collect();
    *padded.last_mut().unwrap() = 'b';
    assert_eq!(err(&padded.iter().collect::<String>()), CodecError::BadPadding);
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let mut values = vec![0.5; 8];
        values[3] = bad;
        let text = ciphertext(values.clone(), 1).to_text();
        assert_eq!(err(&text), CodecError::NotFinite(4));
        let compact = ciphertext(values, 1).to_compact();
        assert_eq!(Ciphertext::from_compact(&compact, "poc8", 8).unwrap_err(), CodecError::NotFinite(4));
    }
    assert!(matches!(Ciphertext::from_compact("poc8/1/@@@", "poc8", 8), Err(CodecError::BadBase64(_))));
}

#[test]
fn keys_read_as_bits_or_hex() {
    let k = Key::parse("1010 0101", 8).unwrap();
    assert_eq!(k.to_hex(), "a5");
    assert_eq!(Key::parse("0xA5", 8).unwrap(), k);
    assert_eq!(k.to_bit_string(), "10100101");
    let sixteen = Key::parse("beef", 16).unwrap();
    assert_eq!(sixteen.to_bit_string(), "1011111011101111");
    assert_eq!(Key::parse(&sixteen.to_bit_string(), 16).unwrap(), sixteen);
    for bad in ["", "1", "zz", "101010101", "a5a5"] {
        let e = Key::parse(bad, 8).unwrap_err();
        assert!(e.to_string().contains("8 bits") && e.to_string().contains("2 hex digits"), "{e}");
    }
    let mut n = 0;
    let random = Key::random(16, || {
        n += 1;
        n % 3 == 0
    });
    assert_eq!(random.bits.len(), 16);
}

proptest! {
    #[test]
    fn random_texts_round_trip_through_packing(text in "[a-z .,!?:]{1,40}", bits in prop::sample::select(vec![8usize, 16])) {
        let codes = encode_text(&text).unwrap();
        let packing = Packing { bits };
        let blocks = packing.pack(&codes, || false);
        prop_assert_eq!(blocks.len(), packing.blocks(codes.len()) * bits);
        let back: String = packing.unpack(&blocks, codes.len()).into_iter().map(char_of).collect();
        prop_assert_eq!(back, text);
    }

    #[test]
    fn random_ciphertext_floats_round_trip(bits in prop::collection::vec(any::<u32>(), 16)) {
        let values: Vec<f32> = bits.iter().map(|b| f32::from_bits(*b)).filter(|v| v.is_finite()).take(8).collect();
        prop_assume!(values.len() == 8);
        let c = ciphertext(values, 1);
        prop_assert_eq!(&Ciphertext::from_text(&c.to_text(), "poc8", 8).unwrap(), &c);
        prop_assert_eq!(&Ciphertext::from_compact(&c.to_compact(), "poc8", 8).unwrap(), &c);
    }

    #[test]
    fn random_input_never_panics(text in "\\PC{0,80}", bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = encode_text(&text);
        let _ = Ciphertext::from_text(&text, "poc8", 8);
        let _ = Ciphertext::from_compact(&text, "seed16", 16);
        let _ = Key::parse(&text, 16);
        let raw = String::from_utf8_lossy(&bytes);
        let _ = Ciphertext::from_text(&format!("poc8/1/{raw}"), "poc8", 8);
        let _ = Ciphertext::from_compact(&format!("poc8/3/{raw}"), "poc8", 8);
    }
}

#[test]
fn either_written_form_parses() {
    let c = ciphertext(vec![0.25; 8], 1);
    assert_eq!(Ciphertext::parse(&c.to_text(), "poc8", 8).unwrap(), c);
    assert_eq!(Ciphertext::parse(&c.to_compact(), "poc8", 8).unwrap(), c);
    // Neither: the symbol text's reason is reported.
    assert!(matches!(Ciphertext::parse("poc8/1/abc", "poc8", 8), Err(CodecError::WrongLength { .. })));
}

#[test]
fn a_ciphertext_ending_in_a_space_survives_trimming() {
    // 14 characters on a 16-bit model: 5 blocks, 80 floats, 2,560 bits, 512 symbols with no
    // padding, so the last float's low 5 bits are the last symbol: 26 is the space.
    let mut values = vec![0.5f32; 80];
    values[79] = f32::from_bits(0x3f00_0000 | 26);
    let c = Ciphertext { preset: "owneve16".into(), chars: 14, values };
    let text = c.to_text();
    assert!(text.ends_with(' '), "the last symbol is a space");
    assert_eq!(Ciphertext::parse(&text, "owneve16", 16).unwrap(), c);
    // What a paste adds around it goes; the space stays.
    assert_eq!(Ciphertext::parse(&format!("  {text}\r\n\t"), "owneve16", 16).unwrap(), c);
    assert_eq!(anc::text::codec::trim_ciphertext(&format!("\n{text}\n")), text);
    // A space too many is still refused.
    assert!(matches!(
        Ciphertext::parse(&format!("{text} "), "owneve16", 16),
        Err(CodecError::WrongLength { .. })
    ));
    // A ciphertext written under the preset's former name opens with the model it names now.
    let former = text.replacen("owneve16/", "strong16/", 1);
    assert_eq!(Ciphertext::parse(&former, "owneve16", 16).unwrap(), c);
    assert!(matches!(Ciphertext::parse(&former, "seed16", 16), Err(CodecError::WrongPreset { .. })));
}

proptest! {
    #[test]
    fn sixteen_bit_ciphertexts_round_trip_through_text(bits in prop::collection::vec(any::<u32>(), 80)) {
        let values: Vec<f32> = bits.into_iter().map(f32::from_bits).map(|v| if v.is_finite() { v } else { 0.0 }).collect();
        let c = Ciphertext { preset: "seed16".into(), chars: 14, values };
        prop_assert_eq!(Ciphertext::parse(&c.to_text(), "seed16", 16).unwrap(), c);
    }
}

#[test]
fn what_a_person_pastes_is_read_or_named_plainly() {
    let c =
        Ciphertext { preset: "seed16".into(), chars: 3, values: (0..16).map(|i| i as f32 / 7.0).collect() };
    // Wrapped by a mail client: line breaks (and tabs) inside are not symbols.
    let text = c.to_text();
    let (head, body) = text.split_at(20);
    let wrapped = format!("{head}\n{}\r\n{}", &body[..30], &body[30..]);
    assert_eq!(Ciphertext::parse(&wrapped, "seed16", 16).unwrap(), c);
    let compact = c.to_compact();
    let wrapped = format!("{}\n{}", &compact[..25], &compact[25..]);
    assert_eq!(Ciphertext::parse(&wrapped, "seed16", 16).unwrap(), c);
    // In capitals: said so, not "a SEED16 model".
    let shouted = Ciphertext::parse(&text.to_uppercase(), "seed16", 16).unwrap_err();
    assert!(matches!(shouted, CodecError::CapitalLetters(_)), "{shouted}");
    assert!(shouted.to_string().contains("capital letters"), "{shouted}");
    // A cut compact ciphertext: its bytes are counted, not long-form symbols.
    let cut = Ciphertext::parse(&compact[..compact.len() - 8], "seed16", 16).unwrap_err();
    assert!(matches!(cut, CodecError::WrongCompactLength { .. }), "{cut}");
    assert!(cut.to_string().contains("bytes") && !cut.to_string().contains("symbols"), "{cut}");
    // A cut long form still counts its symbols.
    let cut = Ciphertext::parse(&text[..text.len() - 3], "seed16", 16).unwrap_err();
    assert!(matches!(cut, CodecError::WrongLength { .. }), "{cut}");
    // A line break in a message is named as one.
    let e = encode_text("hello, bob!\nhi").unwrap_err().to_string();
    assert!(e.contains("a line break at 12"), "{e}");
}

#[test]
fn the_length_of_a_ciphertext_is_explained_and_matches_its_text() {
    for (chars, bits) in [(15, 16), (1, 8), (14, 16), (40, 8)] {
        let floats = Packing { bits }.blocks(chars) * bits;
        let c = Ciphertext { preset: "seed16".into(), chars, values: vec![0.5; floats] };
        let said = c.length_explained(bits);
        let body = c.to_text().splitn(3, '/').nth(2).unwrap().chars().count();
        assert!(said.ends_with(&format!(": {body} symbols.")), "{said} (the text has {body})");
        assert!(said.contains(&format!("{floats} floats")), "{said}");
    }
    let c = Ciphertext { preset: "seed16".into(), chars: 15, values: vec![0.5; 80] };
    assert_eq!(
        c.length_explained(16),
        "15 characters → 5 blocks of 16 bits (3 characters of 5 bits each, 1 random bit) → 80 floats from Alice → 32 bits each, written 5 bits a symbol: 512 symbols."
    );
}
