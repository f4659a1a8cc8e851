"""Stage results kept by what they were computed from: the tree's fingerprint (HEAD + every uncommitted change),
the stage, the profile and its command. One small JSON file per result under data_dir()/validation-cache/;
results older than a week go when a new one is written. Only passes are kept: a failure may come from the
environment (a missing module, a full disk, a flaky service) and must be seen again; timeouts and skips never."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import replace
from pathlib import Path

from forge import atomic, paths
from forge.validate.report import StageResult

VERSION = "1"       # bump when a stage's way of judging changes, so old verdicts are not reused
KEEP_S = 7 * 24 * 3600


class ResultCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.data_dir() / "validation-cache"

    @staticmethod
    def key(fingerprint: str, stage: str, profile: str, command: str, *judged_by: str) -> str:
        """judged_by: whatever else the verdict depends on (the test stage's known failures)."""
        return hashlib.sha256("\0".join((VERSION, fingerprint, stage, profile, command, *judged_by)).encode()
                              ).hexdigest()

    def get(self, key: str) -> StageResult | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
            return replace(StageResult.from_json(data), cached=True)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def put(self, key: str, result: StageResult) -> None:
        if result.skipped or result.timed_out or not result.passed:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic.write_text(self.folder / f"{key}.json", json.dumps(result.as_json()))
            self._prune()
        except OSError:
            pass    # a cache that cannot be written only costs the next run its time

    def _prune(self) -> None:
        cutoff = time.time() - KEEP_S
        for entry in self.folder.glob("*.json"):
            try:
                if entry.stat().st_mtime < cutoff:
                    entry.unlink()
            except OSError:
                pass
