"""`forge validate` on real temporary crates (cargo offline, no dependencies): #[ignore]d tests run, a workspace's
changed crate is tested first with its -p where cargo reads it, clippy blocks what is wrong and not what is style."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("cargo") is None or shutil.which("cargo-clippy") is None,
                                reason="cargo and clippy are not installed")

MANIFEST = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
SQUARE = """pub fn square(n: u64) -> u64 {
    n * n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two() {
        assert_eq!(square(2), 4);
    }

    #[test]
    #[ignore]
    fn twelve() {
        assert_eq!(square(12), 144);
    }
}
"""
# Passes the plain test (2 + 2 == 2 * 2); only the ignored one tells.
WRONG_SQUARE = SQUARE.replace("    n * n\n", "    n + n\n")
ADD = "pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def crate_repo(root: Path, files: dict[str, str]) -> Path:
    """A git repository with the files committed (target/ ignored)."""
    root.mkdir()
    for path, text in {".gitignore": "target/\n", **files}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dev@example.com")
    git(root, "config", "user.name", "Dev")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the crate")
    return root


def cargo_env(tmp_path: Path) -> dict[str, str]:
    """cargo offline, with the toolchain of this machine (the fixture moves HOME), a target folder per test."""
    home = Path.home()
    return {"CARGO_NET_OFFLINE": "true", "CARGO_TARGET_DIR": str(tmp_path / "target"), "RUST_BACKTRACE": "0",
            "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(home / ".rustup")),
            "CARGO_HOME": os.environ.get("CARGO_HOME", str(home / ".cargo"))}


def validate(forge_env, repo: Path, tmp_path: Path, **env: str) -> tuple[int, dict[str, dict]]:
    result = forge_env.run("validate", "--json", cwd=repo, env={**cargo_env(tmp_path), **env}, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    stages = {s["stage"]: s for s in json.loads(result.stdout)["stages"]}
    return result.returncode, stages


def test_a_wrong_answer_only_an_ignored_test_catches_is_rejected(forge_env, tmp_path):
    repo = crate_repo(tmp_path / "square", {"Cargo.toml": MANIFEST.format(name="square"), "src/lib.rs": SQUARE})
    (repo / "src/lib.rs").write_text(WRONG_SQUARE)
    code, stages = validate(forge_env, repo, tmp_path)
    assert code == 1
    assert not stages["test"]["passed"] and "1 passed, 1 failed" in stages["test"]["summary"]
    assert any("tests::twelve" in d["message"] for d in stages["test"]["diagnostics"])


def test_a_command_that_leaves_ignored_tests_out_says_they_did_not_run(forge_env, tmp_path):
    repo = crate_repo(tmp_path / "square", {"Cargo.toml": MANIFEST.format(name="square"), "src/lib.rs": SQUARE})
    (repo / "src/lib.rs").write_text(SQUARE.replace("n * n", "n.pow(2)"))
    code, stages = validate(forge_env, repo, tmp_path, FORGE_VALIDATION__COMMANDS__RUST__TEST="cargo test --quiet")
    assert code == 0, stages["test"]
    assert stages["test"]["summary"] == "rust: 1 passed, 1 ignored (not run)"


def workspace(tmp_path: Path) -> Path:
    members = {f"{name}/Cargo.toml": MANIFEST.format(name=name) for name in ("shapes", "sums")}
    return crate_repo(tmp_path / "ws", {"Cargo.toml": '[workspace]\nmembers = ["shapes", "sums"]\nresolver = "2"\n',
                                        **members, "shapes/src/lib.rs": SQUARE, "sums/src/lib.rs": ADD})


def test_a_workspace_tests_the_changed_crate_first_ignored_tests_included(forge_env, tmp_path):
    """The changed crate's run takes -p before the `--` of the default command (after it, the test binary would
    get it and fail), and its ignored test runs."""
    repo = workspace(tmp_path)
    (repo / "shapes/src/lib.rs").write_text(WRONG_SQUARE)
    code, stages = validate(forge_env, repo, tmp_path)
    assert code == 1
    assert "affected crate first - stopped before the suite" in stages["test"]["summary"]
    assert any("tests::twelve" in d["message"] for d in stages["test"]["diagnostics"])
    (repo / "shapes/src/lib.rs").write_text(SQUARE.replace("n * n", "n.pow(2)"))
    code, stages = validate(forge_env, repo, tmp_path)
    assert code == 0, stages["test"]
    assert stages["test"]["summary"] == "rust: 2 passed"


EVEN = "\npub fn even(n: u32) -> bool {\n    n % 2 == 0\n}\n"
SAME = "\npub fn same(a: u32) -> bool {\n    let b = a;\n    b == b\n}\n"


def test_a_clippy_style_lint_does_not_block_a_correct_answer(forge_env, tmp_path):
    repo = crate_repo(tmp_path / "adder", {"Cargo.toml": MANIFEST.format(name="adder"), "src/lib.rs": ADD})
    (repo / "src/lib.rs").write_text(ADD + EVEN)
    code, stages = validate(forge_env, repo, tmp_path)
    assert code == 0, stages["lint"]
    lint = stages["lint"]
    assert lint["summary"] == "rust (cargo): ok; 1 warning not blocking"
    assert [(d["severity"], d["line"]) for d in lint["diagnostics"]] == [("warning", 6)]
    assert "is_multiple_of" in lint["diagnostics"][0]["message"]


def test_a_clippy_correctness_lint_blocks_and_the_style_one_beside_it_does_not(forge_env, tmp_path):
    repo = crate_repo(tmp_path / "adder", {"Cargo.toml": MANIFEST.format(name="adder"), "src/lib.rs": ADD})
    (repo / "src/lib.rs").write_text(ADD + EVEN + SAME)
    code, stages = validate(forge_env, repo, tmp_path)
    assert code == 1
    lint = stages["lint"]
    assert not lint["passed"] and lint["summary"].startswith("rust (cargo): 1 new finding;")
    assert [d["message"] for d in lint["diagnostics"]] == ["equal expressions as operands to `==`"]


RESULT_TEST = ADD + """
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_within_range() -> Result<(), String> {
        if add(2, 2) == 4 { Ok(()) } else { Err(format!("add(2, 2) gave {}", add(2, 2))) }
    }
}
"""


def test_a_test_that_returns_err_is_named_with_its_error(forge_env, tmp_path):
    """No panic to point at: the failure is the test's name and the error it returned, fed back as it is."""
    repo = crate_repo(tmp_path / "adder", {"Cargo.toml": MANIFEST.format(name="adder"), "src/lib.rs": RESULT_TEST})
    (repo / "src/lib.rs").write_text(RESULT_TEST.replace("    a + b\n", "    a * b + 1\n"))
    code, stages = validate(forge_env, repo, tmp_path)
    assert code == 1
    assert [d["message"] for d in stages["test"]["diagnostics"]] == [
        'tests::adds_within_range failed: Error: "add(2, 2) gave 5"']
