//! Losses, the step-wise trainer, who moves on whose step, reproducibility, and a short
//! run that must measurably learn.

use anc::nn::config::DistinguisherConfig;
use anc::nn::data::BitSource;
use anc::nn::inference::{Cipher, Runner};
use anc::nn::losses::{bits_wrong_loss, bits_wrong_share, eve_term};
use anc::nn::model::Network;
use anc::nn::optimizer::optimizer;
use anc::nn::replicas::{Peer, Swapped};
use anc::nn::steps::Steps;
use anc::nn::training::eve_step;
use anc::{
    Audit, AuditConfig, EveStart, IterationLosses, OptimizerKind, Preset, Trainer, TrainingConfig, evaluate,
};
use burn::prelude::*;
use burn::tensor::TensorData;

fn device() -> Device {
    Device::flex().autodiff()
}

fn weights(net: &Network) -> Vec<f32> {
    let mut all = Vec::new();
    for layer in net.dense.iter().chain(net.head.iter()) {
        all.extend(layer.weight.val().into_data().try_into_vec::<f32>().unwrap());
    }
    for conv in [&net.conv1, &net.conv2, &net.conv3, &net.conv4] {
        all.extend(conv.weight.val().into_data().try_into_vec::<f32>().unwrap());
        all.extend(conv.bias.as_ref().unwrap().val().into_data().try_into_vec::<f32>().unwrap());
    }
    all
}

fn tiny(preset: Preset) -> TrainingConfig {
    preset.config().with_batch_size(64).with_iterations_per_epoch(5).with_epochs(1)
}

#[test]
fn losses_follow_the_spec() {
    let d = Device::flex();
    let m = Tensor::<2>::from_data(TensorData::new(vec![1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0], [2, 4]), &d);
    let g =
        Tensor::<2>::from_data(TensorData::new(vec![0.5, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.25], [2, 4]), &d);
    // Row 1: 0.5 + 0 + 1 + 0 = 1.5; row 2: 1 + 1 + 0 + 0.25 = 2.25; mean 1.875.
    let loss: f32 = bits_wrong_loss(m, g).into_scalar();
    assert!((loss - 1.875).abs() < 1e-6);
    let bob = Tensor::<1>::from_floats([0.5], &d);
    let ab = |eve: f32, weight| -> f32 {
        (bob.clone() + eve_term(Tensor::from_floats([eve], &d), 16, weight)).into_scalar()
    };
    // N = 16: 0.5 + (8 − 6)² / 64.
    assert!((ab(6.0, 1.0) - (0.5 + 4.0 / 64.0)).abs() < 1e-6);
    // An always-wrong Eve (16 bits wrong) costs Alice as much as a perfect one.
    assert_eq!(ab(16.0, 1.0), ab(0.0, 1.0));
    // A weight scales only the Eve term.
    assert!((ab(6.0, 4.0) - (0.5 + 4.0 * 4.0 / 64.0)).abs() < 1e-6);
}

#[test]
fn the_replica_shares_add_up_to_the_whole_batch_gradient() {
    // What each of two replicas backs up on its half of a batch, against the whole-batch form.
    let d = Device::flex().autodiff();
    let mut source = BitSource::new(5);
    let (m, g) = (source.batch(8, 4, &d).messages, source.batch(8, 4, &d).keys);
    let read = |t: Option<Tensor<2>>| t.expect("a gradient").into_data().try_into_vec::<f32>().unwrap();
    let g = g.mul_scalar(0.8).add_scalar(0.1).detach().require_grad();
    let e = bits_wrong_loss(m.clone(), g.clone());
    let whole = read(g.grad(&(e.clone() + eve_term(e, 4, 2.0)).backward()));
    let half = |r: usize| {
        let g = g.clone().detach().require_grad();
        let rows = |t: Tensor<2>| t.narrow(0, 4 * r, 4);
        let share = bits_wrong_share(rows(m.clone()), rows(g.clone()), 8);
        let theirs = bits_wrong_loss(m.clone(), g.clone()).detach() - share.clone().detach();
        // The other replica's share held constant, as the trainer does.
        read(g.grad(&(share.clone() + eve_term(share + theirs, 4, 2.0)).backward()))
    };
    let (a, b) = (half(0), half(1));
    assert!(a[..16].iter().any(|x| *x != 0.0) && a[16..].iter().all(|x| *x == 0.0), "its own rows");
    for (x, (y, z)) in whole.iter().zip(a.iter().zip(&b)) {
        assert!((x - (y + z)).abs() < 1e-6, "{x} vs {y} + {z}");
    }
}

