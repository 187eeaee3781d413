//! The page ↔ engine-worker protocol and Automatic's choice of backend.

use anc::Preset;
use anc::app::backend::{BackendKind, Measurement, Speed, rate};
use anc::app::engine_protocol::{Command, Event, Fallback};
use anc::app::population_results::TrainedMember;
use anc::nn::attack::{AttackRow, AttackerKind, SuiteConfig, SuiteMember, SuiteResult};
use anc::nn::metrics::{AuditLoss, IterationLosses};
use anc::nn::pad::PadConfig;

#[test]
fn every_command_and_event_survives_the_trip() {
    let config = Preset::Poc8.config().with_seed(7).with_batch_size(64);
    let commands = [
        Command::Measure { config: config.clone(), backend: BackendKind::WebGpu, budget_ms: 6000.0 },
        Command::Train { config: config.clone(), backend: BackendKind::Cpu, replica: 1, replicas: 2 },
        Command::TrainPopulation { config: config.clone(), seeds: vec![3, 4, 5] },
        Command::Attack {
            model: vec![7; 3],
            kinds: vec![AttackerKind::Bayes, AttackerKind::DeepMlp],
            distinguisher: true,
            config: SuiteConfig::new().with_max_steps(300),
            samples: 1000,
        },
        Command::TrainPad { config: PadConfig::new().with_bits(8).with_iterations(50) },
        Command::Continue { model: vec![1, 2], steps: 40 },
        Command::Views { model: vec![3, 4, 5] },
        Command::Watch { message: vec![1.0, 0.0], key: vec![0.0, 1.0] },
        Command::Pause,
        Command::Resume,
        Command::Stop,
    ];
    for command in commands {
        assert_eq!(Command::from_json(&command.to_json()), Ok(command.clone()));
    }
    let row = IterationLosses { iteration: 3, ab: 1.5, bob: 0.25, eve: 3.75 };
    let events = [
        Event::Ready,
        Event::Opened {
            backend: BackendKind::Cpu,
            fallback: Some(Fallback {
                reason: "no adapter".into(),
                detail: Some("webgpu found no adapters".into()),
            }),
        },
        Event::WarmingUp,
        Event::Measured { backend: BackendKind::WebGpu, speed: Speed::Unavailable("still compiling".into()) },
        Event::Rows { rows: vec![row], done: 3, seconds: 0.5 },
        Event::PopulationRows { rows: vec![vec![row], vec![row, row]], done: 2, seconds: 0.25 },
        Event::PopulationTrained {
            members: vec![TrainedMember { seed: 9, model: vec![4, 2], evaluation: sample_evaluation() }],
        },
        Event::AttackRows {
            rows: vec![AttackRow { attacker: AttackerKind::DeepMlp, step: 20, held_out_bits_wrong: 3.5 }],
            current: Some(SuiteMember::Reader(AttackerKind::DeepMlp)),
            done: 20,
            seconds: 1.5,
            work: (40, 900),
        },
        Event::AttackRows {
            rows: Vec::new(),
            current: Some(SuiteMember::Distinguisher),
            done: 30,
            seconds: 0.5,
            work: (60, 900),
        },
        Event::Attacked { result: SuiteResult { attackers: Vec::new(), distinguisher: None } },
        Event::PadRows { rows: vec![row], weights: vec![1.0, -0.5, 2.0, 0.0], done: 3, seconds: 0.5 },
        Event::PadTrained { pad: sample_pad() },
        Event::AuditRows { rows: vec![AuditLoss { step: 4, eve: 7.5 }], done: 4, seconds: 0.25 },
        Event::Audited { evaluation: sample_evaluation() },
        Event::Watched {
            reading: anc::nn::inference::OneReading { ciphertext: vec![0.5], bob: vec![0.9], eve: vec![0.1] },
        },
        Event::Evaluating,
        Event::Trained { model: vec![1, 2, 255], evaluation: sample_evaluation() },
        Event::Failed { message: "the device failed".into() },
    ];
    for event in events {
        assert_eq!(Event::from_json(&event.to_json()), Ok(event.clone()));
    }
    assert!(Command::from_json("{\"Train\":{}}").unwrap_err().contains("not an engine command"));
    assert!(Event::from_json("hello").is_err());
}

fn sample_pad() -> anc::nn::pad::trained::TrainedPad {
    let device = burn::prelude::Device::flex();
    let config = PadConfig::new().with_bits(4);
    anc::nn::pad::trained::TrainedPad::of(&anc::nn::pad::PadNet::init(4, 2, &device), &config, 0, 0)
        .read()
        .unwrap()
}

#[test]
fn an_attack_command_from_before_the_distinguisher_still_reads_without_it() {
    let old = r#"{"Attack":{"model":[1],"kinds":["bayes"],"config":{"max_steps":5,"batch_size":8,"check_every":5,"patience":1,"min_gain":0.01,"seed":2},"samples":10}}"#;
    let Ok(Command::Attack { distinguisher, .. }) = Command::from_json(old) else { panic!("reads") };
    assert!(!distinguisher);
}

fn sample_evaluation() -> anc::Evaluation {
    let device = burn::prelude::Device::flex().autodiff();
    let config = Preset::Poc8.config().with_seed(1);
    let ciphers = config.cipher.init(1, &device);
    anc::evaluate(&anc::nn::inference::Cipher::new(&ciphers, &device), 64, 3).read().unwrap()
}

fn measured(cpu: f64, webgpu: Speed) -> Measurement {
    Measurement { bits: 16, batch_size: 512, cpu: Speed::Measured(cpu), webgpu }
}

#[test]
fn automatic_trains_on_the_faster_backend_and_says_both_figures() {
    let (kind, why) = measured(290.0, Speed::Measured(24.0)).choice();
    assert_eq!(kind, BackendKind::Cpu);
    assert_eq!(why, "CPU: 290 it/s vs WebGPU 24 it/s here");
    let (kind, why) = measured(150.0, Speed::Measured(400.0)).choice();
    assert_eq!(kind, BackendKind::WebGpu);
    assert_eq!(why, "WebGPU: 400 it/s vs CPU 150 it/s here");
    let (kind, why) =
        measured(76.0, Speed::Unavailable("still compiling its kernels after 6 s".into())).choice();
    assert_eq!(kind, BackendKind::Cpu);
    assert_eq!(why, "CPU: 76 it/s here; WebGPU: still compiling its kernels after 6 s");
    // A tie keeps the CPU (no kernels to compile, nothing to lose).
    assert_eq!(measured(50.0, Speed::Measured(50.0)).choice().0, BackendKind::Cpu);
    assert_eq!(rate(0.34), "0.3 it/s");
}

#[test]
fn a_kept_measurement_holds_until_the_settings_change_a_lot() {
    let kept = measured(290.0, Speed::Measured(24.0));
    assert_eq!(Measurement::from_json(&kept.to_json()), Some(kept.clone()));
    assert_eq!(Measurement::from_json("{}"), None);
    let seed16 = Preset::Seed16.config();
    assert!(kept.fits(&seed16.clone().with_batch_size(512)));
    assert!(kept.fits(&seed16.clone().with_batch_size(1024)));
    assert!(!kept.fits(&seed16.clone().with_batch_size(4096)), "8× the work per step");
    assert!(!kept.fits(&seed16.clone().with_batch_size(128)));
    assert!(!kept.fits(&Preset::Poc8.config().with_batch_size(512)), "another message size");
}
