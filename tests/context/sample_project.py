"""The small Python project the context tests index: a table store, code that fills and sums it, and an entry
point; with the helpers that write it into a temporary git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

STORE = '''"""Storage."""


class Table:
    """A table of rows."""

    def __init__(self):
        self.rows = []

    def add_row(self, row):
        self.rows.append(row)
        return len(self.rows)


def open_table():
    return Table()
'''

OTHER = '''from pkg.store import open_table


def fill(n):
    table = open_table()
    for i in range(n):
        table.add_row(i)
    return table


def summarise(table):
    total = 0
    for row in table.rows:
        total += row
    return total
'''

MAIN = '''from pkg.other import fill, summarise


def compute_total(n):
    return summarise(fill(n))
'''

def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
