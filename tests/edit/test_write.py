"""write_changes: every file written whole, new folders made, explicit deletions done, nothing written over a file
that changed since the edits were computed, and nothing half done when a write fails."""

from __future__ import annotations

import os

import pytest

from forge.edit import StaleEdit, UnsafePath, WriteFailed, apply_edits, parse_edits, write_changes

ANSWER = """I'll update the greeting, add a module and drop the old one.

greet.py
```python
<<<<<<< SEARCH
    return "hello"
=======
    return "hello, world"
>>>>>>> REPLACE
```

```python:pkg/sub/new.py
VALUE = "ünïcode"
```

<<<<<<< DELETE old.py
"""


@pytest.fixture
def root(tmp_path):
    path = tmp_path / "repo"
    path.mkdir()
    (path / "greet.py").write_bytes(b"def greet():\r\n    return \"hello\"\r\n")
    (path / "old.py").write_text("x = 1\n")
    return path


def test_changes_are_written_created_and_deleted(root):
    result = apply_edits(root, parse_edits(ANSWER))
    assert result.ok
    written = write_changes(root, result)
    assert sorted(written) == ["greet.py", "old.py", "pkg/sub/new.py"]
    assert (root / "greet.py").read_bytes() == b"def greet():\r\n    return \"hello, world\"\r\n"
    assert (root / "pkg/sub/new.py").read_text(encoding="utf-8") == 'VALUE = "ünïcode"\n'
    assert not (root / "old.py").exists()
    assert sorted(p.name for p in root.iterdir()) == ["greet.py", "pkg"]   # no temporary left behind


def test_a_file_changed_after_apply_is_not_overwritten_and_nothing_is_written(root):
    result = apply_edits(root, parse_edits(ANSWER))
    (root / "greet.py").write_text("def greet():\n    return 'hi'\n")
    with pytest.raises(StaleEdit, match="^greet.py changed on disk after the edits were computed$"):
        write_changes(root, result)
    assert (root / "old.py").exists() and not (root / "pkg").exists()


def test_a_link_made_after_apply_is_still_refused(root, tmp_path):
    result = apply_edits(root, parse_edits("```python:escape/x.py\nx = 1\n```\n"))
    (tmp_path / "outside").mkdir()
    (root / "escape").symlink_to(tmp_path / "outside")
    with pytest.raises(UnsafePath, match="^escape/x.py: leads outside the repository"):
        write_changes(root, result)
    assert list((tmp_path / "outside").iterdir()) == []


def test_an_executable_script_stays_executable(root):
    script = root / "run.sh"
    script.write_text("#!/bin/sh\necho a\n")
    script.chmod(0o755)
    write_changes(root, apply_edits(root, parse_edits("run.sh\n<<<<<<< SEARCH\necho a\n=======\necho b\n"
                                                      ">>>>>>> REPLACE\n")))
    assert script.read_text() == "#!/bin/sh\necho b\n" and os.stat(script).st_mode & 0o777 == 0o755


def test_a_failed_write_puts_back_what_was_written(root):
    result = apply_edits(root, parse_edits("greet.py\n<<<<<<< SEARCH\n    return \"hello\"\n=======\n    return 1\n"
                                           ">>>>>>> REPLACE\n```python:blocked/z.py\nz = 2\n```\n"))
    (root / "blocked").write_text("a file where the edit needs a folder\n")    # appears after apply
    with pytest.raises(WriteFailed, match="^could not write blocked/z.py"):
        write_changes(root, result)
    assert (root / "greet.py").read_bytes() == b"def greet():\r\n    return \"hello\"\r\n"
    assert (root / "blocked").read_text() == "a file where the edit needs a folder\n"
