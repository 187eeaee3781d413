//! The sweep: its summary (medians, the weakest cipher, seeds reaching a bar), its grid and
//! shards, and the merge of the shards' JSON lines.

use super::table::{Bar, SeedResult, Summary, table_row};
use anc::nn::attack::AttackerKind;

fn result(seed: u64, bob: f64, fresh_eve: f64) -> SeedResult {
    SeedResult {
        seed,
        bob_correct_pct: bob,
        trained_eve_bit_errors: 7.5,
        fresh_eve_bit_errors: fresh_eve,
        best_attacker: AttackerKind::EveAdam,
        train_seconds: 10.0,
        audit_seconds: 5.0,
    }
}

#[test]
fn summary_counts_the_seeds_that_reach_the_bar() {
    let runs = [result(1, 99.95, 7.2), result(2, 99.99, 6.9), result(3, 99.5, 7.8), result(4, 100.0, 7.0)];
    let s = Summary::of(&runs, Bar { bob_correct_pct: 99.9, fresh_eve_bit_errors: 7.0 });
    assert_eq!((s.seeds, s.meeting_bar), (4, 2), "seed 2's Eve reads too much, seed 3's Bob too little");
    assert!((s.median_bob_correct_pct - 99.97).abs() < 1e-9);
    assert!((s.median_fresh_eve_bit_errors - 7.1).abs() < 1e-9);
    assert_eq!(s.min_fresh_eve_bit_errors, 6.9);
    assert_eq!(s.mean_seconds_per_seed, 15.0);
    assert!(
        s.to_string().starts_with("2/4 seeds reach Bob >= 99.9 % and the best attacker >= 7 bits wrong"),
        "{s}"
    );
    assert_eq!(table_row(&runs[0]), "| 1 | 99.95 | 7.50 | 7.20 (eve-adam) | 10.0 | 5.0 |");
}

mod grid_and_shards {
    use super::super::grid::{Grid, PlanError, Point, Shard, jobs};

