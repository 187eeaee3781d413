//! Which backend trains in the page: what the user asked for, what runs, and how
//! "Automatic" decides: by timing a few warm iterations of the run's own settings on each
//! backend the browser offers, remembered for this browser until the settings change a lot.

use serde::{Deserialize, Serialize};

use crate::nn::config::TrainingConfig;

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// The faster of WebGPU and the CPU here, by measuring.
    #[default]
    Auto,
    WebGpu,
    Cpu,
}

impl BackendChoice {
    pub const ALL: [BackendChoice; 3] = [BackendChoice::Auto, BackendChoice::WebGpu, BackendChoice::Cpu];

    pub fn key(self) -> &'static str {
        match self {
            BackendChoice::Auto => "auto",
            BackendChoice::WebGpu => "webgpu",
            BackendChoice::Cpu => "cpu",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BackendChoice::Auto => "Automatic",
            BackendChoice::WebGpu => "WebGPU",
            BackendChoice::Cpu => "CPU",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// The device that runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackendKind {
    WebGpu,
    Cpu,
}

impl BackendKind {
    pub fn label(self) -> &'static str {
        match self {
            BackendKind::WebGpu => "WebGPU",
            BackendKind::Cpu => "CPU",
        }
    }
}

/// The backend in use and the reason it was chosen, for the badge.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendInfo {
    pub kind: BackendKind,
    /// A few words for the badge.
    pub reason: String,
    /// The full error, if WebGPU failed (shown on hover and in the note below the badge).
    pub detail: Option<String>,
}

/// One backend's measured speed on a run's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Speed {
    /// Warm iterations per second.
    Measured(f64),
    /// Not measured to the end: the reason ("no WebGPU adapter", "still compiling its
    /// kernels after 6 s").
    Unavailable(String),
}

/// What "Automatic" measured, kept in the browser: the settings it was measured on and
/// each backend's speed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub bits: usize,
    pub batch_size: usize,
    /// CPU iterations per second with the workers the run trains on.
    pub cpu: Speed,
    /// Where the browser has WebGPU.
    pub webgpu: Speed,
}

impl Measurement {
    /// Whether this measurement still holds for `config`: the same message size and a batch
    /// within a factor of two (the backends' ranking changes with the work per step).
    pub fn fits(&self, config: &TrainingConfig) -> bool {
        let ratio = config.batch_size as f64 / self.batch_size.max(1) as f64;
        self.bits == config.cipher.bits && (0.5..=2.0).contains(&ratio)
    }

    /// The faster backend (the CPU where WebGPU could not be measured, or on a tie) and
    /// why, in the badge's words: "CPU: 290 it/s vs WebGPU 24 it/s here".
    pub fn choice(&self) -> (BackendKind, String) {
        let cpu = match self.cpu {
            Speed::Measured(s) => s,
            Speed::Unavailable(_) => 0.0,
        };
        match &self.webgpu {
            Speed::Measured(gpu) if *gpu > cpu => {
                (BackendKind::WebGpu, format!("WebGPU: {} vs CPU {} here", rate(*gpu), rate(cpu)))
            }
            Speed::Measured(gpu) => {
                (BackendKind::Cpu, format!("CPU: {} vs WebGPU {} here", rate(cpu), rate(*gpu)))
            }
            Speed::Unavailable(why) => (BackendKind::Cpu, format!("CPU: {} here; WebGPU: {why}", rate(cpu))),
        }
    }

    /// The JSON kept in the browser.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a measurement serialises")
    }

    /// A kept measurement, or `None` if `text` is not one.
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// A speed in a few characters: "290 it/s", "0.4 it/s".
pub fn rate(per_second: f64) -> String {
    if per_second >= 10.0 { format!("{per_second:.0} it/s") } else { format!("{per_second:.1} it/s") }
}
