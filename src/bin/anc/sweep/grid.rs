//! What a sweep runs and which part of it one machine takes: a grid of option values
//! (`--grid eve-weight=4,8,16`), its seeds, and a shard (`--shard I/N`) of the jobs they
//! make. Any job runner (GNU parallel, a Slurm array, Kubernetes indexed Jobs) starts the N
//! shards; `anc sweep merge` joins what they wrote (see [`super::lines`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A mistake in a `--grid` or `--shard` value, said in the command line's own words.
#[derive(Debug, Error, PartialEq)]
pub enum PlanError {
    #[error("--grid {0:?} needs the form option=value,value,... (e.g. eve-weight=4,8,16)")]
    GridForm(String),
    #[error("--grid names {0} twice: give all of its values in one --grid")]
    GridTwice(String),
    #[error("--grid {0} repeats the value {1}")]
    GridRepeat(String, String),
    #[error("--grid {0} cannot vary: the seeds are --seed and --seeds")]
    GridSeed(String),
    #[error("--shard {0:?} needs the form I/N with 0 <= I < N (e.g. 0/4 .. 3/4)")]
    Shard(String),
}

/// One option the grid varies and its values, in the order given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    /// The option's long name without dashes, as the command line spells it (`eve-weight`).
    pub option: String,
    pub values: Vec<String>,
}

/// The options a sweep varies; every combination of their values is one point.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grid {
    pub axes: Vec<Axis>,
}

/// One combination of the grid's values: `(option, value)` in the grid's order. Empty
/// when the sweep varies nothing but the seed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Point(pub Vec<(String, String)>);

impl fmt::Display for Point {
    /// `eve-weight=4 eve-steps=4`, or `as given` for the empty point.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("as given");
        }
        f.write_str(&self.parts().join(" "))
    }
}

impl Point {
    /// `option=value`, one per axis.
    fn parts(&self) -> Vec<String> {
        self.0.iter().map(|(option, value)| format!("{option}={value}")).collect()
    }

    /// The point in a file name: `eve-weight=4,eve-steps=4` (characters other than letters,
    /// digits and `.=_-` as `_`); empty for the empty point.
    pub fn slug(&self) -> String {
        self.parts()
            .join(",")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || ".=_-,".contains(c) { c } else { '_' })
            .collect()
    }
}

impl Grid {
    /// Parses `--grid` values, each `option=value,value,...`.
    pub fn parse(specs: &[String]) -> Result<Self, PlanError> {
        let mut axes: Vec<Axis> = Vec::new();
        for spec in specs {
            let (option, values) = spec.split_once('=').ok_or_else(|| PlanError::GridForm(spec.clone()))?;
            let option = option.trim().trim_start_matches("--").to_string();
            let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
            if option.is_empty() || values.iter().any(String::is_empty) {
                return Err(PlanError::GridForm(spec.clone()));
            }
            if option == "seed" || option == "seeds" {
                return Err(PlanError::GridSeed(option));
            }
            if axes.iter().any(|axis| axis.option == option) {
                return Err(PlanError::GridTwice(option));
            }
            if let Some((_, value)) = values.iter().enumerate().find(|(i, v)| values[..*i].contains(v)) {
                return Err(PlanError::GridRepeat(option, value.clone()));
            }
            axes.push(Axis { option, values });
        }
        Ok(Self { axes })
    }

    /// Every combination, the first axis varying slowest (one empty point for no axes).
    pub fn points(&self) -> Vec<Point> {
        self.axes.iter().fold(vec![Point::default()], |points, axis| {
            points
                .iter()
                .flat_map(|point| {
                    axis.values.iter().map(move |value| {
                        let mut next = point.clone();
                        next.0.push((axis.option.clone(), value.clone()));
                        next
                    })
                })
                .collect()
        })
    }
}

/// One training-and-audit run of a sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub point: Point,
    pub seed: u64,
}

/// The sweep's jobs: each point with each of `seeds` seeds from `first_seed`, point by point.
pub fn jobs(grid: &Grid, first_seed: u64, seeds: u64) -> Vec<Job> {
    grid.points()
        .into_iter()
        .flat_map(|point| {
            (first_seed..first_seed + seeds).map(move |seed| Job { point: point.clone(), seed })
        })
        .collect()
}

/// The share of a sweep one machine runs: every `count`-th job from job `index` (0-based, as
/// Kubernetes' `JOB_COMPLETION_INDEX`), so the points spread over all shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let bad = || PlanError::Shard(text.to_string());
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = index.trim().parse().map_err(|_| bad())?;
        let count: usize = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// This shard's jobs, in the sweep's order.
    pub fn take(self, jobs: Vec<Job>) -> Vec<Job> {
        jobs.into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index)
            .map(|(_, job)| job)
            .collect()
    }
}