#[test]
fn with_no_eve_steps_eve_stays_and_the_weight_enters_the_reported_loss() {
    let config = tiny(Preset::Seed16).with_eve_steps(0);
    let mut trainer = Trainer::new(config.clone(), &device()).unwrap();
    let e0 = weights(&trainer.networks().eve);
    let rows = trainer.run(3).read().unwrap();
    assert_eq!(weights(&trainer.networks().eve), e0, "no Eve step, no change");
    assert!(rows.iter().all(|r| r.eve.is_nan()), "no Eve loss to report");

    let losses = |config: TrainingConfig| Trainer::new(config, &device()).unwrap().run(1).read().unwrap()[0];
    let (plain, heavy) = (losses(config.clone()), losses(config.with_eve_weight(Some(3.0))));
    assert_eq!(plain.bob, heavy.bob, "the first step's Bob loss comes before any update");
    let term = |l: anc::IterationLosses| l.ab - l.bob;
    assert!((term(heavy) - 3.0 * term(plain)).abs() < 1e-4, "{plain:?} {heavy:?}");
}

#[test]
fn run_reports_one_row_per_iteration_and_stops_at_the_schedule_end() {
    let mut trainer = Trainer::new(tiny(Preset::Seed16), &device()).unwrap();
    let first = trainer.run(3).read().unwrap();
    assert_eq!(first.iter().map(|l| l.iteration).collect::<Vec<_>>(), vec![1, 2, 3]);
    for l in &first {
        assert!(l.bob > 4.0 && l.bob < 12.0, "an untrained Bob guesses: {l:?}");
        assert!(l.ab >= l.bob && l.eve.is_finite());
    }
    let rest = trainer.run(10).read().unwrap();
    assert_eq!(rest.len(), 2, "only 5 iterations in the schedule");
    assert!(trainer.is_done());
    assert!(trainer.run(1).read().unwrap().is_empty());
}

#[test]
fn same_seed_same_losses_other_seed_other_losses() {
    let run =
        |seed| Trainer::new(tiny(Preset::Poc8).with_seed(seed), &device()).unwrap().run(5).read().unwrap();
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}

#[test]
fn alice_and_bob_step_leaves_eve_alone() {
    let config = tiny(Preset::Seed16).with_eve_steps(0);
    let mut trainer = Trainer::new(config, &device()).unwrap();
    let (a0, b0, e0) = {
        let c = trainer.networks();
        (weights(&c.alice), weights(&c.bob), weights(&c.eve))
    };
    let _ = trainer.run(2).read().unwrap();
    let c = trainer.networks();
    assert_ne!(weights(&c.alice), a0, "Alice moves on her step");
    assert_ne!(weights(&c.bob), b0, "Bob moves on his step");
    assert_eq!(weights(&c.eve), e0, "Eve stays put on theirs");
}

#[test]
fn eve_step_leaves_alice_and_bob_alone() {
    let device = device();
    let config = Preset::Seed16.config();
    let ciphers = config.cipher.init(1, &device);
    let (a0, e0) = (weights(&ciphers.alice), weights(&ciphers.eve));
    let runner = Runner::new(16, &device);
    let batch = BitSource::new(1).batch(64, 16, &device);
    let mut optim = optimizer(OptimizerKind::RmsProp);
    let alice = ciphers.alice.valid();
    let (eve, loss) = eve_step(&alice, ciphers.eve.clone(), &mut optim, 0.001, &batch, &runner);
    assert!(loss.into_scalar::<f32>() > 0.0);
    assert_ne!(weights(&eve), e0, "Eve moves on her step");
    assert_eq!(weights(&ciphers.alice), a0, "Alice stays put");
    assert_eq!(weights(&alice), a0);
}

#[test]
fn a_short_poc8_run_measurably_learns() {
    // 8 bits, 400 iterations: Bob goes from guessing (4 bits wrong) to about half of that.
    let config = Preset::Poc8.config().with_batch_size(256).with_iterations_per_epoch(400).with_epochs(1);
    let device = device();
    let mut trainer = Trainer::new(config, &device).unwrap();
    let before = evaluate(&Cipher::new(trainer.networks(), &device), 2000, 9).read().unwrap();
    while !trainer.is_done() {
        let _ = trainer.run(50).read().unwrap();
    }
    let after = evaluate(&Cipher::new(trainer.networks(), &device), 2000, 9).read().unwrap();
    assert!(before.bob.bit_errors > 3.0, "untrained Bob: {}", before.bob.bit_errors);
    assert!(after.bob.bit_errors < 2.6, "trained Bob: {} bits wrong", after.bob.bit_errors);
    assert!(after.bob.correct_pct > before.bob.correct_pct + 3.0, "{before:?} -> {after:?}");
}

