"""Where the time goes: time categories per route and per node."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor import kpis
from corridor.results import Results

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


def test_time_breakdown_splits_the_transit_time_by_category(run: Results) -> None:
    b = kpis.time_breakdown(run.trips, run.stages).set_index("route").loc["main"]
    assert b["total_h"] == pytest.approx(27.0)
    assert b["moving_h"] == pytest.approx(13.0)
    assert b["handling_h"] == pytest.approx(2.0)
    assert b["border_h"] == pytest.approx(12.0)
    for cat in ("waiting", "queueing", "yard_dwell", "gauge_change", "closure"):
        assert b[f"{cat}_h"] == 0.0
    assert b["share_border"] == pytest.approx(12.0 / 27.0)


def test_time_breakdown_adds_up_to_the_mean_transit_time(busy: Results) -> None:
    b = kpis.time_breakdown(busy.trips, busy.stages).set_index("route")
    cats = [f"{c}_h" for c in kpis.TIME_CATEGORIES]
    np.testing.assert_allclose(b[cats].sum(axis=1), b["total_h"])
    mean_transit = kpis.measured_trips(busy.trips).groupby("route", observed=True)["transit_h"]
    np.testing.assert_allclose(b["total_h"], mean_transit.mean().loc[b.index], rtol=1e-9)
    assert (b["waiting_h"] > 0).all()
    assert (b["yard_dwell_h"] > 0).all()
    assert b.loc["west", "gauge_change_h"] > 0
    assert b.loc["east", "gauge_change_h"] == 0


def test_stage_categories_follow_kind_and_activity() -> None:
    stages = pd.DataFrame(
        {
            "kind": ["travel", "wait", "queue", "service", "service", "dwell", "service"],
            "activity": ["rail", "sea", "border", "customs", "gauge_change", "yard", "other"],
        }
    )
    got = kpis.stage_categories(stages).astype(str).tolist()
    assert got == [
        "moving", "waiting", "queueing", "border", "gauge_change", "yard_dwell", "handling",
    ]  # fmt: skip


def test_node_delays_per_visiting_container(run: Results) -> None:
    d = kpis.node_delays(run.trips, run.stages, run.departures).set_index("node")
    assert d.loc["X-IR", "mean_delay_h"] == pytest.approx(5.0)
    assert d.loc["X-AZ", "border_h"] == pytest.approx(7.0)
    assert d.loc["O", "handling_h"] == pytest.approx(2.0)


def test_waiting_for_a_departure_counts_at_the_legs_start_node(busy: Results) -> None:
    d = kpis.node_delays(busy.trips, busy.stages, busy.departures).set_index("node")
    assert d.loc["P", "waiting_h"] > 0  # block trains and ships leave from P
    assert d.loc["M", "waiting_h"] == 0  # the destination
