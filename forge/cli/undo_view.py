"""Body of `forge undo`."""

from __future__ import annotations

from forge.cli import output
from forge.cli.state import CliState


def run(st: CliState, *, count: int, as_json: bool) -> None:
    from forge.commit.git import short
    from forge.commit.undo import undo

    result = undo(st.directory, count)
    pairs = list(zip(result.reverted, result.reverts, strict=True))
    if as_json:
        output.print_json({"branch": result.branch, "old_head": result.old_head, "new_head": result.new_head,
                           "reverted": [{**c.as_dict(), "revert": revert} for c, revert in pairs]})
        return
    output.print_lines([f"reverted {short(c.sha)} {c.subject} ({c.model}, {output.usd(c.cost_usd)}) "
                        f"with {short(revert)} on {result.branch}" for c, revert in pairs])
