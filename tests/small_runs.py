"""Small simulated runs for the KPI, plot, map, report and export tests.

Each function builds an in-memory network and scenario (see :mod:`tests.builders`) whose
answers can be worked out by hand, and runs it.
"""

from __future__ import annotations

from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario
from corridor.results import Results
from corridor.run import simulate
from tests.builders import flow, leg, network, node, proc, scenario


def two_leg_network() -> Network:
    """O --rail 400 km at 40 km/h--> X --road 100 km at 50 km/h--> D, all deterministic.

    X is a border crossing of two posts, ``X-IR`` (5 h) then ``X-AZ`` (7 h), joined by a
    10 km road link at 10 km/h (1 h); the origin has a 2 h crane (1 server, 20 USD/TEU).
    Transit: 2 + 10 + 5 + 1 + 7 + 2 = 27 h for 510 km, 13 h of it moving.
    """
    return network(
        [
            node(
                "O",
                proc("crane", 2.0, servers=1, activity="handling", cost_usd_per_teu=20.0),
                lon=50.0,
                lat=30.0,
            ),
            node("X-IR", proc("exit", 5.0, activity="border"), lon=50.0, lat=34.0),
            node("X-AZ", proc("entry", 7.0, activity="border"), lon=50.1, lat=34.1),
            node("D", lon=50.5, lat=35.0),
        ],
        [
            leg("O-X", "O", "X-IR", 400, 40, cost_usd_per_teu=100.0),
            leg("X-X", "X-IR", "X-AZ", 10, 10, mode="road"),
            leg("X-D", "X-AZ", "D", 100, 50, mode="road", cost_usd_per_teu=80.0),
        ],
    )


def two_leg_scenario(teu_per_day: float = 2.0, horizon_days: float = 10) -> Scenario:
    """One flow O -> D of evenly spaced 1 TEU containers (one every 12 h at 2 TEU/day)."""
    return scenario(
        [flow("f", "O", "D", teu_per_day, {"main": 1.0}, arrival="fixed")],
        {"main": ["O-X", "X-X", "X-D"]},
        horizon_days=horizon_days,
    )


def two_leg_run() -> Results:
    return simulate(two_leg_scenario(), network=two_leg_network())


def branching_network() -> Network:
    """Port P with a crane; west by a border and a scheduled train, east by a ship."""
    logn = {"dist": "lognormal", "mean": 20.0, "cv": 0.7}
    return network(
        [
            node(
                "P",
                proc(
                    "crane",
                    {"dist": "exponential", "mean": 0.5},
                    servers=2,
                    activity="handling",
                    cost_usd_per_teu=50.0,
                ),
                proc("yard", {"dist": "gamma", "mean": 48, "cv": 0.5}, activity="yard"),
                lon=72.9,
                lat=18.9,
            ),
            node(
                "W-IR",
                proc("border", logn, servers=1, per="vehicle", activity="border"),
                lon=48.9,
                lat=38.4,
            ),
            node(
                "W-AZ",
                proc(
                    "gauge",
                    {"dist": "uniform", "low": 4, "high": 8},
                    servers=1,
                    per="vehicle",
                    activity="gauge_change",
                ),
                lon=48.8,
                lat=38.5,
            ),
            node(
                "E",
                proc("border", logn, servers=2, per="vehicle", activity="border"),
                lon=61.2,
                lat=36.5,
            ),
            node(
                "M",
                proc(
                    "unload",
                    {"dist": "uniform", "low": 0.2, "high": 0.6},
                    servers=3,
                    activity="handling",
                ),
                lon=37.6,
                lat=55.7,
            ),
        ],
        [
            leg(
                "P-W",
                "P",
                "W-IR",
                2500,
                45,
                service={"type": "when_full", "capacity_teu": 90, "max_wait_h": 72},
                cost_usd_per_teu=400.0,
            ),
            leg(
                "W-W",
                "W-IR",
                "W-AZ",
                10,
                20,
                service={"type": "scheduled", "headway_h": 12, "capacity_teu": 120},
            ),
            leg(
                "W-M",
                "W-AZ",
                "M",
                2200,
                40,
                service={"type": "scheduled", "headway_h": 24, "capacity_teu": 120},
                delay_h={"dist": "exponential", "mean": 6},
                cost_usd_per_teu=600.0,
            ),
            leg(
                "P-E",
                "P",
                "E",
                2000,
                30,
                mode="sea",
                service={
                    "type": "scheduled",
                    "headway_h": 72,
                    "capacity_teu": 300,
                    "fleet": {"vehicles": 2, "turnaround_h": 12},
                },
                cost_usd_per_teu=300.0,
            ),
            leg(
                "E-M",
                "E",
                "M",
                3500,
                42,
                service={"type": "when_full", "capacity_teu": 100, "max_wait_h": 96},
                cost_usd_per_teu=900.0,
            ),
        ],
    )


def branching_scenario(horizon_days: float = 120, seed: int = 5) -> Scenario:
    return scenario(
        [
            flow("west", "P", "M", 50, {"west": 1.0}, share_40ft=0.5),
            flow("east", "P", "M", 40, {"east": 1.0}, share_40ft=0.3),
        ],
        {"west": ["P-W", "W-W", "W-M"], "east": ["P-E", "E-M"]},
        horizon_days=horizon_days,
        warmup_days=10,
        seed=seed,
        storms=[
            {
                "name": "caspian",
                "elements": ["P-E"],
                "rate_per_month": [2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 2, 2],
                "duration_h": {"dist": "uniform", "low": 24, "high": 96},
            }
        ],
    )


def branching_run(horizon_days: float = 120, seed: int = 5) -> Results:
    return simulate(branching_scenario(horizon_days, seed), network=branching_network())
