"""The summary an architecture-level task gets instead of excerpts: the module tree, the dependencies between
modules, recent commit subjects, then public signatures file by file in rank order. Pure."""

from __future__ import annotations

from collections import defaultdict

from forge.context.item import ContextItem
from forge.context.outline import outline


def summary_items(snapshot, ranks: dict[str, float], order: list[str], recent_commits: list[str]):
    items = [ContextItem("summary", "summary:modules", _module_tree(snapshot.files), "module tree", score=3.0),
             ContextItem("summary", "summary:dependencies", _dependencies(snapshot.graph),
                         "dependencies between modules", score=2.0)]
    if recent_commits:
        items.append(ContextItem("summary", "summary:commits", "Recent commits:\n" + "\n".join(
            f"- {subject}" for subject in recent_commits), "recent commit subjects", score=1.0))
    defs_of = {f.path: f.definitions for f in snapshot.files}
    for path in order:
        public = [(depth, d) for depth, d in outline(defs_of.get(path, []))
                  if not any(part.startswith("_") for part in d.qualified.split("."))]
        if public:
            text = f"{path}:\n" + "\n".join("    " * depth + d.signature for depth, d in public)
            items.append(ContextItem("map", f"api:{path}", text, f"public API, file rank {ranks[path]:.3f}",
                                     path=path, rank=ranks[path]))
    return items


def _module_tree(files) -> str:
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    languages: dict[str, set[str]] = defaultdict(set)
    for f in files:
        parts = f.path.split("/")[:-1]
        module = "/".join(parts[:3]) + "/" if parts else "(top level)"
        tally[module][0] += 1
        tally[module][1] += f.lines
        tally[module][2] += len(f.definitions)
        languages[module].add(f.language)
    rows = [f"{module}  {n} files, {lines:,} lines, {defs:,} definitions ({', '.join(sorted(languages[module]))})"
            for module, (n, lines, defs) in sorted(tally.items())]
    return "Modules:\n" + "\n".join(rows)


def _dependencies(graph: dict, top: int = 40) -> str:
    nodes = graph["nodes"]
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for src, dst, weight in graph["edges"]:
        a, b = _module_of(nodes[src]), _module_of(nodes[dst])
        if a != b:
            weights[(a, b)] += weight
    strongest = sorted(weights.items(), key=lambda kv: -kv[1])[:top]
    if not strongest:
        return "Module dependencies: none found"
    return "Module dependencies (uses -> used, by references):\n" + "\n".join(f"{a} -> {b}" for (a, b), _ in strongest)


def _module_of(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else "/".join(parts[:-1]) or parts[0]
