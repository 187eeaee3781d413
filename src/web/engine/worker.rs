//! Inside an engine worker: takes [`Command`]s, opens its device (WebGPU once per worker),
//! trains or measures, and posts [`Event`]s back. Started by `main` when the module runs in
//! a worker.

use std::rc::Rc;

use burn::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::spawn_local;
use web_time::Instant;

use crate::app::backend::{BackendKind, Speed};
use crate::app::cipher_views::measure_for_views;
use crate::app::engine_protocol::{Command, Event, Fallback};
use crate::app::unposted::Unposted;
use crate::nn::config::TrainingConfig;
use crate::nn::evaluation::{EVALUATION_SAMPLES, evaluate};
use crate::nn::inference::Cipher;
use crate::nn::metrics::IterationLosses;
use crate::nn::model_file::{self, ModelHeader};
use crate::nn::seeds;
use crate::nn::steps::Steps;
use crate::nn::training::Trainer;
use crate::nn::transfer::networks_to;
use crate::web::backend::open_webgpu;
use crate::web::engine::audits::{attack, continue_eve};
use crate::web::engine::job::{REPORT_MS, Slice, State, post, run_slices};
use crate::web::engine::port_peer::PortPeer;
use crate::web::engine::train_pad::train_pad;
use crate::web::engine::train_population::train_population;

/// Installs the command handler and tells the page the worker is ready. A panic is posted
/// as a failure first, so the page says what went wrong (the module is dead after it).
pub fn start() {
    let console_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        console_hook(info);
        post(&Event::Failed { message: format!("the engine crashed ({info})") });
    }));
    let state = Rc::new(State::default());
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        let port = event.ports().get(0).dyn_into::<web_sys::MessagePort>().ok();
        match Command::from_json(&text) {
            Ok(Command::Pause) => state.paused.set(true),
            Ok(Command::Resume) => state.paused.set(false),
            Ok(Command::Stop) => state.stop.set(true),
            Ok(Command::Watch { message, key }) => *state.watch.borrow_mut() = Some((message, key)),
            Ok(Command::Train { config, backend, replica, replicas }) => {
                spawn_local(train(state.clone(), config, backend, replica, replicas, port))
            }
            Ok(Command::TrainPopulation { config, seeds }) => {
                spawn_local(train_population(state.clone(), config, seeds))
            }
            Ok(Command::Measure { config, backend, budget_ms }) => {
                spawn_local(measure(state.clone(), config, backend, budget_ms))
            }
            Ok(Command::Attack { model, kinds, distinguisher, config, samples }) => {
                spawn_local(attack(state.clone(), model, kinds, distinguisher, config, samples))
            }
            Ok(Command::TrainPad { config }) => spawn_local(train_pad(state.clone(), config)),
            Ok(Command::Continue { model, steps }) => spawn_local(continue_eve(state.clone(), model, steps)),
            Ok(Command::Views { model }) => views(&model),
            Err(message) => post(&Event::Failed { message }),
        }
    });
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // the handler lives as long as the worker
    post(&Event::Ready);
}

/// Measures a model for the page's views, on the CPU.
fn views(model: &[u8]) {
    let device = Device::flex();
    let measured = model_file::load(model, &device)
        .map_err(|e| format!("the model to draw did not arrive whole ({e})"))
        .and_then(|saved| measure_for_views(&Cipher::new(&saved.ciphers, &device)));
    post(&match measured {
        Ok(measures) => Event::Measures { measures },
        Err(message) => Event::Failed { message },
    });
}

/// Opens `backend`'s device (WebGPU once per worker, else the CPU, saying why).
async fn open(state: &State, backend: BackendKind) -> (Device, BackendKind, Option<Fallback>) {
    if backend == BackendKind::WebGpu {
        let known = state.webgpu.borrow().clone();
        let outcome = match known {
            Some(outcome) => outcome,
            None => {
                let outcome = open_webgpu().await;
                *state.webgpu.borrow_mut() = Some(outcome.clone());
                outcome
            }
        };
        match outcome {
            Ok(device) => return (device, BackendKind::WebGpu, None),
            Err(why) => {
                let fallback = Fallback { reason: why.reason.into(), detail: why.detail };
                return (Device::flex().autodiff(), BackendKind::Cpu, Some(fallback));
            }
        }
    }
    (Device::flex().autodiff(), BackendKind::Cpu, None)
}

