"""What a scenario makes over its horizon: containers and time windows, by hand."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from corridor.inputs.limits import MAX_TIME_WINDOWS
from corridor.inputs.scenario import expected_containers, load_scenario
from corridor.inputs.size import month_coverage
from tests.inputs.scenario_files import extra_error, with_minimal


def flows(folder: Path, extra: str, horizon_days: float) -> float:
    text = (
        f"horizon_days: {horizon_days}\n"
        f"flows:\n  - {{id: f1, origin: A, destination: C, routes: [r1], {extra}}}\n"
    )
    return expected_containers(load_scenario(with_minimal(folder, text)))


def test_constant_demand_is_rate_times_horizon(folder: Path) -> None:
    # 30 TEU a day, half of the containers 40' (2 TEU): 20 containers a day, for 10 days
    assert flows(folder, "teu_per_day: 30, share_40ft: 0.5", 10) == pytest.approx(200)


def test_demand_doubling_every_year_integrates_the_growth(folder: Path) -> None:
    # 20 containers a day growing as 2 ** (t / 365 days): 20 * 365 / ln 2 * (2 - 1) in a year
    got = flows(folder, "teu_per_day: 20, share_40ft: 0, growth_pct_per_year: 100", 365)
    assert got == pytest.approx(20 * 365 / math.log(2), rel=1e-12)


def test_flows_add_up(folder: Path) -> None:
    text = (
        "horizon_days: 4\nflows:\n"
        "  - {id: a, origin: A, destination: C, routes: [r1], teu_per_day: 8, share_40ft: 1}\n"
        "  - {id: b, origin: A, destination: C, routes: [r1], teu_per_day: 3, share_40ft: 0}\n"
    )
    # 4 + 3 containers a day for 4 days
    assert expected_containers(load_scenario(with_minimal(folder, text))) == pytest.approx(28)


def test_month_coverage_counts_parts_of_months() -> None:
    # 45 days from 1 January 2025: January whole, 14 of February's 28 days
    covered = month_coverage(dt.datetime(2025, 1, 1), 45 * 24.0)
    assert covered[:3] == pytest.approx((1.0, 0.5, 0.0))
    assert sum(covered[3:]) == 0


def test_storms_over_a_long_horizon_are_counted_before_any_is_drawn(folder: Path) -> None:
    rates = ", ".join(["31"] * 12)
    elements = ", ".join(f"e{i}" for i in range(20))
    text = extra_error(
        folder,
        "horizon_days: 21915\n"
        f"storms:\n  - {{name: s, elements: [{elements}], rate_per_month: [{rates}], "
        "duration_h: 1}\n",
    )
    # 31 a month for 720 months on 20 elements: 446,400 windows
    assert text == (
        "s.yaml: line 4: storms[0]: the closures, storms and seasons would make about 446,400 "
        "time windows over the 21915-day horizon, 446,400 of them from this storm; at most "
        f"{MAX_TIME_WINDOWS:,} are allowed (each window counts once per element or leg it "
        "applies to, storms by their expected number (rate_per_month x months); see Limits in "
        "docs/scenario-reference.md)"
    )


def test_annual_closures_count_once_a_year(folder: Path) -> None:
    elements = ", ".join(f"e{i}" for i in range(2000))
    text = extra_error(
        folder,
        "horizon_days: 21915\n"
        f"closures:\n  - {{elements: [{elements}], annual_from: 01-01, annual_to: 01-02}}\n",
    )
    # 62 calendar years (one before the start, 2025 to 2085) on 2,000 elements
    assert "would make about 124,000 time windows over the 21915-day horizon" in text
