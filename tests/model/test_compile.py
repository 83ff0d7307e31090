"""Tests of corridor.model.compile: the runtime model built from a scenario and its network."""

from __future__ import annotations

import subprocess
import sys

import pytest

from corridor.model.compile import build_model
from corridor.model.runtime import AT_ALL, AT_ORIGIN, AT_TRANSIT, Model
from tests.builders import flow, leg, network, node, proc, scenario


@pytest.fixture(scope="module")
def model() -> Model:
    net = network(
        [
            node("A", proc("gate", 1.0, at=["origin"]), lon=10, lat=50),
            node("B", proc("border", 2.0, servers=3, per="vehicle", at=["transit"])),
            node("C"),
        ],
        [
            leg("AB", "A", "B", 100, 50),
            leg("BC", "B", "C", 300, 60, service={"type": "scheduled", "headway_h": 24,
                                                   "capacity_teu": 50}),
            leg("AC", "A", "C", 500, 50, mode="road"),
        ],
    )  # fmt: skip
    sc = scenario(
        [flow("f", "A", "C", 30, {"rail": 3, "road": 1}, share_40ft=0.5, growth_pct_per_year=15)],
        {"rail": ["AB", "BC"], "road": ["AC"]},
        horizon_days=60,
        warmup_days=5,
        seed=9,
        closures=[
            {"elements": ["B", "BC"], "start_day": 10, "duration_h": 12},
            {"elements": "BC", "start_day": 3, "duration_h": 6},
        ],
        capacity_changes=[
            {"node": "B", "process": "border", "servers": 1, "at_day": 20},
            {"node": "B", "process": "border", "servers": 4, "at_day": 2},
        ],
    )
    return build_model(sc, net)


def test_model_carries_the_scenario_figures_not_the_scenario(model: Model) -> None:
    assert (model.name, model.seed, model.horizon_h, model.warmup_h) == ("test", 9, 1440.0, 120.0)
    assert str(model.start_date) == "2024-01-01 00:00:00"
    assert not hasattr(model, "scenario")


def test_places_are_node_processes_then_legs(model: Model) -> None:
    assert [(p.element, p.process) for p in model.places] == [
        ("A", "gate"),
        ("B", "border"),
        ("AB", "continuous"),
        ("BC", "scheduled"),
        ("AC", "continuous"),
    ]
    assert [leg.place for leg in model.legs] == [2, 3, 4]


def test_process_masks_and_streams(model: Model) -> None:
    gate, border = model.nodes[0].processes[0], model.nodes[1].processes[0]
    assert (gate.at_mask, border.at_mask) == (AT_ORIGIN, AT_TRANSIT)
    assert (border.servers, border.per_vehicle, border.stream) == (3, True, "node:B:border")
    assert AT_ALL == 7


def test_routes_are_indices_with_cumulative_km(model: Model) -> None:
    rail, road = model.routes
    assert (rail.legs, rail.nodes, rail.cum_km) == ((0, 1), (0, 1, 2), (0.0, 100.0, 400.0))
    assert (road.legs, road.nodes, road.length_km) == ((2,), (0, 2), 500.0)


def test_flow_rate_is_containers_per_hour_and_shares_are_cumulative(model: Model) -> None:
    (f,) = model.flows
    assert f.containers_per_h == pytest.approx(30 / 24 / 1.5)  # 1.5 TEU a container on average
    assert f.route_cum == (0.75, 1.0)
    assert f.growth_per_year == pytest.approx(1.15)


def test_closures_are_merged_per_element_and_listed_by_start(model: Model) -> None:
    assert [(c.element, c.start_h) for c in model.closure_records] == [
        ("BC", 72.0),
        ("B", 240.0),
        ("BC", 240.0),
    ]
    bc = model.leg_closures[1]
    assert (bc.open_at(75.0), bc.open_at(245.0), bc.open_at(300.0)) == (78.0, 252.0, 300.0)
    assert not model.leg_closures[0]


def test_capacity_changes_are_sorted_by_time(model: Model) -> None:
    assert model.capacity_changes == ((48.0, 1, 0, 4), (480.0, 1, 0, 1))


def test_the_engine_imports_nothing_of_the_input_side() -> None:
    code = (
        "import sys, corridor.engine; "
        "print(sorted(m for m in ('pydantic', 'yaml', 'pandas', 'geopandas', 'shapely', "
        "'corridor.inputs') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
