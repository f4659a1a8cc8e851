"""An internal error in any command: exit 1 and one line naming it and its crash log, never a bare traceback."""

from __future__ import annotations

import re
from pathlib import Path

SECRET = "hunter2-crash-secret-value"

# A whole file inside a committed symbolic link that points at itself: resolving its path trips over pathlib's
# RuntimeError, a real internal error left in place as this test's probe (when it gets a message of its own, give
# the test another; a 300-character file name was the probe until it got one). The link's name holds a secret of
# the environment, so the error's text does too.
LOOP = SECRET + "loop"
INTO_LOOP = LOOP + "/x.py\n```python\nx = 1\n```\n"


def test_an_internal_error_is_one_line_with_its_crash_log(forge_env, tmp_path):
    import subprocess

    (forge_env.cwd / LOOP).symlink_to(LOOP)
    for args in (["add", LOOP], ["commit", "-qm", "a link to itself"]):
        subprocess.run(["git", *args], cwd=forge_env.cwd, check=True, capture_output=True)
    answer = tmp_path / "answer.md"
    answer.write_text(INTO_LOOP)

    result = forge_env.run("apply", str(answer), "--task", "add x", env={"MYSERVICE_API_KEY": SECRET})

    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("forge: internal error: RuntimeError: Symlink loop"), lines
    found = re.search(r"\(details: (\S+\.log)\)$", lines[0])
    assert found, lines[0]
    log = Path(found.group(1))
    assert log.parent == forge_env.home / "crashes"
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "resolve_in_repo" in text, text
    assert "***loop" in text and "***loop" in lines[0]
    assert SECRET not in text and SECRET not in result.stderr
    # nothing half-written: the user's checkout as it was
    assert not (forge_env.cwd / "x.py").exists() and len(list(forge_env.cwd.glob("*loop*"))) == 1
