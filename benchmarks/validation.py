"""Validation benchmarks (issue 6): does the pipeline reject broken edits and accept correct ones, on real code we
did not write, and how long does each stage take?

Python corpus: click (installed in this venv) copied into a temporary git repository with a small test file of
ours, then edits generated from its source: broken ones (a colon deleted, a module-level name renamed so the import
fails, a called function renamed to an undefined name, every return value of a function our tests check replaced by
None, an unused import added) and correct ones (a comment added, a local variable renamed consistently, a return
value extracted into a variable). C corpus: a small C file of ours checked with cc, with broken edits (a `;` or `}`
deleted, an undeclared name, an undeclared function, a string put in an int) and correct ones. Also times the
syntax stage on a 1,000-line file of click.

Run: .venv/bin/python benchmarks/validation.py [--quick] [--detail]   (exit 0 when every target holds; --quick
about a minute, the full corpus about two; --detail: which stage rejected each kind of edit)
"""

from __future__ import annotations

import ast
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SITE = Path(sysconfig.get_paths()["purelib"])
REJECT_TARGET = 0.99
ACCEPT_TARGET = 1.0
SYNTAX_MS_TARGET = 20.0
SEED = 6
DETAIL: dict[tuple[str, str], int] = {}     # (edit kind, the stage that rejected it or "passed") -> edits

CLICK_TESTS = '''\
import click
from click.formatting import iter_rows, join_options, measure_table, term_len, wrap_text
from click.parser import _normalize_opt, _split_opt
from click.testing import CliRunner
from click.utils import _make_default_short_help, format_filename, make_str


def test_make_str():
    assert make_str(b"abc") == "abc"
    assert make_str(3) == "3"


def test_short_help():
    assert _make_default_short_help("Hello world. More text here.", 45) == "Hello world."
    assert _make_default_short_help("word " * 30, 20) == "word word word..."


def test_formatting():
    assert wrap_text("hello world again and again", 12) == "hello world\\nagain and\\nagain"
    assert join_options(["--foo", "-f"]) == ("-f, --foo", False)
    assert measure_table([("a", "bb"), ("ccc", "d")]) == (3, 2)
    assert list(iter_rows([("a",)], 2)) == [("a", "")]
    assert term_len("\\x1b[31mab\\x1b[0m") == 2


def test_parser_helpers():
    assert _split_opt("--foo") == ("--", "foo")
    assert _split_opt("-f") == ("-", "f")
    assert _normalize_opt("--Foo", None) == "--Foo"


def test_format_filename():
    assert format_filename("/a/b.txt", shorten=True) == "b.txt"


def test_command_line():
    @click.command()
    @click.option("--count", default=1, type=int, help="How many.")
    @click.argument("name")
    def hello(count, name):
        for _ in range(count):
            click.echo(f"Hello {name}!")

    result = CliRunner().invoke(hello, ["--count", "2", "Ann"])
    assert result.exit_code == 0
    assert result.output == "Hello Ann!\\nHello Ann!\\n"
    helped = CliRunner().invoke(hello, ["--help"])
    assert "--count INTEGER  How many." in helped.output
'''
# The functions test_click.py checks, by module: where a changed return value must be caught.
CHECKED = {"click/utils.py": ("make_str", "_make_default_short_help", "format_filename"),
           "click/formatting.py": ("wrap_text", "join_options", "measure_table", "term_len"),
           "click/parser.py": ("_split_opt", "_normalize_opt")}

C_SOURCE = '''\
#include <stdio.h>
#include <string.h>

struct stack {
    int items[64];
    int size;
};

static void push(struct stack *s, int value) {
    if (s->size < 64) {
        s->items[s->size] = value;
        s->size += 1;
    }
}

static int pop(struct stack *s) {
    if (s->size == 0) {
        return 0;
    }
    s->size -= 1;
    return s->items[s->size];
}

static int evaluate(const char *expression) {
    struct stack s = {{0}, 0};
    size_t length = strlen(expression);
    for (size_t i = 0; i < length; i++) {
        char c = expression[i];
        if (c >= '0' && c <= '9') {
            push(&s, c - '0');
        } else if (c == '+' || c == '*') {
            int right = pop(&s);
            int left = pop(&s);
            push(&s, c == '+' ? left + right : left * right);
        }
    }
    return pop(&s);
}

int main(void) {
    int total = evaluate("34+2*");
    printf("%d\\n", total);
    return total == 14 ? 0 : 1;
}
'''


# ---------------------------------------------------------------- edits

def line_edit(source: str, number: int, new: str | None) -> str:
    lines = source.splitlines(keepends=True)
    lines[number - 1:number] = [] if new is None else [new]
    return "".join(lines)