    fn grid(specs: &[&str]) -> Result<Grid, PlanError> {
        Grid::parse(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn point(pairs: &[(&str, &str)]) -> Point {
        Point(pairs.iter().map(|(o, v)| (o.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_grid_is_every_combination_first_axis_slowest() {
        let g = grid(&["eve-weight=4,8", "--eve-steps=2,4,8"]).unwrap();
        let points = g.points();
        assert_eq!(points.len(), 6);
        assert_eq!(points[0], point(&[("eve-weight", "4"), ("eve-steps", "2")]));
        assert_eq!(points[2], point(&[("eve-weight", "4"), ("eve-steps", "8")]));
        assert_eq!(points[5], point(&[("eve-weight", "8"), ("eve-steps", "8")]));
        assert_eq!(points[1].to_string(), "eve-weight=4 eve-steps=4");
        assert_eq!(
            grid(&[]).unwrap().points(),
            vec![Point::default()],
            "no grid: one point, the options as given"
        );
        assert_eq!(Point::default().to_string(), "as given");
    }

    #[test]
    fn grid_mistakes_are_named() {
        assert!(matches!(grid(&["eve-weight"]), Err(PlanError::GridForm(_))));
        assert!(matches!(grid(&["eve-weight=4,,8"]), Err(PlanError::GridForm(_))));
        assert!(matches!(grid(&["=4"]), Err(PlanError::GridForm(_))));
        assert_eq!(grid(&["a=1", "a=2"]), Err(PlanError::GridTwice("a".into())));
        assert_eq!(grid(&["a=1,2,1"]), Err(PlanError::GridRepeat("a".into(), "1".into())));
        assert_eq!(grid(&["seed=1,2"]), Err(PlanError::GridSeed("seed".into())));
    }

    #[test]
    fn shards_take_every_job_exactly_once_and_spread_the_points() {
        let g = grid(&["eve-weight=4,8,16"]).unwrap();
        let all = jobs(&g, 10, 4);
        assert_eq!(all.len(), 12);
        assert_eq!((all[0].seed, all[3].seed, all[4].seed), (10, 13, 10));
        let shards: Vec<_> = (0..5).map(|i| Shard { index: i, count: 5 }.take(all.clone())).collect();
        let mut seen: Vec<_> = shards.iter().flatten().cloned().collect();
        assert_eq!(seen.len(), all.len());
        seen.sort_by_key(|j| all.iter().position(|a| a == j).unwrap());
        assert_eq!(seen, all, "the shards together are the sweep, each job once");
        assert!(shards.iter().all(|s| s.len() >= 2), "dealt round-robin: {shards:?}");
        assert_eq!(Shard::ALL.take(all.clone()), all);
    }

    #[test]
    fn a_shard_is_i_of_n_counting_from_zero() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse(" 3 / 4 "), Ok(Shard { index: 3, count: 4 }));
        for bad in ["4/4", "1/0", "1", "a/2", "-1/2", "1/2/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}

mod lines_and_merge {
    use super::super::grid::{Grid, Point, Shard, jobs};
    use super::super::lines::{MergeError, Origin, SweepLine, SweepSettings, merge, parse_lines};
    use super::super::table::{Bar, SeedResult};
    use anc::nn::attack::AttackerKind;
    use anc::nn::config::Preset;

    fn settings() -> SweepSettings {
        SweepSettings {
            preset: "poc8".into(),
            first_seed: 1,
            seeds: 3,
            grid: Grid::parse(&["eve-weight=2,4".to_string()]).unwrap().axes,
            audit_steps: 100,
            audit_batch_size: 64,
            attackers: AttackerKind::ALL.to_vec(),
            bar: Bar { bob_correct_pct: 99.0, fresh_eve_bit_errors: 3.0 },
        }
    }

    /// The line a job of [`settings`] would write; its figures depend on the point and seed.
    fn line(point: &Point, seed: u64) -> SweepLine {
        let weight: f64 = point.0[0].1.parse().unwrap();
        let mut config = Preset::Poc8.config();
        config.seed = seed;
        config.eve_weight = Some(weight);
        let result = SeedResult {
            seed,
            bob_correct_pct: 98.0 + seed as f64 / 2.0,
            trained_eve_bit_errors: 3.9,
            fresh_eve_bit_errors: weight / 2.0 + seed as f64 / 10.0,
            best_attacker: AttackerKind::EveAdam,
            train_seconds: 1.0,
            audit_seconds: 2.0,
        };
        SweepLine { sweep: settings(), point: point.clone(), config, result }
    }

    /// Each shard's output file as `anc sweep --shard I/N` writes it.
    fn shard_files(count: usize) -> Vec<String> {
        let s = settings();
        let all = jobs(&Grid { axes: s.grid.clone() }, s.first_seed, s.seeds);
        (0..count)
            .map(|index| {
                Shard { index, count }
                    .take(all.clone())
                    .iter()
                    .map(|job| serde_json::to_string(&line(&job.point, job.seed)).unwrap() + "\n")
                    .collect()
            })
            .collect()
    }

    fn read(files: &[String]) -> Result<Vec<(Origin, SweepLine)>, MergeError> {
        let mut lines = Vec::new();
        for (i, text) in files.iter().enumerate() {
            lines.extend(parse_lines(&format!("shard-{i}.jsonl"), text)?);
        }
        Ok(lines)
    }

    #[test]
    fn shards_merged_in_any_order_give_the_whole_sweeps_tables() {
        let whole = merge(read(&shard_files(1)).unwrap()).unwrap();
        let mut files = shard_files(4);
        files.reverse();
        let merged = merge(read(&files).unwrap()).unwrap();
        assert_eq!(merged, whole);
        assert_eq!(merged.points.len(), 2);
        assert_eq!(merged.points[0].point.to_string(), "eve-weight=2");
        assert_eq!(merged.points[1].results.iter().map(|r| r.seed).collect::<Vec<_>>(), vec![1, 2, 3]);
        // Weight 4: the best attacker leaves 2.1, 2.2, 2.3 bits wrong, under the bar's 3.
        assert_eq!(merged.points[1].summary.meeting_bar, 0);
        assert!((merged.points[1].summary.median_fresh_eve_bit_errors - 2.2).abs() < 1e-9);
        let text = merged.to_string();
        assert!(text.contains("### eve-weight=4"), "{text}");
        assert!(text.contains("| point | seeds | reach the bar"), "{text}");
        assert!(text.contains("| eve-weight=2 | 3 | 0 | 99.00 | 1.20 | 1.10 |"), "{text}");
        assert!(!text.contains("missing"), "{text}");
    }

    #[test]
    fn a_shard_not_yet_finished_shows_as_missing_seeds() {
        let mut files = shard_files(3);
        files.remove(1);
        let merged = merge(read(&files).unwrap()).unwrap();
        let missing: Vec<Vec<u64>> = merged.points.iter().map(|p| p.missing.clone()).collect();
        // Jobs (2,1) (2,2) (2,3) (4,1) (4,2) (4,3); shard 1 of 3 has jobs 1 and 4.
        assert_eq!(missing, vec![vec![2], vec![2]]);
        assert_eq!(merged.points[0].summary.seeds, 2);
        assert!(merged.to_string().contains("missing seeds: 2 (their shard has not finished, or failed)"));
    }

    #[test]
    fn lines_that_do_not_belong_together_are_refused_with_where_they_are() {
        let files = shard_files(2);
        // The same shard twice.
        let twice = read(&[files[0].clone(), files[1].clone(), files[0].clone()]).unwrap();
        let err = merge(twice).unwrap_err();
        assert!(matches!(err, MergeError::Twice { seed: 1, .. }), "{err}");
        assert!(err.to_string().contains("shard-0.jsonl:1 and shard-2.jsonl:1"), "{err}");
        // A line of another sweep (another audit).
        let mut other = line(&Point(vec![("eve-weight".into(), "2".into())]), 1);
        other.sweep.audit_steps = 5;
        let text = serde_json::to_string(&other).unwrap();
        let err = merge(read(&[files[1].clone(), text]).unwrap()).unwrap_err();
        assert!(matches!(err, MergeError::OtherSweep(..)), "{err}");
        // The same point trained with other options.
        let mut odd = line(&Point(vec![("eve-weight".into(), "2".into())]), 2);
        odd.config.batch_size *= 2;
        let err =
            merge(read(&[files[0].clone(), serde_json::to_string(&odd).unwrap()]).unwrap()).unwrap_err();
        assert!(matches!(err, MergeError::OtherOptions(..)), "{err}");
        // Not a sweep line at all.
        let err = read(&["{\"seed\": 1}\n".to_string()]).unwrap_err();
        assert!(err.to_string().starts_with("shard-0.jsonl:1: not a line of `anc sweep --shard`"), "{err}");
        assert_eq!(merge(Vec::new()), Err(MergeError::Empty));
    }
}
