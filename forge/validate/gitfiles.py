"""What git knows about the working tree: the uncommitted changes, HEAD, and a file's content at HEAD."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from forge.errors import UsageError


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise UsageError("git not found", "install git") from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed in {root}: {message[-1] if message else proc.returncode}",
                         "run forge validate inside a git repository")
    return proc


def head(root: Path) -> str | None:
    """HEAD's commit id, None in a repository without commits."""
    proc = _git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode().strip() or None


def changed_files(root: Path) -> list[str]:
    """Uncommitted changes against HEAD (changed, added, deleted; a renamed file as both its old and new path) and
    untracked files git does not ignore."""
    tracked = (_git(root, "diff", "--name-only", "--no-renames", "-z", "HEAD").stdout if head(root)
               else _git(root, "ls-files", "-z", "--cached").stdout)
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard").stdout
    names = [n.decode("utf-8", "surrogateescape") for n in (tracked + untracked).split(b"\0") if n]
    return sorted(set(names))


def renames(root: Path) -> dict[str, str]:
    """Files renamed since HEAD (git mv, or a deletion and an addition git pairs up): new path -> old path."""
    if head(root) is None:
        return {}
    proc = _git(root, "diff", "--name-status", "-M", "-z", "HEAD", check=False)
    words = [w.decode("utf-8", "surrogateescape") for w in proc.stdout.split(b"\0")] if proc.returncode == 0 else []
    found: dict[str, str] = {}
    i = 0
    while i < len(words) and words[i]:
        status = words[i]
        if status[:1] in ("R", "C") and i + 2 < len(words):
            if status[:1] == "R":
                found[words[i + 2]] = words[i + 1]
            i += 3
        else:
            i += 2
    return found


def base_content(root: Path, path: str, renamed: dict[str, str] | None = None) -> bytes | None:
    """A file's bytes at HEAD (a renamed file's: those of its old path), None when it is new (or there is no
    HEAD). renamed: renames(root), when the caller has it already."""
    if renamed is None:
        renamed = renames(root)
    proc = _git(root, "show", f"HEAD:{renamed.get(path, path)}", check=False)
    return proc.stdout if proc.returncode == 0 else None


def tree_files(root: Path) -> list[str]:
    """Every file of the working tree git would show: tracked and untracked, not ignored."""
    out = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    return [n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n]


def fingerprint(root: Path, changed: list[str]) -> str:
    """A hash that names the working tree's content as far as validation can see it: HEAD plus every uncommitted
    change (path and bytes), plus which files were asked about."""
    digest = hashlib.sha256((head(root) or "no-head").encode())
    for path in changed_files(root):
        digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(hashlib.sha256((root / path).read_bytes()).digest())
        except (FileNotFoundError, IsADirectoryError):
            digest.update(b"<absent>")
    digest.update(b"\0asked\0" + "\0".join(sorted(changed)).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
