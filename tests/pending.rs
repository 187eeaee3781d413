//! Values read back from the device: one `Pending` for every kind of result, read
//! synchronously or asynchronously alike, with rows numbered from their first step.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use anc::IterationLosses;
use anc::nn::metrics::pending_rows;
use anc::nn::pending::Pending;
use burn::prelude::*;

/// Polls a future that needs no waiting (reads on the CPU backend are ready at once).
fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a CPU read had to wait"),
    }
}

#[test]
fn several_tensors_read_back_in_order_both_ways_and_map_after() {
    let device = Device::flex();
    let make = || {
        let a = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &device);
        let b = Tensor::<2>::from_floats([[5.0]], &device);
        Pending::new(vec![a, b], |all| all.iter().map(|v| v.iter().sum::<f32>()).collect::<Vec<_>>())
            .map(|sums| (sums.len(), sums))
    };
    assert_eq!(make().read().unwrap(), (2, vec![10.0, 5.0]));
    assert_eq!(ready(make().read_async()).unwrap(), make().read().unwrap());
    assert_eq!(Pending::ready(7).map(|v| v * 2).read().unwrap(), 14);
}

#[test]
fn loss_rows_are_numbered_from_their_first_step() {
    let device = Device::flex();
    let row = |v: f32| Tensor::<2>::from_floats([[v, v + 0.5, v + 1.0]], &device);
    let rows: Vec<IterationLosses> = pending_rows(5, vec![row(1.0), row(2.0)]).read().unwrap();
    assert_eq!(rows.iter().map(|r| r.iteration).collect::<Vec<_>>(), vec![5, 6]);
    assert_eq!((rows[1].ab, rows[1].bob, rows[1].eve), (2.0, 2.5, 3.0));
    let none: Vec<IterationLosses> = pending_rows(1, Vec::new()).read().unwrap();
    assert!(none.is_empty());
}
