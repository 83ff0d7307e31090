"""Tests of corridor.kpis.directions: both ways of a link, offered, carried and idle."""

from __future__ import annotations

import pytest

from corridor import kpis
from corridor.run import simulate
from tests.builders import flow, network, node, scenario, two_way


def test_the_lighter_direction_leaves_capacity_idle() -> None:
    # trains of 100 TEU every 24 h each way; 60 TEU a day one way, 15 the other
    svc = {"type": "scheduled", "headway_h": 24, "capacity_teu": 100}
    net = network([node("A"), node("B")], two_way("AB", "A", "B", 200, 50, svc))
    sc = scenario(
        [flow("out", "A", "B", 60, ["go"], arrival="fixed"),
         flow("back", "B", "A", 15, ["ret"], arrival="fixed")],
        {"go": ["AB"], "ret": ["AB-rev"]},
        horizon_days=200,
        warmup_days=20,
    )  # fmt: skip
    r = simulate(sc, network=net)
    balance = kpis.direction_balance(r.departures, r.legs, r.warmup_h, r.horizon_h)
    rows = balance.set_index("leg")
    assert list(balance.columns) == kpis.BALANCE_COLUMNS
    assert rows.loc["AB", "offered_teu_per_day"] == pytest.approx(100, rel=0.01)
    assert rows.loc["AB", "carried_teu_per_day"] == pytest.approx(60, rel=0.02)
    assert rows.loc["AB-rev", "carried_teu_per_day"] == pytest.approx(15, rel=0.02)
    assert rows.loc["AB-rev", "idle_teu_per_day"] == pytest.approx(85, rel=0.02)
    assert rows.loc["AB", "imbalance_teu_per_day"] == pytest.approx(45, rel=0.03)
    assert rows.loc["AB-rev", "imbalance_teu_per_day"] == pytest.approx(-45, rel=0.03)
    assert set(balance["link"]) == {"AB"}
