//! `anc sample`: fresh random messages and keys with a model's ciphertexts of them, as CSV,
//! so that an outside audit can train attackers of its own, in any framework, against any
//! model the app makes — with no knowledge of the networks (`docs/formats.md`).

use anc::nn::data::BitSource;
use anc::nn::pending::Pending;
use anc::nn::seeds;
use anyhow::{Result, bail};
use burn::prelude::Device;

use crate::args::SampleArgs;
use crate::common::{csv_writer, read_any};

/// Rows encrypted at a time (bounded memory for any count).
const CHUNK: usize = 4096;

/// The most rows one call writes.
const MAX_COUNT: usize = 10_000_000;

pub fn run(args: SampleArgs) -> Result<()> {
    if !(1..=MAX_COUNT).contains(&args.count) {
        bail!("count = {} is not allowed: an integer from 1 to {MAX_COUNT}", args.count);
    }
    let device = Device::flex();
    let model = read_any(&args.model, &device)?;
    let cipher = model.frozen(&device);
    let bits = cipher.bits();
    let names = |prefix: char| (0..bits).map(move |i| format!("{prefix}{i}"));
    let header: Vec<String> = names('m').chain(names('k')).chain(names('c')).collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut out = csv_writer(Some(&args.out), &header)?.expect("a path was given");
    let mut source = BitSource::new(seeds::outside_sample(args.seed));
    let mut left = args.count;
    while left > 0 {
        let rows = left.min(CHUNK);
        let batch = source.batch(rows, bits, &device);
        let ciphertext = Pending::floats(cipher.encrypt(&batch)).read()?;
        let (messages, keys) = (Pending::floats(batch.messages).read()?, Pending::floats(batch.keys).read()?);
        for r in 0..rows {
            let row = r * bits..(r + 1) * bits;
            let bit = |v: &f32| if *v > 0.5 { "1".to_string() } else { "0".to_string() };
            let record = messages[row.clone()]
                .iter()
                .map(bit)
                .chain(keys[row.clone()].iter().map(bit))
                .chain(ciphertext[row].iter().map(f32::to_string));
            out.write_record(record)?;
        }
        left -= rows;
    }
    out.flush()?;
    println!(
        "wrote {} rows of {bits}-bit messages, keys and ciphertexts ({}) to {}",
        args.count,
        model.name(),
        args.out.display()
    );
    Ok(())
}
