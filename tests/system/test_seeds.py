"""The INSTC seed network: seeds/instc.geojson, generated from seeds/network.yaml.

These tests check the committed file (it loads, validates, is small and current), the distances
of the branches against the published corridor totals, and the rules of the table (every figure
sourced, every node and leg with a source).
"""

from __future__ import annotations

import copy
import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import TypeAdapter

from corridor.inputs.network import Network, load_network
from corridor.inputs.properties import LegProperties, NodeProperties
from corridor.inputs.specs import ProcessSpec, ServiceSpec
from tests.paths import SEEDS

GEOJSON = SEEDS / "instc.geojson"
TABLE = SEEDS / "network.yaml"
SCRIPT = SEEDS / "build_network.py"


def _load_script() -> ModuleType:
    name = "seeds_build_network"
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    """seeds/build_network.py, imported as a module."""
    return _load_script()


@pytest.fixture(scope="module")
def table(builder: ModuleType) -> dict[str, Any]:
    """The parsed seeds/network.yaml."""
    return builder.read_table()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def network() -> Network:
    """The committed GeoJSON, read by corridor's loader."""
    return load_network(GEOJSON)


def _route_km(network: Network, legs: list[str]) -> float:
    return sum(network.legs[leg].length_km for leg in legs)


# --------------------------------------------------------------------------- the file


def test_geojson_loads_with_the_corridor_loader(network: Network, table: dict[str, Any]) -> None:
    assert set(network.nodes) == {n["id"] for n in table["nodes"]}
    assert set(network.legs) == {leg["id"] for leg in table["legs"]}


def test_every_leg_joins_two_nodes_of_the_network(network: Network) -> None:
    for leg in network.legs.values():
        assert leg.from_node in network.nodes, leg.id
        assert leg.to_node in network.nodes, leg.id


def test_feature_properties_validate_against_the_specs() -> None:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    services = TypeAdapter(ServiceSpec)
    for feature in data["features"]:
        props = feature["properties"]
        if feature["geometry"]["type"] == "Point":
            NodeProperties.model_validate(props)
            for process in props.get("processes", []):
                ProcessSpec.model_validate(process)
        else:
            LegProperties.model_validate(props)
            services.validate_python(props["service"])


def test_geojson_is_a_wgs84_feature_collection_with_rounded_coordinates() -> None:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # RFC 7946: EPSG:4326 lon/lat
    for feature in data["features"]:
        coords = feature["geometry"]["coordinates"]
        points = [coords] if feature["geometry"]["type"] == "Point" else coords
        for lon, lat in points:
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
            assert (round(lon, 3), round(lat, 3)) == (lon, lat)


def test_geojson_is_smaller_than_one_megabyte() -> None:
    assert GEOJSON.stat().st_size < 1_000_000


