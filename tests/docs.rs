//! The docs stay true to the command line: `docs/cli.md` names every subcommand and every
//! flag that `anc help` and each subcommand's `--help` print.

use std::collections::BTreeSet;
use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_anc")).args(args).output().expect("anc runs");
    assert!(out.status.success(), "anc {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands a help text lists under "Commands:" (`help` left out).
fn commands(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The long flags an option line of a help text starts with (`--help` and `--version`
/// left out: every subcommand has them).
fn flags(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        // The option's own names come before its description, two spaces on.
        .map(|l| l.split("  ").next().unwrap_or(l))
        .flat_map(|l| l.split([' ', ',', '=', '<', '[']).filter(|w| w.starts_with("--")).map(str::to_string))
        .filter(|f| f != "--help" && f != "--version")
        .collect()
}

#[test]
fn the_cli_page_lists_every_subcommand_and_flag() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md")).unwrap();
    let mut missing = Vec::new();
    let mut seen = 0;
    let mut queue: Vec<Vec<String>> = commands(&help(&["help"])).into_iter().map(|c| vec![c]).collect();
    while let Some(path) = queue.pop() {
        let args: Vec<&str> = path.iter().map(String::as_str).chain(["--help"]).collect();
        let text = help(&args);
        let name = format!("anc {}", path.join(" "));
        if !page.contains(&format!("`{name}")) && !page.contains(&format!("## {name}")) {
            missing.push(name.clone());
        }
        for flag in flags(&text) {
            seen += 1;
            if !page.contains(&format!("`{flag}")) {
                missing.push(format!("{name} {flag}"));
            }
        }
        queue.extend(commands(&text).into_iter().map(|c| [path.clone(), vec![c]].concat()));
    }
    assert!(seen > 30, "only {seen} flags found: the help's layout changed?");
    assert!(missing.is_empty(), "docs/cli.md does not name: {missing:?}");
}
