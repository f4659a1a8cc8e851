"""What a run tells the world as it goes: events (one JSON line each with --json), and the run's summary. Pure."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# Every kind of event, in the order a task meets them. --json prints one per line: {"event": kind, ...}.
# "attempt" is sent once a call ended and its answer was checked (it carries the verdict), so an accepted answer's
# "validated" comes before its "attempt"; "committed" follows both. A question or a review gets "answer" (the
# model's prose, shown and not applied) in place of "validated" and "committed". A dry run sends "plan" alone.
KINDS = ("plan", "run_started", "task_started", "routed", "validated", "attempt", "answer", "committed", "merged",
         "redo", "task_done", "task_failed", "task_skipped", "task_cancelled", "checklist", "landed", "not_landed",
         "run_finished")


@dataclass(frozen=True)
class Event:
    kind: str
    task: str | None = None
    data: dict = field(default_factory=dict)
    ts: float = field(default_factory=time.time)

    def as_json(self) -> dict:
        return {"event": self.kind, **({"task": self.task} if self.task else {}), **self.data,
                "ts": round(self.ts, 3)}


@dataclass
class TaskView:
    """One task's line in the live view and the summary."""

    id: str
    text: str
    state: str = "pending"   # pending, running, validating, done, failed, skipped, cancelled
    model: str = ""
    tier: str = ""
    attempts: int = 0
    cost_usd: float = 0.0
    cost_known: bool = True
    baseline_usd: float = 0.0  # what the baseline model would spend on the task by itself (forge costs' rule)
    baseline_measured: bool = False  # the baseline model answered in this task: its own calls, not an estimate
    commits: list[str] = field(default_factory=list)
    note: str = ""
    answer: str | None = None  # a question's or a review's answer, by the model that gave it
    answered_by: str = ""
    turned_down: list[tuple[str, str]] = field(default_factory=list)  # (model, "was rejected" or "failed (why)")

    def escalated_past(self) -> list[str]:
        """What happened on the models before the one that did the task: "small was rejected", "mid failed (...)"."""
        said: dict[str, str] = {}
        for model, verdict in self.turned_down:
            if model != self.model:
                said.setdefault(model, verdict)
        return [f"{model} {verdict}" for model, verdict in said.items()]


@dataclass
class RunView:
    """The run as the events built it: what the live view draws and the summary adds up."""

    run_id: str = ""
    tasks: dict[str, TaskView] = field(default_factory=dict)
    landed: dict | None = None
    status: str = "running"
    branch_commits: int | None = None   # when known (from git): what the run branch holds, resumes included
    cost_before_usd: float = 0.0        # what the run spent before a resume (from the ledger)
    baseline_before_usd: float = 0.0
    baseline_before_tasks: int = 0
    baseline_before_measured: int = 0
    baseline_model: str = ""            # what savings are measured against (budgets.baseline_model)

    def apply(self, event: Event) -> None:
        data, task = event.data, self.tasks.get(event.task or "")
        if event.kind == "run_started":
            self.run_id = data["run"]
            self.cost_before_usd = data.get("cost_before_usd") or 0.0
            self.baseline_before_usd = data.get("baseline_before_usd") or 0.0
            self.baseline_before_tasks = data.get("baseline_before_tasks") or 0
            self.baseline_before_measured = data.get("baseline_before_measured") or 0
            self.baseline_model = data.get("baseline_model") or ""
            self.tasks = {t["id"]: TaskView(t["id"], t["text"]) for t in data["tasks"]}
            for done in data.get("resumed_done", []):
                self.tasks[done].state = "done"
                self.tasks[done].note = "done before the resume"
        elif task is None:
            if event.kind == "landed":
                self.landed = data
            elif event.kind == "run_finished":
                self.status = data["status"]
        elif event.kind == "task_started":
            task.state = "running"
        elif event.kind == "routed":
            task.model, task.tier = data.get("model") or "(tool)", data.get("tier") or ""
        elif event.kind == "attempt":
            task.attempts += 1
            task.model, task.tier = data["model"], data.get("tier", task.tier)
            if data.get("cost_usd") is None:
                task.cost_known = False
            else:
                task.cost_usd += data["cost_usd"]
            # Each attempt carries the task's baseline so far (from its calls in the ledger): the last one holds.
            task.baseline_usd = data.get("baseline_usd") or 0.0
            task.baseline_measured = bool(data.get("baseline_measured"))
            task.state = "running"
            if data.get("error_kind"):
                task.turned_down.append((data["model"], f"failed ({data['error_kind']})"))
            elif data.get("rejected"):
                task.turned_down.append((data["model"], "was rejected"))
        elif event.kind == "answer":
            task.answer, task.answered_by = data["text"], data["model"]
        elif event.kind == "merged":
            task.commits.extend(data["commits"])
        elif event.kind == "checklist" and data.get("commit"):
            task.commits.append(data["commit"])
        elif event.kind == "redo":
            task.note = data["reason"]
            task.commits.clear()
        elif event.kind in ("task_done", "task_failed", "task_skipped", "task_cancelled"):
            task.state = event.kind.removeprefix("task_")
            task.note = data.get("reason", task.note)

    def summary(self) -> dict:
        states = [t.state for t in self.tasks.values()]
        cost = self.cost_before_usd + sum(t.cost_usd for t in self.tasks.values())
        baseline = self.baseline_before_usd + sum(t.baseline_usd for t in self.tasks.values())
        priced = [t for t in self.tasks.values() if t.attempts]
        return {"run": self.run_id, "status": self.status, "tasks": len(states),
                "done": states.count("done"), "failed": states.count("failed"), "skipped": states.count("skipped"),
                "cancelled": states.count("cancelled"),
                "commits": self.branch_commits if self.branch_commits is not None
                else sum(len(t.commits) for t in self.tasks.values()),
                "cost_usd": round(cost, 6), "cost_known": all(t.cost_known for t in self.tasks.values()),
                "baseline_usd": round(baseline, 6),
                "baseline_tasks": self.baseline_before_tasks + len(priced),
                "baseline_measured": self.baseline_before_measured + sum(t.baseline_measured for t in priced),
                "saved_usd": round(baseline - cost, 6) if baseline else None}
