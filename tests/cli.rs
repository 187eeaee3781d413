//! The `anc` command line end to end: train -> eval -> audit -> export, bench, and
//! one-line errors with a non-zero exit.

use std::process::{Command, Output};

fn anc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anc")).args(args).output().expect("anc runs")
}

fn json_line(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(text.trim().lines().count(), 1, "one line: {text}");
    serde_json::from_str(text.trim()).unwrap()
}

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn train_eval_audit_export_round_trip() {
    let dir = tempdir();
    let model = dir.join("m.bin");
    let csv = dir.join("losses.csv");
    let m = model.to_str().unwrap();
    let train = json_line(&anc(&[
        "train",
        "--preset",
        "poc8",
        "--seed",
        "7",
        "--epochs",
        "1",
        "--iterations-per-epoch",
        "40",
        "--batch-size",
        "128",
        "--out",
        m,
        "--csv",
        csv.to_str().unwrap(),
        "--audit-steps",
        "20",
        "--json",
    ]));
    assert_eq!(train["iterations"], 40);
    assert!(train["fresh_eve_bit_errors"].as_f64().unwrap() > 0.0);
    let lines = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(lines.lines().count(), 41);
    assert!(lines.starts_with("iteration,ab_loss,bob_loss,eve_loss"));

    let eval = json_line(&anc(&["eval", "--model", m, "--json"]));
    for key in ["bob_correct_pct", "eve_correct_pct", "bob_bit_errors", "eve_bit_errors"] {
        assert!(eval[key].is_number(), "{key} in {eval}");
    }
    assert!((0.0..=100.0).contains(&eval["bob_correct_pct"].as_f64().unwrap()));
    // How far from a per-position one-time pad (tests/perfect_cipher.rs checks the pad's figures).
    for key in ["key_flip_moves_own_position", "key_flip_moves_other_positions"] {
        assert!((0.0..=1.0).contains(&eval[key].as_f64().unwrap()), "{key} in {eval}");
    }

    // The attacker suite: a row per attacker, the best (fewest bits wrong) as the figure.
    let audit = json_line(&anc(&["audit", "--model", m, "--steps", "30", "--check-every", "10", "--json"]));
    let attackers = audit["attackers"].as_array().unwrap();
    assert_eq!(attackers.len(), 7, "{audit}");
    let fewest = attackers.iter().map(|a| a["bit_errors"].as_f64().unwrap()).fold(f64::INFINITY, f64::min);
    assert_eq!(audit["fresh_eve_bit_errors"].as_f64().unwrap(), fewest);
    let best = attackers.iter().find(|a| a["attacker"] == audit["best_attacker"]).unwrap();
    assert_eq!(best["bit_errors"].as_f64().unwrap(), fewest);
    assert!(audit["fresh_eve_correct_pct"].is_number());
    assert!(attackers.iter().all(|a| a["steps"].as_u64().unwrap() <= 30 && a["seconds"].is_number()));
    // Some attackers, recorded in the file.
    let some = json_line(&anc(&[
        "audit",
        "--model",
        m,
        "--steps",
        "20",
        "--attackers",
        "bayes,eve-adam",
        "--record",
        "--json",
    ]));
    let names: Vec<_> = some["attackers"].as_array().unwrap().iter().map(|a| a["attacker"].clone()).collect();
    assert_eq!(names, vec!["eve-adam", "bayes"], "in the suite's order");
    let header = dir.join("h.json");
    assert!(anc(&["export-json", "--model", m, "--out", header.to_str().unwrap()]).status.success());
    let header: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&header).unwrap()).unwrap();
    // Recorded with the training's audit (each attacker's stronger result counts): all 7.
    assert_eq!(header["header"]["attack_suite"]["attackers"].as_array().unwrap().len(), 7);
    let recorded = header["header"]["fresh_eve_bit_errors"].as_f64().unwrap();
    assert!(recorded <= some["fresh_eve_bit_errors"].as_f64().unwrap(), "a weaker audit hid a stronger one");
    let refused = one_line_error(&anc(&["audit", "--model", m, "--optimizer", "adam"]));
    assert!(refused.contains("--continue-eve"), "{refused}");
    one_line_error(&anc(&["audit", "--model", m, "--attackers", "oracle"]));
    let kept = json_line(&anc(&["audit", "--model", m, "--steps", "10", "--continue-eve", "--json"]));
    assert!(kept["continued_eve_bit_errors"].is_number());

    let weights = dir.join("w.json");
    let out = anc(&["export-json", "--model", m, "--out", weights.to_str().unwrap()]);
    assert!(out.status.success());
    let export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&weights).unwrap()).unwrap();
    assert_eq!(export["format"], "anc-weights/1");
    assert_eq!(export["header"]["config"]["preset"], "poc8");
}

