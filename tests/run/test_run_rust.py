"""`forge run` on the second-language example (examples/wordfreq, Rust), answers from its recording: cargo builds
and tests every edit; a wrong first answer is rejected with cargo's failure as feedback, the second lands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")


def wordfreq(forge_env, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the example as its own repository, and cargo's environment (offline; the fixture moves HOME)."""
    repo = tmp_path / "wordfreq"
    subprocess.run([sys.executable, str(ROOT / "examples" / "copy_example.py"), "wordfreq", str(repo)], check=True,
                   capture_output=True, env=forge_env.env)
    home = Path.home()
    cargo = {"CARGO_NET_OFFLINE": "true", "CARGO_TARGET_DIR": str(tmp_path / "target"), "RUST_BACKTRACE": "0",
             "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(home / ".rustup")),
             "CARGO_HOME": os.environ.get("CARGO_HOME", str(home / ".cargo"))}
    return repo, cargo


def test_milestone_1_of_the_rust_example(forge_env, tmp_path):
    repo, cargo = wordfreq(forge_env, tmp_path)
    result = forge_env.run("run", "do milestone 1", "--yes", "--json", "--replay",
                           str(ROOT / "examples" / "wordfreq" / "recorded-run.json"), cwd=repo, env=cargo,
                           timeout=300)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    rejected = [e["rejected"] for e in events if e["event"] == "attempt" and e["rejected"]]
    assert len(rejected) == 1 and "count_words_ignores_case" in rejected[0]     # cargo test's failure, fed back
    assert "word.to_lowercase()" in (repo / "src" / "lib.rs").read_text()
    assert "- [x] `count_words` ignores case" in (repo / "ROADMAP.md").read_text()
    trailer = subprocess.run(["git", "log", "-2", "--format=%B"], cwd=repo, capture_output=True, text=True).stdout
    assert "Forge-Validation: syntax ok" in trailer and "test ok" in trailer


def test_milestone_2_goes_on_while_milestone_1s_test_still_fails(forge_env, tmp_path):
    """cargo test's failing tests are named too: one that failed before the run does not hold back the others."""
    repo, cargo = wordfreq(forge_env, tmp_path)
    head = "pub fn most_common(text: &str) -> Option<(String, usize)> {\n"
    unique = (f"src/lib.rs\n<<<<<<< SEARCH\n{head}=======\npub fn unique_words(text: &str) -> usize {{\n"
              f"    count_words(text).len()\n}}\n\n{head}>>>>>>> REPLACE\n")
    recording = tmp_path / "answers.json"
    recording.write_text(json.dumps({"answers": [{"task": "add `unique_words", "answers": [unique]}]}))
    result = forge_env.run("run", "add `unique_words(text) -> usize`, the number of distinct words", "--yes",
                           "--json", "--replay", str(recording), cwd=repo, env=cargo, timeout=300)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[0]["failing_before"] == ["cargo:tests::count_words_ignores_case"]
    validated = next(e for e in events if e["event"] == "validated")
    assert "failing before this change too: cargo:tests::count_words_ignores_case" in validated["validation"]
    assert "pub fn unique_words" in (repo / "src" / "lib.rs").read_text()


TOTAL_STUB = ("pub fn total_words(text: &str) -> usize {\n    todo!()\n}\n\n#[cfg(test)]\nmod total_tests {\n"
              "    use super::*;\n\n    #[test]\n    fn sums_every_count() {\n"
              "        assert_eq!(total_words(\"a rose is a rose\"), 5);\n    }\n}\n")


def replace_answer(old: str, new: str) -> str:
    return f"src/lib.rs\n<<<<<<< SEARCH\n{old}=======\n{new}>>>>>>> REPLACE\n"


STUB = "pub fn total_words(text: &str) -> usize {\n    todo!()\n}\n"
WRONG_TOTAL = "pub fn total_words(text: &str) -> usize {\n    count_words(text).len()\n}\n"


def run_on_stub(forge_env, tmp_path: Path, answers: list[str], **env: str) -> tuple[Path, list[dict]]:
    """forge run on wordfreq with a stub whose test fails before (beside milestone 1's), the answers recorded."""
    repo, cargo = wordfreq(forge_env, tmp_path)
    lib = repo / "src" / "lib.rs"
    lib.write_text(lib.read_text() + "\n" + TOTAL_STUB)
    subprocess.run(["git", "commit", "-qam", "a stub"], cwd=repo, check=True)
    recording = tmp_path / "answers.json"
    recording.write_text(json.dumps({"answers": [{"task": "add `total_words", "answers": answers}]}))
    result = forge_env.run("run", "add `total_words(text) -> usize`, the number of words", "--yes", "--json",
                           "--replay", str(recording), cwd=repo, env={**cargo, **env}, timeout=300)
    assert result.returncode == 0, result.stderr
    return lib, [json.loads(line) for line in result.stdout.splitlines()]


def test_a_stubs_test_that_fails_differently_after_the_edit_is_not_excused(forge_env, tmp_path):
    """Both tests fail before the run: the stub's (`not yet implemented`) and milestone 1's. An answer that makes the
    stub's test fail an assertion instead is rejected; milestone 1's test, failing the very same way, is excused."""
    right = replace_answer(STUB, "pub fn total_words(text: &str) -> usize {\n    text.split_whitespace().count()\n}\n")
    lib, events = run_on_stub(forge_env, tmp_path, [replace_answer(STUB, WRONG_TOTAL), right])
    assert sorted(events[0]["failing_before"]) == ["cargo:tests::count_words_ignores_case",
                                                   "cargo:total_tests::sums_every_count"]
    rejected = [e["rejected"] for e in events if e["event"] == "attempt" and e["rejected"]]
    assert len(rejected) == 1 and "sums_every_count" in rejected[0] and "left: 3" in rejected[0]
    validated = next(e for e in events if e["event"] == "validated")
    assert "failing before this change too: cargo:tests::count_words_ignores_case" in validated["validation"]
    assert "text.split_whitespace().count()" in lib.read_text()


def test_excuse_affected_restores_the_rule_that_excused_every_test_failing_before(forge_env, tmp_path):
    lib, events = run_on_stub(forge_env, tmp_path, [replace_answer(STUB, WRONG_TOTAL)],
                              FORGE_VALIDATION__EXCUSE_AFFECTED="true")
    assert not [e for e in events if e["event"] == "attempt" and e["rejected"]]
    assert WRONG_TOTAL in lib.read_text()


def test_style_is_fixed_before_judging_and_committed_with_the_edit(forge_env, tmp_path):
    """clippy's machine-applicable fix and cargo fmt rewrite the answer's code; the commit holds the fixed code."""
    repo, cargo = wordfreq(forge_env, tmp_path)
    head = "pub fn most_common(text: &str) -> Option<(String, usize)> {\n"
    even = replace_answer(head, "pub fn parity_even(text: &str) -> bool {  count_words(text).len() % 2 == 0 }\n\n"
                                f"{head}")
    recording = tmp_path / "answers.json"
    recording.write_text(json.dumps({"answers": [{"task": "add `parity_even", "answers": [even]}]}))
    result = forge_env.run("run", "add `parity_even(text) -> bool`, true for an even number of distinct terms",
                           "--yes", "--json", "--replay", str(recording), cwd=repo, env=cargo, timeout=300)
    assert result.returncode == 0, result.stderr
    committed = subprocess.run(["git", "show", "HEAD:src/lib.rs"], cwd=repo, capture_output=True, text=True,
                               check=True).stdout
    assert "pub fn parity_even(text: &str) -> bool {\n    count_words(text).len().is_multiple_of(2)\n}\n" in committed
