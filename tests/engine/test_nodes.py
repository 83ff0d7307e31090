"""Tests of corridor.engine.nodes: node processes against queueing theory, closures, groups.

Also that the walk of one container and the walk of a group give the same tables.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario
from corridor.model.compile import build_model
from corridor.results import Results
from corridor.run import simulate
from tests import builders
from tests.builders import flow, leg, network, node, proc, scenario
from tests.paths import SCENARIOS


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C)."""
    a = lam / mu
    rho = a / c
    assert rho < 1
    tail = a**c / (math.factorial(c) * (1 - rho))
    p0 = 1.0 / (sum(a**k / math.factorial(k) for k in range(c)) + tail)
    return tail * p0 / (c * mu - lam)


@pytest.mark.slow
@pytest.mark.parametrize(("servers", "lam"), [(1, 0.7), (3, 2.1)])
def test_capacity_limited_node_matches_erlang_c_mean_wait(servers: int, lam: float) -> None:
    mu = 1.0  # exponential service, mean 1 h
    net = network(
        [
            node(
                "A",
                proc(
                    "lanes",
                    {"dist": "exponential", "mean": 1 / mu},
                    servers=servers,
                    activity="border",
                ),
            ),
            node("B"),
        ],
        [leg("AB", "A", "B", 10, 10)],
    )
    theory = erlang_c_wait(lam, mu, servers)
    means = []
    for seed in (11, 12, 13):
        sc = scenario(
            [flow("f", "A", "B", lam * 24, ["r"])],
            {"r": ["AB"]},
            horizon_days=1500,
            warmup_days=20,
            seed=seed,
        )
        jobs = simulate(sc, network=net).resources
        jobs = jobs[jobs["arrival_h"] > 20 * 24].dropna(subset=["start_h"])
        means.append(jobs["wait_h"].mean())
    assert np.mean(means) == pytest.approx(theory, rel=0.06)


def test_node_closure_delays_service_start_and_records_closure_time() -> None:
    net = network(
        [node("A"), node("B", proc("customs", 2.0, activity="customs")), node("C")],
        [leg("AB", "A", "B", 50, 50), leg("BC", "B", "C", 50, 50)],
    )
    sc = scenario(
        [flow("f", "A", "C", 24, ["r"], arrival="fixed")],
        {"r": ["AB", "BC"]},
        horizon_days=3,
        closures=[{"elements": "B", "start_day": 1, "duration_h": 6}],
    )
    res = simulate(sc, network=net)
    st = res.stages
    svc = st[(st["element"] == "B") & (st["kind"] == "service")]
    assert not ((svc["start_h"] >= 24) & (svc["start_h"] < 30)).any()
    closed = st[(st["element"] == "B") & (st["kind"] == "closure")]
    assert closed["end_h"].max() == pytest.approx(30.0)
    assert len(closed) == 6  # arrivals at 24..29 h (1 h running after ready at 23..28 h)


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


class _GroupsOnly:
    """An engine that takes every group, even of one container, through the general path."""

    def __new__(cls, model: object) -> object:
        from corridor.engine.core import Engine

        class GroupsOnly(Engine):
            def visit(
                self,
                node_idx: int,
                cids: list[int],
                times: list[float],
                pidx: int,
                pending: list[int] | None = None,
                first: int = 0,
            ) -> None:
                self._visit_group(node_idx, cids, times, pidx, pending, first)

            def visit_one(self, node_idx: int, c: int, t: float, pidx: int, due: bool) -> None:
                self._visit_group(node_idx, [c], [t], pidx, [0] if due else None, 0)

        return GroupsOnly(model)  # type: ignore[arg-type]


