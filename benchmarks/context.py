"""Context engine benchmarks (issue 5): index throughput against raw tree-sitter parsing, warm re-index against
cold, `forge context` latency on a warm 100,000-line repository, and recall of named definitions on real code.
Issue 16: sufficiency on real edits: for each hunk of the diff between two releases of click, attrs and jinja2
(context_data/), requests in the styles users write; is every line the change replaced in the context built from
the old tree at the default budget, and how many tokens did it take? The release before issue 16 is the baseline.

The code is real code we did not write: the Python packages installed in this venv (rich, click, requests, typer,
networkx), copied into temporary git repositories, and the released trees in context_data/.
Run alone: .venv/bin/python benchmarks/context.py [--quick] [--sufficiency (that part only)] [--misses]
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
# A worker imports the forge its PYTHONPATH names (this tree or the baseline's): neither REPO nor run.py, which
# puts REPO first on sys.path.
if "--worker" not in sys.argv:
    sys.path.insert(0, str(REPO))
    from run import print_rows, wall_ms  # (benchmarks/run.py: one way to time a command)

SITE = Path(sysconfig.get_paths()["purelib"])
SPEED_PACKAGES = ("rich", "click", "requests", "typer", "networkx")
SPEED_LINES = 100_000
RECALL_FILE = Path(__file__).with_name("context_recall.jsonl")
THROUGHPUT_TARGET = 0.5     # cold index MB/s >= half of raw parse MB/s
WARM_TARGET = 0.05          # warm re-index <= 5 % of cold
CONTEXT_MS_TARGET = 300.0
RECALL_TARGET = 0.9


def copy_packages(dest: Path, packages, max_lines: int | None = None) -> tuple[int, int]:
    """Copy the packages' .py files (sorted, up to max_lines) into a fresh git repository at dest."""
    lines = size = 0
    for package in packages:
        for source in sorted((SITE / package).rglob("*.py")):
            if "__pycache__" in source.parts:
                continue
            data = source.read_bytes()
            if max_lines is not None and lines >= max_lines:
                break
            target = dest / source.relative_to(SITE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            # An hour old, as in a checkout: a file changed within the last 2 s is re-read to be sure (racy git).
            os.utime(target, (time.time() - 3600, time.time() - 3600))
            lines += data.count(b"\n")
            size += len(data)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    return lines, size


def forge_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(FORGE_HOME=str(home), HOME=str(home), PYTHONPATH=str(REPO), NO_COLOR="1",
               PYTHONPYCACHEPREFIX=str(home / "pycache"))
    return env


def raw_parser(root: Path):
    """A function that parses every indexed file's bytes with tree-sitter, one thread, nothing else."""
    from forge.context.extract import parser_for
    from forge.context.files import list_candidates

    candidates, _ = list_candidates(root)
    data = [(c.language, (root / c.path).read_bytes()) for c in candidates]
    parsers = {lang: parser_for(lang) for lang in {lang for lang, _ in data}}

    def parse_all() -> None:
        for lang, source in data:
            parsers[lang].parse(source)
    return parse_all, sum(len(source) for _, source in data)


def index_speed(tmp: Path, quick: bool) -> tuple[list[dict], Path]:
    """Raw parsing and cold indexing alternate, best of 3 each, so that both see the same machine."""
    from forge.context.index import refresh

    repo = tmp / "repo-100k"
    lines, _ = copy_packages(repo, SPEED_PACKAGES, SPEED_LINES)
    parse_all, parsed_bytes = raw_parser(repo)
    modes = (("1 process", 1), (f"up to {os.cpu_count()} processes", None))
    raw, cold = float("inf"), {label: float("inf") for label, _ in modes}
    for attempt in range(3):
        t0 = time.perf_counter()
        parse_all()
        raw = min(raw, time.perf_counter() - t0)
        for label, workers in modes:
            os.environ["FORGE_HOME"] = str(tmp / f"home-cold-{workers}-{attempt}")      # an empty index
            t0 = time.perf_counter()
            stats = refresh(repo, workers=workers)
            cold[label] = min(cold[label], time.perf_counter() - t0)
            assert stats.parsed > 0
    rows = []
    for label, _ in modes:
        ratio = raw / cold[label]
        rows.append({"name": f"cold index, {label} (MB/s)", "value": round(parsed_bytes / 1e6 / cold[label], 2),
                     "ratio": round(ratio, 2), "baseline": f"raw parse {parsed_bytes / 1e6 / raw:.2f} MB/s",
                     "target": THROUGHPUT_TARGET, "ok": ratio >= THROUGHPUT_TARGET})
    warm = []
    for _ in range(3 if quick else 7):
        t0 = time.perf_counter()
        stats = refresh(repo)
        warm.append(time.perf_counter() - t0)
        assert stats.parsed == 0 and stats.reread == 0, "a warm re-index re-read files"
    warm_s = statistics.median(warm)
    base = cold["1 process"]
    rows.append({"name": f"warm re-index, nothing changed (ms), {lines:,} lines", "value": round(warm_s * 1000, 1),
                 "ratio": round(warm_s / base, 3), "baseline": f"cold 1 process {base:.2f} s",
                 "target": WARM_TARGET, "ok": warm_s / base <= WARM_TARGET})
    return rows, repo


def context_latency(tmp: Path, repo: Path, quick: bool) -> list[dict]:
    """Wall ms of `forge context` in a fresh process on the warm repository: the same request again (token
    counts cached), and a new request each time (the tokenizer loads and counts)."""
    home = tmp / "home-cold-1-0"         # an index index_speed built
    env = forge_env(home)
    python = sys.executable
    names = ["Table.add_row", "Console.print", "Group.command", "Session.request", "dijkstra_path_length",
             "Progress.add_task", "Style.parse", "Text.wrap", "pagerank", "topological_sort", "Context.invoke",
             "HTTPAdapter.send", "betweenness_centrality", "Syntax.highlight", "Panel.fit", "Layout.split"]
    runs = 3 if quick else 7

    base, same, fresh = [], [], []
    request = "fix `Table.add_row` when a cell is None"
    for i in range(runs + 2):
        b = wall_ms([python, "-c", "pass"], env, repo)
        s = wall_ms([python, "-m", "forge", "context", request], env, repo)
        f = wall_ms([python, "-m", "forge", "context", f"make `{names[i % len(names)]}` faster ({i})"], env, repo)
        if i >= 2:
            base.append(b), same.append(s), fresh.append(f)
    rows = []
    for label, times in (("same request again", same), ("a new request", fresh)):
        ms = statistics.median(times)
        rows.append({"name": f"forge context, warm index, {label} (ms)", "value": round(ms, 1),
                     "ratio": round(ms / statistics.median(base), 1), "baseline": "python -c pass",
                     "target": CONTEXT_MS_TARGET, "ok": ms <= CONTEXT_MS_TARGET})
    return rows


def recall(tmp: Path) -> tuple[list[dict], list[dict]]:
    """For each request of context_recall.jsonl, is each definition it names in the context built for it (an
    excerpt covering its lines) at the default budget? Through the CLI, one project repository each."""
    cases = [json.loads(line) for line in RECALL_FILE.read_text().splitlines() if line.strip()]
    home = tmp / "home-recall"
    env = forge_env(home)
    repos = {}
    for project in sorted({c["project"] for c in cases}):
        repos[project] = tmp / f"recall-{project}"
        copy_packages(repos[project], [project])
    hits = total = in_map = 0
    misses = []
    per_project: dict[str, list[int]] = {}
    for case in cases:
        proc = subprocess.run([sys.executable, "-m", "forge", "context", case["request"], "--json"], env=env,
                              cwd=repos[case["project"]], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"forge context failed on {case['request']!r}: {proc.stderr}")
        result = json.loads(proc.stdout)
        for expected in case["expect"]:
            path = f"{case['project']}/{expected['path']}"
            total += 1
            tally = per_project.setdefault(case["project"], [0, 0])
            tally[1] += 1
            found = _covered(result["items"], path, expected["name"], repos[case["project"]])
            if found:
                hits += 1
                tally[0] += 1
            else:
                mapped = any(i["kind"] == "map" and i["path"] == path for i in result["items"])
                in_map += mapped
                misses.append({"request": case["request"], "expected": f"{path} {expected['name']}",
                               "file in map": mapped,
                               "got": [f"{i['path']} {i['symbol']}" for i in result["items"][:3]]})
    value = hits / total
    detail = ", ".join(f"{p} {h}/{n}" for p, (h, n) in sorted(per_project.items()))
    row = {"name": f"recall of named definitions, {len(cases)} requests (share)", "value": round(value, 3),
           "ratio": round(value, 3), "baseline": detail, "target": RECALL_TARGET, "ok": value >= RECALL_TARGET}
    return [row], misses


def _covered(items: list[dict], path: str, qualified: str, repo: Path) -> bool:
    """An excerpt of that file whose lines cover a definition with that qualified name, or the file sent whole."""
    if any(i["kind"] == "file" and i["path"] == path for i in items):
        return True
    from forge.context.extract import extract
    from forge.context.languages import language_of

    spans = [(d.start_line, d.end_line) for d in extract((repo / path).read_bytes(), language_of(path).name)
             .definitions if d.qualified == qualified]
    excerpts = [i["lines"] for i in items if i["kind"] == "excerpt" and i["path"] == path and i["lines"]]
    return any(a <= s and e <= b for s, e in spans for a, b in excerpts)


# ---- sufficiency on real edits (issue 16) ----------------------------------------------------------------------

DATA = Path(__file__).with_name("context_data")
# project: (old version, new version, the sdist folders kept: the package source and its tests)
PROJECTS = {"click": ("8.1.3", "8.1.7"), "attrs": ("22.2.0", "23.1.0"), "jinja2": ("3.1.2", "3.1.4")}
KEPT = ("src", "tests", "LICENSE", "LICENSE.rst")
BASELINE_COMMIT = "1c55431"     # the last commit before issue 16's context work (3688e88)
HUNKS_PER_PROJECT = 20          # spread evenly over each diff: ~250 tasks, ~2 min for both builders on 2 quiet cores
NAMED_TARGET, WORDS_TARGET, MEDIAN_TOKENS_TARGET = 0.95, 0.70, 6000
STYLES = ("file", "function", "class.method", "traceback", "failing test", "words")


def make_data(downloads: Path) -> None:
    """Write context_data/ from unpacked sdists under downloads (pip download --no-binary :all: --no-deps):
    the old tree as <project>-<old>.tar.xz and <project>.diff, the unified diff of its .py files under src/."""
    import difflib
    import tarfile

    for project, (old, new) in PROJECTS.items():
        old_dir, new_dir = (next(d for d in downloads.iterdir() if d.is_dir() and d.name.lower() == f"{project}-{v}")
                            for v in (old, new))
        with tarfile.open(DATA / f"{project}-{old}.tar.xz", "w:xz") as tar:
            for name in KEPT:
                if (old_dir / name).exists():
                    tar.add(old_dir / name, arcname=name, filter=_no_caches)
        chunks = []
        for path in sorted(p.relative_to(old_dir) for p in (old_dir / "src").rglob("*.py")):
            after = new_dir / path
            if not after.exists():
                continue
            a, b = (f.read_text().splitlines(keepends=True) for f in (old_dir / path, after))
            chunks += difflib.unified_diff(a, b, f"a/{path.as_posix()}", f"b/{path.as_posix()}", n=3)
        (DATA / f"{project}.diff").write_text("".join(chunks))


def _no_caches(info):
    return None if "__pycache__" in info.name or ".egg-info" in info.name else info


class Hunk(NamedTuple):
    path: str
    start: int                  # first old line the hunk shows (1-based)
    old: list[str]              # the hunk's old side: context and removed lines, in order
    removed: list[bool]         # for each old line: did the change replace or delete it?
    inserts_at: list[int]       # offsets into old before which new lines go


def parse_diff(text: str) -> list[Hunk]:
    hunks, path = [], None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("+++ "):
            path = line[6:]
        elif line.startswith("@@ "):
            start = int(line.split()[1][1:].split(",")[0])
            old, removed, inserts = [], [], []
            i += 1
            while i < len(lines) and lines[i][:1] in (" ", "-", "+", ""):
                header = lines[i].startswith(("--- ", "+++ "))
                if header and i + 1 < len(lines) and lines[i + 1][:4] in ("+++ ", "@@ -"):
                    break
                tag, body = lines[i][:1], lines[i][1:]
                if tag == "+":
                    if not inserts or inserts[-1] != len(old):
                        inserts.append(len(old))
                else:
                    old.append(body)
                    removed.append(tag == "-")
                i += 1
            hunks.append(Hunk(path, max(start, 1), old, removed, inserts))
            continue
        i += 1
    return hunks


def pre_image(hunk: Hunk) -> list[list[str]]:
    """The runs of old lines a correct edit must see, each a contiguous block: every replaced or deleted line, and
    for an insertion with nothing removed there, the old line before and the line after the insertion point."""
    runs, current = [], []
    for line, gone in zip(hunk.old, hunk.removed, strict=True):
        if gone:
            current.append(line)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    for at in hunk.inserts_at:
        touching = (at > 0 and hunk.removed[at - 1]) or (at < len(hunk.old) and hunk.removed[at])
        if not touching:
            runs.append(hunk.old[max(at - 1, 0):at + 1])
    return [run for run in runs if any(line.strip() for line in run)]


def sufficient(runs: list[list[str]], context_text: str) -> bool:
    """Is each run of the pre-image in the context text, its lines consecutive and exact (a SEARCH block copied
    from the context would match the file)? Trailing blanks are ignored; blank lines inside a run may be missing."""
    text = [line.rstrip() for line in context_text.splitlines()]
    for run in runs:
        wanted = [line.rstrip() for line in run if line.strip()]
        if not _found_in_order(wanted, text):
            return False
    return True


def _found_in_order(wanted: list[str], text: list[str]) -> bool:
    first = wanted[0]
    for start, line in enumerate(text):
        if line != first:
            continue
        j = start
        for want in wanted:
            while j < len(text) and not text[j].strip():
                j += 1
            if j >= len(text) or text[j] != want:
                break
            j += 1
        else:
            return True
    return False


def make_tasks(repo: Path, project: str, hunks: list[Hunk]) -> list[dict]:
    """Requests for each hunk in the styles users write. Each names what encloses the change in the old file
    (found with ast: the innermost def or class around its first pre-image line); a style the hunk has nothing for
    (a class and method for a module-level function, a test that mentions it, a docstring) is left out."""
    tests = _test_functions(repo)
    tasks = []
    step = max(1, len(hunks) / HUNKS_PER_PROJECT)
    for k in range(min(HUNKS_PER_PROJECT, len(hunks))):
        hunk = hunks[int(k * step)]
        runs = pre_image(hunk)
        if not runs:
            continue
        line_no = hunk.start + next(i for i, line in enumerate(hunk.old) if line in runs[0])
        source = (repo / hunk.path).read_text()
        scope = _enclosing(ast.parse(source), line_no)
        requests = {"file": f"update {hunk.path} (around line {line_no}): see what needs changing there"}
        if scope:
            names, doc = scope
            func = names[-1]
            requests["function"] = f"fix a bug in `{func}`"
            if len(names) > 1:
                requests["class.method"] = f"change `{names[-2]}.{func}` so it handles this case correctly"
            test = next((t for t in tests if re.search(rf"\b{re.escape(func)}\b", t[2])), None)
            frames = [f'  File "/home/dev/{project}/{test[0]}", line {test[3]}, in {test[1]}\n    result = run()']\
                if test else []
            frames.append(f'  File "/home/dev/{project}/{hunk.path}", line {line_no}, in {func}\n'
                          f"    {source.splitlines()[line_no - 1].strip()}")
            requests["traceback"] = ("this crashes:\nTraceback (most recent call last):\n" + "\n".join(frames)
                                     + "\nTypeError: unsupported operand type(s)")
            if test:
                requests["failing test"] = f"the test {test[0]}::{test[1]} fails, make it pass"
            if doc:
                requests["words"] = f"something is wrong in the code that does this: {doc}"
        for style, request in requests.items():
            tasks.append({"project": project, "style": style, "request": request, "runs": runs,
                          "hunk": f"{hunk.path}:{hunk.start}"})
    return tasks


def _enclosing(tree, line_no: int) -> tuple[list[str], str] | None:
    """Qualified name parts and first docstring line of the innermost def or class around line_no."""
    chain, doc = [], ""
    nodes = list(ast.iter_child_nodes(tree))
    while nodes:
        inner = next((n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and min([n.lineno, *(d.lineno for d in n.decorator_list)]) <= line_no <= n.end_lineno), None)
        if inner is None:
            break
        chain.append(inner.name)
        doc = (ast.get_docstring(inner) or "").strip().split("\n\n")[0].replace("\n", " ") or doc
        nodes = list(ast.iter_child_nodes(inner))
    return (chain, doc) if chain else None


def _test_functions(repo: Path) -> list[tuple[str, str, str, int]]:
    """(path, name, source, line) of each test function under tests/, in path order."""
    found = []
    for path in sorted((repo / "tests").rglob("test_*.py")):
        text = path.read_text(errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                found.append((path.relative_to(repo).as_posix(), node.name, ast.get_source_segment(text, node) or "",
                              node.lineno))
    return found


def unpack(tmp: Path) -> dict[str, tuple[Path, list[dict]]]:
    """Each project's old tree in a fresh git repository under tmp, and its tasks."""
    import tarfile

    projects = {}
    for project, (old, _new) in PROJECTS.items():
        repo = tmp / f"{project}-{old}"
        with tarfile.open(DATA / f"{project}-{old}.tar.xz") as tar:
            tar.extractall(repo, filter="data")
        for path in repo.rglob("*"):
            os.utime(path, (time.time() - 3600, time.time() - 3600))
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        projects[project] = (repo, make_tasks(repo, project, parse_diff((DATA / f"{project}.diff").read_text())))
    return projects


def worker() -> None:
    """Run in a child process whose PYTHONPATH picks the forge under test: for each task on stdin (one JSON list
    of {repo, request, runs}), build the context as `forge context REQUEST --json` does at the default budget and
    print [tokens, sufficient] per task as one JSON list."""
    import contextlib
    import io

    import forge
    from forge.cli import context_view
    from forge.cli.state import make_state

    assert Path(forge.__file__).resolve().is_relative_to(Path(os.environ["PYTHONPATH"]).resolve()), forge.__file__
    results = []
    for task in json.load(sys.stdin):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            context_view.run(make_state(Path(task["repo"]), None, None), task["request"], budget=None, model=None,
                             mode="auto", previous=None, failure=None, full=False, as_json=True)
        built = json.loads(out.getvalue())
        results.append([built["tokens"], sufficient(task["runs"], built["text"])])
    json.dump(results, sys.stdout)


def start_builder(tree: Path, home: Path, tasks: list[dict]) -> subprocess.Popen:
    env = {**forge_env(home), "PYTHONPATH": str(tree)}
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], env=env, cwd=tree,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write(json.dumps(tasks))
    proc.stdin.close()
    return proc


def finish_builder(proc: subprocess.Popen, label: str) -> list:
    out, err = proc.stdout.read(), proc.stderr.read()
    if proc.wait() != 0:
        sys.exit(f"the {label} context builder failed:\n{err[-3000:]}")
    return json.loads(out)


def sufficiency(tmp: Path) -> tuple[list[dict], dict]:
    """This tree's context builder and the baseline's (a git worktree of BASELINE_COMMIT), run side by side on the
    same tasks, each in its own process and index."""
    projects = unpack(tmp)
    tasks = [{**t, "repo": str(repo)} for repo, ts in projects.values() for t in ts]
    baseline = tmp / "baseline-tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(baseline), BASELINE_COMMIT],
                   check=True, capture_output=True)
    try:
        procs = {"this tree": start_builder(REPO, tmp / "home-suff-now", tasks),
                 f"baseline {BASELINE_COMMIT}": start_builder(baseline, tmp / "home-suff-base", tasks)}
        results = {label: finish_builder(proc, label) for label, proc in procs.items()}
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(baseline)], capture_output=True)
    table = {label: summarise(tasks, got) for label, got in results.items()}
    now, base = table["this tree"], table[f"baseline {BASELINE_COMMIT}"]
    rows = []
    for group, target in (("names a file or symbol", NAMED_TARGET), ("words only", WORDS_TARGET)):
        rows.append({"name": f"sufficiency, request {group}, {now[group]['tasks']} tasks (share)",
                     "value": now[group]["sufficient"], "ratio": now[group]["sufficient"],
                     "baseline": f"baseline {base[group]['sufficient']}", "target": target,
                     "ok": now[group]["sufficient"] >= target})
    median, base_median = now["all"]["median tokens"], base["all"]["median tokens"]
    rows.append({"name": f"context tokens, {now['all']['tasks']} real-edit tasks (median)", "value": median,
                 "ratio": round(median / max(base_median, 1), 2), "baseline": f"baseline median {base_median}",
                 "target": MEDIAN_TOKENS_TARGET, "ok": median <= MEDIAN_TOKENS_TARGET})
    return rows, table


