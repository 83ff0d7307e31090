"""Invariants every run must keep, on a small stochastic network with all kinds of service."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario
from corridor.results import Results
from corridor.run import simulate
from tests.builders import flow, leg, network, node, proc, scenario

LOGN = {"dist": "lognormal", "mean": 20.0, "cv": 0.7}


def branching_network(border_mean_h: float = 20.0) -> Network:
    """Port P feeds two branches: west via border W (rail) and east via border E (sea, fleet)."""
    return network(
        [
            node(
                "P",
                proc("crane", {"dist": "exponential", "mean": 0.5}, servers=2, activity="handling"),
                proc("yard", {"dist": "gamma", "mean": 48, "cv": 0.5}, activity="yard"),
            ),
            node(
                "W",
                proc(
                    "border",
                    {"dist": "lognormal", "mean": border_mean_h, "cv": 0.7},
                    servers=1,
                    per="vehicle",
                    activity="border",
                ),
                proc(
                    "inspect",
                    {"dist": "triangular", "low": 2, "mode": 5, "high": 12},
                    probability=0.2,
                    activity="inspection",
                ),
            ),
            node("E", proc("border", LOGN, servers=2, per="vehicle", activity="border")),
            node(
                "M",
                proc(
                    "unload",
                    {"dist": "uniform", "low": 0.2, "high": 0.6},
                    servers=3,
                    activity="handling",
                ),
            ),
            node("T", proc("truck-gate", 1.0)),
        ],
        [
            leg(
                "P-W",
                "P",
                "W",
                800,
                45,
                service={"type": "when_full", "capacity_teu": 90, "max_wait_h": 72},
            ),
            leg(
                "W-M",
                "W",
                "M",
                1200,
                40,
                service={"type": "scheduled", "headway_h": 24, "capacity_teu": 120},
                delay_h={"dist": "exponential", "mean": 6},
            ),
            leg(
                "P-E",
                "P",
                "E",
                900,
                18,
                mode="sea",
                service={
                    "type": "scheduled",
                    "headway_h": 72,
                    "capacity_teu": 300,
                    "fleet": {"vehicles": 2, "turnaround_h": 12},
                },
            ),
            leg(
                "E-M",
                "E",
                "M",
                1500,
                42,
                service={"type": "when_full", "capacity_teu": 100, "max_wait_h": 96},
            ),
            leg(
                "M-T",
                "M",
                "T",
                60,
                40,
                mode="road",
                service={"type": "continuous", "fleet": {"vehicles": 30, "turnaround_h": 1}},
            ),
        ],
    )


def branching_scenario(**kw: object) -> Scenario:
    return scenario(
        [
            flow("west", "P", "T", 60, {"w": 1.0}, share_40ft=0.5),
            flow("east", "P", "T", 40, {"e": 1.0}, share_40ft=0.3),
        ],
        {"w": ["P-W", "W-M", "M-T"], "e": ["P-E", "E-M", "M-T"]},
        horizon_days=kw.pop("horizon_days", 120),
        warmup_days=10,
        seed=kw.pop("seed", 5),
        storms=[
            {
                "name": "caspian",
                "elements": ["P-E"],
                "rate_per_month": [2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2],
                "duration_h": {"dist": "uniform", "low": 24, "high": 96},
            }
        ],
        **kw,
    )


@pytest.fixture(scope="module")
def run() -> Results:
    return simulate(branching_scenario(), network=branching_network())


def test_same_seed_gives_identical_tables(run: Results) -> None:
    again = simulate(branching_scenario(), network=branching_network())
    for name in ("trips", "stages", "departures", "resources", "closures"):
        pd.testing.assert_frame_equal(getattr(run, name), getattr(again, name))


def test_different_seed_gives_different_draws(run: Results) -> None:
    other = simulate(branching_scenario(seed=6), network=branching_network())
    assert not run.trips["created_h"].equals(other.trips["created_h"])


def test_changing_one_node_leaves_the_other_branch_unchanged(run: Results) -> None:
    # the west border is slower; the east flow shares only the port P and the last leg
    # with it, so until its containers meet west ones at M its draws and times are unchanged
    changed = simulate(branching_scenario(), network=branching_network(border_mean_h=35.0))
    east_a = run.trips[run.trips["flow"] == "east"]
    east_b = changed.trips[changed.trips["flow"] == "east"]
    np.testing.assert_array_equal(east_a["created_h"], east_b["created_h"])
    st_a, st_b = run.stages, changed.stages
    at_e_a = st_a[(st_a["element"] == "E")].reset_index(drop=True)
    at_e_b = st_b[(st_b["element"] == "E")].reset_index(drop=True)
    # the crane at P is shared, so compare the east border's service draws, in order
    dur_a = np.sort(at_e_a[at_e_a["kind"] == "service"]["duration_h"].unique())
    dur_b = np.sort(at_e_b[at_e_b["kind"] == "service"]["duration_h"].unique())
    np.testing.assert_allclose(dur_a[:50], dur_b[:50])
    # and the west flow's arrivals do not depend on its border either
    west_a = run.trips[run.trips["flow"] == "west"]["created_h"].to_numpy()
    west_b = changed.trips[changed.trips["flow"] == "west"]["created_h"].to_numpy()
    np.testing.assert_array_equal(west_a, west_b)


def test_every_container_is_delivered_or_in_transit(run: Results) -> None:
    trips = run.trips
    s = run.summary()
    assert (s["created"] == s["delivered"] + s["in_transit"]).all()
    assert s["created"].sum() == (~trips["in_warmup"]).sum()
    delivered = trips[trips["delivered_h"].notna()]
    assert (delivered["delivered_h"] <= run.horizon_h).all()
    # a delivered container travelled every leg of its route once
    travel = run.stages[(run.stages["kind"] == "travel")]
    legs_done = travel.groupby("container").size()
    assert (legs_done.reindex(delivered["container"]).to_numpy() == 3).all()


def test_stage_times_never_run_backwards(run: Results) -> None:
    st = run.stages
    assert (st["end_h"].dropna() >= st.loc[st["end_h"].notna(), "start_h"] - 1e-9).all()
    assert (st["start_h"] >= 0).all()
    assert (st["start_h"] < run.horizon_h).all()
    ordered = st.sort_values(["container", "start_h", "end_h"], kind="stable")
    same = ordered["container"].to_numpy()[1:] == ordered["container"].to_numpy()[:-1]
    gap = ordered["start_h"].to_numpy()[1:] - ordered["end_h"].to_numpy()[:-1]
    # each stage starts when the one before it ended (the path is continuous)
    assert np.all(np.abs(gap[same & ~np.isnan(gap)]) < 1e-6)
    first = ordered.groupby("container")["start_h"].first()
    created = run.trips.set_index("container")["created_h"]
    np.testing.assert_allclose(first.to_numpy(), created.loc[first.index].to_numpy())
    last = ordered.dropna(subset=["end_h"]).groupby("container")["end_h"].max()
    delivered = run.trips.set_index("container")["delivered_h"].dropna()
    np.testing.assert_allclose(last.loc[delivered.index].to_numpy(), delivered.to_numpy())


def test_no_vehicle_carries_more_than_its_capacity(run: Results) -> None:
    deps = run.departures
    assert (deps["load_teu"] <= deps["capacity_teu"].fillna(np.inf) + 1e-9).all()
    assert (deps.loc[deps["direction"] == "return", "load_teu"] == 0).all()


def test_busy_servers_never_exceed_the_process_capacity(run: Results) -> None:
    jobs = run.resources.dropna(subset=["end_h"])
    for (node_id, process), c in {
        ("P", "crane"): 2,
        ("W", "border"): 1,
        ("E", "border"): 2,
        ("M", "unload"): 3,
    }.items():
        j = jobs[(jobs["node"] == node_id) & (jobs["process"] == process)]
        assert len(j) > 0
        events = np.concatenate(
            [np.c_[j["start_h"], np.ones(len(j))], np.c_[j["end_h"], -np.ones(len(j))]]
        )
        events = events[np.lexsort((events[:, 1], events[:, 0]))]  # ends before starts
        assert np.cumsum(events[:, 1]).max() <= c


def test_scheduled_legs_board_first_in_first_out(run: Results) -> None:
    st = run.stages
    wait = st[(st["element"] == "W-M") & (st["kind"].isin(["wait", "closure"]))]
    ready = wait.groupby("container")["start_h"].min()
    travel = st[(st["element"] == "W-M") & (st["kind"] == "travel")].set_index("container")
    both = pd.DataFrame({"ready": ready, "dep": travel["start_h"].loc[ready.index]})
    assert len(both) > 1000
    # whoever was ready strictly earlier never leaves later (ties: one train's containers)
    by_ready = both.groupby("ready")["dep"].agg(["min", "max"]).sort_index()
    earlier_max = by_ready["max"].cummax().shift(fill_value=-np.inf)
    assert (earlier_max <= by_ready["min"] + 1e-9).all()


def test_generated_storms_close_the_sea_leg_and_appear_in_the_closures_table(run: Results) -> None:
    cl = run.closures
    assert len(cl) > 0
    assert set(cl["element"]) == {"P-E"}
    deps = run.departures[(run.departures["leg"] == "P-E") & (run.departures["direction"] == "out")]
    for start, end in zip(cl["start_h"], cl["end_h"], strict=True):
        assert not ((deps["depart_h"] > start + 1e-9) & (deps["depart_h"] < end - 1e-9)).any()


def test_tables_have_calendar_timestamps(run: Results) -> None:
    t = run.trips.iloc[0]
    expected = pd.Timestamp("2024-01-01") + pd.Timedelta(hours=t["created_h"])
    assert abs(t["created_at"] - expected) < pd.Timedelta(microseconds=1)


def test_container_queues_are_first_come_first_served_across_groups(run: Results) -> None:
    # at M, trains from two branches arrive and their containers are unloaded one by one:
    # whoever reaches the cranes first starts first, whatever train it came on
    jobs = run.resources[(run.resources["node"] == "M")].dropna(subset=["start_h"])
    assert len(jobs) > 1000
    ordered = jobs.sort_values(["arrival_h", "start_h"], kind="stable")
    assert np.all(np.diff(ordered["start_h"].to_numpy()) >= -1e-9)
