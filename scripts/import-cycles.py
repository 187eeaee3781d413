#!/usr/bin/env python3
"""Lists import circles between the files of src/: file A names a path inside file B
(`use crate::…`, `super::…`, `self::…`, or a `crate::…` path in the code) and B, directly or
through others, names A. Prints each circle and exits 1 if there is any (the test command
runs it). A module's own submodules are not counted as imports of it (`mod x;` is not a
`use`), but a submodule that imports its parent's items is an edge like any other.

Written by hand because `cargo modules dependencies --acyclic` needs a nightly-only
rust-analyzer build step here and minutes of compiling; this reads the `use` lines only.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(path):
    """The module path of a file: src/nn/kernels/lanes.rs -> ['nn', 'kernels', 'lanes']."""
    rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel


def files():
    out = {}
    for dirpath, _, names in os.walk(ROOT):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(dirpath, name)
                out[tuple(module_of(path))] = path
    return out


def crate_root(module):
    """The crate a module belongs to: the library, or a binary's folder or file."""
    if module and module[0] == "bin":
        return tuple(module[:2])
    return ()


PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", re.M | re.S)


def targets(module, text):
    """Every module path a file names."""
    found = []
    for body in USE.findall(text):
        body = re.sub(r"\s+", "", body)
        # Expand one level of braces: a::{b, c::d} -> a::b, a::c::d (nested braces keep the prefix).
        m = re.match(r"^(.*?)::\{(.*)\}$", body)
        heads = [body] if not m else [m.group(1) + "::" + part for part in split_top(m.group(2))]
        found.extend(heads)
    for kind, rest in PATH.findall(USE.sub("", text)):
        found.append(kind + rest)
    out = []
    for path in found:
        parts = path.split("::")
        if parts[0] == "crate":
            base = list(crate_root(module))
            parts = parts[1:]
        elif parts[0] in ("super", "self"):
            # A file's own module: for `foo.rs` and `foo/mod.rs` both, `self` is foo.
            base = list(module)
            while parts and parts[0] in ("super", "self"):
                if parts[0] == "super":
                    base = base[:-1]
                parts = parts[1:]
        else:
            continue
        out.append(tuple(base + parts))
    return out


def split_top(inner):
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return [p.split("::{")[0] for p in parts if p and p != "self"] or []


def main():
    modules = files()
    edges = {m: set() for m in modules}
    for module, path in modules.items():
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"//[^\n]*", "", text)  # comments, doc comments included
        for target in targets(list(module), text):
            # The longest prefix that is a file of its own.
            for cut in range(len(target), 0, -1):
                candidate = target[:cut]
                if candidate in modules:
                    if candidate != module and not is_ancestor(module, candidate):
                        edges[module].add(candidate)
                    elif candidate != module and is_ancestor(module, candidate):
                        # Naming an item of a parent module's own file is an edge to it.
                        if target[cut:] and target[:cut + 1] not in modules:
                            edges[module].add(candidate)
                    break
    cycles = strongly_connected(edges)
    for cycle in cycles:
        print("import circle: " + " <-> ".join("::".join(m) or "crate" for m in sorted(cycle)))
    print(f"{len(cycles)} import circles between {len(modules)} files in src/")
    return 1 if cycles else 0


def is_ancestor(module, candidate):
    return len(candidate) < len(module) and tuple(module[: len(candidate)]) == candidate


def strongly_connected(edges):
    """Tarjan's algorithm: every set of two or more files that reach each other."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(group)

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main())