def _inspection_case() -> tuple[Scenario, Network]:
    """Trucks one container each through a border with coins, masks, fees and a closure."""
    expo = {"dist": "exponential", "mean": 1.5}
    net = network(
        [
            node(
                "P",
                proc("gate", {"dist": "uniform", "low": 0.2, "high": 1.0}, at=["origin"]),
                proc("scan", expo, servers=1, probability=0.3, cost_usd_per_teu=15.0),
            ),
            node(
                "B",
                proc("clear", expo, servers=2, per="vehicle", probability=0.6, activity="border"),
                proc("inspect", expo, servers=1, probability=0.25, at=["transit"]),
                proc("fee", 0.5, cost_usd_per_teu=40.0),
            ),
            node("D", proc("gate", 0.7, servers=1, at=["destination"], cost_usd_per_teu=5.0)),
        ],
        [
            leg(
                "P-B",
                "P",
                "B",
                300,
                60,
                mode="road",
                service={"type": "continuous", "fleet": {"vehicles": 25, "turnaround_h": 2}},
            ),
            leg("B-D", "B", "D", 200, 50, mode="road"),
        ],
    )
    sc = scenario(
        [flow("f", "P", "D", 40, {"r": 1.0}, share_40ft=0.4)],
        {"r": ["P-B", "B-D"]},
        horizon_days=90,
        closures=[
            {"elements": "B", "start_day": 20, "duration_h": 60, "reason": "strike"},
            {"elements": "P", "start_day": 50, "duration_h": 30, "reason": "storm"},
        ],
    )
    return sc, net


def test_spread_out_group_does_not_hold_servers_for_its_late_members() -> None:
    # a train of 5 unloads into a yard with spread-out dwell, then a single gate lane;
    # a truck container arriving in between must not queue behind the train's late members
    net = network(
        [
            node("A"),
            node(
                "Y",
                proc("yard", {"dist": "empirical", "values": [1, 10, 20, 30, 40]}, activity="yard"),
                proc("gate", 1.0, servers=1),
            ),
            node("B"),
        ],
        [
            leg(
                "AY",
                "A",
                "Y",
                10,
                10,
                service={"type": "when_full", "capacity_teu": 5, "max_wait_h": 100},
            ),
            leg("YB", "Y", "B", 10, 10),
        ],
    )
    sc = scenario(
        [flow("f", "A", "B", 24, ["r"], arrival="fixed")], {"r": ["AY", "YB"]}, horizon_days=3
    )
    jobs = simulate(sc, network=net).resources
    waits = jobs["wait_h"].dropna()
    # the gate serves one container an hour on average: short waits only, never 30 h
    assert waits.max() < 6


@pytest.mark.parametrize("case", ["branching", "inspections", "instc"])
def test_single_container_path_matches_the_general_path(case: str) -> None:
    # Engine.visit takes a group of one container by a shorter path; it must make exactly the
    # same draws and records as the general path, closures, inspections and fees included.
    from corridor.engine.core import Engine
    from corridor.inputs.scenario import load_scenario
    from corridor.run import load_model

    if case == "branching":
        model = build_model(branching_scenario(horizon_days=90), branching_network())
    elif case == "inspections":
        model = build_model(*_inspection_case())
    else:
        model = load_model(load_scenario(SCENARIOS / "instc-baseline.yaml"))
    fast = Results.from_records(model, Engine(model).run())
    general = Results.from_records(model, _GroupsOnly(model).run())  # type: ignore[attr-defined]
    assert len(fast.trips) > 1000
    for name in ("trips", "stages", "departures", "resources"):
        a, b = getattr(fast, name), getattr(general, name)
        assert list(a.dtypes) == list(b.dtypes), name
        assert a.equals(b), name  # NaN in the same places counts as equal


def test_container_served_early_leaves_when_ready_not_with_its_group() -> None:
    # a train of two containers: at N one dwells 1 h, the other 50 h, then a one-lane gate
    net = builders.network(
        [
            builders.node("O"),
            builders.node(
                "N",
                builders.proc("yard", {"dist": "empirical", "values": [1, 50]}, activity="yard"),
                builders.proc("gate", 1.0, servers=1),
            ),
            builders.node("D"),
        ],
        [
            builders.leg(
                "ON",
                "O",
                "N",
                10,
                10,
                service={"type": "when_full", "capacity_teu": 2, "max_wait_h": 100},
            ),
            builders.leg("ND", "N", "D", 10, 10),
        ],
    )
    sc = builders.scenario(
        [builders.flow("f", "O", "D", 2, ["r"], arrival="fixed")],
        {"r": ["ON", "ND"]},
        horizon_days=6,
    )
    r = simulate(sc, network=net)
    last_end = r.stages.groupby("container")["end_h"].max()
    delivered = r.trips.set_index("container")["delivered_h"].dropna()
    # container 3 passed the gate at 51 h and travelled 51-52 h, but is delivered at 99 h,
    # when its train-mate reached the gate
    np.testing.assert_allclose(delivered, last_end.loc[delivered.index])
