"""The walk of one task's plan that run, ask and simulate share: planned models once each, fallbacks only after
an ending no check judged."""

from __future__ import annotations

from forge.call.walk import PlanWalk


def walked(planned, fallbacks, endings):
    """The models a walk visits when each one ends as endings says (True: judged), in turn."""
    walk, seen = PlanWalk(planned, fallbacks), []
    for (_, model), judged in zip(walk, endings, strict=False):
        seen.append(model)
        walk.ended(judged)
    return seen


def test_a_rejected_answer_walks_the_plan_and_stops_before_the_fallbacks():
    assert walked(["a", "b"], ["c"], [True, True, True]) == ["a", "b"]


def test_a_provider_failure_on_the_last_planned_model_goes_on_to_the_fallbacks():
    assert walked(["a", "b"], ["c", "d"], [True, False, False, True]) == ["a", "b", "c", "d"]
    assert walked(["a", "b"], ["c", "d"], [True, False, True]) == ["a", "b", "c"]


def test_each_model_has_one_step_and_a_model_not_told_ended_counts_as_unjudged():
    walk = PlanWalk(["a", None, "a", "b"], ["b", "c"])
    assert walk.order == ["a", "b", "c"]
    assert [step for step, _ in walk] == [0, 1, 2]  # never told ended(): every ending unjudged, fallbacks reached


def test_following_names_what_comes_next_for_either_ending():
    walk = PlanWalk(["a", "b"], ["c"])
    assert walk.following(0) == "b"
    assert walk.following(1, judged=True) is None
    assert walk.following(1, judged=False) == "c"
    assert walk.following(2, judged=False) is None