#[test]
fn audits_train_an_eve_against_a_frozen_cipher() {
    let device = device();
    let config = Preset::Poc8.config();
    let ciphers = config.cipher.init(1, &device);
    let (a0, b0, e0) = (weights(&ciphers.alice), weights(&ciphers.bob), weights(&ciphers.eve));

    let fresh = Audit::new(&ciphers, &config.cipher, AuditConfig::new().with_steps(1), &device).unwrap();
    assert_ne!(weights(&fresh.networks().eve), e0, "a fresh Eve has new weights");
    let kept = AuditConfig::new().with_start(EveStart::Continue).with_steps(30).with_batch_size(128);
    let mut audit = Audit::new(&ciphers, &config.cipher, kept, &device).unwrap();
    assert_eq!(weights(&audit.networks().eve), e0, "continuing starts from the model's Eve");
    let losses = audit.run(100).read().unwrap();
    assert_eq!(losses.len(), 30);
    assert_eq!(losses.last().unwrap().step, 30);
    assert!(audit.is_done());
    assert_ne!(weights(&audit.networks().eve), e0, "Eve trains");
    assert_eq!(weights(&audit.networks().alice), a0, "Alice is frozen");
    assert_eq!(weights(&audit.networks().bob), b0, "Bob is frozen");
    assert_eq!(weights(&ciphers.eve), e0, "the audited model is untouched");
    let e = audit.evaluate().read().unwrap();
    assert_eq!(e.samples, 10_000);
    assert_eq!(e.eve.bit_error_rates.len(), 8);
}

fn all_weights(ciphers: &anc::Networks) -> Vec<f32> {
    [&ciphers.alice, &ciphers.bob, &ciphers.eve].into_iter().flat_map(weights).collect()
}

/// Four iterations of `config` on `replicas` replicas: the losses and every weight after.
fn four_iterations(config: &TrainingConfig, replicas: usize) -> (Vec<IterationLosses>, Vec<f32>) {
    let device = device();
    let ciphers = config.cipher.init(config.seed, &device);
    let mut trainer = Trainer::with_replicas(config.clone(), ciphers, &device, replicas);
    (trainer.run(4).read().unwrap(), all_weights(trainer.networks()))
}

/// One and two replicas train `config` alike (losses and weights within 1e-4); returns the
/// one-replica run.
fn trains_alike_on_two_replicas(config: &TrainingConfig) -> (Vec<IterationLosses>, Vec<f32>) {
    let ((l1, w1), (l2, w2)) = (four_iterations(config, 1), four_iterations(config, 2));
    for (a, b) in l1.iter().zip(&l2) {
        for (x, y) in [(a.ab, b.ab), (a.bob, b.bob), (a.eve, b.eve)] {
            assert!((x - y).abs() < 1e-4 * x.abs().max(1.0), "1 replica {a:?} vs 2 replicas {b:?}");
        }
    }
    let worst = w1.iter().zip(&w2).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst < 1e-4, "weights drifted apart by {worst}");
    (l1, w1)
}

#[test]
fn the_distinguishing_eve_adds_her_term_trains_alike_on_two_replicas_and_moves_alice() {
    let plain = tiny(Preset::Seed16);
    let config = plain.clone().with_distinguisher(Some(DistinguisherConfig::new()));
    let (losses, weights) = trains_alike_on_two_replicas(&config);
    let (plain_losses, plain_weights) = four_iterations(&plain, 1);
    // Untrained, she is near a coin flip: min(Err, ½) ≈ ½, so her term is about −7 · ½.
    let term = losses[0].ab - plain_losses[0].ab;
    assert!((-3.6..=-3.0).contains(&term), "her first term {term}");
    assert_eq!(losses[0].bob, plain_losses[0].bob, "the first Bob loss comes before any update");
    assert_ne!(weights, plain_weights, "her term moves Alice");
    assert_eq!(four_iterations(&config, 1).1, weights, "the same seed, the same distinguisher");
    // Alice may ignore the write-up's Eve and hide from the distinguisher alone.
    let only = config.with_eve_weight(Some(0.0));
    assert_eq!(only.validate(), Ok(()));
    let (alone, _) = four_iterations(&only, 1);
    assert!((alone[0].ab - alone[0].bob - term).abs() < 1e-3, "{alone:?}: only her term");
}