def functions(tree: ast.AST):
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def broken_python(path: str, source: str, rng: random.Random, per_kind: int) -> list[tuple[str, str, str]]:
    """(kind, path, new source) for edits that break the module."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    # syntax: the colon of a def or the closing parenthesis of a call deleted
    heads = [f.body[0].lineno - 1 for f in functions(tree) if f.body[0].lineno - 1 > f.lineno - 1
             and lines[f.body[0].lineno - 2].rstrip().endswith(":")]
    for number in rng.sample(heads, min(per_kind, len(heads))):
        text = lines[number - 1].rstrip()
        edits.append(("syntax", path, line_edit(source, number, text[:-1] + "\n")))
    closers = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.end_lineno == n.lineno
               and lines[n.lineno - 1][n.end_col_offset - 1:n.end_col_offset] == ")"]
    for call in rng.sample(closers, min(per_kind // 2, len(closers))):
        text = lines[call.lineno - 1]
        edits.append(("syntax", path, line_edit(source, call.lineno, text[:call.end_col_offset - 1]
                                                 + text[call.end_col_offset:])))
    # import time: a name the module body uses while importing (a base class, a decorator) renamed
    used = [n for stmt in tree.body if isinstance(stmt, ast.ClassDef | ast.FunctionDef)
            for n in [*getattr(stmt, "bases", []), *stmt.decorator_list] if isinstance(n, ast.Name)]
    for name in rng.sample(used, min(per_kind // 2, len(used))):
        text = lines[name.lineno - 1]
        edits.append(("import", path, line_edit(source, name.lineno, text[:name.end_col_offset] + "_renamed"
                                                 + text[name.end_col_offset:])))
    # undefined name: a function called inside a function body renamed
    calls = [c.func for f in functions(tree) for c in ast.walk(f) if isinstance(c, ast.Call)
             and isinstance(c.func, ast.Name)]
    for name in rng.sample(calls, min(per_kind, len(calls))):
        text = lines[name.lineno - 1]
        edits.append(("undefined", path, line_edit(source, name.lineno, text[:name.end_col_offset] + "_renamed"
                                                    + text[name.end_col_offset:])))
    # a return value our tests check replaced by None
    for function in functions(tree):
        if function.name in CHECKED.get(path, ()):
            new = lines[:]
            for node in ast.walk(function):
                if isinstance(node, ast.Return) and node.value is not None and node.lineno == node.end_lineno:
                    text = new[node.lineno - 1]
                    new[node.lineno - 1] = text[:node.value.col_offset] + "None" + text[node.value.end_col_offset:]
            if new != lines:
                edits.append(("return", path, "".join(new)))
    # an unused import after the first import line
    first = next((s for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom)), None)
    if first is not None:
        edits.append(("unused-import", path, line_edit(source, first.end_lineno,
                                                       lines[first.end_lineno - 1] + "import fractions\n")))
    return edits


class _Rename(ast.NodeTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id == self.old:
            node.id = self.new
        return node


def correct_python(path: str, source: str, rng: random.Random, per_kind: int) -> list[tuple[str, str, str]]:
    """(kind, path, new source) for edits that keep the module's behaviour."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    chosen = rng.sample(functions(tree), min(per_kind, len(functions(tree))))
    for function in chosen:   # a comment above the definition (above its decorators)
        start = min([function.lineno, *(d.lineno for d in function.decorator_list)])
        indent = re.match(r"\s*", lines[start - 1]).group(0)
        edits.append(("comment", path, line_edit(source, start, f"{indent}# Reviewed: {function.name}.\n"
                                                  + lines[start - 1])))
    renames = 0
    for function in rng.sample(functions(tree), len(functions(tree))):   # a local variable renamed everywhere
        if renames >= per_kind:
            break
        stored = sorted({n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)})
        for old in stored:
            new_source = _rename_in(source, function, old, f"{old}_renamed")
            if new_source is not None:
                edits.append(("rename-local", path, new_source))
                renames += 1
                break
    extracted = 0
    for function in rng.sample(functions(tree), len(functions(tree))):   # return EXPR -> result = EXPR; return
        if extracted >= per_kind:
            break
        ret = next((n for n in function.body if isinstance(n, ast.Return) and n.value is not None
                    and n.lineno == n.end_lineno and not isinstance(n.value, ast.Constant)), None)
        if ret is None:
            continue
        text = lines[ret.lineno - 1]
        indent = text[:ret.col_offset]
        value = text[ret.value.col_offset:ret.value.end_col_offset]
        edits.append(("extract-variable", path, line_edit(source, ret.lineno, f"{indent}result_ = {value}\n"
                                                           f"{indent}return result_\n")))
        extracted += 1
    return edits


