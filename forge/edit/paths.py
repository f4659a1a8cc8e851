"""Where an edit may write: only inside the repository, never through a link out of it, never into .git, never
into a git submodule (a repository of its own, which a commit here cannot change)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

from forge.errors import ForgeError


class UnsafePath(ForgeError):
    """A path from a model's answer that would reach outside the repository or into git's own files."""


def resolve_in_repo(root: Path, path: str) -> Path:
    """The absolute, link-free location `path` names inside `root`; UnsafePath if it is absolute, climbs out with
    `..`, goes through a link that leaves the repository, or lies under .git or in a submodule (a folder below
    `root` holding its own .git). It need not exist yet."""
    root = root.resolve()
    relative = _relative_parts(path)
    target = root.joinpath(*relative).resolve()   # follows every link on the way, existing or not
    try:
        inside = target.relative_to(root)
    except ValueError:
        raise UnsafePath(f"{path}: leads outside the repository (to {target}) through a symbolic link",
                         "edit the file where it really is, inside the repository") from None
    if _under_git(inside.parts):
        raise UnsafePath(f"{path}: lies in .git, which only git may change", "edit the working tree instead")
    if not inside.parts:
        raise UnsafePath(f"{path}: names the repository root, not a file", "give a file's path")
    for depth in range(1, len(inside.parts) + 1):
        folder = root.joinpath(*inside.parts[:depth])
        if not folder.is_dir():
            break
        if os.path.lexists(folder / ".git"):
            submodule = "/".join(inside.parts[:depth])
            raise UnsafePath(f"{path}: lies in the git submodule {submodule}, a repository of its own",
                             f"change {submodule} in its own repository; forge edits only this one's files")
    return target


# What file systems allow: a name of at most 255 bytes (ext4, APFS, NTFS), a path of at most 4,096.
MOST_NAME_BYTES, MOST_PATH_BYTES = 255, 4096


def _shown(path: str) -> str:
    return path if len(path) <= 80 else f"{path[:60]}…{path[-15:]} ({len(path)} characters)"


def _relative_parts(path: str) -> tuple[str, ...]:
    if not path.strip():
        raise UnsafePath("an edit names no file", "put the file's path before the block")
    if len(path.encode()) > MOST_PATH_BYTES or any(len(part.encode()) > MOST_NAME_BYTES
                                                  for part in path.replace("\\", "/").split("/")):
        raise UnsafePath(f"{_shown(path)}: a file name longer than {MOST_NAME_BYTES} bytes, which no file system "
                         "holds", "give the file a shorter name")
    if path.startswith("~") or PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute() \
            or PureWindowsPath(path).drive:
        raise UnsafePath(f"{path}: is an absolute path", "give the path relative to the repository root")
    # models on Windows write "src\\x.py"; normpath folds "a/../b", so ".." can only escape by leading the result
    normal = PurePosixPath(os.path.normpath(path.replace("\\", "/")))
    if normal.parts and normal.parts[0] == "..":
        raise UnsafePath(f"{path}: climbs out of the repository with '..'",
                         "give the path relative to the repository root")
    if _under_git(normal.parts):
        raise UnsafePath(f"{path}: lies in .git, which only git may change", "edit the working tree instead")
    return tuple(part for part in normal.parts if part != ".")


def _under_git(parts: tuple[str, ...]) -> bool:
    # casefold: on case-insensitive file systems .GIT is the same folder
    return any(part.casefold() == ".git" for part in parts)
