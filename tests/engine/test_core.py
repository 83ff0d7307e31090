"""Tests of corridor.engine.core: a whole run (sums of times, costs, the garbage collector)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario
from corridor.results import Results
from corridor.run import simulate
from tests.builders import flow, leg, network, node, proc, scenario


def test_deterministic_chain_transit_is_sum_of_running_times_and_dwells() -> None:
    # A --sea 1000 km @ 25 km/h--> B --rail 600 km @ 40 km/h--> C --road 180 km @ 45 km/h--> D
    net = network(
        [
            node("A", proc("gate", 3.0)),
            node(
                "B", proc("unload", 5.0, activity="handling"), proc("yard", 24.0, activity="yard")
            ),
            node("C", proc("border", 30.0, activity="border", per="vehicle")),
            node("D", proc("deliver", 2.0, at=["destination"])),
        ],
        [
            leg("AB", "A", "B", 1000, 25, mode="sea"),
            leg("BC", "B", "C", 600, 40),
            leg("CD", "C", "D", 180, 45, mode="road"),
        ],
    )
    sc = scenario(
        [flow("f", "A", "D", 10, ["r"], arrival="fixed")],
        {"r": ["AB", "BC", "CD"]},
        horizon_days=30,
    )
    res = simulate(sc, network=net)
    expected_h = 3 + 1000 / 25 + 5 + 24 + 600 / 40 + 30 + 180 / 45 + 2
    done = res.trips.dropna(subset=["transit_h"])
    assert len(done) > 240  # 10 a day for 30 days, less those still under way
    np.testing.assert_allclose(done["transit_h"].to_numpy(), expected_h, rtol=0, atol=1e-9)
    assert (done["km"] == 1780).all()


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


def _cyclic_garbage_after_run(horizon_days: float) -> tuple[int, int]:
    """(containers, objects only the cycle collector frees) of one engine run."""
    import gc

    from corridor.engine.core import Engine
    from corridor.model.compile import build_model

    model = build_model(branching_scenario(horizon_days=horizon_days), branching_network())
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        engine = Engine(model)
        containers = len(engine.run().c_flow)
        del engine
        return containers, gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def test_stage_costs_add_up_to_the_trip_cost() -> None:
    net = branching_network()
    costly = network(
        list(net.nodes.values()),
        [
            dataclasses.replace(lg, cost_usd_per_teu=100.0 + i)
            for i, lg in enumerate(net.legs.values())
        ],
    )
    res = simulate(branching_scenario(horizon_days=40), network=costly)
    done = res.trips.dropna(subset=["delivered_h"]).set_index("container")
    per_container = res.stages.groupby("container")["cost_usd"].sum()
    np.testing.assert_allclose(per_container.loc[done.index], done["cost_usd"])
    assert (done["cost_usd"] > 0).all()


def test_engine_leaves_no_growing_cyclic_garbage() -> None:
    # Engine.run pauses the cycle collector, which is safe only if what the run frees goes by
    # reference counting: what is left for the collector (the engine's own structure, and
    # the events still pending at the horizon) must not grow with the length of the run.
    short_n, short_garbage = _cyclic_garbage_after_run(30)
    long_n, long_garbage = _cyclic_garbage_after_run(240)
    assert long_n > 6 * short_n
    assert long_garbage < 1.5 * short_garbage + 200, (short_garbage, long_garbage)


def test_engine_run_restores_the_collector_state() -> None:
    import gc

    from corridor.engine.core import Engine
    from corridor.model.compile import build_model

    model = build_model(branching_scenario(horizon_days=15), branching_network())
    assert gc.isenabled()
    Engine(model).run()
    assert gc.isenabled()
    gc.disable()
    try:
        Engine(model).run()
        assert not gc.isenabled()
    finally:
        gc.enable()
