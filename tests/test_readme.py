"""README.md opens with the two commands; CI runs the second exactly, and the first one's forge part works."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_two_commands_sharing_one_setup():
    run_cmd, test_cmd = readme_commands()
    setup = test_cmd.rsplit(" && ", 1)[0]
    assert run_cmd.startswith(setup + " && ")
    assert "--require-hashes -r requirements.lock" in setup


def test_ci_runs_the_readme_test_command_exactly():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert readme_commands()[1] in ci


def fresh_clone(dest: Path) -> Path:
    """A clone of this checkout in dest: the files a clone of its commit holds (and work not yet committed, so a
    change is checked before it lands), as a git repository of their own."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_symlink() or source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name, follow_symlinks=False)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "clone"]):
        subprocess.run(["git", *args], cwd=dest, check=True, capture_output=True)
    return dest


def venv_reaching_built_packages(clone: Path) -> None:
    """clone/.venv as `python3 -m venv .venv` makes it, reaching the packages of the environment running these
    tests (built from the same lock) through a .pth file: the README's pip steps then find every pin satisfied and
    download nothing, and forge itself is installed from the clone into clone/.venv."""
    subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(clone / ".venv")], check=True)
    purelib = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    built = Path(sysconfig.get_paths()["purelib"])
    for bundled in Path(purelib).iterdir():     # venv's own setuptools, older than the lock's: the built one serves
        if bundled.name.split("-")[0].lower() in ("setuptools", "pkg_resources", "_distutils_hack", "distutils"):
            shutil.rmtree(bundled) if bundled.is_dir() else bundled.unlink()
    Path(purelib, "built-packages.pth").write_text(f"{built}\n")


def user_shell_env(home: Path) -> dict[str, str]:
    """A shell as a new user has it: the venv not activated (nothing of it on PATH), no keys, their own home;
    pip may not download (PIP_NO_INDEX), so a step that needs the network fails here instead of passing slowly."""
    venv_bin = str(Path(sys.prefix) / "bin")
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORGE_", "VIRTUAL_ENV", "PYTHON"))
           and not k.endswith("_API_KEY") and k not in ("OLLAMA_HOST", "XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    env.update(PATH=path, HOME=str(home), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               OLLAMA_HOST="127.0.0.1:9")
    return env


def test_the_main_job_command_as_written_in_a_fresh_clone(tmp_path):
    """README's first command, verbatim, in a fresh clone of this checkout, from a shell where the venv is not
    activated: the example is copied inside forge's own checkout (.forge-example), whose pyproject.toml has ruff
    and pytest settings of its own, and every task of the run must be done."""
    clone = fresh_clone(tmp_path / "forge")
    venv_reaching_built_packages(clone)
    home = tmp_path / "home"
    home.mkdir()
    command = readme_commands()[0]
    result = subprocess.run(["bash", "-c", command], cwd=clone, env=user_shell_env(home), capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    said = result.stdout + result.stderr
    assert re.search(r"landed: (\d+) of \1 tasks done, 0 failed, 0 skipped", said), said
    assert "rejected" in said      # the recording's wrong first answer, turned down by validation
    example = clone / ".forge-example"
    log = subprocess.run(["git", "log", "--format=%s"], cwd=example, capture_output=True, text=True)
    assert "Fix the build" in log.stdout and "landed" not in log.stdout
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=example,
                           capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout   # the failing test was fixed, the build too
    assert (clone / "examples" / "routing" / "router-model.json").is_file()
    assert "oracle" in result.stdout.lower()      # simulate's baselines were printed
