//! Moving a model to another device with asynchronous reads keeps every weight and what
//! the networks compute.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use anc::Preset;
use anc::evaluation::evaluate;
use anc::transfer::ciphers_to_device;
use burn::prelude::*;

/// Polls a future that is ready without waiting (reads on the CPU backend are): the
/// browser's executor is not available natively, and no wake-up is ever needed here.
fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the CPU reads did not complete");
}

#[test]
fn a_model_moved_to_the_cpu_computes_the_same() {
    let trained_on = Device::flex().autodiff();
    let ciphers = Preset::Seed16.config().cipher.init(11, &trained_on);
    let moved = ready(ciphers_to_device(&ciphers, &Device::flex())).unwrap();
    let before = evaluate(&ciphers, 500, 3, &trained_on).read();
    let after = evaluate(&moved, 500, 3, &Device::flex()).read();
    assert_eq!(before, after);
    let bytes = |c: &anc::Ciphers| anc::model_file::save(&header(), c);
    assert_eq!(bytes(&ciphers), bytes(&moved), "every weight, in the same place");
    // A different model gives different bytes (the comparison can fail).
    let other = Preset::Seed16.config().cipher.init(12, &trained_on);
    assert_ne!(bytes(&other), bytes(&moved));
}

fn header() -> anc::model_file::ModelHeader {
    anc::model_file::ModelHeader {
        config: Preset::Seed16.config(),
        iterations_trained: 0,
        bob_correct_pct: None,
        fresh_eve_bit_errors: None,
        audit_steps: None,
        fresh_eve_bit_error_rates: None,
    }
}
