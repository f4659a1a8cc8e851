"""The exercise corpus as repositories (issue 14): each exercise of exercises_python.py and exercises_rust.py
becomes a stub (the solution with its function bodies emptied), its tests and `.docs/instructions.md`, as a user's
repository is before `forge run "implement the exercise ..."`; and the answers a model could give: the solution,
correct variants with style findings, and broken variants (the exercise's own mistakes, and a partial solution with
one function left as the stub). Pure text generation, except write_project, which writes the files."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from exercises_python import EXERCISES as PYTHON_EXERCISES
from exercises_python import PythonExercise
from exercises_rust import EXERCISES as RUST_EXERCISES
from exercises_rust import RustExercise

TASK = "implement the exercise described in .docs/instructions.md so that the tests pass"
# A repository that lints with more than ruff's defaults (and formats with ruff); every third exercise has none.
STRICT_RUFF = ('[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nselect = ["E", "F", "W", "I", "SIM", "RUF", '
               '"B", "UP"]\n\n[tool.ruff.format]\nquote-style = "double"\n')
STRICT_RULES = ("I", "SIM", "RUF")
PYTHON_GITIGNORE = "__pycache__/\n.pytest_cache/\n"
RUST_GITIGNORE = "/target\nCargo.lock\n"


@dataclass
class Project:
    """One exercise as a repository: its files at the stub commit, the file an answer replaces, the answers."""

    language: str
    name: str
    files: dict[str, str]
    answer_path: str
    correct: list[tuple[str, str]] = field(default_factory=list)   # (kind, the answer file's text)
    broken: list[tuple[str, str]] = field(default_factory=list)


def write_project(root: Path, project: Project) -> None:
    for path, text in project.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def answer(project: Project, text: str) -> str:
    """The model's answer: the whole file in a fence naming its path."""
    return f"```{project.language}:{project.answer_path}\n{text}```\n"


# ---------------------------------------------------------------- Python

def python_project(index: int, exercise: PythonExercise) -> Project:
    strict = index % 3 != 2
    module = f"{exercise.name}.core" if exercise.package else exercise.name
    tests = exercise.tests.replace("from MODULE import", f"from {module} import")
    if exercise.package:
        answer_path, test_path = f"{exercise.name}/core.py", f"tests/test_{exercise.name}.py"
        files = {f"{exercise.name}/__init__.py": "", "tests/__init__.py": ""}
    else:
        answer_path, test_path = f"{exercise.name}.py", f"{exercise.name}_test.py"
        files = {}
    files |= {answer_path: python_stub(exercise.solution), test_path: tests, ".gitignore": PYTHON_GITIGNORE,
              ".docs/instructions.md": f"# {exercise.name.replace('_', ' ').title()}\n\n{exercise.instructions}\n"}
    if strict:
        files["pyproject.toml"] = f'[project]\nname = "{exercise.name.replace("_", "-")}"\nversion = "0.1.0"\n\n' \
                                  + STRICT_RUFF
    project = Project("python", exercise.name, files, answer_path)
    project.correct = [("solution", exercise.solution),
                       *python_style(exercise.solution, STRICT_RULES if strict else ())]
    project.broken = [(kind, mistaken(exercise.name, exercise.solution, old, new))
                      for kind, old, new in exercise.mistakes]
    partial = python_partial(exercise.solution)
    if partial is not None:
        project.broken.append(("partial", partial))
    return project


def mistaken(name: str, solution: str, old: str, new: str) -> str:
    if solution.count(old) != 1:
        raise ValueError(f"{name}: a mistake's text {old!r} is in the solution {solution.count(old)} times, not once")
    return solution.replace(old, new)


def _defs(tree: ast.Module) -> list[ast.FunctionDef]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.append(node)
        elif isinstance(node, ast.ClassDef):
            found += [item for item in node.body if isinstance(item, ast.FunctionDef)]
    return found


