#!/usr/bin/env python3
"""Keeps the docs true: the README stays a front door (at most 250 lines), and every
relative link in the README, CHANGELOG.md and docs/ points at a file that exists.
(docs/cli.md against the command line's flags: tests/docs.rs.)"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
README_LINES = 250
# [text](target) and <img src="target">; the target up to a space, `)` or `#`.
LINK = re.compile(r"\]\(([^)\s#]*)(?:#[^)\s]*)?(?:\s+\"[^\"]*\")?\)|src=\"([^\"#]+)\"")

problems = []
lines = len((ROOT / "README.md").read_text().splitlines())
if lines > README_LINES:
    problems.append(f"README.md has {lines} lines (at most {README_LINES})")
pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
for page in pages:
    text = page.read_text()
    # Code spans and blocks hold commands, not links.
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    for match in LINK.finditer(text):
        target = match.group(1) or match.group(2)
        if not target or re.match(r"^[a-z]+:", target):
            continue
        if not (page.parent / target).exists():
            problems.append(f"{page.relative_to(ROOT)}: the link to {target} points at nothing")
for problem in problems:
    print(f"error: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"docs: README {lines} lines; the relative links of {len(pages)} pages resolve")
