//! A sweep's results as JSON lines, one per finished job (what `anc sweep --shard I/N`
//! writes), and their merge into one table and summary per grid point (`anc sweep merge`).
//! The whole sweep on one machine reports through the same [`Merged`].

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::grid::{Axis, Grid, Point};
use super::table::{Bar, SeedResult, Summary, TABLE_HEADER, table_row};
use anc::nn::attack::AttackerKind;
use anc::nn::config::TrainingConfig;

/// What every shard of one sweep shares; merging refuses lines whose settings differ.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSettings {
    /// The preset the options start from.
    pub preset: String,
    /// The seeds: `first_seed .. first_seed + seeds`, for every point.
    pub first_seed: u64,
    pub seeds: u64,
    /// The options varied (empty: none).
    pub grid: Vec<Axis>,
    /// The attacker suite that judges each cipher.
    pub audit_steps: usize,
    pub audit_batch_size: usize,
    pub attackers: Vec<AttackerKind>,
    /// The pass mark the summary counts.
    pub bar: Bar,
}

/// One finished job: one JSON object on one line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepLine {
    pub sweep: SweepSettings,
    pub point: Point,
    /// The job's whole training configuration (its seed included): enough to rerun it alone.
    pub config: TrainingConfig,
    pub result: SeedResult,
}

/// Where a line came from, for messages (`shard-2.jsonl:7`).
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Why lines do not merge.
#[derive(Debug, Error, PartialEq)]
pub enum MergeError {
    #[error("{0}: not a line of `anc sweep --shard` ({1})")]
    NotALine(Origin, String),
    #[error("no sweep lines to merge")]
    Empty,
    #[error("{0} is from another sweep than {1} (preset, seeds, grid, audit or bar differ)")]
    OtherSweep(Origin, Origin),
    #[error("{0} has a point ({1}) that is not on its sweep's grid")]
    OffGrid(Origin, Point),
    #[error("{0} trains with other options than {1} for the same point ({2}); merge one sweep at a time")]
    OtherOptions(Origin, Origin, Point),
    #[error("seed {seed} of {point} appears twice: {first} and {second} (give each shard's output once)")]
    Twice { seed: u64, point: Point, first: Origin, second: Origin },
}

/// Reads the sweep lines of one file's text (blank lines skipped).
pub fn parse_lines(file: &str, text: &str) -> Result<Vec<(Origin, SweepLine)>, MergeError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let origin = Origin { file: file.to_string(), line: i + 1 };
            match serde_json::from_str(line) {
                Ok(parsed) => Ok((origin, parsed)),
                Err(e) => Err(MergeError::NotALine(origin, e.to_string())),
            }
        })
        .collect()
}

/// One grid point's results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointResults {
    pub point: Point,
    /// By seed.
    pub results: Vec<SeedResult>,
    /// The point's seeds no line gave (a shard not finished, or failed).
    pub missing: Vec<u64>,
    pub summary: Summary,
}

/// A sweep put together: its settings and each point of its grid, in the grid's order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Merged {
    pub sweep: SweepSettings,
    pub points: Vec<PointResults>,
}

/// Joins the lines of one sweep's shards, in any order.
pub fn merge(lines: Vec<(Origin, SweepLine)>) -> Result<Merged, MergeError> {
    let Some((first_origin, first)) = lines.first().cloned() else { return Err(MergeError::Empty) };
    let sweep = first.sweep.clone();
    let points = Grid { axes: sweep.grid.clone() }.points();
    // Per point: seed -> (origin, line); and the first line's options, seed aside.
    let mut by_point: BTreeMap<Point, BTreeMap<u64, (Origin, SweepLine)>> = BTreeMap::new();
    let mut options: BTreeMap<Point, (Origin, TrainingConfig)> = BTreeMap::new();
    for (origin, line) in lines {
        if line.sweep != sweep {
            return Err(MergeError::OtherSweep(origin, first_origin));
        }
        if !points.contains(&line.point) {
            return Err(MergeError::OffGrid(origin, line.point));
        }
        let unseeded = TrainingConfig { seed: 0, ..line.config.clone() };
        let (reference, config) =
            options.entry(line.point.clone()).or_insert_with(|| (origin.clone(), unseeded.clone()));
        if *config != unseeded {
            return Err(MergeError::OtherOptions(origin, reference.clone(), line.point));
        }
        let seeds = by_point.entry(line.point.clone()).or_default();
        if let Some((earlier, _)) = seeds.get(&line.result.seed) {
            return Err(MergeError::Twice {
                seed: line.result.seed,
                point: line.point,
                first: earlier.clone(),
                second: origin,
            });
        }
        seeds.insert(line.result.seed, (origin, line));
    }
    let points = points
        .into_iter()
        .map(|point| {
            let found = by_point.remove(&point).unwrap_or_default();
            let missing = (sweep.first_seed..sweep.first_seed + sweep.seeds)
                .filter(|s| !found.contains_key(s))
                .collect();
            let results: Vec<SeedResult> = found.into_values().map(|(_, line)| line.result).collect();
            let summary = Summary::of(&results, sweep.bar);
            PointResults { point, results, missing, summary }
        })
        .collect();
    Ok(Merged { sweep, points })
}

/// The heading of a point's table (none when the sweep has no grid).
pub fn point_heading(point: &Point) -> Option<String> {
    (!point.0.is_empty()).then(|| format!("\n### {point}\n"))
}

impl fmt::Display for PointResults {
    /// The point's heading, its table, any missing seeds and its summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(heading) = point_heading(&self.point) {
            writeln!(f, "{heading}")?;
        }
        writeln!(f, "{TABLE_HEADER}")?;
        for result in &self.results {
            writeln!(f, "{}", table_row(result))?;
        }
        if !self.missing.is_empty() {
            let missing: Vec<String> = self.missing.iter().map(u64::to_string).collect();
            writeln!(f, "missing seeds: {} (their shard has not finished, or failed)", missing.join(", "))?;
        }
        write!(f, "{}", self.summary)
    }
}

/// The overview of a grid: one row per point.
pub const OVERVIEW_HEADER: &str = "| point | seeds | reach the bar | median Bob % | median best attacker bits wrong | lowest |\n\
                                   |---|---:|---:|---:|---:|---:|";

/// One overview row.
pub fn overview_row(point: &PointResults) -> String {
    let s = &point.summary;
    format!(
        "| {} | {} | {} | {:.2} | {:.2} | {:.2} |",
        point.point,
        s.seeds,
        s.meeting_bar,
        s.median_bob_correct_pct,
        s.median_fresh_eve_bit_errors,
        s.min_fresh_eve_bit_errors
    )
}

impl fmt::Display for Merged {
    /// Every point's section, then (for a grid of several points) the overview.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for point in &self.points {
            writeln!(f, "{point}")?;
        }
        if self.points.len() > 1 {
            writeln!(f, "\n{OVERVIEW_HEADER}")?;
            for point in &self.points {
                writeln!(f, "{}", overview_row(point))?;
            }
        }
        Ok(())
    }
}
