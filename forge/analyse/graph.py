"""The task graph of a request: subtasks as nodes, dependencies as edges (networkx DiGraph)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from forge.analyse.milestones import expand_milestone
from forge.analyse.request import TaskProfile, analyse_task, rules_view
from forge.analyse.subtasks import Subtask, doubt, split_request

# A decomposer (a local model, handed in by the caller): the request -> its subtasks, or None with why not, and
# a line saying who did it.
Decompose = Callable[[str], tuple[list[Subtask] | None, str]]

_MILESTONE = re.compile(r"\bmilestone\s++(\d++)\b", re.I)


class Task(NamedTuple):
    id: str
    profile: TaskProfile
    source: str  # "request", or the roadmap file a milestone item came from (relative to where it was found)


def build_task_graph(request: str, places: list[Path] | None = None,
                     known_task_types: frozenset[str] | None = None, decompose: Decompose | None = None):
    """A DiGraph whose nodes are task ids (attribute "task": Task) and whose edges point to dependants.

    places: the directories searched for a roadmap when the request names a milestone, nearest first.
    decompose: asked only where the rules are unsure (subtasks.doubt); the rules' split stands when it has no
    answer. graph.graph["split_by"] says which split was taken: "rules" or "model"."""
    import networkx as nx

    graph = nx.DiGraph()
    notes: list[str] = []
    subtasks = split_request(request)
    split_by = "rules"
    if (why := doubt(request, subtasks)) is not None:
        if decompose is None:
            notes.append(f"the rules were unsure ({why}); no local model to ask: the rules' split stands")
        else:
            found, said = decompose(request)
            if found:
                subtasks, split_by = found, "model"
                notes.append(f"the rules were unsure ({why}); {said}")
            else:
                notes.append(f"the rules were unsure ({why}); {said}: the rules' split stands")
    ids_of: list[list[str]] = []  # per subtask, the ids it became (a milestone becomes many)
    for index, subtask in enumerate(subtasks):
        match = _MILESTONE.search(rules_view(subtask.text))  # where analysis looks for the milestone intent
        expanded = expand_milestone(places or [], int(match.group(1))) if match else None
        if match and expanded is None:
            notes.append(f"milestone {match.group(1)}: no roadmap in the repository names it; kept as one task")
        if expanded:
            items, path = expanded
            source = _relative(path, places or [])
            notes.append(f"milestone {match.group(1)}: {len(items)} open item(s) from {path.name}")
            ids = []
            for n, item in enumerate(items, 1):
                task_id = f"t{index + 1}.{n}"
                graph.add_node(task_id, task=Task(task_id, analyse_task(item, None, known_task_types), source))
                ids.append(task_id)
        else:
            task_id = f"t{index + 1}"
            graph.add_node(task_id, task=Task(task_id, analyse_task(subtask.text, None, known_task_types),
                                              "request"))
            ids = [task_id]
        ids_of.append(ids)
        for dependency in subtask.after:
            for before in ids_of[dependency]:
                for after in ids:
                    graph.add_edge(before, after)
    graph.graph["notes"] = notes
    graph.graph["split_by"] = split_by
    return graph


def _relative(path: Path, places: list[Path]) -> str:
    """The roadmap's path from the directory it was found in (docs/ROADMAP.md), for writing progress back."""
    for place in places:
        if path.is_relative_to(place):
            return path.relative_to(place).as_posix()
    return path.name
