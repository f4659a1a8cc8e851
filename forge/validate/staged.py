"""Validating what is staged (`forge validate --staged`, a pre-commit gate): the index's content, not the working
tree's. The index is written out into a temporary linked worktree of the repository at HEAD (git write-tree,
read-tree, checkout-index), so that HEAD, the base contents, the trust of routing.toml and the main checkout's
virtual environment are those of the user's repository; the changed files are those staged. Unstaged edits and
untracked files are not there, so they cannot make a commit pass (or fail) that git would not record."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from forge.config.load import LoadedConfig
from forge.errors import UsageError
from forge.validate import gitfiles
from forge.validate.pipeline import validate
from forge.validate.report import ValidationReport


def staged_files(root: Path) -> list[str]:
    """The paths whose staged content differs from HEAD (added, changed, deleted; a rename as both its paths);
    every staged path in a repository without commits."""
    if gitfiles.head(root) is None:
        out = gitfiles._git(root, "ls-files", "-z", "--cached").stdout
    else:
        out = gitfiles._git(root, "diff", "--cached", "--name-only", "--no-renames", "-z", "HEAD").stdout
    return sorted({n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n})


@contextmanager
def staged_tree(root: Path) -> Iterator[Path]:
    """A temporary checkout holding exactly the index's content, HEAD as its base; removed afterwards."""
    root = root.resolve()
    if gitfiles.head(root) is None:
        raise UsageError("the repository has no commits yet, so there is no HEAD to validate the index against",
                         "make a first commit, or run forge validate without --staged")
    written = gitfiles._git(root, "write-tree", check=False)
    if written.returncode != 0:
        raise UsageError("the index cannot be written as a tree (unmerged paths?)",
                         "resolve the conflicts and git add the files, then try again")
    tree = written.stdout.decode().strip()
    scratch = Path(tempfile.mkdtemp(prefix="forge-staged-"))
    path = scratch / "tree"
    try:
        gitfiles._git(root, "worktree", "add", "--quiet", "--detach", "--no-checkout", str(path), "HEAD")
        try:
            gitfiles._git(path, "read-tree", tree)
            gitfiles._git(path, "checkout-index", "--all", "--force")
            yield path
        finally:
            gitfiles._git(root, "worktree", "remove", "--force", str(path), check=False)
            gitfiles._git(root, "worktree", "prune", check=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def validate_staged(root: Path, config: LoadedConfig, only: list[str] | None = None,
                    **options) -> ValidationReport:
    """Validate the staged changes (those among only, when given) as the next commit would hold them."""
    changed = staged_files(root)
    if only is not None:
        changed = [c for c in changed if c in set(only)]
    with staged_tree(root) as tree:
        return validate(tree, changed, config, **options)