/// Trains replica `replica` of `replicas`, posting its losses (replica 0) and the result.
async fn train(
    state: Rc<State>,
    config: TrainingConfig,
    backend: BackendKind,
    replica: usize,
    replicas: usize,
    port: Option<web_sys::MessagePort>,
) {
    let (device, kind, fallback) = open(&state, backend).await;
    let reports = replica == 0;
    if reports {
        post(&Event::Opened { backend: kind, fallback });
    }
    let made = match (replicas, port) {
        (2, Some(port)) => {
            Trainer::remote_replica(config.clone(), &device, replica, Box::new(PortPeer::new(port)))
        }
        (2, None) => {
            return post(&Event::Failed { message: "a replica came without its peer's port".into() });
        }
        _ => Trainer::new(config.clone(), &device),
    };
    let mut trainer = match made {
        Ok(trainer) => trainer,
        Err(e) => return post(&Event::Failed { message: e.to_string() }),
    };
    let mut warming = kind == BackendKind::WebGpu;
    if warming && reports {
        post(&Event::WarmingUp);
    }
    let mut unposted = Unposted::every(REPORT_MS);
    let trained = run_slices(
        &state,
        &mut trainer,
        async |trainer, n| trainer.run_async(n).await,
        async |trainer, slice| {
            if !reports {
                return true;
            }
            match slice {
                // The page shows where it stopped.
                Slice::Paused => post_rows(&mut unposted, &state, trainer, &device).await,
                Slice::Rows(rows, seconds) => {
                    // The warm-up's seconds (kernels compiling) would make the speed and the
                    // time left absurd: they are not counted.
                    unposted.add(rows, if warming { 0.0 } else { seconds });
                    if warming || unposted.due() || trainer.is_done() {
                        post_rows(&mut unposted, &state, trainer, &device).await;
                    }
                    warming = false;
                }
            }
            true
        },
    )
    .await;
    if let Err(e) = trained {
        return post(&Event::Failed { message: format!("the device failed while training ({})", e.cause()) });
    }
    if reports {
        // A run stopped early ends between two posts: what it kept goes first.
        post_rows(&mut unposted, &state, &trainer, &device).await;
        finish(trainer, &device).await;
    }
}

/// Posts a single run's kept rows (if any), then the watched message's reading.
async fn post_rows(
    unposted: &mut Unposted<IterationLosses>,
    state: &State,
    trainer: &Trainer,
    device: &Device,
) {
    if let Some((rows, seconds)) = unposted.take() {
        post(&Event::Rows { rows, done: trainer.done(), seconds });
        watch(state, trainer, device).await;
    }
}

/// Reads the watched message with the networks as they are now, for the page.
async fn watch(state: &State, trainer: &Trainer, device: &Device) {
    let Some((message, key)) = state.watch.borrow().clone() else { return };
    let cipher = Cipher::new(trainer.networks(), device);
    if message.len() != cipher.bits() || key.len() != cipher.bits() {
        return;
    }
    if let Ok(reading) = cipher.read_one(&message, &key).read_async().await {
        post(&Event::Watched { reading });
    }
}

/// Evaluates the trained networks on 10,000 messages and posts them as a model file.
async fn finish(trainer: Trainer, device: &Device) {
    post(&Event::Evaluating);
    let config = trainer.config().clone();
    let done = trainer.done();
    let ciphers = trainer.into_networks();
    let pending = evaluate(&Cipher::new(&ciphers, device), EVALUATION_SAMPLES, seeds::held_out(config.seed));
    let evaluation = match pending.read_async().await {
        Ok(evaluation) => evaluation,
        Err(e) => {
            let message = format!("the device failed while evaluating ({})", e.cause());
            return post(&Event::Failed { message });
        }
    };
    match networks_to(&ciphers, &Device::flex()).read_async().await {
        Ok(on_cpu) => {
            let mut header = ModelHeader::trained(config, Some(evaluation.bob.correct_pct));
            // A run stopped early says how far it went.
            header.iterations_trained = done;
            post(&Event::Trained { model: model_file::save(&header, &on_cpu), evaluation });
        }
        Err(e) => {
            post(&Event::Failed { message: format!("the weights could not be read back ({})", e.cause()) })
        }
    }
}

/// Times warm iterations of `config` on `backend`: two slices to warm up (kernels compile),
/// then slices until about a second of steady work or the budget is spent.
async fn measure(state: Rc<State>, config: TrainingConfig, backend: BackendKind, budget_ms: f64) {
    let answer = |speed| post(&Event::Measured { backend, speed });
    let (device, kind, fallback) = open(&state, backend).await;
    if kind != backend {
        return answer(Speed::Unavailable(fallback.map(|f| f.reason).unwrap_or_default()));
    }
    // Long enough a schedule whatever the run's own length.
    let config = config.with_epochs(1000);
    let mut trainer = match Trainer::new(config, &device) {
        Ok(trainer) => trainer,
        Err(e) => return answer(Speed::Unavailable(e.to_string())),
    };
    let began = Instant::now();
    // The first two slices warm up (kernels compile) and are not counted; then slices until
    // about a second of steady work, or the budget is spent.
    let (mut warm_ups, mut iterations, mut seconds) = (2, 0, 0.0);
    let timed = run_slices(
        &state,
        &mut trainer,
        async |trainer, n| trainer.run(n),
        async |_, slice| {
            if let Slice::Rows(rows, elapsed) = slice {
                if warm_ups > 0 {
                    warm_ups -= 1;
                } else {
                    iterations += rows.len();
                    seconds += elapsed;
                }
            }
            warm_ups > 0 || (seconds < 1.0 && began.elapsed().as_secs_f64() * 1000.0 < budget_ms)
        },
    )
    .await;
    if let Err(e) = timed {
        return answer(Speed::Unavailable(format!("failed ({})", e.cause())));
    }
    answer(Speed::Measured(iterations as f64 / seconds.max(1e-9)))
}
