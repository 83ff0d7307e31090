"""Confidence intervals, paired comparisons and verdicts, on numbers with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from corridor import load_scenario, simulate
from corridor.experiments import Interval, compare_runs, t_interval, verdict
from corridor.experiments.analysis import run_summary
from corridor.experiments.runs import run_table
from tests.experiments.conftest import MM1


def test_t_interval_by_hand() -> None:
    ci = t_interval([1.0, 2.0, 3.0, 4.0])
    # mean 2.5, s = 1.2910, t(0.975, 3) = 3.1824
    assert ci.estimate == 2.5
    assert ci.half_width == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)
    assert (ci.low, ci.high, ci.n) == (ci.estimate - ci.half_width, 2.5 + ci.half_width, 4)


def test_t_interval_leaves_out_nan_and_needs_two_values() -> None:
    assert t_interval([np.nan, 3.0, 5.0]).n == 2
    one = t_interval([7.0])
    assert one.estimate == 7.0
    assert math.isnan(one.half_width)
    assert t_interval([]).n == 0


def test_equal_values_give_a_zero_width_interval() -> None:
    ci = t_interval([1.0 + 1e-16] * 3 + [1.0 + 1e-16])
    assert ci.half_width == 0.0
    assert not ci.spans_zero


def test_t_intervals_cover_the_mean_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(12)
    for sample, truth in (
        (rng.normal(5.0, 3.0, size=(4000, 8)), 5.0),
        (rng.normal(-1.0, 0.1, size=(4000, 3)), -1.0),
        (rng.gamma(8.0, 1.0, size=(4000, 30)), 8.0),  # skewed, as transit times are
    ):
        intervals = [t_interval(row) for row in sample]
        covered = np.mean([ci.low <= truth <= ci.high for ci in intervals])
        assert covered == pytest.approx(0.95, abs=0.012)


def _ci(estimate: float, half: float, n: int = 10) -> Interval:
    return Interval(estimate, half, estimate - half, estimate + half, n, 1.0, 0.95)


def test_verdict_faster_slower_and_no_difference() -> None:
    assert verdict("p50_days", _ci(-3.8, 0.7), "A", "B") == (
        "B is 3.8 d faster than A at P50, 95 % CI 3.1–4.5 d"
    )
    assert verdict("mean_days", _ci(1.0, 0.0), "base", "dwell", route="f r") == (
        "f r: dwell is 1.0 d slower than base in mean transit, 95 % CI 1.0–1.0 d"
    )
    assert verdict("p95_days", _ci(0.1, 0.3), "A", "B") == (
        "no significant difference at P95 between A and B (B − A = +0.1 d, 95 % CI -0.2 to +0.4 d)"
    )
    assert verdict("throughput_teu_per_day", _ci(12.0, 3.0), "A", "B") == (
        "B carries 12.0 TEU/day more than A, 95 % CI 9.0–15.0 TEU/day"
    )
    assert verdict("p50_days", _ci(1.0, math.nan, n=1), "A", "B") == (
        "cannot tell at P50: 1 paired replication (at least 2 are needed for an interval)"
    )


def _runs(a: list[float], b: list[float]) -> pd.DataFrame:
    rows = []
    for label, values in (("A", a), ("B", b)):
        for r, v in enumerate(values):
            rows.append(
                {
                    "scenario": label,
                    "replication": r,
                    "flow": "f",
                    "route": "r",
                    "mean_days": v,
                    "p50_days": v,
                    "p90_days": v,
                    "p95_days": v,
                    "throughput_teu_per_day": 10.0,
                }
            )
    return pd.DataFrame(rows)


def test_paired_differences_use_the_same_replication() -> None:
    # A varies a lot between replications; B is A plus 0.5 +/- a little: pairing sees it
    a = [10.0, 14.0, 8.0, 12.0]
    b = [10.6, 14.4, 8.5, 12.5]
    table = compare_runs(_runs(a, b), "A", "B").set_index("metric")
    row = table.loc["mean_days"]
    assert row["diff"] == pytest.approx(0.5)
    assert row["n"] == 4
    assert row["ci_low"] > 0.3
    assert row["significant"]
    assert table.loc["throughput_teu_per_day", "verdict"].startswith(
        "f r: no significant difference in throughput"
    )


def test_comparing_an_unknown_scenario_names_the_known_ones() -> None:
    with pytest.raises(
        LookupError, match="no scenario 'C' in these results \\(scenarios: 'A', 'B'\\)"
    ):
        compare_runs(_runs([1, 2], [1, 2]), "A", "C")


def test_run_summary_reproduces_the_run_summary() -> None:
    results = simulate(load_scenario(MM1).with_changes(outputs={}), seed=4)
    table = run_table(results, "mm1", 0)
    mine = run_summary(table, results.warmup_h, results.horizon_h)
    theirs = results.summary()
    shares = [c for c in theirs if c.startswith("share_")]
    assert shares
    pd.testing.assert_frame_equal(
        mine.drop(columns=["flow", "route", *shares]).reset_index(drop=True),
        theirs.drop(columns=["flow", "route", *shares]).reset_index(drop=True),
        check_exact=True,
    )
    # the same hours, summed in another order and stored in 32 bits
    pd.testing.assert_frame_equal(mine[shares], theirs[shares], rtol=1e-6, atol=0)
