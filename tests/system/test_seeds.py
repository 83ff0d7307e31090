"""The INSTC seed network: seeds/instc.geojson, generated from seeds/network.yaml.

These tests check the committed files (the network and the planned additions of
seeds/planned/: they load, validate, are small and current), that the network runs both ways
(every link has its way back, with a readable id; border and port processes by direction;
every route forms its vehicles where it starts), the distances of the branches against the
published corridor totals, and the rules of the table (every figure sourced, every node and
leg with a source, derived figures computed as their text says).
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
import yaml
from pydantic import TypeAdapter

from corridor.inputs.network import Network, load_network
from corridor.inputs.properties import LegProperties, NodeProperties
from corridor.inputs.specs import ProcessSpec, ServiceSpec
from tests.paths import SCENARIOS, SEEDS

GEOJSON = SEEDS / "instc.geojson"
TABLE = SEEDS / "network.yaml"
SCRIPT = SEEDS / "build_network.py"
PLANNED = sorted((SEEDS / "planned").glob("*.geojson"))


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


def test_geojson_loads_with_the_corridor_loader(
    network: Network, table: dict[str, Any], builder: ModuleType
) -> None:
    assert set(network.nodes) == {n["id"] for n in table["nodes"]}
    ways_out = {leg["id"] for leg in table["legs"]}
    ways_back = {builder.reverse_id(leg) for leg in table["legs"]}
    assert set(network.legs) == ways_out | ways_back


def test_every_link_runs_both_ways_with_a_readable_way_back(network: Network) -> None:
    # nothing in the seed network is one way: a railway, a road, a sea lane carry both ways
    for leg in network.legs.values():
        assert leg.reverse is not None, leg.id
        back = network.legs[leg.reverse]
        assert (back.from_node, back.to_node) == (leg.to_node, leg.from_node), leg.id
        assert back.reverse == leg.id
        assert back.link == leg.link
        # the way back's id names its own direction: MOW-VOG-RAIL is the way back of VOG-MOW-RAIL
        assert back.id.startswith(f"{back.from_node}-{back.to_node}-"), back.id
        assert not back.id.endswith("-rev"), back.id


def test_leg_ids_are_unique_across_both_directions(
    table: dict[str, Any], builder: ModuleType
) -> None:
    ids = [n["id"] for n in table["nodes"]]
    for leg in table["legs"]:
        ids += [leg["id"], builder.reverse_id(leg)]
    assert len(ids) == len(set(ids))


def test_nothing_is_disabled_in_the_seed_network(network: Network) -> None:
    # planned lines are files of seeds/planned/ that scenarios add, not disabled legs
    assert [leg.id for leg in network.legs.values() if not leg.enabled] == []


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
            if "service" in props.get("reverse", {}):
                services.validate_python(props["reverse"]["service"])


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


def test_check_mode_fails_when_a_planned_file_is_stale(
    builder: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    built = builder.build()
    name, (path, text, geojson) = next(iter(built.planned.items()))
    stale = tmp_path / "planned" / path.name
    stale.parent.mkdir()
    changed = text.replace('"length_km":162', '"length_km":163')  # the Rasht - Astara railway
    assert changed != text
    stale.write_text(changed, encoding="utf-8")
    real_build = builder.build

    def build_to_tmp(*args: Any, **kwargs: Any) -> Any:
        result = real_build(*args, **kwargs)
        result.planned[name] = (stale, text, geojson)
        return result

    monkeypatch.setattr(builder, "build", build_to_tmp)
    assert builder.main(["--check"]) == 1
    assert f"{path.name} is not what network.yaml generates" in capsys.readouterr().err


def test_check_mode_fails_when_the_file_is_stale(
    builder: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    stale = tmp_path / "instc.geojson"
    text = GEOJSON.read_text(encoding="utf-8")
    changed = text.replace('"length_km":626', '"length_km":627')  # Bandar Abbas - Bafq
    assert changed != text
    stale.write_text(changed, encoding="utf-8")
    monkeypatch.setattr(builder, "OUTPUT", stale)
    assert builder.main(["--check"]) == 1
    assert "is not what network.yaml generates" in capsys.readouterr().err


def test_build_is_deterministic(builder: ModuleType) -> None:
    assert builder.build().text == builder.build().text == GEOJSON.read_text(encoding="utf-8")


def test_planned_files_are_the_ones_the_table_writes(builder: ModuleType) -> None:
    built = builder.build()
    written = sorted(path for path, _, _ in built.planned.values())
    assert written == PLANNED
    assert {"rasht-astara-rail", "chabahar-zahedan"} <= set(built.planned)


@pytest.mark.parametrize("path", PLANNED, ids=[p.stem for p in PLANNED])
def test_planned_file_joins_the_network(path: Path, network: Network) -> None:
    added = load_network(path, base=network)
    assert added.legs, path.name
    for leg in added.legs.values():
        assert leg.reverse is not None, leg.id
        ends = set(network.nodes) | set(added.nodes)
        assert {leg.from_node, leg.to_node} <= ends, leg.id
    assert not set(added.legs) & set(network.legs)


def test_rasht_astara_scenario_gives_the_planned_node_changes(builder: ModuleType) -> None:
    # the scenario writes out the processes the table resolves (one home for the figures)
    planned = builder.build().node_changes["rasht-astara-rail"]
    scenario = yaml.safe_load((SCENARIOS / "rasht-astara-rail.yaml").read_text(encoding="utf-8"))
    assert "../seeds/planned/rasht-astara-rail.geojson" in scenario["add"]
    for node_id, change in planned.items():
        assert scenario["nodes"][node_id]["processes"] == change["processes"], node_id


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
    for name, chain in table["routes"].items():
        legs = [network.legs[leg] for leg in chain]
        for before, after in itertools.pairwise(legs):
            assert before.to_node == after.from_node, (name, before.id, after.id)
        if name.endswith("_south"):  # Moscow, St Petersburg or Astrakhan -> Nhava Sheva
            assert legs[0].from_node in {"MOW", "SPB", "AKH-P"}, name
            assert legs[-1].to_node == "NSA", name
        else:
            end = "SPB" if name.endswith("_to_spb") else "MOW"
            assert (legs[0].from_node, legs[-1].to_node) == ("NSA", end), name
        assert all(leg.enabled for leg in legs), name


def test_southbound_routes_are_the_northbound_links_the_other_way(
    network: Network, table: dict[str, Any]
) -> None:
    routes = table["routes"]
    pairs = {
        "western_south": "western",
        "trans_caspian_astrakhan_anzali_south": "trans_caspian_anzali_astrakhan",
        "eastern_sarakhs_volgograd_south": "eastern_sarakhs_volgograd",
        "eastern_sarakhs_saratov_south": "eastern_sarakhs_saratov",
        "eastern_incheh_borun_south": "eastern_incheh_borun",
    }
    for south, north in pairs.items():
        back = [network.legs[leg].reverse for leg in reversed(routes[north])]
        assert routes[south] == back, south
        assert _route_km(network, routes[south]) == pytest.approx(_route_km(network, routes[north]))


def test_every_route_forms_its_vehicles_where_it_starts(network: Network) -> None:
    # a route that starts with a through leg sends its boxes one by one (corridor warns); in
    # particular a southbound train forms at the first rail leg of each southbound route
    # and wherever boxes come to rail off a ship or a truck
    scenario = yaml.safe_load((SCENARIOS / "instc-baseline.yaml").read_text(encoding="utf-8"))
    for name, chain in scenario["routes"].items():
        legs = [network.legs[leg] for leg in chain]
        assert legs[0].service.type != "through", name
        for before, leg in zip([None, *legs[:-1]], legs, strict=True):
            if leg.mode == "rail" and (before is None or before.mode != "rail"):
                assert leg.service.type == "when_full", (name, leg.id)


def test_rail_borders_clear_exit_and_entry_by_direction(network: Network) -> None:
    # each side of a rail border has exit formalities for trains leaving to the other side
    # and entry formalities for trains arriving from it
    borders = {
        "AST-IR": "AST-AZ", "AST-AZ": "AST-IR", "YAL": "SAM", "SAM": "YAL",
        "SRK-IR": "SRK-TM", "SRK-TM": "SRK-IR", "SHY": "BLS", "BLS": "SHY",
        "GNY": "AKS", "AKS": "GNY", "INB": "ETK", "ETK": "INB",
    }  # fmt: skip
    for node_id, other in borders.items():
        border = [p for p in network.nodes[node_id].processes if p.activity == "border"]
        exits = [p for p in border if p.leaving_to == (other,) and p.name.endswith("_exit")]
        entries = [p for p in border if p.arriving_from == (other,) and p.name.endswith("_entry")]
        assert len(exits) == 1, node_id
        assert len(entries) == 1, node_id
        assert len(border) == 2, node_id


def test_caspian_ports_clear_exit_and_entry_by_direction(network: Network) -> None:
    for node_id in ("ANZ", "AMD", "AKH-P", "OLY", "MKH-P"):
        border = {p.name: p for p in network.nodes[node_id].processes if p.activity == "border"}
        country = "iran" if node_id in ("ANZ", "AMD") else "russia"
        exit_, entry = border[f"{country}_exit"], border[f"{country}_entry"]
        sailings = {leg.to_node for leg in network.legs.values() if leg.from_node == node_id}
        sailings &= {"ANZ", "AMD", "AKH-P", "OLY", "MKH-P"}
        assert set(exit_.leaving_to or ()) == sailings, node_id
        assert set(entry.arriving_from or ()) == sailings, node_id


def test_caspian_links_share_one_fleet_both_ways(network: Network) -> None:
    caspian = ["ANZ-AKH-P-SEA", "ANZ-OLY-SEA", "AMD-OLY-SEA", "ANZ-MKH-P-SEA", "AMD-MKH-P-SEA"]
    for leg_id in caspian:
        leg = network.legs[leg_id]
        back = network.legs[leg.reverse or ""]
        fleet = getattr(leg.service, "fleet", None)
        assert fleet is not None, leg_id
        assert getattr(back.service, "fleet", None) == fleet, leg_id
        assert back.service.type == leg.service.type, leg_id


def test_canal_links_keep_the_canal_speed(builder: ModuleType, table: dict[str, Any]) -> None:
    # running time = sea lane km at the ship's speed + canal km at the canal's speed
    figures = table["figures"]
    ship = figures["caspian_ship_speed_kmh"]["value"]
    canal = figures["canal_speed_kmh"]["value"]
    built = builder.build()
    legs = {f["properties"]["id"]: f["properties"] for f in built.geojson["features"]}
    for leg_id, canal_km in (
        ("ANZ-AKH-P-SEA", figures["vce_akh_canal_km"]["value"]),
        ("ANZ-OLY-SEA", figures["vce_oly_canal_km"]["value"]),
        ("AMD-OLY-SEA", figures["vce_oly_canal_km"]["value"]),
    ):
        props = legs[leg_id]
        sea_km = props["length_km"] - canal_km
        assert props["running_time_h"] == pytest.approx(sea_km / ship + canal_km / canal, abs=0.6)
        assert "running_time_h: computed:" in props["source"]


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
    for leg in builder._all_legs(table):
        if leg.get("geometry") == "searoute":
            assert "|".join(sorted(builder._lane_ends(leg))) in lanes, leg["id"]


def test_canal_ice_delays_are_derived_as_their_text_says(table: dict[str, Any]) -> None:
    # the slower canal passage in ice, canal km / (factor x speed) - canal km / speed, plus the
    # convoy wait: the extra delay the scenarios put on the links through the canal
    figures, scenario_figures = table["figures"], table["scenario_figures"]
    speed = figures["canal_speed_kmh"]["value"]
    factor = scenario_figures["canal_ice_speed_factor"]["value"]
    wait = scenario_figures["canal_ice_convoy_wait_h"]["value"]
    for port, km_figure in (("astrakhan", "vce_akh_canal_km"), ("olya", "vce_oly_canal_km")):
        km = figures[km_figure]["value"]
        slower = km / (factor * speed) - km / speed
        delay = scenario_figures[f"canal_ice_extra_delay_{port}_h"]["value"]
        for key in ("low", "mode", "high"):
            assert delay[key] == pytest.approx(wait[key] + slower, abs=0.06), (port, key)
    baseline = yaml.safe_load((SCENARIOS / "instc-baseline.yaml").read_text(encoding="utf-8"))
    seasons = {s["name"]: s for s in baseline["seasons"]}
    for port in ("astrakhan", "olya"):
        expected = dict(scenario_figures[f"canal_ice_extra_delay_{port}_h"]["value"])
        assert seasons[f"canal-ice-{port}"]["extra_delay_h"] == expected
        assert "speed_factor" not in seasons[f"canal-ice-{port}"]
    ice_legs = {leg for s in seasons.values() for leg in s["legs"]}
    assert ice_legs == set(scenario_figures["canal_ice_season"]["value"]["legs"])
    assert set(baseline["storms"][0]["elements"]) == set(
        scenario_figures["caspian_storm_elements"]["value"]
    )


def test_sources_md_documents_every_figure(table: dict[str, Any]) -> None:
    text = (SEEDS / "SOURCES.md").read_text(encoding="utf-8")
    for section in ("figures", "scenario_figures"):
        for name in table[section]:
            assert f"`{name}`" in text, f"{section}.{name} is not in seeds/SOURCES.md"


def _numeric(value: Any) -> bool:
    """A number, or a distribution of numbers (not a service, a list or a season)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, dict) and "dist" in value