def _emptied(source: str, functions: list[ast.FunctionDef]) -> str:
    """source with the bodies of functions replaced by `pass` (a docstring kept)."""
    lines = source.splitlines(keepends=True)
    for function in sorted(functions, key=lambda f: -f.lineno):
        body = function.body
        first = body[1] if len(body) > 1 and _is_docstring(body[0]) else body[0]
        if first is body[0] and _is_docstring(first):
            continue
        indent = " " * first.col_offset
        lines[first.lineno - 1:body[-1].end_lineno] = [f"{indent}pass\n"]
    return "".join(lines)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def python_stub(solution: str) -> str:
    """Every function body `pass`; the imports only what the rest of the module still uses."""
    stub = _emptied(solution, _defs(ast.parse(solution)))
    tree = ast.parse(stub)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    lines = stub.splitlines(keepends=True)
    for node in sorted((n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)), key=lambda n: -n.lineno):
        if not any((alias.asname or alias.name).split(".")[0] in used for alias in node.names):
            lines[node.lineno - 1:node.end_lineno] = []
    text = "".join(lines).lstrip("\n")
    return re.sub(r"\n{3,}(?=\S)", "\n\n\n", text)


def python_partial(solution: str) -> str | None:
    """The solution with its last public function or method left as the stub; None with only one function."""
    functions = [f for f in _defs(ast.parse(solution)) if f.name != "__init__"]
    public = [f for f in functions if not f.name.startswith("_") or f.name.startswith("__")]
    if len(functions) < 2 or not public:
        return None
    return _emptied(solution, [public[-1]])


def python_style(solution: str, rules: tuple[str, ...]) -> list[tuple[str, str]]:
    """Correct variants a linter would flag, each (ruff code, text); I001, SIM102 and RUF012 only where the
    repository selects them."""
    variants = [("F541", _fstring_without_placeholders(solution)), ("unformatted", _unformatted(solution))]
    if "I" in rules:
        variants.append(("I001", _imports_unsorted(solution)))
    if "SIM" in rules:
        variants.append(("SIM102", _nested_ifs(solution)))
    if "RUF" in rules:
        variants.append(("RUF012", _mutable_class_attribute(solution)))
    return [(kind, text) for kind, text in variants if text is not None and text != solution]


def _replace_segment(source: str, node: ast.AST, new: str) -> str:
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:node.lineno - 1]) + _byte_to_char(lines[node.lineno - 1],
                                                                               node.col_offset)
    end = sum(len(line) for line in lines[:node.end_lineno - 1]) + _byte_to_char(lines[node.end_lineno - 1],
                                                                                 node.end_col_offset)
    return source[:start] + new + source[end:]


def _byte_to_char(line: str, offset: int) -> int:
    return len(line.encode()[:offset].decode())


def _fstring_without_placeholders(source: str) -> str | None:
    tree = ast.parse(source)
    skip = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    skip |= {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = ast.get_source_segment(source, node) or ""
            if text.startswith('"') and "{" not in text and "}" not in text and "\\" not in text:
                return _replace_segment(source, node, "f" + text)
    return None


def _imports_unsorted(source: str) -> str | None:
    tree = ast.parse(source)
    imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    if len(imports) < 2 or imports[-1].lineno - imports[0].lineno != len(imports) - 1:
        return None
    lines = source.splitlines(keepends=True)
    lines[imports[0].lineno - 1:imports[-1].end_lineno] = lines[imports[0].lineno - 1:imports[-1].end_lineno][::-1]
    return "".join(lines)


def _nested_ifs(source: str) -> str | None:
    """The first `if a and b:` without an else becomes `if a:` holding `if b:`."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and not node.orelse and isinstance(node.test, ast.BoolOp) \
                and isinstance(node.test.op, ast.And) and lines[node.lineno - 1].lstrip().startswith("if ") \
                and node.lineno == node.test.end_lineno:
            indent = " " * node.col_offset
            first = ast.get_source_segment(source, node.test.values[0])
            rest = " and ".join(ast.get_source_segment(source, v) for v in node.test.values[1:])
            body = ["    " + line if line.strip() else line for line in lines[node.lineno:node.end_lineno]]
            lines[node.lineno - 1:node.end_lineno] = [f"{indent}if {first}:\n", f"{indent}    if {rest}:\n", *body]
            return "".join(lines)
    return None


def _mutable_class_attribute(source: str) -> str | None:
    """A class's tuple constant written as a list (ruff's RUF012: mutable class attribute)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple):
                    text = ast.get_source_segment(source, item.value) or ""
                    if text.startswith("(") and text.endswith(")"):
                        return _replace_segment(source, item.value, f"[{text[1:-1]}]")
    return None