#[test]
fn bench_prints_iterations_per_second() {
    let out = json_line(&anc(&[
        "bench",
        "--preset",
        "poc8",
        "--iterations",
        "5",
        "--warmup",
        "1",
        "--backend",
        "cpu",
        "--json",
    ]));
    assert!(out["iterations_per_s"].as_f64().unwrap() > 0.0);
    // A preset with a Bob-only tail longer than the timed run benches too (named by its
    // former name, which the command line still takes).
    let strong = json_line(&anc(&[
        "bench",
        "--preset",
        "strong16",
        "--iterations",
        "2",
        "--warmup",
        "1",
        "--backend",
        "cpu",
        "--threads",
        "1",
        "--json",
    ]));
    assert!(strong["iterations_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_input_gets_one_line_and_a_failure_code() {
    let dir = tempdir();
    let out = dir.join("x.bin");
    let o = out.to_str().unwrap();
    assert!(
        one_line_error(&anc(&["train", "--preset", "nope", "--out", o])).contains("unknown preset 'nope'")
    );
    assert!(one_line_error(&anc(&["train", "--batch-size", "0", "--out", o])).contains("batch_size = 0"));
    assert!(one_line_error(&anc(&["train", "--bits", "15", "--out", o])).contains("bits = 15"));
    assert!(one_line_error(&anc(&["train", "--ab-lr", "NaN", "--out", o])).contains("ab_learning_rate"));
    assert!(one_line_error(&anc(&["train", "--epochs", "many", "--out", o])).contains("--epochs"));
    assert!(one_line_error(&anc(&["frobnicate"])).contains("frobnicate"));
    assert!(
        one_line_error(&anc(&["eval", "--model", "/no/such/file"])).contains("cannot read /no/such/file")
    );
    std::fs::write(&out, b"not a model").unwrap();
    assert!(one_line_error(&anc(&["eval", "--model", o])).contains("not an ANC model file"));
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "anc-cli-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sweep_trains_and_audits_each_seed_and_summarises() {
    let dir = tempdir();
    let models = dir.join("models");
    let out = json_line(&anc(&[
        "sweep",
        "--preset",
        "poc8",
        "--seed",
        "5",
        "--seeds",
        "2",
        "--epochs",
        "1",
        "--iterations-per-epoch",
        "20",
        "--batch-size",
        "64",
        "--audit-steps",
        "15",
        "--bob-bar",
        "0",
        "--eve-bar",
        "0",
        "--models",
        models.to_str().unwrap(),
        "--json",
    ]));
    let points = out["points"].as_array().unwrap();
    assert_eq!(points.len(), 1, "no grid: one point");
    let results = points[0]["results"].as_array().unwrap();
    assert_eq!(results.iter().map(|r| r["seed"].as_u64().unwrap()).collect::<Vec<_>>(), vec![5, 6]);
    for r in results {
        assert!(anc::nn::attack::AttackerKind::from_name(r["best_attacker"].as_str().unwrap()).is_some());
        assert!((0.0..=8.0).contains(&r["fresh_eve_bit_errors"].as_f64().unwrap()));
    }
    assert_eq!(points[0]["summary"]["seeds"], 2);
    assert_eq!(points[0]["summary"]["meeting_bar"], 2, "every cipher passes a zero bar");
    assert_eq!(out["sweep"]["audit_steps"], 15);
    for seed in [5, 6] {
        let m = models.join(format!("poc8-seed{seed}.bin"));
        let eval = json_line(&anc(&["eval", "--model", m.to_str().unwrap(), "--json"]));
        assert!(eval["bob_correct_pct"].is_number());
    }
    // The text form: a Markdown table row per seed and the summary line.
    let text = anc(&[
        "sweep",
        "--preset",
        "poc8",
        "--seeds",
        "1",
        "--epochs",
        "1",
        "--iterations-per-epoch",
        "5",
        "--audit-steps",
        "5",
    ]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("| seed | Bob % correct"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("| 1 |")), "{text}");
    assert!(text.contains("0/1 seeds reach Bob >= 99.9 % and the best attacker >= 7 bits wrong"), "{text}");
    one_line_error(&anc(&["sweep", "--seeds", "0"]));
    one_line_error(&anc(&["sweep", "--audit-steps", "0"]));
}

#[test]
fn a_sweep_trains_each_points_seeds_as_one_population_when_asked() {
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "--preset",
            "seed16",
            "--seeds",
            "3",
            "--grid",
            "eve-weight=1,2",
            "--epochs",
            "1",
            "--iterations-per-epoch",
            "30",
            "--batch-size",
            "64",
            "--audit-steps",
            "10",
            "--attackers",
            "eve-adam,bayes",
            "--threads",
            "1",
            "--json",
        ];
        args.extend_from_slice(extra);
        json_line(&anc(&args))
    };
    let (alone, together) = (sweep(&[]), sweep(&["--population"]));
    // A population's seconds are shared equally by its members: one figure per point.
    let seconds = |out: &serde_json::Value, point: usize| -> Vec<f64> {
        let results = out["points"][point]["results"].as_array().unwrap();
        results.iter().map(|r| r["train_seconds"].as_f64().unwrap()).collect()
    };
    for point in [0, 1] {
        let shared = seconds(&together, point);
        assert!(shared.iter().all(|s| *s == shared[0]), "{shared:?}");
        let own = seconds(&alone, point);
        assert!(own.iter().any(|s| *s != own[0]), "single runs each take their own time: {own:?}");
    }
    let rows = |out: &serde_json::Value| -> Vec<(u64, f64, f64, f64)> {
        out["points"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["results"].as_array().unwrap().clone())
            .map(|r| {
                let f = |k: &str| r[k].as_f64().unwrap();
                (
                    r["seed"].as_u64().unwrap(),
                    f("bob_correct_pct"),
                    f("trained_eve_bit_errors"),
                    f("fresh_eve_bit_errors"),
                )
            })
            .collect()
    };
    let (alone, together) = (rows(&alone), rows(&together));
    assert_eq!(alone.len(), 6, "two points of three seeds");
    for (a, t) in alone.iter().zip(&together) {
        assert_eq!(a.0, t.0);
        // The same ciphers within float tolerance: figures on 10,000 messages agree closely.
        assert!((a.1 - t.1).abs() <= 0.05, "Bob: alone {a:?}, in a population {t:?}");
        assert!((a.2 - t.2).abs() <= 0.01 && (a.3 - t.3).abs() <= 0.01, "Eve: {a:?} vs {t:?}");
    }
    // The points' ciphers differ, so the comparison above is not of one cipher six times.
    assert_ne!(alone[0].2, alone[3].2);
    let refused = one_line_error(&anc(&["sweep", "--preset", "poc8", "--population", "--seeds", "2"]));
    assert!(refused.contains("extra_dense"), "{refused}");
}