def test_every_assumed_number_has_a_range(table: dict[str, Any]) -> None:
    # issue 14: each assumption (and each figure on which sources disagree) has low / central /
    # high with its basis, for sensitivity analysis; services are ranged through their figures
    ranges = table["ranges"]
    for section in ("figures", "scenario_figures"):
        for name, entry in table[section].items():
            if "assumption" in entry and _numeric(entry["value"]):
                assert name in ranges, f"{section}.{name}: an assumption without a range"


def test_a_range_off_its_figure_is_refused(builder: ModuleType, table: dict[str, Any]) -> None:
    broken = copy.deepcopy(table)
    broken["ranges"]["iran_rail_speed_kmh"]["central"] = 40
    with pytest.raises(builder.BuildError, match=r"ranges\.iran_rail_speed_kmh\.central: 40"):
        builder.build(broken)
    broken["ranges"]["iran_rail_speed_kmh"].update(central=31.3, low=35)
    with pytest.raises(builder.BuildError, match=r"ranges\.iran_rail_speed_kmh: give numbers"):
        builder.build(broken)


def test_rail_running_times_carry_the_running_factor(network: Network) -> None:
    # rail speeds are moving speeds; every rail leg's running time is km / speed x the factor
    for leg in network.legs.values():
        if leg.mode == "rail":
            assert leg.running_time_h is not None, leg.id
            assert leg.running_time_h.dist == "lognormal", leg.id