def _unformatted(source: str) -> str:
    """Two-space indents, and an `if` with a one-line body written on one line (pycodestyle's E701)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    simple = (ast.Return, ast.Raise, ast.Assign, ast.AugAssign, ast.Expr, ast.Pass)
    joins = [n for n in ast.walk(tree) if isinstance(n, ast.If) and not n.orelse and len(n.body) == 1
             and isinstance(n.body[0], simple) and n.body[0].lineno == n.body[0].end_lineno == n.end_lineno
             and n.test.end_lineno == n.lineno and lines[n.lineno - 1].rstrip().endswith(":")]
    for node in sorted(joins, key=lambda n: -n.lineno):
        lines[node.lineno - 1:node.end_lineno] = [lines[node.lineno - 1].rstrip() + " "
                                                  + lines[node.end_lineno - 1].strip() + "\n"]
    return "".join(_halved(line) for line in lines)


def _halved(line: str) -> str:
    stripped = line.lstrip(" ")
    return " " * ((len(line) - len(stripped)) // 2) + stripped


# ---------------------------------------------------------------- Rust

def rust_project(exercise: RustExercise) -> Project:
    crate = exercise.name
    files = {"Cargo.toml": f'[package]\nname = "{crate}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
             ".gitignore": RUST_GITIGNORE, "src/lib.rs": rust_stub(exercise.solution),
             f"tests/{crate}.rs": exercise.tests.replace("MODULE", crate),
             ".docs/instructions.md": f"# {crate.replace('_', ' ').title()}\n\n{exercise.instructions}\n"}
    project = Project("rust", crate, files, "src/lib.rs")
    project.correct = [("solution", exercise.solution), ("unformatted", _rust_unformatted(exercise.solution))]
    project.correct += [(kind, mistaken(crate, exercise.solution, old, new)) for kind, old, new in exercise.style]
    project.broken = [(kind, mistaken(crate, exercise.solution, old, new)) for kind, old, new in exercise.mistakes]
    partial = rust_partial(exercise.solution)
    if partial is not None:
        project.broken.append(("partial", partial))
    return project


_RUST_FN = re.compile(r"\bfn\s+(\w+)")


def _rust_bodies(source: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of each outermost function body in source, the braces included."""
    bodies: list[tuple[str, int, int]] = []
    for match in _RUST_FN.finditer(source):
        if bodies and match.start() < bodies[-1][2]:
            continue
        start = source.index("{", match.end())
        bodies.append((match.group(1), start, _closing(source, start)))
    return bodies


def _closing(source: str, start: int) -> int:
    """The offset just past the brace that closes the one at start (string and char literals skipped)."""
    depth, i = 0, start
    while i < len(source):
        char = source[i]
        if char == '"':
            i += 1
            while source[i] != '"':
                i += 2 if source[i] == "\\" else 1
        elif char == "'" and source[i + 1] == "\\":     # an escaped char literal
            i = source.index("'", i + 3)
        elif char == "'" and source[i + 2:i + 3] == "'":  # 'x' (else a lifetime)
            i += 2
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces")


def _todo(source: str, bodies: list[tuple[str, int, int]]) -> str:
    for _, start, end in sorted(bodies, key=lambda b: -b[1]):
        line_start = source.rfind("\n", 0, start) + 1
        indent = len(source[line_start:]) - len(source[line_start:].lstrip(" "))
        source = source[:start] + "{\n" + " " * (indent + 4) + "todo!()\n" + " " * indent + "}" + source[end:]
    return source


def rust_stub(solution: str) -> str:
    """Every function body `todo!()`, and a first line that lets the stub's unused parameters be, as exercise
    repositories do."""
    return "#![allow(unused)]\n\n" + _todo(solution, _rust_bodies(solution))


def rust_partial(solution: str) -> str | None:
    """The solution with its last public function left as todo!(); None with only one function."""
    bodies = _rust_bodies(solution)
    public = [b for b in bodies if re.search(rf"pub fn {b[0]}\b", solution)]
    if len(bodies) < 2 or not public:
        return None
    return "#![allow(unused)]\n\n" + _todo(solution, [public[-1]])


def _rust_unformatted(solution: str) -> str:
    """What rustfmt would change: two-space indents, and a blank line squeezed out."""
    return "".join(_halved(line) for line in solution.replace("\n\n", "\n", 1).splitlines(keepends=True))


def all_projects(quick: bool) -> list[Project]:
    """Every exercise as a project; with quick, every sixth Python one and every fourth Rust one."""
    python = [python_project(i, e) for i, e in enumerate(PYTHON_EXERCISES) if not quick or i % 6 == 0]
    rust = [rust_project(e) for i, e in enumerate(RUST_EXERCISES) if not quick or i % 4 == 0]
    return python + rust
