//! Which backend a run trains on: the one forced by the switch (or `?backend=`), or for
//! "Automatic" the faster here, by timing a few warm iterations of the run's own settings
//! in engine workers ([`Command::Measure`]); the measurement is kept in this browser until
//! the settings change a lot.

use futures::channel::oneshot;
use futures::future::{Either, select};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::app::backend::{BackendChoice, BackendKind, Measurement, Speed, rate};
use crate::app::engine_protocol::{Command, Event};
use crate::nn::config::TrainingConfig;
use crate::web::browser::{has_webgpu, local_storage, store, stored};
use crate::web::engine::client::EngineWorker;
use crate::web::lab::Lab;

/// Where Automatic's last measurement is kept in this browser.
const MEASUREMENT_KEY: &str = "anc.backend.measurement";
/// How long WebGPU may take to warm up and be timed (its kernels compile first).
const WEBGPU_BUDGET_MS: f64 = 5000.0;
const CPU_BUDGET_MS: f64 = 3000.0;
/// How long the page waits past a budget for the answer (an iteration may be in flight).
const GRACE_MS: u32 = 2000;
/// How long an engine may take to load its module before it is timed (the WebGPU engine
/// downloads ~10 MB first; the CPU engine starts on the page's own, already compiled).
const LOAD_MS: u32 = 60_000;

/// The backend a run trains on, why, and the worker that measured it (kept warm for the
/// run: its kernels are compiled).
pub struct Chosen {
    pub kind: BackendKind,
    pub reason: String,
    pub detail: Option<String>,
    pub worker: Option<EngineWorker>,
}

impl Chosen {
    fn plain(kind: BackendKind, reason: impl Into<String>, detail: Option<String>) -> Self {
        Self { kind, reason: reason.into(), detail, worker: None }
    }
}

/// Decides the backend of run `mine` for `config` (measuring for Automatic, which can take
/// seconds: the progress line says what is timed).
pub async fn choose(lab: Lab, config: &TrainingConfig) -> Chosen {
    let lost = lab.engine.with_value(|e| e.webgpu_lost.clone());
    match lab.choice.get_untracked() {
        BackendChoice::Cpu => Chosen::plain(BackendKind::Cpu, "chosen", None),
        _ if lost.is_some() => Chosen::plain(BackendKind::Cpu, "WebGPU failed earlier in this page", lost),
        BackendChoice::WebGpu => Chosen::plain(BackendKind::WebGpu, "chosen", None),
        BackendChoice::Auto if !has_webgpu() => {
            Chosen::plain(BackendKind::Cpu, "this browser has no WebGPU", None)
        }
        BackendChoice::Auto => {
            let kept = stored(local_storage(), MEASUREMENT_KEY).and_then(|t| Measurement::from_json(&t));
            if let Some(kept) = kept.filter(|m| m.fits(config)) {
                let (kind, why) = kept.choice();
                return Chosen::plain(kind, format!("{why} (measured earlier in this browser)"), None);
            }
            measure_both(lab, config).await
        }
    }
}

async fn measure_both(lab: Lab, config: &TrainingConfig) -> Chosen {
    lab.phase.set(Some("Choosing a backend: timing a few iterations on the CPU…".into()));
    let (cpu, cpu_worker) = measure(config, BackendKind::Cpu, CPU_BUDGET_MS).await;
    let cpu_rate = match &cpu {
        Speed::Measured(s) => format!("CPU {}", rate(*s)),
        Speed::Unavailable(why) => format!("CPU: {why}"),
    };
    lab.phase.set(Some(format!(
        "Choosing a backend ({cpu_rate}): loading the WebGPU engine, then timing WebGPU, which compiles \
         its kernels first (up to {} s)…",
        WEBGPU_BUDGET_MS / 1000.0
    )));
    let (webgpu, webgpu_worker) = measure(config, BackendKind::WebGpu, WEBGPU_BUDGET_MS).await;
    lab.phase.set(None);
    let measurement = Measurement { bits: config.cipher.bits, batch_size: config.batch_size, cpu, webgpu };
    store(local_storage(), MEASUREMENT_KEY, Some(&measurement.to_json()));
    let (kind, reason) = measurement.choice();
    let worker = if kind == BackendKind::WebGpu { webgpu_worker } else { cpu_worker };
    Chosen { kind, reason, detail: None, worker }
}

/// Times `backend` in a fresh worker; returns its speed and the worker (none if it failed).
async fn measure(
    config: &TrainingConfig,
    backend: BackendKind,
    budget_ms: f64,
) -> (Speed, Option<EngineWorker>) {
    let (answer, mut answered) = oneshot::channel();
    let mut answer = Some(answer);
    let spawned = EngineWorker::spawn(backend, move |event| {
        let speed = match event {
            Event::Measured { speed, .. } => speed,
            Event::Failed { message } => Speed::Unavailable(message),
            _ => return,
        };
        if let Some(answer) = answer.take() {
            let _ = answer.send(speed);
        }
    });
    let worker = match spawned {
        Ok(worker) => worker,
        Err(e) => return (Speed::Unavailable(e), None),
    };
    // The budget counts from the engine's start, not from its download.
    let loading = TimeoutFuture::new(LOAD_MS);
    match select(select(worker.when_ready(), &mut answered), loading).await {
        Either::Left((Either::Left(_), _)) => {}
        Either::Left((Either::Right((Ok(speed), _)), _)) => return (speed, None),
        Either::Left((Either::Right((Err(_), _)), _)) => {
            return (Speed::Unavailable("the engine stopped".into()), None);
        }
        Either::Right(_) => {
            let waited = LOAD_MS / 1000;
            return (Speed::Unavailable(format!("its engine did not load in {waited} s")), None);
        }
    }
    worker.send(&Command::Measure { config: config.clone(), backend, budget_ms }, None);
    let timeout = TimeoutFuture::new(budget_ms as u32 + GRACE_MS);
    match select(answered, timeout).await {
        Either::Left((Ok(speed @ Speed::Measured(_)), _)) => (speed, Some(worker)),
        Either::Left((Ok(speed), _)) => (speed, None),
        Either::Left((Err(_), _)) => (Speed::Unavailable("the engine stopped".into()), None),
        Either::Right(_) => {
            let waited = (budget_ms / 1000.0 + f64::from(GRACE_MS) / 1000.0).round();
            (Speed::Unavailable(format!("still compiling its kernels after {waited} s")), None)
        }
    }
}