def summarise(tasks: list[dict], results: list) -> dict[str, dict]:
    """Per request style, per project, named (every style but words), words only and all: tasks, share
    sufficient, median and p90 tokens."""
    groups: dict[str, list] = {}
    for task, (tokens, ok) in zip(tasks, results, strict=True):
        for group in (task["style"], f"project {task['project']}", "all",
                      "words only" if task["style"] == "words" else "names a file or symbol"):
            groups.setdefault(group, []).append((tokens, ok))
    return {group: {"tasks": len(got), "sufficient": round(sum(ok for _, ok in got) / len(got), 3),
                    "median tokens": int(statistics.median(t for t, _ in got)),
                    "p90 tokens": int(sorted(t for t, _ in got)[int(0.9 * (len(got) - 1))])}
            for group, got in groups.items()}


def print_table(table: dict[str, dict]) -> None:
    labels = list(table)
    groups = [*STYLES, "names a file or symbol", "words only", *sorted(g for g in table[labels[0]]
                                                                       if g.startswith("project")), "all"]
    print(f"{'request style':<24}" + "".join(f"{label:>36}" for label in labels))
    print(f"{'':<24}" + "".join(f"{'tasks  sufficient  median  p90':>36}" for _ in labels))
    for group in groups:
        if group not in table[labels[0]]:
            continue
        cells = [table[label][group] for label in labels]
        print(f"{group:<24}" + "".join(f"{c['tasks']:>11}{c['sufficient']:>12.1%}{c['median tokens']:>8}"
                                        f"{c['p90 tokens']:>7}" for c in cells))


def run(quick: bool, only_sufficiency: bool = False) -> tuple[list[dict], list[dict], dict]:
    tmp = Path(tempfile.mkdtemp(prefix="forge-context-bench-"))
    try:
        rows, misses = [], []
        if not only_sufficiency:
            rows, repo = index_speed(tmp, quick)
            rows += context_latency(tmp, repo, quick)
        recall_rows, misses = recall(tmp)
        suff_rows, table = sufficiency(tmp)
        return rows + recall_rows + suff_rows, misses, table
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    if "--worker" in sys.argv:
        worker()
        return 0
    if "--make-data" in sys.argv:
        make_data(Path(sys.argv[sys.argv.index("--make-data") + 1]))
        return 0
    quick = "--quick" in sys.argv
    rows, misses, table = run(quick, "--sufficiency" in sys.argv)
    print_table(table)
    print()
    print_rows(rows)
    if "--misses" in sys.argv:
        for miss in misses:
            print(json.dumps(miss))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
