//! The page's handle on one engine worker: starts it on this page's own wasm module (the
//! CPU engine) or on the WebGPU engine module, queues commands until it is ready, and hands
//! its events (and its crash, as a [`Event::Failed`]) to a handler the page can change.
//! Dropping it ends the worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::app::backend::BackendKind;
use crate::app::engine_protocol::{Command, Event};

/// The WebGPU engine's JS glue and module, beside the page (trunk does not hash worker
/// files; `index.html` names the bin).
const WEBGPU_GLUE: &str = "anc-webgpu.js";
const WEBGPU_MODULE: &str = "anc-webgpu_bg.wasm";

/// The worker's first script: it imports a JS glue and instantiates the module the page
/// posts: for the CPU the page's own (already compiled: nothing is downloaded again; its
/// `main` then sees no `window` and starts the engine, [`super::worker::start`]), for
/// WebGPU the WebGPU engine module's URL (whose `main` starts the engine).
const BOOTSTRAP: &str = r#"
self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    const glue = await import(event.data.glue);
    await glue.default({ module_or_path: event.data.module });
  } catch (error) {
    self.postMessage(JSON.stringify({ Failed: { message: `the engine could not start (${error})` } }));
  }
};
"#;

type Handler = Rc<RefCell<Box<dyn FnMut(Event)>>>;
/// Commands (with the port they carry) sent before the worker was ready.
type Queue = Rc<RefCell<Vec<(String, Option<web_sys::MessagePort>)>>>;
/// Who waits for the worker to be ready ([`EngineWorker::when_ready`]).
type Waiters = Rc<RefCell<Vec<oneshot::Sender<()>>>>;

/// One engine worker.
pub struct EngineWorker {
    worker: web_sys::Worker,
    script_url: String,
    ready: Rc<Cell<bool>>,
    waiters: Waiters,
    queue: Queue,
    handler: Handler,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

/// `path` resolved against the page's address (so `dist/` works from any sub-path).
fn beside_page(path: &str) -> Result<String, String> {
    let base = web_sys::window().and_then(|w| w.location().href().ok()).ok_or("no location")?;
    web_sys::Url::new_with_base(path, &base)
        .map(|u| u.href())
        .map_err(|_| format!("a bad script URL: {path}"))
}

/// The URL of the page's JS glue (trunk preloads it).
fn page_glue_url() -> Result<String, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link = document
        .query_selector("link[rel=modulepreload][href$='.js']")
        .ok()
        .flatten()
        .and_then(|l| l.get_attribute("href"))
        .ok_or("the page's script is not named in it (link rel=modulepreload)")?;
    beside_page(&link)
}

/// The glue and the module (compiled, or a URL) an engine for `kind` starts from. The
/// WebGPU engine's unhashed names carry the page's hashed glue name as a query, so a
/// browser never pairs a cached engine with another build's page.
fn engine_for(kind: BackendKind) -> Result<(String, JsValue), String> {
    let glue = page_glue_url()?;
    match kind {
        BackendKind::Cpu => Ok((glue, wasm_bindgen::module())),
        BackendKind::WebGpu => {
            let build = glue.rsplit('/').next().unwrap_or_default().trim_end_matches(".js").to_string();
            let beside = |name: &str| beside_page(&format!("{name}?build={build}"));
            Ok((beside(WEBGPU_GLUE)?, beside(WEBGPU_MODULE)?.into()))
        }
    }
}

fn js_error(value: JsValue) -> String {
    value.as_string().or_else(|| js_sys::JSON::stringify(&value).ok().map(String::from)).unwrap_or_default()
}

impl EngineWorker {
    /// Starts a worker that trains on `kind` (the WebGPU engine module for WebGPU, the
    /// page's own for the CPU); `handler` gets its events.
    pub fn spawn(kind: BackendKind, handler: impl FnMut(Event) + 'static) -> Result<Self, String> {
        let (glue, module) = engine_for(kind)?;
        let parts = js_sys::Array::of1(&BOOTSTRAP.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_error)?;
        let script_url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
        let worker_options = web_sys::WorkerOptions::new();
        worker_options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(&script_url, &worker_options).map_err(js_error)?;

        let handler: Handler = Rc::new(RefCell::new(Box::new(handler)));
        let ready = Rc::new(Cell::new(false));
        let waiters: Waiters = Rc::default();
        let queue: Queue = Rc::default();
        let on_message = {
            let (handler, ready, waiters, queue, worker) =
                (handler.clone(), ready.clone(), waiters.clone(), queue.clone(), worker.clone());
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
                let event = match message.data().as_string().map(|t| Event::from_json(&t)) {
                    Some(Ok(event)) => event,
                    Some(Err(e)) => Event::Failed { message: e },
                    None => Event::Failed { message: "the engine sent something that is not text".into() },
                };
                if event == Event::Ready {
                    ready.set(true);
                    for (text, port) in queue.borrow_mut().drain(..) {
                        post(&worker, &text, port.as_ref());
                    }
                    for waiter in waiters.borrow_mut().drain(..) {
                        let _ = waiter.send(());
                    }
                    return;
                }
                (handler.borrow_mut())(event);
            })
        };
        let on_error = {
            let handler = handler.clone();
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |error: web_sys::ErrorEvent| {
                error.prevent_default();
                let message = format!("the engine stopped ({})", error.message());
                (handler.borrow_mut())(Event::Failed { message });
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let start = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&start, &"glue".into(), &glue.into());
        let _ = js_sys::Reflect::set(&start, &"module".into(), &module);
        worker.post_message(&start).map_err(js_error)?;
        Ok(Self {
            worker,
            script_url,
            ready,
            waiters,
            queue,
            handler,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Resolves once the worker has loaded its module and takes commands (at once if it has).
    pub fn when_ready(&self) -> oneshot::Receiver<()> {
        let (ready, answer) = oneshot::channel();
        if self.ready.get() {
            let _ = ready.send(());
        } else {
            self.waiters.borrow_mut().push(ready);
        }
        answer
    }

    /// Sends `command` (queued until the worker is ready), with `port` transferred if given.
    pub fn send(&self, command: &Command, port: Option<web_sys::MessagePort>) {
        let text = command.to_json();
        if self.ready.get() {
            post(&self.worker, &text, port.as_ref());
        } else {
            self.queue.borrow_mut().push((text, port));
        }
    }

    /// Gives the worker's events to `handler` from now on.
    pub fn set_handler(&self, handler: impl FnMut(Event) + 'static) {
        *self.handler.borrow_mut() = Box::new(handler);
    }
}

/// Ends `workers` (engine workers, or something holding them) on the next turn: a worker
/// must not be dropped inside its own message handler, which is where runs end.
pub fn end_later<T: 'static>(workers: T) {
    wasm_bindgen_futures::spawn_local(async move { drop(workers) });
}

fn post(worker: &web_sys::Worker, text: &str, port: Option<&web_sys::MessagePort>) {
    let _ = match port {
        Some(port) => worker.post_message_with_transfer(&text.into(), &js_sys::Array::of1(port)),
        None => worker.post_message(&text.into()),
    };
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        // A message the worker posted before it ended may still be queued here: with the
        // handlers unset it is dropped, not handed to a closure that is gone.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.script_url);
    }
}
