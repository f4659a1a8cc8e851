"""Stage 2, build: Python byte-compiles and imports the changed modules in the repository's interpreter; other
languages run their build command (cargo check, tsc --noEmit, go build, cc -fsyntax-only, javac)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import PurePosixPath

from forge.validate import process
from forge.validate.report import Diagnostic, StageResult, skipped, tail
from forge.validate.steps import StepContext, missing, timed_out

IMPORT_CHECK_MARKER = "FORGE-IMPORT-CHECK:"
# Compiled only: running them is the test stage's business (or a script's, not validation's).
NOT_IMPORTED = ("setup.py", "conftest.py", "__main__.py", "noxfile.py", "manage.py")


def module_name(path: str, has_src: bool) -> str | None:
    """The dotted module a repository path imports as (pkg/mod.py -> pkg.mod, src/ layouts too); None for files
    that are not importable modules or are only compiled (tests, scripts)."""
    parts = list(PurePosixPath(path).parts)
    name = parts[-1]
    if not name.endswith(".py") or name in NOT_IMPORTED or name.startswith("test_") or name.endswith("_test.py"):
        return None
    if has_src and parts[0] == "src":
        parts = parts[1:]
    parts[-1] = name[:-3]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts) or "tests" in parts[:-1]:
        return None
    return ".".join(parts)


def python_imports(ctx: StepContext) -> StageResult:
    """Compile every changed .py file and import each module among them, in a subprocess with the repository on
    sys.path; any exception at import (a NameError, an ImportError, a SyntaxError) fails the stage."""
    files = ctx.files()
    if not files:
        return skipped(ctx.stage, "no changed Python files to compile")
    has_src = (ctx.root / "src").is_dir()
    pairs = [[f, module_name(f, has_src)] for f in files]
    source = resources.files("forge.validate").joinpath("import_check.py").read_text("utf-8")
    try:
        outcome = process.run(["python", "-c", source, str(ctx.root)], ctx.root, ctx.timeout_s,
                              stdin=json.dumps(pairs).encode(), env=process.python_path(ctx.root))
    except process.ToolMissing as error:
        return missing(ctx, error)
    if outcome.timed_out:
        return timed_out(ctx, outcome)
    marker = outcome.output.rfind(IMPORT_CHECK_MARKER)
    if marker < 0:
        return StageResult(ctx.stage, False, duration_s=outcome.duration_s,
                           summary="python: the import check did not finish (exit "
                                   f"{outcome.returncode})", output_tail=tail(outcome.output))
    found = json.loads(outcome.output[marker + len(IMPORT_CHECK_MARKER):].splitlines()[0])
    diagnostics = tuple(Diagnostic(p["file"], p["line"], p["column"], "error", p["code"], p["message"])
                        for p in found["problems"])
    imported = sum(1 for _, module in pairs if module)
    summary = (f"python: {len(files)} compiled, {imported} imported" if not diagnostics else
               f"python: {len(diagnostics)} of {len(files)} files failed to compile or import")
    return StageResult(ctx.stage, not diagnostics, duration_s=outcome.duration_s, diagnostics=diagnostics,
                       summary=summary, output_tail=tail(outcome.output[:marker].strip()))

