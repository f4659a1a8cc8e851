"""`forge run --test-first` through the CLI, answers from a recording: tests that fail for the right reason come
first, the implementation makes them pass, and one commit holds both; tests that already pass are refused."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ("tests/test_zero.py\n<<<<<<< SEARCH\n=======\nimport pytest\n\nfrom calc.ops import divide\n\n\n"
         "def test_zero_divisor():\n    with pytest.raises(ValueError):\n        divide(2, 0)\n>>>>>>> REPLACE\n")
PASSING_TESTS = ("tests/test_zero.py\n<<<<<<< SEARCH\n=======\nfrom calc.ops import divide\n\n\n"
                 "def test_two():\n    assert divide(4, 2) == 2\n>>>>>>> REPLACE\n")
CODE = ("calc/ops.py\n<<<<<<< SEARCH\n    return a / b\n=======\n    if b == 0:\n        raise ValueError(\"cannot "
        "divide by zero\")\n    return a / b\n>>>>>>> REPLACE\n")
REQUEST = "make divide raise ValueError for a zero divisor"


def calculator(tmp_path: Path) -> Path:
    repo = tmp_path / "calc"
    shutil.copytree(ROOT / "examples" / "calculator", repo, ignore=shutil.ignore_patterns("__pycache__"))
    report = repo / "calc" / "report.py"     # the build is fixed here: this test is about the divide task alone
    report.write_text(report.read_text().replace("from calc.ops import add, percent", "from calc.ops import add")
                      .replace(", first is {percent(values[0], total):.0f}% of it", ""))
    for args in (["init", "-q"], ["config", "user.name", "t"], ["config", "user.email", "t@t"], ["add", "-A"],
                 ["commit", "-qm", "i"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    return repo


def recording(tmp_path: Path, answers: list[str]) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": [{"task": "divide", "answers": answers}]}))
    return path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def test_tests_first_then_the_code_in_one_commit(forge_env, tmp_path):
    repo = calculator(tmp_path)
    result = forge_env.run("run", REQUEST, "--test-first", "--yes", "--json", "--replay",
                           str(recording(tmp_path, [TESTS, CODE])), cwd=repo)
    assert result.returncode == 0, result.stderr
    kinds = [e["event"] for e in events(result.stdout)]
    assert kinds.count("validated") == 2          # the failing tests, then the code that passes them
    assert git(repo, "log", "--format=%s").splitlines()[0].startswith("Make divide raise ValueError")
    assert sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == ["calc/ops.py",
                                                                                     "tests/test_zero.py"]
    assert len(git(repo, "log", "--format=%H").split()) == 2   # the initial commit and one squashed commit


def test_tests_that_already_pass_are_refused_and_nothing_lands(forge_env, tmp_path):
    repo = calculator(tmp_path)
    head = git(repo, "rev-parse", "HEAD")
    result = forge_env.run("run", REQUEST, "--test-first", "--yes", "--json", "--replay",
                           str(recording(tmp_path, [PASSING_TESTS])), cwd=repo)
    assert result.returncode == 1, result.stderr
    rejected = [e["rejected"] for e in events(result.stdout) if e["event"] == "attempt" and e["rejected"]]
    assert rejected and "pass before the task is done" in rejected[0]
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""
    failed = [e["reason"] for e in events(result.stdout) if e["event"] == "task_failed"]
    assert failed and failed[0].startswith("--test-first: no tests that fail for the right reason")
    assert "nothing reached your branch" in result.stderr
    assert git(repo, "branch", "--list", "forge/*") == ""
