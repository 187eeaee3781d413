#!/usr/bin/env python3
"""Lists import circles between the files of src/: file A names a path inside file B
(`use crate::…`, `super::…`, `self::…`, `use child::…`, or such a path in the code) and B,
directly or through others, names A. Prints each circle and exits 1 if there is any (the
test command runs it). A module and its own submodules count as one unit: a parent that
re-exports its children's items and a child that implements its parent's types are not a
circle.

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
INLINE_MOD = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{")


def scopes(module, text):
    """The text split into pieces, each with the module path it is written in: a file's
    inline `mod name { … }` blocks (tests, target-specific loops) are modules of their own,
    so `super::` inside them means the file's module."""
    out, stack, depth, piece = [], [], 0, []
    for line in text.splitlines(keepends=True):
        opened = INLINE_MOD.match(line)
        if opened:
            out.append((list(module) + [n for n, _ in stack], "".join(piece)))
            piece = []
            stack.append((opened.group(1), depth))
        piece.append(line)
        depth += line.count("{") - line.count("}")
        while stack and depth <= stack[-1][1]:
            out.append((list(module) + [n for n, _ in stack], "".join(piece)))
            piece = []
            stack.pop()
    out.append((list(module) + [n for n, _ in stack], "".join(piece)))
    return out


def targets(module, text, modules, file_module):
    """Every module path a piece of a file names."""
    found = []
    for body in USE.findall(text):
        body = re.sub(r"\s+", "", body)
        # Expand one level of braces: a::{b, c::d} -> a::b, a::c::d (nested braces keep the prefix).
        m = re.match(r"^(.*?)::\{(.*)\}$", body)
        heads = [body] if not m else [m.group(1) + "::" + part for part in split_top(m.group(2))]
        for head in heads:
            first = head.split("::")[0]
            # `use child::item` names a submodule of the module it is written in.
            if first not in ("crate", "super", "self") and tuple(module + [first]) in modules:
                head = "self::" + head
            found.append(head)
    for kind, rest in PATH.findall(USE.sub("", text)):
        found.append(kind + rest)
    out = []
    for path in found:
        parts = path.split("::")
        if parts[0] == "crate":
            base = list(crate_root(file_module))
            parts = parts[1:]
        elif parts[0] in ("super", "self"):
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
        found = [t for scope, piece in scopes(module, text) for t in targets(scope, piece, modules, module)]
        for target in found:
            # The longest prefix that is a file of its own.
            for cut in range(len(target), 0, -1):
                candidate = target[:cut]
                if candidate in modules:
                    # A module and its own submodules are one unit (a parent re-exports its
                    # children's items, a child implements its parent's types): only edges
                    # between files where neither holds the other count.
                    if not is_ancestor(module, candidate) and not is_ancestor(candidate, module):
                        edges[module].add(candidate)
                    break
    cycles = strongly_connected(edges)
    for cycle in cycles:
        print("import circle: " + " <-> ".join("::".join(m) or "crate" for m in sorted(cycle)))
    print(f"{len(cycles)} import circles between {len(modules)} files in src/")
    return 1 if cycles else 0


def is_ancestor(module, candidate):
    """Whether `candidate` is `module` itself or holds it."""
    return len(candidate) <= len(module) and tuple(module[: len(candidate)]) == tuple(candidate)


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
