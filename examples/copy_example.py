"""Copy a bundled example into DEST as a git repository of its own, with one commit, so that `forge run` can
branch, commit and land there without touching forge's own repository. DEST is replaced if it exists.

    python examples/copy_example.py calculator .forge-example
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# A local identity in the copy only, used when git has none configured (CI machines often have none).
IDENTITY = {"user.name": "forge example", "user.email": "example@forge.invalid"}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not (HERE / argv[0]).is_dir():
        names = ", ".join(sorted(p.name for p in HERE.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))))
        print(f"usage: python examples/copy_example.py NAME DEST (NAME: one of {names})", file=sys.stderr)
        return 2
    source, dest = HERE / argv[0], Path(argv[1])
    if dest.resolve() == HERE.parent.resolve() or HERE.parent.resolve().is_relative_to(dest.resolve()):
        print(f"copy_example: refusing to replace {dest}: it holds forge itself", file=sys.stderr)
        return 2
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "target", ".pytest_cache"))

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=dest, check=True, stdout=subprocess.DEVNULL)

    git("init", "--quiet", "--initial-branch=main")
    for key, value in IDENTITY.items():
        if subprocess.run(["git", "config", key], cwd=dest, capture_output=True).returncode != 0:
            git("config", key, value)
    git("add", "--all")
    git("commit", "--quiet", "--no-verify", "-m", f"the {argv[0]} example as bundled with forge")
    print(dest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
