//! Moving a model to another device with asynchronous reads keeps every weight and what
//! the networks compute.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use anc::Preset;
use anc::nn::evaluation::evaluate;
use anc::nn::inference::Cipher;
use anc::nn::transfer::networks_to;
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
    // The browser's way (asynchronous reads), and the native one: the same networks.
    let moved = ready(networks_to(&ciphers, &Device::flex()).read_async()).unwrap();
    let read = networks_to(&ciphers, &Device::flex()).read().unwrap();
    let before = evaluate(&Cipher::new(&ciphers, &trained_on), 500, 3).read().unwrap();
    let after = evaluate(&Cipher::new(&moved, &Device::flex()), 500, 3).read().unwrap();
    assert_eq!(before, after);
    let bytes = |c: &anc::Networks| anc::nn::model_file::save(&header(), c);
    assert_eq!(bytes(&ciphers), bytes(&moved), "every weight, in the same place");
    assert_eq!(bytes(&read), bytes(&moved));
    // A different model gives different bytes (the comparison can fail).
    let other = Preset::Seed16.config().cipher.init(12, &trained_on);
    assert_ne!(bytes(&other), bytes(&moved));
}

fn header() -> anc::nn::model_file::ModelHeader {
    anc::nn::model_file::ModelHeader {
        config: Preset::Seed16.config(),
        iterations_trained: 0,
        bob_correct_pct: None,
        fresh_eve_bit_errors: None,
        audit_steps: None,
        fresh_eve_bit_error_rates: None,
        attack_suite: None,
    }
}
