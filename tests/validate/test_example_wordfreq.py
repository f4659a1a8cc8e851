"""The bundled Rust example, examples/wordfreq, through `forge validate` on a git copy of it, with real cargo:
as shipped it builds and one test fails; an edit fixing that test passes every stage, one breaking the build
stops at cargo check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wordfreq"
LIB = "src/lib.rs"
FAILING = "tests::count_words_ignores_case"

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def cargo_env(tmp_path_factory) -> dict[str, str]:
    """Offline cargo, with one target folder for the module: every build after the first is incremental."""
    home = Path.home()
    return {"CARGO_NET_OFFLINE": "true", "CARGO_TARGET_DIR": str(tmp_path_factory.mktemp("cargo-target")),
            "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(home / ".rustup")),
            "CARGO_HOME": os.environ.get("CARGO_HOME", str(home / ".cargo")), "RUST_BACKTRACE": "0"}


@pytest.fixture(scope="module")
def example_repo(tmp_path_factory) -> Path:
    """One git copy of the example for the module (the same path, so cargo's fingerprints carry over)."""
    repo = tmp_path_factory.mktemp("example") / "wordfreq"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("target"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "wordfreq as shipped")
    return repo


@pytest.fixture
def wordfreq(example_repo: Path) -> Path:
    """The copy, back at its commit with nothing changed."""
    git(example_repo, "checkout", "-q", "--", ".")
    git(example_repo, "clean", "-fdq")
    return example_repo


def validate(forge_env, repo: Path, env: dict[str, str]) -> tuple[int, dict]:
    result = forge_env.run("validate", "--json", cwd=repo, env=env, timeout=240)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def stage(report: dict, name: str) -> dict:
    return next(s for s in report["stages"] if s["stage"] == name)


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / LIB
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def line_of(repo: Path, needle: str) -> int:
    return next(n for n, line in enumerate((repo / LIB).read_text().splitlines(), 1) if needle in line)


def test_as_shipped_it_builds_and_one_test_fails(forge_env, wordfreq, cargo_env):
    edit(wordfreq, "pub fn most_common(", "/// The most frequent word of text, with its count.\npub fn most_common(")
    code, report = validate(forge_env, wordfreq, cargo_env)
    assert code == 1 and report["failed_stage"] == "test", report["feedback"]
    assert stage(report, "build")["passed"]
    tested = stage(report, "test")
    assert "3 passed, 1 failed" in tested["summary"]
    assert FAILING in tested["output_tail"] + "".join(d["message"] for d in tested["diagnostics"])


def test_an_edit_fixing_the_failing_test_validates(forge_env, wordfreq, cargo_env):
    edit(wordfreq, "counts.entry(word.to_string())", "counts.entry(word.to_lowercase())")
    code, report = validate(forge_env, wordfreq, cargo_env)
    assert code == 0 and report["verdict"] == "passed", report["feedback"]
    assert report["changed"] == [LIB]
    assert [stage(report, s)["passed"] for s in ("build", "test", "lint")] == [True] * 3
    assert "4 passed" in stage(report, "test")["summary"]


def test_an_edit_breaking_the_build_is_rejected_at_the_build_stage(forge_env, wordfreq, cargo_env):
    edit(wordfreq, "pairs.truncate(n);", "pairs.truncate(limit);")
    code, report = validate(forge_env, wordfreq, cargo_env)
    assert code == 1 and report["failed_stage"] == "build", report["feedback"]
    error = stage(report, "build")["diagnostics"][0]
    assert (error["file"], error["line"], error["code"]) == (LIB, line_of(wordfreq, "truncate(limit)"), "E0425")
    assert stage(report, "test")["skipped_reason"] == "build failed"