#[test]
fn two_replicas_train_like_one_and_stay_identical() {
    let config = tiny(Preset::Seed16).with_eve_steps(2);
    let device = device();
    let train = |replicas| {
        let ciphers = config.cipher.init(config.seed, &device);
        let mut trainer = Trainer::with_replicas(config.clone(), ciphers, &device, replicas);
        let losses = trainer.run(5).read().unwrap();
        (losses, trainer)
    };
    let (one, solo) = train(1);
    let (two, pair) = train(2);
    assert_eq!(pair.replicas(), 2);
    // Same data, same whole-batch gradients: only float rounding differs.
    for (a, b) in one.iter().zip(&two) {
        for (x, y) in [(a.ab, b.ab), (a.bob, b.bob), (a.eve, b.eve)] {
            assert!((x - y).abs() < 1e-4 * x.abs().max(1.0), "1 replica {a:?} vs 2 replicas {b:?}");
        }
    }
    let (w1, w2) = (all_weights(solo.networks()), all_weights(pair.networks()));
    let worst = w1.iter().zip(&w2).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(worst < 1e-4, "weights drifted apart by {worst}");
    // The moved weights are not the initial ones (a no-op would pass the checks above).
    let initial = all_weights(&config.cipher.init(config.seed, &device));
    assert!(initial.iter().zip(&w2).any(|(a, b)| (a - b).abs() > 1e-4));
    // Both replicas took the same summed steps: bit-identical weights.
    assert_eq!(all_weights(pair.replica_networks(0)), all_weights(pair.replica_networks(1)));
}

/// A peer that really waits (as one in another Web Worker does): its message comes
/// through a channel the other replica's future fills.
struct WaitingPeer {
    send: futures::channel::mpsc::UnboundedSender<Vec<f32>>,
    receive: std::cell::RefCell<futures::channel::mpsc::UnboundedReceiver<Vec<f32>>>,
}

impl Peer for WaitingPeer {
    fn swap(&self, mine: &[f32]) -> Swapped<'_> {
        use futures::StreamExt;
        self.send.unbounded_send(mine.to_vec()).unwrap();
        let next = futures::future::poll_fn(|cx| self.receive.borrow_mut().poll_next_unpin(cx));
        Box::pin(async move { next.await.expect("the peer's floats") })
    }
}

#[test]
fn replicas_that_await_each_other_train_exactly_like_two_threads() {
    let config = tiny(Preset::Seed16).with_eve_steps(2);
    let device = device();
    let mut threads =
        Trainer::with_replicas(config.clone(), config.cipher.init(config.seed, &device), &device, 2);
    let expected = threads.run(5).read().unwrap();
    let (to_one, from_zero) = futures::channel::mpsc::unbounded();
    let (to_zero, from_one) = futures::channel::mpsc::unbounded();
    let peer = |send, receive| Box::new(WaitingPeer { send, receive: std::cell::RefCell::new(receive) });
    let mut zero = Trainer::remote_replica(config.clone(), &device, 0, peer(to_one, from_one)).unwrap();
    let mut one = Trainer::remote_replica(config.clone(), &device, 1, peer(to_zero, from_zero)).unwrap();
    // Both on one thread: each waits for the other at every exchange.
    let (rows, other_rows) =
        futures::executor::block_on(futures::future::join(zero.run_async(3), one.run_async(3)));
    let (more, more_other) =
        futures::executor::block_on(futures::future::join(zero.run_async(2), one.run_async(2)));
    let rows: Vec<_> = rows.read().unwrap().into_iter().chain(more.read().unwrap()).collect();
    let other: Vec<_> = other_rows.read().unwrap().into_iter().chain(more_other.read().unwrap()).collect();
    assert_eq!(rows, expected, "the same losses, bit for bit, as two threads");
    assert_eq!(other, expected, "both replicas report the whole batch's losses");
    assert!(zero.is_done() && one.is_done());
    assert_eq!(all_weights(zero.networks()), all_weights(threads.networks()));
    assert_eq!(all_weights(one.networks()), all_weights(threads.networks()));
}

#[test]
fn bob_only_iterations_freeze_alice_and_move_bob() {
    // 5 iterations, the last 2 Bob-only: Alice moves in iterations 1-3, then stays put.
    let config = tiny(Preset::Seed16).with_bob_only_iterations(Some(2));
    let mut trainer = Trainer::new(config, &device()).unwrap();
    let _ = trainer.run(3).read().unwrap();
    let (a3, b3) = (weights(&trainer.networks().alice), weights(&trainer.networks().bob));
    let _ = trainer.run(2).read().unwrap();
    assert!(trainer.is_done());
    assert_eq!(weights(&trainer.networks().alice), a3, "Alice is frozen in the Bob-only iterations");
    assert_ne!(weights(&trainer.networks().bob), b3, "Bob still learns");
}
