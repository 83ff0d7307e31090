"""Confidence intervals, paired comparisons and verdicts, on numbers with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from corridor import load_scenario, simulate
from corridor.experiments import Interval, compare_runs, t_interval, verdict
from corridor.experiments.analysis import (
    METRICS,
    replication_convergence,
    run_summary,
    select_comparison,
)
from corridor.experiments.runs import run_table
from corridor.kpis import ALL_ROUTES
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


def _containers(transit_days: dict[str, list[float]]) -> pd.DataFrame:
    """One run's stored table: flow f, one container a day per route, all after the
    warm-up (0 h) and delivered, with the given transit times."""
    rows = []
    for route, days in transit_days.items():
        for i, d in enumerate(days):
            rows.append(
                {"flow": "f", "route": route, "teu": 1, "kind": "loaded",
                 "created_h": 24.0 * i, "delivered_h": 24.0 * i + 24.0 * d}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_a_pooled_summary_is_over_the_flows_containers_on_every_route() -> None:
    table = _containers({"r1": [2.0, 4.0], "r2": [6.0]})
    routes = run_summary(table, 0.0, 24.0 * 30).set_index("route")
    assert routes.loc["r1", "mean_days"] == 3.0
    assert routes.loc["r2", "mean_days"] == 6.0
    pooled = run_summary(table, 0.0, 24.0 * 30, pooled=True)
    assert list(pooled["route"]) == [ALL_ROUTES]
    assert pooled.loc[0, "mean_days"] == 4.0  # (2 + 4 + 6) / 3, not (3 + 6) / 2
    assert pooled.loc[0, "delivered"] == 3


def _two_routes(shift: dict[str, list[float]]) -> pd.DataFrame:
    """Runs of A and B over 3 replications: flow f, routes r1 (3 boxes of 4 days in A) and
    r2 (1 box of 10 days in A); B adds ``shift[route][r]`` days to every box of a route in
    replication r. The pooled rows come from :func:`run_summary` as the store makes them."""
    parts = []
    for scenario in ("A", "B"):
        for r in range(3):
            add = {k: (v[r] if scenario == "B" else 0.0) for k, v in shift.items()}
            table = _containers({"r1": [4.0 + add["r1"]] * 3, "r2": [10.0 + add["r2"]]})
            for pooled in (False, True):
                s = run_summary(table, 0.0, 24.0 * 30, pooled=pooled)
                parts.append(s.assign(scenario=scenario, replication=r))
    runs = pd.concat(parts, ignore_index=True)
    runs["route"] = runs["route"].astype(str)
    return runs


def test_a_flow_verdict_pools_its_routes_by_hand() -> None:
    # r1 is 1 d slower in every replication, r2 unchanged: the flow's 4 boxes are
    # (3 x 1 + 0) / 4 = 0.75 d slower on average
    table = compare_runs(_two_routes({"r1": [1.0] * 3, "r2": [0.0] * 3}), "A", "B")
    mean = table[table["metric"] == "mean_days"].set_index("route")
    assert mean.loc[ALL_ROUTES, "level"] == "flow"
    assert mean.loc[ALL_ROUTES, "diff"] == pytest.approx(0.75)
    assert mean.loc[ALL_ROUTES, "verdict"] == (
        "flow f (all routes): B is 0.8 d slower than A in mean transit, 95 % CI 0.8–0.8 d"
    )
    assert mean.loc["r1", "level"] == "route"
    assert mean.loc["r1", "diff"] == pytest.approx(1.0)
    assert mean.loc["r2", "verdict"].startswith("f r2: no significant difference")


def test_differences_under_the_threshold_are_no_practical_difference() -> None:
    # r2 is 0.2, 0.3 and 0.4 d slower: s = 0.1, t(0.975, 2) = 4.303, so the interval is
    # 0.3 ± 0.248 d (0.052 to 0.548): significant, but the estimate is under 0.5 d
    runs = _two_routes({"r1": [0.0] * 3, "r2": [0.2, 0.3, 0.4]})
    row = compare_runs(runs, "A", "B").set_index(["route", "metric"]).loc[("r2", "mean_days")]
    assert row["significant"]
    assert not row["practical"]
    assert row["verdict"] == (
        "f r2: no practical difference in mean transit between A and B "
        "(B − A = +0.30 d, under the 0.5 d threshold; 95 % CI +0.05 to +0.55 d)"
    )
    lower = compare_runs(runs, "A", "B", min_effect_days=0.25).set_index(["route", "metric"])
    assert lower.loc[("r2", "mean_days"), "practical"]
    assert lower.loc[("r2", "mean_days"), "verdict"].startswith("f r2: B is 0.3 d slower")


def test_comparison_rows_are_sorted_by_the_size_of_the_difference() -> None:
    runs = _two_routes({"r1": [-1.0] * 3, "r2": [3.0] * 3})
    mean = compare_runs(runs, "A", "B")
    mean = mean[mean["metric"] == "mean_days"]
    # r2 +3 d, r1 -1 d, the flow (3 x -1 + 3) / 4 = 0 d
    assert list(mean["route"]) == ["r2", "r1", ALL_ROUTES]
    assert list(compare_runs(runs, "A", "B")["metric"].unique()) == list(METRICS)


def test_select_comparison_keeps_the_flows_and_routes_asked_for() -> None:
    table = compare_runs(_two_routes({"r1": [1.0] * 3, "r2": [0.0] * 3}), "A", "B")
    only_r1 = select_comparison(table, routes=["r1"])
    assert set(only_r1["route"]) == {"r1"}
    assert len(only_r1) == len(METRICS)
    whole = select_comparison(table, flows=["f"])
    assert set(whole["route"]) == {"r1", "r2", ALL_ROUTES}
    both = select_comparison(table, flows=["f"], routes=["r2"])
    assert set(both["route"]) == {"r2", ALL_ROUTES}


def test_select_comparison_names_an_unknown_route() -> None:
    table = compare_runs(_two_routes({"r1": [1.0] * 3, "r2": [0.0] * 3}), "A", "B")
    with pytest.raises(LookupError) as info:
        select_comparison(table, routes=["r3"])
    assert str(info.value) == "no route 'r3' in this comparison (the routes are r1, r2)"
    with pytest.raises(LookupError) as info:
        select_comparison(table, flows=["zzz"])
    assert str(info.value) == "no flow 'zzz' in this comparison (the flows are f)"


def test_replication_convergence_by_hand() -> None:
    runs = pd.DataFrame(
        {"scenario": "A", "flow": "f", "route": "r", "replication": [0, 1, 2],
         **{m: [1.0, 2.0, 3.0] for m in METRICS}}
    )  # fmt: skip
    conv = replication_convergence(runs)
    p50 = conv[conv["metric"] == "p50_days"].set_index("replications")
    assert list(p50["mean"]) == [1.0, 1.5, 2.0]
    assert math.isnan(p50.loc[1, "half_width"])
    # two values 1, 2: s = 0.7071, t(0.975, 1) = 12.706
    assert p50.loc[2, "half_width"] == pytest.approx(12.7062 * 0.70711 / math.sqrt(2), rel=1e-4)
    assert p50.loc[3, "half_width"] == pytest.approx(t_interval([1.0, 2.0, 3.0]).half_width)
