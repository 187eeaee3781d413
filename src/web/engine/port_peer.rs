//! The other training replica, in another engine worker: the two exchange their gradients
//! as `Float32Array`s over a `MessagePort` pair, and each awaits the other's (a worker
//! cannot block).

use std::cell::RefCell;

use futures::StreamExt;
use futures::channel::mpsc::{UnboundedReceiver, unbounded};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::nn::replicas::{Peer, Swapped};

/// This worker's end of the exchange.
pub struct PortPeer {
    port: web_sys::MessagePort,
    /// The peer's messages, in the order they came (it may run ahead by one exchange).
    inbox: RefCell<UnboundedReceiver<Vec<f32>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl PortPeer {
    pub fn new(port: web_sys::MessagePort) -> Self {
        let (send, inbox) = unbounded();
        let on_message = Closure::new(move |event: web_sys::MessageEvent| {
            let _ = send.unbounded_send(js_sys::Float32Array::new(&event.data()).to_vec());
        });
        port.set_onmessage(Some(on_message.as_ref().unchecked_ref())); // also starts the port
        Self { port, inbox: RefCell::new(inbox), _on_message: on_message }
    }
}

impl Peer for PortPeer {
    /// # Panics
    /// If the other worker's messages stop making sense (the page then stops the run).
    fn swap(&self, mine: &[f32]) -> Swapped<'_> {
        // Copied, not transferred: a message of a few thousand floats took ~12 µs less to
        // post cloned than with its buffer transferred (both ~80-110 µs in all, in a build
        // that alternated the two at every exchange while training seed16).
        let array = js_sys::Float32Array::from(mine);
        self.port.post_message(&array).expect("the exchange port is open");
        Box::pin(async move {
            let next = futures::future::poll_fn(|cx| self.inbox.borrow_mut().poll_next_unpin(cx));
            next.await.expect("the other engine worker stopped")
        })
    }
}