def _rename_in(source: str, function, old: str, new: str) -> str | None:
    """source with `old` renamed to `new` inside one function, or None unless that is exactly a rename of a local."""
    if any(isinstance(n, ast.Global | ast.Nonlocal) for n in ast.walk(function)) or old in {
            a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}:
        return None
    lines = source.splitlines(keepends=True)
    pattern = re.compile(rf"(?<![\w.]){re.escape(old)}\b(?!\s*=[^=])")
    body = "".join(lines[function.lineno - 1:function.end_lineno])
    renamed = pattern.sub(new, body)
    new_source = "".join(lines[:function.lineno - 1]) + renamed + "".join(lines[function.end_lineno:])
    try:
        got = ast.parse(new_source)
    except SyntaxError:
        return None
    want = ast.parse(source)
    targets = [f for f in functions(want) if f.lineno == function.lineno]
    if not targets:
        return None
    _Rename(old, new).visit(targets[0])
    return new_source if ast.dump(got) == ast.dump(want) else None


def c_edits() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(kind, new source) for broken and for correct edits of C_SOURCE."""
    lines = C_SOURCE.splitlines(keepends=True)
    broken = []
    for number, text in enumerate(lines, 1):
        if text.rstrip().endswith(";") and not text.lstrip().startswith(("int items", "int size")):
            broken.append(("c-semicolon", line_edit(C_SOURCE, number, text.rstrip()[:-1] + "\n")))
    broken += [("c-brace", C_SOURCE.replace("        }\n    }\n    return pop", "        }\n    return pop")),
               ("c-undeclared", C_SOURCE.replace("left + right", "left + rigth")),
               ("c-undeclared", C_SOURCE.replace("s->size += 1;", "s->size += count;")),
               ("c-function", C_SOURCE.replace("int total = evaluate(", "int total = evalute(")),
               ("c-function", C_SOURCE.replace("push(&s, c - '0');", "pushh(&s, c - '0');")),
               ("c-type", C_SOURCE.replace("int total = evaluate(\"34+2*\");", "int total = \"34+2*\";")),
               ("c-type", C_SOURCE.replace("struct stack s = {{0}, 0};", "struct stack s = 0;")),
               ("c-arguments", C_SOURCE.replace("int right = pop(&s);", "int right = pop(&s, 1);"))]
    correct = [("c-comment", C_SOURCE.replace("static int pop(", "/* Removes the top item. */\nstatic int pop(")),
               ("c-rename-local", C_SOURCE.replace("total", "result")),
               ("c-rename-local", C_SOURCE.replace("length", "count")),
               ("c-extract", C_SOURCE.replace("    return pop(&s);\n}", "    int value = pop(&s);\n"
                                              "    return value;\n}")),
               ("c-reorder", C_SOURCE.replace("int right = pop(&s);\n            int left = pop(&s);",
                                              "int right = pop(&s);\n            int left;\n"
                                              "            left = pop(&s);"))]
    return broken, correct


# ---------------------------------------------------------------- running

def git_repo(root: Path) -> None:
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.email=b@example.com", "-c", "user.name=bench", "commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def run_edits(root: Path, edits, loaded, durations: dict[str, list[float]]) -> list[tuple[str, str, bool, str]]:
    """Each edit written, validated (no cache: each edit is new content), and taken back."""
    from forge.validate import validate

    outcomes = []
    for kind, path, text in edits:
        original = (root / path).read_text()
        (root / path).write_text(text)
        try:
            report = validate(root, [path], loaded, use_cache=False)
        finally:
            (root / path).write_text(original)
        for stage in report.stages:
            if not stage.skipped:
                durations.setdefault(stage.stage, []).append(stage.duration_s)
        failed = report.failed_stage.stage if report.failed_stage else ""
        outcomes.append((kind, path, report.passed, failed or report.feedback().splitlines()[0]))
        verdict = (kind, "passed" if report.passed else failed or report.verdict)
        DETAIL[verdict] = DETAIL.get(verdict, 0) + 1
    return outcomes


def syntax_ms(root: Path, path: str) -> float:
    from forge.validate.syntax import check_syntax

    check_syntax(root, [path], 0.8)   # the grammar loads once per process
    times = []
    for _ in range(30):
        started = time.perf_counter()
        check_syntax(root, [path], 0.8)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(quick: bool) -> tuple[list[dict], list[tuple]]:
    from forge.config import load_config

    per_kind = 3 if quick else 6
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="forge-validate-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ["FORGE_HOME"] = str(tmp_path / "home")
        py_root = tmp_path / "click-repo"
        shutil.copytree(SITE / "click", py_root / "click", ignore=shutil.ignore_patterns("__pycache__"))
        (py_root / "tests").mkdir()
        (py_root / "tests" / "test_click.py").write_text(CLICK_TESTS)
        (py_root / ".gitignore").write_text("__pycache__/\n")
        git_repo(py_root)
        c_root = tmp_path / "c-repo"
        c_root.mkdir()
        (c_root / "calc.c").write_text(C_SOURCE)
        git_repo(c_root)
        loaded = load_config(py_root, environ={})

        broken, correct = [], []
        for path in ("click/utils.py", "click/formatting.py", "click/parser.py", "click/core.py",
                     "click/types.py", "click/termui.py"):
            source = (py_root / path).read_text()
            broken += broken_python(path, source, rng, per_kind if path in CHECKED else per_kind // 2)
            correct += correct_python(path, source, rng, per_kind // 2)
        c_broken, c_correct = c_edits()
        durations: dict[str, list[float]] = {}
        started = time.perf_counter()
        broken_out = run_edits(py_root, broken, loaded, durations)
        correct_out = run_edits(py_root, correct, loaded, durations)
        c_durations: dict[str, list[float]] = {}
        broken_out += run_edits(c_root, [(k, "calc.c", t) for k, t in c_broken], loaded, c_durations)
        correct_out += run_edits(c_root, [(k, "calc.c", t) for k, t in c_correct], loaded, c_durations)
        seconds = time.perf_counter() - started

        big = py_root / "big.py"
        big.write_text("".join((py_root / "click/core.py").read_text().splitlines(keepends=True)[:1000]))
        ms = syntax_ms(py_root, "big.py")

    rejected = sum(1 for *_, passed, _ in broken_out if not passed)
    accepted = sum(1 for *_, passed, _ in correct_out if passed)
    rows = [
        {"name": f"broken edits rejected ({len(broken_out)}: python {len(broken)}, c {len(c_broken)})",
         "value": f"{rejected}/{len(broken_out)}", "ratio": round(rejected / len(broken_out), 3),
         "baseline": _kinds(broken_out), "target": REJECT_TARGET, "ok": rejected / len(broken_out) >= REJECT_TARGET},
        {"name": f"correct edits accepted ({len(correct_out)}: python {len(correct)}, c {len(c_correct)})",
         "value": f"{accepted}/{len(correct_out)}", "ratio": round(accepted / len(correct_out), 3),
         "baseline": _kinds(correct_out), "target": ACCEPT_TARGET, "ok": accepted / len(correct_out) >= ACCEPT_TARGET},
    ]
    for label, table in (("python", durations), ("c", c_durations)):
        for stage in ("syntax", "build", "test", "lint"):
            if table.get(stage):
                median = statistics.median(table[stage]) * 1000
                rows.append({"name": f"median {stage} stage, {label} (ms, {len(table[stage])} runs)",
                             "value": round(median, 1), "ratio": 1.0, "baseline": "informational",
                             "target": 0, "ok": True})
    rows.append({"name": "syntax stage, 1,000-line Python file (ms, median of 30)", "value": round(ms, 2),
                 "ratio": round(ms / SYNTAX_MS_TARGET, 2), "baseline": f"target {SYNTAX_MS_TARGET:g} ms",
                 "target": SYNTAX_MS_TARGET, "ok": ms <= SYNTAX_MS_TARGET})
    rows.append({"name": "corpus wall time (s)", "value": round(seconds, 1), "ratio": 1.0,
                 "baseline": "informational", "target": 0, "ok": True})
    misses = [o for o in broken_out if o[2]] + [o for o in correct_out if not o[2]]
    return rows, misses


def _kinds(outcomes) -> str:
    """Which stage rejected how many edits (or how many passed)."""
    stages: dict[str, int] = {}
    for _, _, passed, why in outcomes:
        where = "passed" if passed else why
        stages[where] = stages.get(where, 0) + 1
    return " ".join(f"{k}:{n}" for k, n in sorted(stages.items()))


def main() -> int:
    quick = "--quick" in sys.argv
    rows, misses = run(quick)
    for r in rows:
        print(f"{r['name']:<56} {r['value']:>9}  {r['ratio']:>7}x {r['baseline']:<36} target {r['target']:g}  "
              f"{'PASS' if r['ok'] else 'FAIL'}")
    for kind, path, passed, why in misses:
        print(f"miss: {kind} {path}: {'accepted' if passed else 'rejected'} ({why})")
    if "--detail" in sys.argv:
        for (kind, verdict), n in sorted(DETAIL.items()):
            print(f"  {kind:<18} {verdict:<8} {n}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
