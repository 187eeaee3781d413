//! `anc sweep merge`: the JSON lines of a sweep's shards joined into its tables and
//! summaries (see `crate::sweep::lines`).

use std::io::Read;

use crate::sweep::lines::{merge, parse_lines};
use anyhow::{Context, Result};

use crate::args::MergeArgs;

pub fn run(args: MergeArgs) -> Result<()> {
    let mut lines = Vec::new();
    for path in &args.files {
        let (name, text) = if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("cannot read standard input")?;
            ("stdin".to_string(), text)
        } else {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            (path.display().to_string(), text)
        };
        lines.extend(parse_lines(&name, &text)?);
    }
    let merged = merge(lines)?;
    if args.json {
        println!("{}", serde_json::to_string(&merged)?);
    } else {
        print!("{merged}");
    }
    Ok(())
}
