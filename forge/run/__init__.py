"""`forge run`: the task graph executed in parallel (issue 7). The scheduler: plan.py decides, schedule.py runs."""

from forge.run.plan import Frontier, GraphError, Plan, Status, TaskSpec, files_overlap, plan_graph, specs_from_graph
from forge.run.schedule import GraphRun, TaskEvent, TaskState, run_graph

__all__ = ["Frontier", "GraphError", "GraphRun", "Plan", "Status", "TaskEvent", "TaskSpec", "TaskState",
           "files_overlap", "plan_graph", "run_graph", "specs_from_graph"]
