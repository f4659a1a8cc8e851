"""Terminal output: rich tables on a terminal, plain aligned text when piped, NO_COLOR respected."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Styled(NamedTuple):
    """Text with a rich style for terminals; piped output shows the text alone."""

    text: str
    style: str

    def __str__(self) -> str:
        return self.text


STATE_STYLES = {"ok": "green", "warn": "yellow", "stop": "bold red", "fail": "bold red"}


def state_style(state: str, text: str | None = None) -> Styled:
    return Styled(text if text is not None else state, STATE_STYLES.get(state.lower(), ""))


def rich_enabled() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def console():
    from rich.console import Console

    return Console(no_color=bool(os.environ.get("NO_COLOR")), highlight=False)


@dataclass
class Table:
    """Rows of cells; numbers (or text starting with $ or a digit) are right-aligned."""

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    footer: list[Any] | None = None

    def add(self, *cells: Any) -> None:
        self.rows.append(list(cells))


def _right_aligned(table: Table, index: int) -> bool:
    cells = [r[index] for r in table.rows if r[index] not in ("", "-", None)]
    return bool(cells) and all(isinstance(c, (int, float)) or str(c)[:1] in "$0123456789" for c in cells)


def _text(cell: Any) -> str:
    return "-" if cell is None else str(cell)


def _rich_cell(cell: Any):
    from rich.text import Text

    return Text(cell.text, style=cell.style) if isinstance(cell, Styled) else Text(_text(cell))


def print_table(table: Table) -> None:
    if rich_enabled():
        from rich.table import Table as RichTable

        rich_table = RichTable(title=table.title, show_footer=table.footer is not None)
        for i, name in enumerate(table.columns):
            rich_table.add_column(name, footer=_text(table.footer[i]) if table.footer else "",
                                  justify="right" if _right_aligned(table, i) else "left")
        for row in table.rows:
            rich_table.add_row(*(_rich_cell(c) for c in row))
        console().print(rich_table)
        return
    lines = [table.columns, *([_text(c) for c in r] for r in table.rows)]
    if table.footer:
        lines.append([_text(c) for c in table.footer])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(table.columns))]
    right = [_right_aligned(table, i) for i in range(len(table.columns))]
    out = [table.title] if table.title else []
    for n, line in enumerate(lines):
        if table.footer and n == len(lines) - 1:
            out.append("  ".join("-" * w for w in widths))
        cells = [str(c).rjust(w) if r else str(c).ljust(w) for c, w, r in zip(line, widths, right, strict=False)]
        out.append("  ".join(cells).rstrip())
    print("\n".join(out))


def print_lines(lines: list[str | Styled]) -> None:
    if rich_enabled():
        c = console()
        for line in lines:
            c.print(_rich_cell(line))
    else:
        print("\n".join(str(line) for line in lines))


def print_json(data: Any) -> None:
    import json

    print(json.dumps(data, indent=2, sort_keys=False, default=str))


def print_json_line(data: Any) -> None:
    """One JSON object on one line, flushed: newline-delimited events a CI job reads as they come."""
    import json

    print(json.dumps(data, default=str), flush=True)


def print_csv(header: list[str], rows: list[list[Any]]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def warn(message: str) -> None:
    print(f"forge: warning: {message}", file=sys.stderr)


def usd(value: float | None) -> str:
    if value is None:
        return "unknown"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.4f}" if abs(value) < 1 else f"{sign}${abs(value):,.2f}"