/// A sweep's figures without its timings (which differ from run to run).
fn figures(merged: &serde_json::Value) -> Vec<(String, u64, String)> {
    let mut rows = Vec::new();
    for point in merged["points"].as_array().unwrap() {
        for r in point["results"].as_array().unwrap() {
            let mut r = r.clone();
            r.as_object_mut().unwrap().retain(|k, _| !k.ends_with("_seconds"));
            rows.push((point["point"].to_string(), r["seed"].as_u64().unwrap(), r.to_string()));
        }
    }
    rows
}

#[test]
fn a_sweep_split_into_shards_merges_into_the_whole_sweeps_tables() {
    let dir = tempdir();
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "--preset",
            "poc8",
            "--seed",
            "3",
            "--seeds",
            "2",
            "--epochs",
            "1",
            "--iterations-per-epoch",
            "6",
            "--batch-size",
            "64",
            "--audit-steps",
            "5",
            "--grid",
            "eve-weight=1,2",
            "--threads",
            "1",
        ];
        args.extend_from_slice(extra);
        anc(&args)
    };
    let whole = sweep(&["--jsonl"]);
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    let whole_file = dir.join("whole.jsonl");
    std::fs::write(&whole_file, &whole.stdout).unwrap();
    assert_eq!(String::from_utf8_lossy(&whole.stdout).lines().count(), 4, "2 points x 2 seeds, a line each");
    let mut shard_files = Vec::new();
    for index in 0..3 {
        let out = sweep(&["--shard", &format!("{index}/3")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let file = dir.join(format!("shard-{index}.jsonl"));
        std::fs::write(&file, &out.stdout).unwrap();
        shard_files.push(file.to_str().unwrap().to_string());
    }
    let merge = |files: &[&str], json: bool| {
        let mut args = vec!["sweep", "merge"];
        args.extend_from_slice(files);
        if json {
            args.push("--json");
        }
        anc(&args)
    };
    let shards: Vec<&str> = shard_files.iter().map(String::as_str).rev().collect();
    let merged = json_line(&merge(&shards, true));
    let reference = json_line(&merge(&[whole_file.to_str().unwrap()], true));
    assert_eq!(figures(&merged), figures(&reference), "each job trains and audits alike wherever it runs");
    assert_eq!(figures(&merged).len(), 4);
    assert_eq!(merged["points"][1]["point"], serde_json::json!([["eve-weight", "2"]]));
    let text = String::from_utf8(merge(&shards, false).stdout).unwrap();
    assert!(text.contains("### eve-weight=1") && text.contains("### eve-weight=2"), "{text}");
    assert!(text.contains("| point | seeds | reach the bar"), "{text}");
    // A shard missing: its seeds are named. The same file twice: refused.
    let text = String::from_utf8(merge(&shards[..2], false).stdout).unwrap();
    assert!(text.contains("missing seeds:"), "{text}");
    let err = one_line_error(&merge(&[shards[0], shards[0]], false));
    assert!(err.contains("appears twice"), "{err}");
    // Mistakes are one line, before anything trains.
    let err = one_line_error(&sweep(&["--grid", "no-such-option=1"]));
    assert!(err.contains("no training option --no-such-option"), "{err}");
    let err = one_line_error(&sweep(&["--grid", "batch-size=sixty"]));
    assert!(err.contains("--grid at eve-weight=1 batch-size=sixty: invalid value 'sixty'"), "{err}");
    one_line_error(&sweep(&["--shard", "3/3"]));
    one_line_error(&sweep(&["--grid", "extra-dense=maybe"]));
    let err = one_line_error(&sweep(&["--grid", "extra-dense=true,false"]));
    assert!(err.contains("train with the same options"), "poc8 has the extra layer already: {err}");
    one_line_error(&merge(&[dir.join("absent.jsonl").to_str().unwrap()], false));
}

#[test]
fn training_options_on_the_command_line_reach_the_saved_config() {
    let dir = tempdir();
    let model = dir.join("options.bin");
    let m = model.to_str().unwrap();
    json_line(&anc(&[
        "train",
        "--preset",
        "owneve16",
        "--epochs",
        "1",
        "--iterations-per-epoch",
        "3",
        "--batch-size",
        "16",
        "--bob-only-iterations",
        "1",
        "--eve-weight",
        "3",
        "--final-lr-fraction",
        "0.5",
        "--ab-learning-rate",
        "0.002",
        "--eve-lr",
        "0.003",
        "--extra-dense",
        "--ciphertext",
        "tanh",
        "--distinguisher-weight",
        "5",
        "--out",
        m,
        "--json",
    ]));
    let saved =
        anc::nn::model_file::load(&std::fs::read(&model).unwrap(), &burn::prelude::Device::flex()).unwrap();
    let config = saved.header.config;
    assert_eq!(
        (config.bob_only_iterations, config.eve_weight, config.final_lr_fraction),
        (Some(1), Some(3.0), Some(0.5))
    );
    assert_eq!((config.ab_learning_rate, config.eve_learning_rate), (0.002, 0.003), "a flag and its alias");
    assert!(config.cipher.extra_dense);
    assert_eq!(config.distinguisher.as_ref().map(|d| (d.weight, d.layers, d.width)), Some((5.0, 2, 128)));
    assert!(saved.ciphers.alice.head.is_some(), "the extra dense layer was built");
    assert_eq!(config.cipher.ciphertext, anc::nn::model::OutputActivation::Tanh);
    assert_eq!(
        saved.ciphers.alice.output,
        anc::nn::model::OutputActivation::Tanh,
        "the file keeps Alice's output"
    );
    assert!(one_line_error(&anc(&["train", "--eve-weight=-1", "--out", m])).contains("eve_weight = -1"));
    let refused = anc(&["train", "--distinguisher-weight", "0", "--out", m]);
    assert!(one_line_error(&refused).contains("distinguisher.weight = 0"));
    // Retired research options are no longer flags.
    for retired in ["--eves", "--channels", "--binned-eve", "--ciphertext-noise"] {
        assert!(one_line_error(&anc(&["train", retired, "2", "--out", m])).contains(retired), "{retired}");
    }
    assert!(one_line_error(&anc(&["train", "--ciphertext", "cos", "--out", m])).contains("cos"));
}

/// One row `anc sample` wrote: its message bits, key bits and ciphertext values.
type SampleRow = (Vec<f32>, Vec<f32>, Vec<f32>);

/// The rows `anc sample` wrote.
fn sampled(path: &std::path::Path, bits: usize) -> Vec<SampleRow> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.len(), 3 * bits);
    assert_eq!((header[0].as_str(), header[bits].as_str(), header[2 * bits].as_str()), ("m0", "k0", "c0"));
    reader
        .records()
        .map(|r| {
            let values: Vec<f32> = r.unwrap().iter().map(|v| v.parse().unwrap()).collect();
            let (m, rest) = values.split_at(bits);
            let (k, c) = rest.split_at(bits);
            (m.to_vec(), k.to_vec(), c.to_vec())
        })
        .collect()
}

