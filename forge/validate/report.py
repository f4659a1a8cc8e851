"""What validation found: diagnostics, one result per stage, and the report (feedback for a model, JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

STAGES = ("syntax", "build", "test", "lint")
TAIL_CHARS = 4000
FEEDBACK_DIAGNOSTICS = 20
UNTRUSTED = "routing.toml's commands are not trusted here: run forge trust"


@dataclass(frozen=True)
class Diagnostic:
    file: str           # relative to the repository root
    line: int           # 1-based; 0 when the tool named no line
    column: int         # 1-based; 0 when unknown
    severity: str       # "error" or "warning"
    code: str           # the tool's rule or error name: "F401", "E0425", "ImportError", "syntax"
    message: str

    def where(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column}" if self.column else f"{self.file}:{self.line}"

    def text(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.where()}: {self.severity}{code}: {self.message}"


@dataclass(frozen=True)
class StageResult:
    stage: str
    passed: bool
    skipped_reason: str = ""            # set when the stage did not run (then passed says nothing)
    duration_s: float = 0.0
    diagnostics: tuple[Diagnostic, ...] = ()
    summary: str = ""                   # "12 passed, 1 failed", "3 modules imported"
    output_tail: str = ""               # the end of the tools' output, for what the diagnostics do not say
    cached: bool = False                # the result of an earlier run on the very same content and command
    untrusted: bool = False             # skipped because the repository's routing.toml is not trusted
    timed_out: bool = False

    @property
    def skipped(self) -> bool:
        return bool(self.skipped_reason)

    @property
    def failed(self) -> bool:
        return not self.skipped and not self.passed

    def as_json(self) -> dict:
        data = asdict(self)
        data["skipped"] = self.skipped
        data["diagnostics"] = [asdict(d) for d in self.diagnostics]
        return data

    @classmethod
    def from_json(cls, data: dict) -> StageResult:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["diagnostics"] = tuple(Diagnostic(**d) for d in data.get("diagnostics", ()))
        return cls(**fields)


def skipped(stage: str, reason: str, untrusted: bool = False) -> StageResult:
    return StageResult(stage, passed=False, skipped_reason=reason, untrusted=untrusted)


def tail(text: str, chars: int = TAIL_CHARS) -> str:
    return text if len(text) <= chars else "…" + text[-chars:]


def combine(stage: str, parts: list[StageResult]) -> StageResult:
    """One stage's result from its parts (one per language profile, or per phase): failed if any part failed;
    skipped only if every part was; the summaries joined."""
    if len(parts) == 1:
        return replace(parts[0], stage=stage)
    ran = [p for p in parts if not p.skipped]
    summary = "; ".join(p.summary if not p.skipped else f"skipped: {p.skipped_reason}"
                        for p in parts if p.summary or p.skipped)
    if not ran:
        return StageResult(stage, False, "; ".join(p.skipped_reason for p in parts),
                           untrusted=any(p.untrusted for p in parts))
    return StageResult(
        stage, passed=all(p.passed for p in ran), duration_s=sum(p.duration_s for p in parts),
        diagnostics=tuple(d for p in parts for d in p.diagnostics), summary=summary,
        output_tail=tail("\n".join(p.output_tail for p in ran if p.output_tail and not p.passed)
                         or "\n".join(p.output_tail for p in ran if p.output_tail)),
        cached=all(p.cached for p in ran), untrusted=any(p.untrusted for p in parts),
        timed_out=any(p.timed_out for p in ran))


@dataclass(frozen=True)
class ValidationReport:
    stages: tuple[StageResult, ...]
    changed: tuple[str, ...] = ()
    duration_s: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def failed_stage(self) -> StageResult | None:
        return next((s for s in self.stages if s.failed), None)

    @property
    def untrusted(self) -> bool:
        return any(s.untrusted for s in self.stages)

    @property
    def verdict(self) -> str:
        """'failed' when a stage failed; 'untrusted' when a check the repository asks for could not run because
        its routing.toml is not trusted (not a pass); else 'passed'."""
        if self.failed_stage is not None:
            return "failed"
        return "untrusted" if self.untrusted else "passed"

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"

    def feedback(self) -> str:
        """Text for a model's retry: the failing stage, its diagnostics with file:line first, else its output."""
        if self.verdict == "untrusted":
            return f"validation incomplete: {UNTRUSTED}"
        failed = self.failed_stage
        if failed is None:
            return "validation passed: " + ", ".join(f"{s.stage} {s.summary or 'ok'}" for s in self.stages
                                                     if not s.skipped)
        lines = [f"validation failed at {failed.stage}: {failed.summary}".rstrip(": ")]
        errors = sorted(failed.diagnostics, key=lambda d: d.severity != "error")
        lines += [d.text() for d in errors[:FEEDBACK_DIAGNOSTICS]]
        if len(errors) > FEEDBACK_DIAGNOSTICS:
            lines.append(f"… and {len(errors) - FEEDBACK_DIAGNOSTICS} more")
        if not failed.diagnostics and failed.output_tail:
            lines += ["output (end):", tail(failed.output_tail, 2000)]
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"passed": self.passed, "verdict": self.verdict,
                "failed_stage": self.failed_stage.stage if self.failed_stage else None,
                "duration_s": round(self.duration_s, 4), "changed": list(self.changed),
                "stages": [s.as_json() for s in self.stages], "notes": list(self.notes),
                "feedback": self.feedback()}
