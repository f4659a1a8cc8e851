"""`forge validate --staged`: the pre-commit gate checks what the commit will hold, not the working tree."""

from __future__ import annotations

import json
import subprocess


def git(cwd, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_staged_content_is_what_is_validated(forge_env):
    root = forge_env.cwd
    (root / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    git(root, "add", "calc.py")
    git(root, "commit", "-qm", "calc")
    (root / "calc.py").write_text("def add(a, b):\n    return a +\n")          # broken, staged
    git(root, "add", "calc.py")
    (root / "calc.py").write_text("def add(a, b):\n    return a + b + 0\n")    # fixed, not staged
    (root / "scratch.py").write_text("import os\n")                          # untracked, not staged

    staged = forge_env.run("validate", "--staged", "--json")
    assert staged.returncode == 1, staged.stderr
    report = json.loads(staged.stdout)
    assert report["changed"] == ["calc.py"]
    assert report["stages"][0]["stage"] == "syntax" and not report["stages"][0]["passed"]

    git(root, "add", "calc.py")                                               # now the fixed copy is staged
    again = forge_env.run("validate", "--staged", "--json")
    assert again.returncode == 0, again.stdout
    assert json.loads(again.stdout)["changed"] == ["calc.py"]                 # scratch.py is not part of it
