"""Body of `forge log`."""

from __future__ import annotations

from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError

# The table stays narrow: each stage's verdict, not its details, and the subject's start; --json holds them whole.
VALIDATION_CHARS = 48
SUBJECT_CHARS = 50


def run(st: CliState, *, limit: int | None, as_json: bool) -> None:
    from forge.commit.git import current_branch, find_repo, short
    from forge.commit.history import forge_history

    if limit is not None and limit < 1:
        raise UsageError(f"-n {limit}: nothing to show", "pass -n 1 or more")
    root = find_repo(st.directory).root
    branch = current_branch(root) or "HEAD"
    commits = forge_history(root).commits[:limit]
    known = [c.cost_usd for c in commits if c.cost_usd is not None]
    unknown = len(commits) - len(known)
    if as_json:
        output.print_json({"branch": branch, "commits": [c.as_dict() for c in commits],
                           "total_cost_usd": round(sum(known), 6), "unknown_cost": unknown})
        return
    if not commits:
        output.print_lines([f"no forge commits on {branch}"])
        return
    table = output.Table(f"forge commits on {branch}", ["commit", "date", "model", "tier", "cost", "validation",
                                                        "subject"])
    for c in commits:
        subject = c.subject + (f" (reverted by {short(c.reverted_by)})" if c.reverted_by else "")
        table.add(short(c.sha), c.date[:16].replace("T", " "), c.model, c.tier, output.usd(c.cost_usd),
                  short_validation(c.validation), _cut(subject, SUBJECT_CHARS))
    total = output.usd(sum(known)) + (f" + {unknown} unknown" if unknown else "")
    table.footer = [f"{len(commits)} commit{'s' if len(commits) != 1 else ''}", "", "", "", total, "", ""]
    output.print_table(table)


def short_validation(trailer: str) -> str:
    """The Forge-Validation trailer without its details, stages of one verdict together:
    "syntax ok (2 files); build ok (...); test ok (14 passed); lint skipped (...)" -> "syntax, build, test ok; lint
    skipped". A trailer of another shape is only cut short."""
    verdicts: list[tuple[str, list[str]]] = []
    for part in _top_level(trailer):
        words = part.split(" (", 1)[0].split()
        if len(words) != 2:
            return _cut(trailer, VALIDATION_CHARS)
        stage, verdict = words
        if verdicts and verdicts[-1][0] == verdict:
            verdicts[-1][1].append(stage)
        else:
            verdicts.append((verdict, [stage]))
    return _cut("; ".join(f"{', '.join(stages)} {verdict}" for verdict, stages in verdicts), VALIDATION_CHARS)


def _top_level(text: str) -> list[str]:
    """text split at the "; " outside parentheses (a stage's details may hold their own)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith("; ", i):
            parts.append(text[start:i])
            start = i + 2
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
