"""Validation's environment: which interpreter and tools run (a committed .venv never, untrusted), worktrees, what
an interrupt leaves behind, what is cached, renamed files, timeouts from routing.toml, secrets in output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forge.commit import open_worktree
from forge.config import load_config
from forge.errors import ConfigError
from forge.validate import gitfiles, process
from forge.validate.cache import ResultCache
from forge.validate.lint import materialise_base
from forge.validate.pipeline import validate
from forge.validate.report import StageResult, skipped


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def commit(repo: Path, files: dict[str, str], message: str = "setup") -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def fake_python(folder: Path, marker: Path | None = None) -> Path:
    """folder/bin/python: a shell script standing for a virtual environment's interpreter (touching marker)."""
    python = folder / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    touch = f'touch "{marker}"\n' if marker else ""
    python.write_text(f'#!/bin/sh\n{touch}exec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    return python


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FORGE_HOME", str(tmp_path / "forge-home"))
    return tmp_path / "forge-home"


def stage(report, name: str) -> StageResult:
    return next(s for s in report.stages if s.stage == name)


# ---------------------------------------------------------------- whose interpreter runs

def test_a_committed_venv_is_not_run_until_the_repository_is_trusted(repo, home, tmp_path):
    from forge.config.trust import trust

    marker = tmp_path / "ran"
    python = fake_python(repo / ".venv", marker)
    commit(repo, {"routing.toml": "[validation]\nlint = true\n"})      # .venv/bin/python is committed
    assert process.resolve(repo, "python") != str(python)
    (repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    report = validate(repo, ["app.py"], load_config(repo, environ={}), use_cache=False)
    assert stage(report, "build").passed and not marker.exists()
    trust(repo, repo / "routing.toml")
    assert process.resolve(repo, "python") == str(python)


def test_an_ignored_venv_is_the_repositorys_and_a_worktree_finds_the_main_checkouts(repo, home):
    commit(repo, {".gitignore": ".venv/\n"})
    python = fake_python(repo / ".venv")
    assert process.resolve(repo, "python") == str(python)
    worktree = open_worktree(repo, "env1")
    assert not (worktree.path / ".venv").exists()
    assert process.resolve(worktree.path, "python") == str(python.resolve())


def test_a_worktree_tests_its_own_src_not_the_editable_install_of_the_checkout(repo, home):
    """src layout installed editable (a .pth naming the checkout's src) in the user's ignored .venv: the worktree's
    broken edit must fail, not pass by importing the checkout's code."""
    commit(repo, {".gitignore": ".venv/\n", "src/calc/__init__.py": "",
                  "src/calc/ops.py": "def add(a, b):\n    return a + b\n",
                  "tests/test_ops.py": "from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"})
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(repo / ".venv")], check=True)
    site = next((repo / ".venv" / "lib").glob("python3*/site-packages"))
    forge_site = next(p for p in sys.path if p.endswith("site-packages") and (Path(p) / "pytest").is_dir())
    (site / "_editable_calc.pth").write_text(f"{repo / 'src'}\n{forge_site}\n")
    worktree = open_worktree(repo, "env2")
    (worktree.path / "src/calc/ops.py").write_text("def add(a, b):\n    return a - b\n")
    config = load_config(repo, environ={})
    report = validate(worktree.path, ["src/calc/ops.py"], config, use_cache=False)
    assert stage(report, "build").passed, stage(report, "build")
    assert stage(report, "test").failed, stage(report, "test")
    assert "1 failed" in stage(report, "test").summary


