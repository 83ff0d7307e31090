"""New infrastructure in a scenario: nodes and links it adds (``add``), as files or written out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corridor.errors import NetworkError, ScenarioError
from corridor.inputs.scenario import load_scenario
from corridor.run import load_model, simulate
from tests.paths import DATA

NEW_PORT = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [62.0, 25.3]},
    "properties": {"id": "NEWPORT", "name": "New port", "country": "IR", "kind": "port",
                   "processes": [{"name": "gate", "time_h": 2}]},
}  # fmt: skip
NEW_LINE = {
    "type": "Feature",
    "geometry": {"type": "LineString", "coordinates": [[62.0, 25.3], [60.0, 30.0]]},
    "properties": {"id": "NEW-LINE", "from": "NEWPORT", "to": "END", "mode": "rail",
                   "speed_kmh": 40, "length_km": 600, "reverse": {"id": "NEW-LINE-BACK"}},
}  # fmt: skip


def _scenario(folder: Path, add: list[Any], routes: str = "[NEW-LINE]") -> Path:
    text = (
        f"name: added\nnetwork: {DATA / 'mini-network.geojson'}\nstart_date: 2024-01-01\n"
        "horizon_days: 40\n"
        "flows:\n"
        "  - {id: f, origin: NEWPORT, destination: END, teu_per_day: 10, routes: [r]}\n"
        "  - {id: g, origin: END, destination: NEWPORT, teu_per_day: 5, routes: [b]}\n"
        f"routes: {{r: {routes}, b: [NEW-LINE-BACK]}}\n"
        f"add: {json.dumps(add)}\n"
    )
    path = folder / "added.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _overlay(folder: Path, *features: dict[str, Any]) -> str:
    path = folder / "planned.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return "planned.geojson"


def test_a_scenario_adds_a_port_and_a_two_way_line_from_a_file(tmp_path: Path) -> None:
    path = _scenario(tmp_path, [_overlay(tmp_path, NEW_PORT, NEW_LINE)])
    trips = simulate(path).trips
    delivered = trips[trips["delivered_h"].notna()]
    assert set(delivered["flow"]) == {"f", "g"}
    # 600 km at 40 km/h, and the new port's 2 h gate at the start or the end
    assert delivered["transit_h"].min() == pytest.approx(15.0 + 2.0)


def test_features_written_in_the_scenario_add_one_after_the_other(tmp_path: Path) -> None:
    model = load_model(load_scenario(_scenario(tmp_path, [NEW_PORT, NEW_LINE])))
    assert "NEWPORT" in [n.id for n in model.nodes]
    assert {"NEW-LINE", "NEW-LINE-BACK"} <= {leg.id for leg in model.legs}


def test_an_addition_names_its_file_and_feature(tmp_path: Path) -> None:
    bad = {**NEW_LINE, "properties": {**NEW_LINE["properties"], "speed_kmh": -4}}
    path = _scenario(tmp_path, [_overlay(tmp_path, NEW_PORT, bad)])
    with pytest.raises(NetworkError) as err:
        load_model(load_scenario(path))
    assert str(err.value).startswith(f"{tmp_path / 'planned.geojson'}: features[1] (leg NEW-LINE)")
    assert "speed_kmh" in str(err.value)


def test_an_addition_may_not_take_an_id_of_the_network(tmp_path: Path) -> None:
    clash = {**NEW_PORT, "properties": {**NEW_PORT["properties"], "id": "END"}}
    with pytest.raises(NetworkError) as err:
        load_model(load_scenario(_scenario(tmp_path, [clash])))
    assert str(err.value) == (
        f"{tmp_path / 'added.yaml'}: add[0]: features[0] (node END).id: 'END' is already in the "
        f"network ({DATA / 'mini-network.geojson'}) (an addition adds new nodes and links; change "
        "an existing one under nodes: or legs: of the scenario)"
    )


def test_a_link_to_a_node_nobody_has_is_named(tmp_path: Path) -> None:
    line = {**NEW_LINE, "properties": {**NEW_LINE["properties"], "from": "NOWHERE"}}
    with pytest.raises(NetworkError) as err:
        load_model(load_scenario(_scenario(tmp_path, [line])))
    assert "add[0]: features[0] (leg NEW-LINE).from: no node 'NOWHERE' in the network" in str(
        err.value
    )


def test_a_missing_addition_file_is_named_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scenario(tmp_path, ["nowhere.geojson"]))
    assert f"line 9: add[0]: file {tmp_path / 'nowhere.geojson'} does not exist" in str(err.value)