def test_check_mode_passes_on_the_committed_file() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_check_mode_fails_when_the_file_is_stale(
    builder: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    stale = tmp_path / "instc.geojson"
    text = GEOJSON.read_text(encoding="utf-8")
    stale.write_text(text.replace('"speed_kmh":40', '"speed_kmh":41'), encoding="utf-8")
    monkeypatch.setattr(builder, "OUTPUT", stale)
    assert builder.main(["--check"]) == 1
    assert "is not what network.yaml generates" in capsys.readouterr().err


def test_build_is_deterministic(builder: ModuleType) -> None:
    assert builder.build().text == builder.build().text == GEOJSON.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- distances


def test_western_branch_from_nhava_sheva_to_moscow_is_6500_to_8000_km(
    network: Network, table: dict[str, Any]
) -> None:
    # INSTC is quoted at ~7,200 km Mumbai - Moscow / St Petersburg (instc-facts §1.4)
    km = _route_km(network, table["routes"]["western"])
    assert 6500 <= km <= 8000
    assert 6500 <= _route_km(network, table["routes"]["western_to_spb"]) <= 8000


def test_suez_sea_leg_is_14000_to_17000_km(network: Network) -> None:
    assert 14_000 <= network.legs["NSA-SPB-SEA"].length_km <= 17_000


def test_eastern_branch_is_longer_than_the_western(network: Network, table: dict[str, Any]) -> None:
    routes = table["routes"]
    western = _route_km(network, routes["western"])
    for name in ("eastern_sarakhs_volgograd", "eastern_sarakhs_saratov", "eastern_incheh_borun"):
        assert western < _route_km(network, routes[name]) < 9000, name


def test_reference_routes_are_connected_chains(network: Network, table: dict[str, Any]) -> None:
    ends = {"southbound_2022": ("SPB", "NSA"), "suez_to_spb": ("NSA", "SPB")}
    for name, chain in table["routes"].items():
        legs = [network.legs[leg] for leg in chain]
        for before, after in itertools.pairwise(legs):
            assert before.to_node == after.from_node, (name, before.id, after.id)
        start, end = ends.get(name, ("NSA", "SPB" if name.endswith("_to_spb") else "MOW"))
        assert (legs[0].from_node, legs[-1].to_node) == (start, end), name
        assert all(leg.enabled for leg in legs), name


def test_only_the_planned_rasht_astara_railway_is_disabled(network: Network) -> None:
    assert [leg.id for leg in network.legs.values() if not leg.enabled] == ["RSH-AST-IR-RAIL"]


# --------------------------------------------------------------------------- the table's rules


def test_every_node_and_leg_has_a_source_in_the_table(table: dict[str, Any]) -> None:
    for section in ("nodes", "legs"):
        for item in table[section]:
            text = item.get("source") or item.get("assumption")
            assert isinstance(text, str), f"{section}.{item['id']}"
            assert len(text) > 10, f"{section}.{item['id']}"


def test_every_figure_has_a_source_or_an_assumption(table: dict[str, Any]) -> None:
    for section in ("figures", "scenario_figures"):
        for name, entry in table[section].items():
            assert ("source" in entry) != ("assumption" in entry), f"{section}.{name}"
            assert len(entry.get("source") or entry.get("assumption")) > 10, f"{section}.{name}"


def test_every_generated_feature_names_its_sources(network: Network) -> None:
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    for feature in data["features"]:
        props = feature["properties"]
        assert props["source"], props["id"]
        if feature["geometry"]["type"] == "LineString" and "length_km" in props:
            assert "length_km" in props["source"], props["id"]


def test_a_bare_number_in_the_table_is_refused(builder: ModuleType, table: dict[str, Any]) -> None:
    broken = copy.deepcopy(table)
    broken["legs"][0]["speed_kmh"] = 30
    with pytest.raises(builder.BuildError, match=r"legs\.NSA-BND-SEA\.speed_kmh: bare number 30"):
        builder.build(broken)


def test_an_unknown_figure_is_refused_with_a_suggestion(
    builder: ModuleType, table: dict[str, Any]
) -> None:
    broken = copy.deepcopy(table)
    broken["legs"][0]["speed_kmh"] = "$liner_sped_kmh"
    with pytest.raises(
        builder.BuildError,
        match=r"legs\.NSA-BND-SEA\.speed_kmh: no figure \$liner_sped_kmh.*liner_speed_kmh",
    ):
        builder.build(broken)


def test_every_sea_lane_leg_has_a_cached_lane(builder: ModuleType, table: dict[str, Any]) -> None:
    lanes = builder.read_sea_lanes()
    for leg in table["legs"]:
        if leg.get("geometry") == "searoute":
            assert "|".join(sorted((leg["from"], leg["to"]))) in lanes, leg["id"]


def test_sources_md_documents_every_figure(table: dict[str, Any]) -> None:
    text = (SEEDS / "SOURCES.md").read_text(encoding="utf-8")
    for section in ("figures", "scenario_figures"):
        for name in table[section]:
            assert f"`{name}`" in text, f"{section}.{name} is not in seeds/SOURCES.md"
