"""The statistics of `forge route ab-test` on known values: exact McNemar p-values, summaries, verdicts."""

from __future__ import annotations

import pytest

from forge.route.abtest import Sample, compare, mcnemar_exact, min_discordant, summarise


@pytest.mark.parametrize("only_a, only_b, p", [
    (0, 0, 1.0),  # nothing to tell the models apart
    (1, 0, 1.0),
    (5, 0, 0.0625),  # 2 / 2**5: five to nothing is not yet significant at 5 %
    (6, 0, 0.03125),
    (0, 6, 0.03125),  # symmetric
    (3, 3, 1.0),  # capped at 1
    (10, 2, 158 / 4096),  # 2 * (C(12,0) + C(12,1) + C(12,2)) / 2**12 = 0.0386 (scipy.stats.binomtest agrees)
    (1, 9, 22 / 1024),  # 2 * (1 + 10) / 2**10
    (25, 15, 0.1538599441628),  # scipy.stats.binomtest(15, 40).pvalue
])
def test_exact_mcnemar_p_values(only_a, only_b, p):
    assert mcnemar_exact(only_a, only_b) == pytest.approx(p, rel=1e-6)


def test_six_discordant_tasks_are_the_fewest_that_can_be_significant_at_5_percent():
    assert min_discordant(0.05) == 6
    assert min_discordant(0.01) == 8  # 2 / 2**8 = 0.0078


def test_summary_leaves_unknown_prices_and_unanswered_calls_out_of_the_means():
    s = summarise("m", [Sample(True, 0.002, 100.0), Sample(False, None, 300.0), Sample(False, 0.0, None),
                        Sample(True, 0.004, 200.0)])
    assert (s.tasks, s.successes, s.errors, s.unknown_cost_calls) == (4, 2, 1, 1)
    assert s.success_rate == 0.5
    assert s.cost_usd == pytest.approx(0.006) and s.mean_cost_usd == pytest.approx(0.002)
    assert s.mean_latency_ms == 200.0 and s.p50_latency_ms == 200.0
    unknown = summarise("m", [Sample(True, None, 10.0)])
    assert (unknown.cost_usd, unknown.mean_cost_usd, unknown.unknown_cost_calls) == (None, None, 1)
    assert summarise("m", []).success_rate == 0.0


def yes(n: int) -> list[Sample]:
    return [Sample(True, 0.0, 1.0)] * n


def no(n: int) -> list[Sample]:
    return [Sample(False, 0.0, 1.0)] * n


def test_comparison_counts_pairs_and_names_the_better_model():
    c = compare("a", yes(1) + yes(7) + no(2), "b", yes(1) + no(7) + no(2))
    assert (c.both, c.only_a, c.only_b, c.neither) == (1, 7, 0, 2)
    assert c.p_value == pytest.approx(2 / 128) and c.significant
    assert c.verdict == "a succeeds more often than b: significant at 5% (p = 0.01562)"
    flipped = compare("a", no(7), "b", yes(7))
    assert flipped.verdict.startswith("b succeeds more often than a")


def test_comparison_verdicts_when_nothing_can_be_concluded():
    few = compare("a", yes(3) + no(1), "b", no(3) + yes(1))
    assert not few.significant
    assert few.verdict == ("no significant difference at 5% (p = 0.625); with 4 task(s) where only one succeeded "
                           "none could be, it takes at least 6")
    many = compare("a", yes(10) + no(8), "b", no(10) + yes(8))
    assert many.verdict == f"no significant difference at 5% (p = {mcnemar_exact(10, 8):.4g})"
    same = compare("a", yes(2) + no(1), "b", yes(2) + no(1))
    assert same.verdict == "no task where only one model succeeded: no difference in success"
    assert same.p_value == 1.0


def test_tasks_either_model_missed_are_left_out_of_the_pairing():
    c = compare("a", [*yes(2), None, Sample(True, 0.0, 1.0)], "b", [*no(2), Sample(True, 0.0, 1.0), None])
    assert (c.a.tasks, c.b.tasks, c.only_a, c.only_b) == (2, 2, 2, 0)