#[test]
fn sample_writes_fresh_messages_keys_and_the_models_ciphertexts() {
    use anc::nn::data::MessageBatch;
    use anc::nn::inference::Cipher;
    use burn::prelude::*;
    let dir = tempdir();
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/public/models/poc8.bin");
    let (a, b, c) = (dir.join("a.csv"), dir.join("b.csv"), dir.join("c.csv"));
    let run = |seed: &str, out: &std::path::Path| {
        let done = anc(&[
            "sample",
            "--model",
            model,
            "--count",
            "300",
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    };
    run("3", &a);
    run("3", &b);
    run("4", &c);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "the same seed, the same rows");
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap(), "another seed, other rows");
    let rows = sampled(&a, 8);
    assert_eq!(rows.len(), 300);
    assert!(rows.iter().all(|(m, k, _)| m.iter().chain(k).all(|v| *v == 0.0 || *v == 1.0)));
    let ones: f32 = rows.iter().map(|(m, _, _)| m.iter().sum::<f32>()).sum::<f32>() / (300.0 * 8.0);
    assert!((0.4..0.6).contains(&ones), "fair random bits: {ones}");
    // Each row's ciphertext is the model's Alice on that row's message and key.
    let device = Device::flex();
    let saved = anc::nn::model_file::load(&std::fs::read(model).unwrap(), &device).unwrap();
    let cipher = Cipher::new(&saved.ciphers, &device);
    let tensor = |pick: fn(&SampleRow) -> &Vec<f32>| {
        let flat: Vec<f32> = rows.iter().flat_map(|r| pick(r).clone()).collect();
        Tensor::<2>::from_data(burn::tensor::TensorData::new(flat, [rows.len(), 8]), &device)
    };
    let batch = MessageBatch { messages: tensor(|r| &r.0), keys: tensor(|r| &r.1) };
    let again = cipher.encrypt(&batch).into_data().try_into_vec::<f32>().unwrap();
    let written: Vec<f32> = rows.iter().flat_map(|r| r.2.clone()).collect();
    let worst = again.iter().zip(&written).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
    assert!(worst < 1e-6, "ciphertexts differ by {worst}");
    assert!(
        one_line_error(&anc(&["sample", "--model", model, "--count", "0", "--out", c.to_str().unwrap()]))
            .contains("count = 0")
    );
}

