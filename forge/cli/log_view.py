"""Body of `forge log`."""

from __future__ import annotations

from forge.cli import output
from forge.cli.state import CliState
from forge.errors import UsageError


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
                  c.validation, subject)
    total = output.usd(sum(known)) + (f" + {unknown} unknown" if unknown else "")
    table.footer = [f"{len(commits)} commit{'s' if len(commits) != 1 else ''}", "", "", "", total, "", ""]
    output.print_table(table)
