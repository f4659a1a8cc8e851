"""Which repositories' routing.toml may run commands: `forge trust` records the repository and the sha256 of its
routing.toml in the data directory; a file changed since is not trusted until trusted again.

The repository is recorded by its main checkout, so forge's own worktrees of it (under .git/forge/worktrees)
count as the same repository; the file by its path inside the checkout and its content."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from forge import atomic, paths
from forge.errors import ConfigError

TRUST_FILE_NAME = "trusted.json"
_VERSION = 1


@dataclass(frozen=True)
class TrustRecord:
    root: str           # the repository's main checkout
    file: str           # routing.toml's path inside it (posix), or absolute when outside it
    sha256: str
    trusted_at: str


def trust_file() -> Path:
    return paths.data_dir() / TRUST_FILE_NAME


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main_checkout(root: Path) -> Path:
    """The main checkout of the repository that root is a checkout of (root itself unless it is a linked
    worktree, whose .git file points into the main repository's .git/worktrees)."""
    root = root.resolve()
    dot_git = root / ".git"
    try:
        if not dot_git.is_file():
            return root
        gitdir = Path(dot_git.read_text(encoding="utf-8").strip().removeprefix("gitdir:").strip())
        gitdir = gitdir if gitdir.is_absolute() else (root / gitdir)
        common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    except (OSError, UnicodeDecodeError):
        return root
    return common.parent if common.name == ".git" else root


def _key(repo_root: Path, config_file: Path) -> tuple[str, str]:
    """(the main checkout, the file's path inside it). A file inside root (a worktree's own copy) is named by its
    path inside root; else by its path inside the main checkout (a forge worktree validating with the user's
    routing.toml); else by its absolute path."""
    checkout = repo_root.resolve()
    main = main_checkout(checkout)
    config = config_file.resolve()
    for base in (checkout, main):
        try:
            return str(main), config.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(main), str(config)


def _records() -> list[TrustRecord]:
    """What trusted.json holds; a missing or damaged file trusts nothing."""
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
        return [TrustRecord(**entry) for entry in data["trusted"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _save(records: list[TrustRecord]) -> None:
    trust_file().parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(trust_file(), json.dumps({"version": _VERSION, "trusted": [vars(r) for r in records]},
                                               indent=2) + "\n")


def is_trusted(repo_root: Path, config_file: Path) -> bool:
    """Whether config_file's commands may run: `forge trust` was given in this repository for this very content."""
    try:
        digest = file_digest(config_file)
    except OSError:
        return False
    root, file = _key(repo_root, config_file)
    return any(r.root == root and r.file == file and r.sha256 == digest for r in _records())


def repository_trusted(repo_root: Path) -> bool:
    """Whether the user trusts this repository at all: some routing.toml of it was trusted and is unchanged since
    (what lets validation run the repository's own tools, such as a committed virtual environment)."""
    main = main_checkout(repo_root)
    for record in _records():
        if record.root != str(main):
            continue
        file = Path(record.file)
        candidates = [file] if file.is_absolute() else [repo_root.resolve() / file, main / file]
        for candidate in candidates:
            try:
                if file_digest(candidate) == record.sha256:
                    return True
            except OSError:
                continue
    return False


def trust(repo_root: Path, config_file: Path) -> TrustRecord:
    """Trust config_file's present content for this repository (replacing what was trusted for that file)."""
    root, file = _key(repo_root, config_file)
    record = TrustRecord(root, file, file_digest(config_file), datetime.now(UTC).isoformat(timespec="seconds"))
    kept = [r for r in _records() if (r.root, r.file) != (root, file)]
    _save([*kept, record])
    return record


def revoke(repo_root: Path) -> int:
    """Trust nothing in this repository any more; how many records that removed."""
    root = str(main_checkout(repo_root))
    records = _records()
    kept = [r for r in records if r.root != root]
    if len(kept) != len(records):
        _save(kept)
    return len(records) - len(kept)


def defined_commands(config_file: Path) -> dict[str, dict[str, str]]:
    """The commands config_file itself defines: [validation.commands.LANGUAGE] stage = command."""
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{config_file}: cannot read it: {error}", "fix the file, then forge trust again") from error
    commands = data.get("validation", {}).get("commands", {}) if isinstance(data.get("validation"), dict) else {}
    if not isinstance(commands, dict):
        return {}
    return {language: {stage: str(command) for stage, command in stages.items()}
            for language, stages in commands.items() if isinstance(stages, dict)}
