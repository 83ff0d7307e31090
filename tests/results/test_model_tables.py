"""The tables that describe the model as run: routes, processes (servers over time), nodes and
legs, checked by hand on the two-leg network (see :mod:`tests.small_runs`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import shapely

from corridor import kpis
from corridor.inputs.scenario import Scenario
from corridor.results.model_tables import legs_table, nodes_table, processes_table
from corridor.run import load_model, simulate
from tests.builders import flow, leg, network, scenario
from tests.small_runs import two_leg_network

ROUTE = {"main": ["O-X", "X-X", "X-D"]}


def _scenario(**kw: Any) -> Scenario:
    return scenario([flow("f", "O", "D", 1.0, {"main": 1.0})], ROUTE, horizon_days=10, **kw)


def test_processes_start_with_their_servers_and_follow_each_capacity_change() -> None:
    # given out of order: 3 servers from day 5, 2 from day 2; the crane starts with 1
    changes = [
        {"node": "O", "process": "crane", "servers": 3, "at_day": 5},
        {"node": "O", "process": "crane", "servers": 2, "at_day": 2},
    ]
    table = processes_table(load_model(_scenario(capacity_changes=changes), two_leg_network()))
    expected = pd.DataFrame(
        {
            "node": ["O", "O", "O"],
            "process": ["crane", "crane", "crane"],
            "activity": ["handling", "handling", "handling"],
            "per": ["container", "container", "container"],
            "from_h": [0.0, 48.0, 120.0],
            "until_h": [48.0, 120.0, 240.0],
            "servers": [1, 2, 3],
        }
    )
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    # 48 h at 1, 72 h at 2, 120 h at 3 servers over 240 h
    assert kpis.servers_of(table) == {("O", "crane"): pytest.approx(552 / 240)}


def test_pure_delays_have_no_servers_and_no_row() -> None:
    table = processes_table(load_model(_scenario(), two_leg_network()))
    assert table[["node", "process", "servers"]].values.tolist() == [["O", "crane", 1]]


def test_a_run_records_its_processes_table() -> None:
    changes = [{"node": "O", "process": "crane", "servers": 3, "at_day": 5}]
    res = simulate(_scenario(capacity_changes=changes), network=two_leg_network())
    assert res.processes["servers"].tolist() == [1, 3]
    assert res.processes["from_h"].tolist() == [0.0, 120.0]


def test_nodes_table_has_the_places_kinds_and_processes() -> None:
    nodes = nodes_table(load_model(_scenario(), two_leg_network())).set_index("id")
    assert list(nodes.index) == ["O", "X-IR", "X-AZ", "D"]
    assert nodes.loc["X-AZ", ["lon", "lat"]].tolist() == [50.1, 34.1]
    assert nodes.loc["O", "processes"] == "crane"
    assert nodes.loc["D", "processes"] == ""
    assert nodes.loc["O", "kind"] == "rail_terminal"


def test_legs_table_describes_the_legs_as_run_disabled_ones_included() -> None:
    net = two_leg_network()
    line = ((50.0, 30.0), (50.25, 32.5), (50.0, 34.0))
    extra = leg("O-D", "O", "D", 600, 60, name="direct", coords=line, co2e_kg_per_teu_km=0.02)
    net = network(list(net.nodes.values()), [*net.legs.values(), extra])
    sc = _scenario(legs={"O-D": {"enabled": False}, "X-D": {"length_km": 120}})
    legs = legs_table(load_model(sc, net)).set_index("id")
    assert list(legs.index) == ["O-X", "X-X", "X-D", "O-D"]
    assert legs["enabled"].tolist() == [True, True, True, False]
    assert legs.loc["X-D", "length_km"] == 120.0  # the scenario's change, not the file's
    assert legs.loc["X-D", "mean_running_h"] == pytest.approx(120 / 50)
    assert legs.loc["O-D", ["name", "service", "co2e_kg_per_teu_km"]].tolist() == [
        "direct", "continuous", 0.02,
    ]  # fmt: skip
    # the line reads back exactly; a leg without coordinates runs straight between its nodes
    assert shapely.from_wkt(legs.loc["O-D", "geometry_wkt"]).coords[:] == list(line)
    assert shapely.from_wkt(legs.loc["O-X", "geometry_wkt"]).coords[:] == [
        (50.0, 30.0),
        (50.0, 34.0),
    ]
