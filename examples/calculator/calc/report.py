"""Format results for people."""

from calc.ops import add, percent  # percent does not exist yet: the build is broken


def summary(values: list[float]) -> str:
    total = 0.0
    for value in values:
        total = add(total, value)
    return f"{len(values)} values, total {total:g}, first is {percent(values[0], total):.0f}% of it"
