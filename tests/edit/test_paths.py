"""Edits stay inside the repository: absolute paths, '..', links out of it and .git are refused with the path
and the reason; new files and folders inside it are fine."""

from __future__ import annotations

import pytest

from forge.edit import UnsafePath, resolve_in_repo


@pytest.fixture
def root(tmp_path):
    path = tmp_path / "repo"
    (path / "src").mkdir(parents=True)
    (path / ".git").mkdir()
    (path / "src" / "a.py").write_text("a\n")
    return path


@pytest.mark.parametrize(("path", "why"), [
    ("/etc/passwd", "/etc/passwd: is an absolute path"),
    ("~/.bashrc", "~/.bashrc: is an absolute path"),
    ("C:\\Windows\\x.py", "C:\\Windows\\x.py: is an absolute path"),
    ("../x.py", "../x.py: climbs out of the repository with '..'"),
    ("src/../../x.py", "src/../../x.py: climbs out of the repository with '..'"),
    (".git/config", ".git/config: lies in .git, which only git may change"),
    ("src/../.git/hooks/pre-commit", "src/../.git/hooks/pre-commit: lies in .git, which only git may change"),
    ("sub/.GIT/x", "sub/.GIT/x: lies in .git, which only git may change"),
    (".", ".: names the repository root, not a file"),
    ("  ", "an edit names no file"),
    ("src/" + "n" * 256 + ".py", "src/" + "n" * 56 + "…" + "n" * 12 + ".py (263 characters): a file name longer than "
     "255 bytes, which no file system holds"),
])
def test_paths_outside_the_working_tree_are_refused(root, path, why):
    with pytest.raises(UnsafePath) as refused:
        resolve_in_repo(root, path)
    assert refused.value.message == why and refused.value.hint


def test_a_linked_file_pointing_outside_is_refused(root, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s\n")
    (root / "link.txt").symlink_to(secret)
    with pytest.raises(UnsafePath, match=r"^link.txt: leads outside the repository \(to .*secret.txt\)"):
        resolve_in_repo(root, "link.txt")


def test_a_linked_folder_pointing_outside_is_refused_even_for_new_files(root, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (root / "vendor").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePath, match="^vendor/new/x.py: leads outside the repository"):
        resolve_in_repo(root, "vendor/new/x.py")


def test_a_link_into_git_is_refused(root):
    (root / "hooks").symlink_to(root / ".git")
    with pytest.raises(UnsafePath, match="lies in .git"):
        resolve_in_repo(root, "hooks/pre-commit")


def test_files_inside_are_allowed_new_or_old_and_links_inside_resolve_to_their_target(root):
    assert resolve_in_repo(root, "src/a.py") == (root / "src" / "a.py").resolve()
    assert resolve_in_repo(root, "new/deep/b.py") == (root / "new" / "deep" / "b.py").resolve()
    assert resolve_in_repo(root, "src\\a.py") == (root / "src" / "a.py").resolve()
    (root / "alias.py").symlink_to(root / "src" / "a.py")
    assert resolve_in_repo(root, "alias.py") == (root / "src" / "a.py").resolve()
    assert resolve_in_repo(root, ".github/workflows/ci.yml") == (root / ".github/workflows/ci.yml").resolve()


@pytest.mark.parametrize("path", ["vendor/lib/x.py", "vendor/lib/new/y.py", "vendor/lib", "alias/x.py"])
def test_a_path_in_a_git_submodule_is_refused_naming_it(root, path):
    (root / "vendor" / "lib").mkdir(parents=True)
    (root / "vendor" / "lib" / ".git").write_text("gitdir: ../../.git/modules/lib\n")  # a submodule's .git file
    (root / "vendor" / "lib" / "x.py").write_text("x\n")
    (root / "alias").symlink_to(root / "vendor" / "lib")
    with pytest.raises(UnsafePath) as refused:
        resolve_in_repo(root, path)
    assert refused.value.message == f"{path}: lies in the git submodule vendor/lib, a repository of its own"
    assert "vendor/lib" in refused.value.hint


def test_a_nested_repository_folder_counts_as_a_submodule_but_the_root_does_not(root):
    (root / "tools" / "repo" / ".git").mkdir(parents=True)
    with pytest.raises(UnsafePath, match="lies in the git submodule tools/repo"):
        resolve_in_repo(root, "tools/repo/new.py")
    assert resolve_in_repo(root, "tools/new.py") == (root / "tools" / "new.py").resolve()