def test_an_interpreter_that_cannot_start_skips_the_stage_with_the_reason(repo, home):
    commit(repo, {".gitignore": ".venv/\n"})
    python = fake_python(repo / ".venv")
    python.chmod(0o644)
    with pytest.raises(process.ToolMissing, match="could not be started"):
        process.run(["python", "-c", "pass"], repo, 10)
    (repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    report = validate(repo, ["app.py"], load_config(repo, environ={}), use_cache=False)
    build = stage(report, "build")
    assert build.skipped and "could not be started" in build.skipped_reason, build


# ---------------------------------------------------------------- interrupts

def test_an_interrupt_kills_the_commands_process_group_and_goes_on(tmp_path, monkeypatch):
    pid_file = tmp_path / "grandchild.pid"
    script = ("import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', 'import time; "
              f"time.sleep(60)']); open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)")
    real = subprocess.Popen.communicate

    def interrupted(self, *args, **kwargs):
        deadline = time.time() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.time() < deadline
            time.sleep(0.05)
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        process.run([sys.executable, "-c", script], tmp_path, timeout_s=60)
    monkeypatch.setattr(subprocess.Popen, "communicate", real)
    pid = int(pid_file.read_text())
    deadline = time.time() + 10
    while _alive(pid):
        assert time.time() < deadline, "the grandchild outlived the interrupt"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


# ---------------------------------------------------------------- what is cached, what a broken linter says

def test_only_passes_are_cached(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    cache.put("failed", StageResult("test", False, summary="ModuleNotFoundError"))
    cache.put("skipped", skipped("test", "pytest not found"))
    cache.put("timed-out", StageResult("test", False, timed_out=True))
    cache.put("passed", StageResult("test", True, summary="3 passed"))
    assert [cache.get(k) is not None for k in ("failed", "skipped", "timed-out", "passed")] == \
        [False, False, False, True]


def test_a_linter_that_fails_to_run_before_and_after_the_edit_is_skipped_with_why(repo, home):
    broken = "python -c \"import sys; print('error: ruff.toml: unknown key'); sys.exit(2)\""
    config = load_config(repo, environ={"FORGE_VALIDATION__COMMANDS__PYTHON__LINT": json.dumps(broken)})
    (repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    lint = stage(validate(repo, ["app.py"], config, use_cache=False), "lint")
    assert lint.skipped and lint.skipped_reason == "python failed to run: error: ruff.toml: unknown key", lint


# ---------------------------------------------------------------- renamed files

def test_a_renamed_files_old_findings_are_not_new(repo, home):
    commit(repo, {"calc/__init__.py": "", "calc/m.py": "import os\n\n\ndef f():\n    return 1\n"})
    git(repo, "mv", "calc/m.py", "calc/m2.py")
    assert gitfiles.renames(repo) == {"calc/m2.py": "calc/m.py"}
    assert gitfiles.base_content(repo, "calc/m2.py") == b"import os\n\n\ndef f():\n    return 1\n"
    changed = gitfiles.changed_files(repo)
    assert changed == ["calc/m.py", "calc/m2.py"]
    report = validate(repo, changed, load_config(repo, environ={}), use_cache=False)
    lint = stage(report, "lint")
    assert lint.passed and "no new findings" in lint.summary, lint
    concise = '"ruff check --no-cache --output-format concise ."'
    config = load_config(repo, environ={"FORGE_VALIDATION__COMMANDS__PYTHON__LINT": concise})
    lint = stage(validate(repo, changed, config, use_cache=False), "lint")
    assert lint.passed and "no new findings" in lint.summary, lint


def test_the_base_copy_puts_a_renamed_files_old_content_under_its_new_name(repo, tmp_path):
    old = "".join(f"VALUE_{i} = {i}\n" for i in range(20))
    commit(repo, {"calc/m.py": old})
    git(repo, "mv", "calc/m.py", "calc/m2.py")
    (repo / "calc/m2.py").write_text(old + "NEW = 2\n")
    materialise_base(repo, gitfiles.tree_files(repo), gitfiles.changed_files(repo), tmp_path / "base")
    assert (tmp_path / "base/calc/m2.py").read_text() == old
    assert not (tmp_path / "base/calc/m.py").exists()


# ---------------------------------------------------------------- timeouts from routing.toml

def test_stage_timeouts_come_from_routing_toml(repo, home):
    settings = load_config(repo, environ={}).config.validation
    assert (settings.build_timeout_s, settings.test_timeout_s, settings.lint_timeout_s) == (300, 900, 300)
    slow = '"python -c \'import time; time.sleep(30)\'"'
    config = load_config(repo, environ={"FORGE_VALIDATION__COMMANDS__PYTHON__BUILD": slow,
                                        "FORGE_VALIDATION__BUILD_TIMEOUT_S": "1"})
    (repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    started = time.perf_counter()
    build = stage(validate(repo, ["app.py"], config, use_cache=False), "build")
    assert build.timed_out and "timed out after 1 s" in build.summary, build
    assert time.perf_counter() - started < 20
    overridden = stage(validate(repo, ["app.py"], config, use_cache=False, timeouts={"build": 2}), "build")
    assert "timed out after 2 s" in overridden.summary
    with pytest.raises(ConfigError, match="at least 1"):
        load_config(repo, environ={"FORGE_VALIDATION__TEST_TIMEOUT_S": "0"})


# ---------------------------------------------------------------- secrets

def test_secrets_in_tool_output_are_masked_before_printing_caching_or_feedback(repo, home, monkeypatch, tmp_path):
    secret = "s3cr3t-value-0123456789"
    monkeypatch.setenv("DEPLOY_API_KEY", secret)
    loud = f"\"python -c \\\"import sys; print('key={secret}'); sys.exit(1)\\\"\""
    quiet = f"\"python -c \\\"print('key={secret}')\\\"\""
    (repo / "app.py").write_text("def add(a, b):\n    return b + a\n")
    cache = ResultCache(tmp_path / "cache")
    failing = validate(repo, ["app.py"], load_config(repo, environ={
        "FORGE_VALIDATION__COMMANDS__PYTHON__BUILD": loud}), results=cache)
    assert stage(failing, "build").failed
    text = json.dumps(failing.as_json()) + failing.feedback()
    assert secret not in text and "key=***" in text
    passing = validate(repo, ["app.py"], load_config(repo, environ={
        "FORGE_VALIDATION__COMMANDS__PYTHON__BUILD": quiet}), results=cache)
    assert stage(passing, "build").passed
    written = "".join(p.read_text() for p in (tmp_path / "cache").glob("*.json"))
    assert written and secret not in written and "key=***" in written


def test_process_python_path_puts_the_trees_sources_first(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    (tmp_path / "src").mkdir()
    assert process.python_path(tmp_path)["PYTHONPATH"].split(os.pathsep) == \
        [str(tmp_path / "src"), str(tmp_path), "/elsewhere"]



# ---------------------------------------------------------------- the index, as a pre-commit gate

def test_validating_the_index_sees_the_staged_content_not_the_working_trees(repo, home):
    from forge.validate.staged import staged_files, validate_staged

    config = load_config(repo, environ={})
    (repo / "app.py").write_text("def add(a, b)\n    return a +\n")
    git(repo, "add", "app.py")
    (repo / "app.py").write_text("def add(a, b):\n    return b + a\n")      # fixed, but not staged
    (repo / "untracked.py").write_text("broken(\n")                        # not staged: not in the commit
    assert staged_files(repo) == ["app.py"]
    report = validate_staged(repo, config, use_cache=False)
    assert report.changed == ("app.py",) and report.failed_stage.stage == "syntax", report
    assert validate(repo, ["app.py"], config, use_cache=False).passed
    git(repo, "add", "app.py")
    assert validate_staged(repo, config, use_cache=False).passed
    assert subprocess.run(["git", "worktree", "list"], cwd=repo, capture_output=True, text=True).stdout.count(
        "\n") == 1                                                            # the temporary checkout is gone