#[test]
fn pad_trains_rounds_and_says_what_it_found() {
    let line = json_line(&anc(&["pad", "--bits", "8", "--iterations", "200", "--seed", "2", "--json"]));
    let formulas = line["formulas"].as_array().unwrap();
    assert_eq!(formulas.len(), 8);
    assert!(formulas[3].as_str().unwrap().starts_with("c₃ = "), "{line}");
    let rank = line["key_rank"].as_u64().unwrap();
    assert!(rank <= 8);
    let verdict = line["verdict"].as_str().unwrap();
    let perfect = line["perfect_pad"].as_bool().unwrap();
    assert_eq!(perfect, verdict.starts_with("a perfect one-time pad"), "{verdict}");
    assert_eq!(perfect, rank == 8 && line["bob_correct_pct"].as_f64().unwrap() >= 100.0);
    assert!(one_line_error(&anc(&["pad", "--bits", "1"])).contains("bits = 1"));
}

#[test]
fn pad_sweeps_seeds_with_a_row_each_and_a_summary() {
    // 8 bits at the page's γ: seed 2 is a perfect pad before 3,000 iterations, so it stops
    // at a check; --check-every 0 trains every iteration.
    let args = [
        "pad",
        "--bits",
        "8",
        "--iterations",
        "3000",
        "--gamma",
        "14",
        "--check-every",
        "250",
        "--attempts",
        "1",
    ];
    let out = anc(&[&args[..], &["--seed", "2", "--seeds", "2"]].concat());
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| 2 |") || l.starts_with("| 3 |")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    let perfect = text.lines().find_map(|l| l.strip_prefix("a perfect one-time pad (the exact check): "));
    let perfect_rows = rows.iter().filter(|r| r.contains("| a perfect one-time pad")).count();
    assert_eq!(perfect, Some(format!("{perfect_rows} of 2").as_str()), "{text}");
    assert!(perfect_rows >= 1, "{text}");

    let lines: Vec<serde_json::Value> =
        String::from_utf8(anc(&[&args[..], &["--seeds", "2", "--json"]].concat()).stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(lines.iter().map(|l| l["seed"].as_u64().unwrap()).collect::<Vec<_>>(), vec![1, 2]);
    for line in &lines {
        let trained = line["iterations_trained"].as_u64().unwrap();
        match line["perfect_at"].as_u64() {
            Some(at) => {
                let checked = at.is_multiple_of(250) && line["attempt_iterations"].as_u64() == Some(at);
                assert!(at == trained && at <= 3000 && checked && line["perfect_pad"] == true, "{line}")
            }
            None => assert_eq!(trained, 3000, "{line}"),
        }
    }
    // --check-every 0 checks only at the end of the attempt.
    let args =
        ["pad", "--bits", "8", "--iterations", "300", "--check-every", "0", "--attempts", "1", "--json"];
    let once = json_line(&anc(&args));
    assert_eq!(once["iterations_trained"].as_u64(), Some(300));
    assert_eq!(once["perfect_at"].as_u64(), once["perfect_pad"].as_bool().unwrap().then_some(300), "{once}");
    assert!(
        one_line_error(&anc(&["pad", "--seed", "18446744073709551615", "--seeds", "2"])).contains("--seeds")
    );
    assert!(one_line_error(&anc(&["pad", "--seeds", "2", "--out", "x.bin"])).contains("--out"));
}

#[test]
fn sweep_takes_a_pad_preset_as_anc_pad_does() {
    // `anc sweep --preset pad8` is `anc pad --bits 8` with the sweep's seeds and audit.
    let run = |args: &[&str]| json_line(&anc(args));
    let swept =
        run(&["sweep", "--preset", "pad8", "--seed", "2", "--audit-steps", "30", "--seeds", "1", "--json"]);
    let padded = run(&["pad", "--bits", "8", "--seed", "2", "--audit-steps", "30", "--json"]);
    for field in ["formulas", "key_rank", "verdict", "iterations_trained", "bob_correct_pct"] {
        assert_eq!(swept[field], padded[field], "{field}");
    }
    assert!(swept["attackers"].as_array().is_some_and(|a| a.len() == 7), "{swept}");
    // Two seeds: a row each and the summary, from the sweep's seed on
    // (Seeds 1 and 2 find a perfect 8-bit pad within 3,000 iterations of their first attempt.)
    let out = anc(&["sweep", "--preset", "pad8", "--seed", "1", "--seeds", "2", "--audit-steps", "0"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("8-bit pads, seeds 1 to 2"), "{table}");
    assert!(table.contains("a perfect one-time pad (the exact check): "), "{table}");
    for (flag, value) in [("--grid", "eve-weight=1,2"), ("--bob-bar", "50"), ("--attackers", "bayes")] {
        let refused = one_line_error(&anc(&["sweep", "--preset", "pad16", flag, value]));
        assert!(refused.contains(&format!("{flag}: not for a pad")), "{refused}");
    }
}

#[test]
fn a_saved_pad_is_evaluated_audited_exported_and_sampled_like_any_model() {
    let dir = tempdir();
    let model = dir.join("pad8.bin");
    let m = model.to_str().unwrap();
    let trained = json_line(&anc(&[
        "pad",
        "--bits",
        "8",
        "--iterations",
        "300",
        "--seed",
        "3",
        "--audit-steps",
        "60",
        "--out",
        m,
        "--learning-rate",
        "0.002",
        "--eve-steps",
        "3",
        "--json",
    ]));
    // The pad's audit: every reader, and the distinguisher scored on 10,000 fresh rounds.
    assert_eq!(trained["attackers"].as_array().unwrap().len(), 7, "{trained}");
    let accuracy = trained["distinguisher"]["accuracy_pct"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&accuracy));
    assert_eq!(trained["distinguisher"]["rounds"], 10_000);

    // `anc eval` on the messages `anc pad` scored Bob on says all of it again, from the file.
    let held_out = anc::nn::seeds::held_out(3).to_string();
    let eval = json_line(&anc(&["eval", "--model", m, "--seed", &held_out, "--json"]));
    for key in ["formulas", "key_rank", "verdict", "perfect_pad", "bob_correct_pct"] {
        assert_eq!(eval[key], trained[key], "{key}");
    }
    let text = String::from_utf8(anc(&["eval", "--model", m]).stdout).unwrap();
    assert!(text.contains("c₀ = ") && text.contains("key selection rank"), "{text}");

    // `anc audit --record` keeps the suite in the pad's file.
    let audit = json_line(&anc(&[
        "audit",
        "--model",
        m,
        "--steps",
        "40",
        "--check-every",
        "20",
        "--record",
        "--json",
    ]));
    assert_eq!(audit["attackers"].as_array().unwrap().len(), 7);
    assert!(audit["distinguisher"]["accuracy_pct"].is_number(), "{audit}");
    let bytes = std::fs::read(&model).unwrap();
    let device = burn::prelude::Device::flex();
    let anc::nn::any_model::AnyModel::Pad(pad) = anc::nn::any_model::AnyModel::load(&bytes, &device).unwrap()
    else {
        panic!("a pad's file loads as a pad")
    };
    // The flags reached the training's config, kept in the file.
    assert_eq!((pad.header.pad.learning_rate, pad.header.pad.eve_steps), (0.002, 3));
    let recorded = pad.header.attack_suite.expect("the audit was recorded");
    assert_eq!(recorded.attackers.len(), 7);
    // Merged with the audit of its training: the distinguisher that told more apart.
    assert!(
        recorded.distinguisher.unwrap().accuracy_pct
            >= audit["distinguisher"]["accuracy_pct"].as_f64().unwrap()
    );

    // `anc export-json`: the one weight matrix, integers, with its layout.
    let json = dir.join("pad8.json");
    assert!(anc(&["export-json", "--model", m, "--out", json.to_str().unwrap()]).status.success());
    let export: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(export["tensors"][0]["name"], "pad.weight");
    assert_eq!(export["tensors"][0]["shape"], serde_json::json!([16, 8]));
    let values = export["tensors"][0]["values"].as_array().unwrap();
    assert!(values.iter().all(|v| v.as_f64().unwrap().fract() == 0.0), "rounded weights");
    assert!(export["layout"].as_str().unwrap().contains("arccos"));

    // `anc sample`: 0/1 ciphertexts that follow the formulas.
    let csv = dir.join("pad8.csv");
    let out = anc(&["sample", "--model", m, "--count", "50", "--out", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = sampled(&csv, 8);
    assert_eq!(rows.len(), 50);
    assert!(rows.iter().flat_map(|r| &r.2).all(|c| c.min(1.0 - c).abs() < 1e-3), "binary");

    // A pad has no Eve of its own to continue.
    assert!(one_line_error(&anc(&["audit", "--model", m, "--continue-eve", "--steps", "5"])).contains("pad"));
}
