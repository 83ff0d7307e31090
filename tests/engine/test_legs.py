"""Tests of corridor.engine.legs: timetables, when-full vehicles, fleets, closures, through legs.

Each with an answer computed by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from corridor.run import simulate
from tests import builders
from tests.builders import flow, leg, network, node, proc, scenario


def test_scheduled_departures_with_ample_capacity_give_mean_wait_of_half_the_headway() -> None:
    headway = 24.0
    net = network(
        [node("A"), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                500,
                50,
                service={"type": "scheduled", "headway_h": headway, "capacity_teu": 10_000},
            )
        ],
    )
    sc = scenario(
        [flow("f", "A", "B", 100, ["r"])], {"r": ["AB"]}, horizon_days=400, warmup_days=10, seed=3
    )
    res = simulate(sc, network=net)
    st = res.stages
    waits = st[(st["kind"] == "wait") & (st["start_h"] > 240)]
    assert len(waits) > 30_000
    assert waits["duration_h"].mean() == pytest.approx(headway / 2, rel=0.02)
    # nothing is left behind: every departure leaves with room to spare
    assert (res.departures["load_teu"] < 10_000).all()
    assert res.summary()["status"].tolist() == ["ok"]


def test_when_full_vehicle_leaves_when_capacity_is_reached() -> None:
    net = network(
        [node("A"), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                100,
                50,
                service={"type": "when_full", "capacity_teu": 10, "max_wait_h": 1000},
            )
        ],
    )
    # fixed arrivals: one 20' container an hour, the first at 1 h
    sc = scenario([flow("f", "A", "B", 24, ["r"], arrival="fixed")], {"r": ["AB"]}, horizon_days=5)
    deps = simulate(sc, network=net).departures
    assert (deps["load_teu"] == 10).all()
    np.testing.assert_allclose(deps["depart_h"].to_numpy()[:5], [10, 20, 30, 40, 50])


def test_when_full_vehicle_leaves_at_the_maximum_wait() -> None:
    net = network(
        [node("A"), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                100,
                50,
                service={"type": "when_full", "capacity_teu": 100, "max_wait_h": 5},
            )
        ],
    )
    # one container every 2 h from 2 h: the first vehicle waits from 2 h to 7 h
    sc = scenario([flow("f", "A", "B", 12, ["r"], arrival="fixed")], {"r": ["AB"]}, horizon_days=2)
    deps = simulate(sc, network=net).departures
    assert deps["depart_h"].iloc[0] == pytest.approx(7.0)
    assert deps["containers"].iloc[0] == 3  # ready at 2, 4 and 6 h
    assert deps["depart_h"].iloc[1] == pytest.approx(13.0)  # next first container at 8 h


def test_closure_shifts_departures_past_its_window() -> None:
    net = network(
        [node("A"), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                100,
                50,
                service={"type": "scheduled", "headway_h": 24, "capacity_teu": 1000},
            )
        ],
    )
    sc = scenario(
        [flow("f", "A", "B", 24, ["r"], arrival="fixed")],
        {"r": ["AB"]},
        horizon_days=8,
        closures=[{"elements": ["AB"], "start_day": 2, "end_day": 4.5, "reason": "storm"}],
    )
    res = simulate(sc, network=net)
    deps = res.departures["depart_h"].to_numpy()
    assert not ((deps >= 48) & (deps < 108)).any()
    np.testing.assert_allclose(deps[:5], [0, 24, 108, 120, 144])
    closure = res.stages[res.stages["kind"] == "closure"]
    assert len(closure) > 0
    assert (closure["start_h"] >= 48 - 1e-9).all()
    assert (closure["end_h"] <= 108 + 1e-9).all()
    # the container ready at 49 h waits for the 108 h departure: all of it is closure time
    c49 = res.stages[(res.stages["container"] == 48)]
    assert set(c49["kind"].astype(str)) == {"closure", "travel"}
    assert res.closures["element"].tolist() == ["AB"]


def test_fleet_bounds_throughput_at_vehicles_times_capacity_over_cycle_time() -> None:
    # 2 ships of 100 TEU; 700 km at 20 km/h each way and 5 h turnaround at each end
    cycle_h = 2 * 700 / 20 + 2 * 5
    net = network(
        [node("A"), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                700,
                20,
                mode="sea",
                service={
                    "type": "when_full",
                    "capacity_teu": 100,
                    "max_wait_h": 24,
                    "fleet": {"vehicles": 2, "turnaround_h": 5},
                },
            )
        ],
    )
    sc = scenario(
        [flow("f", "A", "B", 1000, ["r"])], {"r": ["AB"]}, horizon_days=200, warmup_days=20
    )
    res = simulate(sc, network=net)
    deps = res.departures
    out = deps[(deps["direction"] == "out") & (deps["depart_h"] > 20 * 24)]
    teu_per_h = out["load_teu"].sum() / (200 * 24 - 20 * 24)
    assert teu_per_h == pytest.approx(2 * 100 / cycle_h, rel=0.02)
    # the backlog grows: most demand is still waiting at the end, and the summary says so
    assert res.trips["delivered_h"].isna().mean() > 0.8
    assert res.summary()["status"].tolist() == ["saturated"]


def test_weekday_timetable_departs_on_the_named_days_only() -> None:
    net = network(
        [node("A"), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                100,
                50,
                service={
                    "type": "scheduled",
                    "weekdays": ["mon", "thu"],
                    "departure_time_h": 18,
                    "capacity_teu": 500,
                },
            )
        ],
    )
    # 2024-01-01 is a Monday
    sc = scenario([flow("f", "A", "B", 24, ["r"])], {"r": ["AB"]}, horizon_days=21)
    deps = simulate(sc, network=net).departures
    days = deps["depart_at"].dt.day_name().unique().tolist()
    assert sorted(days) == ["Monday", "Thursday"]
    assert (deps["depart_at"].dt.hour == 18).all()
    assert len(deps) == 6


def test_through_leg_keeps_the_train_together_past_a_junction_and_a_border() -> None:
    # a block train of 10 TEU forms at A, runs through junction J and border station K
    net = network(
        [
            node("A"),
            node("J"),
            node("K", proc("border", 8.0, servers=1, per="vehicle", activity="border")),
            node("B"),
        ],
        [
            leg(
                "AJ",
                "A",
                "J",
                100,
                50,
                service={"type": "when_full", "capacity_teu": 10, "max_wait_h": 1000},
            ),
            leg("JK", "J", "K", 200, 50, service={"type": "through"}),
            leg("KB", "K", "B", 300, 50, service={"type": "through"}),
        ],
    )
    sc = scenario(
        [flow("f", "A", "B", 24, ["r"], arrival="fixed")], {"r": ["AJ", "JK", "KB"]}, horizon_days=5
    )
    res = simulate(sc, network=net)
    deps = res.departures
    first = deps.groupby("leg", observed=True)["depart_h"].first()
    # formed at 10 h; 2 h to J and on at once; 4 h to K, 8 h border; 6 h to B
    assert first.to_dict() == pytest.approx({"AJ": 10.0, "JK": 12.0, "KB": 24.0})
    assert (deps.loc[deps["leg"] != "AJ", "containers"] == 10).all()
    done = res.trips.dropna(subset=["delivered_h"])
    # a container created at k h waits for the train that leaves at the next multiple of
    # 10 h, then runs 2 + 4 h, clears the border in 8 h and runs 6 h more
    created = done["created_h"].to_numpy()
    np.testing.assert_allclose(
        done["transit_h"], np.ceil(created / 10 - 1e-9) * 10 - created + 20, atol=1e-9
    )
    assert not (res.stages["element"].isin(["JK", "KB"]) & (res.stages["kind"] == "wait")).any()


def test_scheduled_fleet_leg_skips_slots_missed_during_a_closure() -> None:
    net = builders.network(
        [builders.node("A"), builders.node("B")],
        [
            builders.leg(
                "AB",
                "A",
                "B",
                100,
                50,
                service={
                    "type": "scheduled",
                    "headway_h": 1,
                    "capacity_teu": 10,
                    "fleet": {"vehicles": 1},
                },
            )
        ],
    )
    # the one ship leaves at 0 h and is back at 4 h; the leg is closed from 1.5 h to 3.5 h
    sc = builders.scenario(
        [builders.flow("f", "A", "B", 24, ["r"])],
        {"r": ["AB"]},
        horizon_days=2,
        closures=[{"elements": ["AB"], "start_day": 0.0625, "duration_h": 2}],
    )
    deps = simulate(sc, network=net).departures
    out = deps[deps["direction"] == "out"]["depart_h"].to_numpy()
    assert out[0] == 0.0
    assert np.all(np.diff(out) >= 4.0)  # one ship: a round trip between departures
