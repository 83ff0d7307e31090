"""One row of KPIs per route, node and leg, against the two-leg run's hand answers."""

from __future__ import annotations

import pytest

from corridor import kpis
from corridor.results import Results

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


def test_route_kpis_table(busy: Results) -> None:
    t = kpis.route_kpis(busy.trips, busy.stages, busy.horizon_h, busy.warmup_h, promised_days=12)
    assert list(t.index) == ["west", "east"]
    assert {"p50_days", "p95_days", "swod_kmh", "swd_kmh", "usd_per_teu", "on_time_share"} <= set(
        t.columns
    )
    assert (t["swd_kmh"] < t["swod_kmh"]).all()


def test_route_kpis_of_the_two_leg_run_by_hand(run: Results) -> None:
    r = kpis.route_kpis(run.trips, run.stages, run.horizon_h).loc["main"]
    assert r["p50_days"] == pytest.approx(27 / 24)
    assert r["km"] == pytest.approx(510.0)
    assert r["swd_kmh"] == pytest.approx(510 / 27)
    assert r["usd_per_teu"] == pytest.approx(200.0)
    assert "on_time_share" not in r  # no promise, no share


def test_node_kpis_are_the_node_delays_by_node(run: Results) -> None:
    n = kpis.node_kpis(run.trips, run.stages, run.departures)
    assert n.index.name == "node"
    assert n.loc["X-IR", "mean_delay_h"] == pytest.approx(5.0)
    assert n.loc["O", "handling_h"] == pytest.approx(2.0)


def test_leg_kpis_by_hand(run: Results) -> None:
    legs = kpis.leg_kpis(run.trips, run.stages, run.departures)
    assert legs.loc["O-X", "mean_travel_h"] == pytest.approx(10.0)
    assert legs.loc["X-D", "mean_travel_h"] == pytest.approx(2.0)
    assert legs.loc["O-X", "load_factor"] == pytest.approx(0.5)  # 1 TEU per 2 TEU truck
    assert legs.loc["O-X", "containers"] == len(kpis.measured_trips(run.trips))
    assert legs.loc["O-X", "mean_wait_h"] == pytest.approx(0.0)
