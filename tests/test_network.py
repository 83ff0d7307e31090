"""Tests of corridor.inputs.network: reading and validating the GeoJSON network."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corridor.errors import InputError, NetworkError
from corridor.inputs.network import Network, Node, load_network
from corridor.inputs.specs import ContinuousService, ProcessSpec, ScheduledService, WhenFullService

MINI = "mini-network.geojson"
MINI_3857 = "mini-network-3857.geojson"
WriteJson = Callable[..., Path]


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius (6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def node_feature(node_id: str, lon: float, lat: float, **props: Any) -> dict[str, Any]:
    properties = {"id": node_id, "name": node_id.title(), "country": "IR", "kind": "port"}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {**properties, **props},
    }


def leg_feature(
    leg_id: str, start: str, end: str, coords: list[list[float]], **props: Any
) -> dict[str, Any]:
    properties = {"id": leg_id, "from": start, "to": end, "mode": "rail", "speed_kmh": 40}
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {**properties, **props},
    }


def small_features() -> list[dict[str, Any]]:
    """Two nodes and a leg between them: a valid network to break one thing at a time."""
    return [
        node_feature("A", 50.0, 40.0),
        node_feature("B", 51.0, 40.0),
        leg_feature("L1", "A", "B", [[50.0, 40.0], [51.0, 40.0]]),
    ]


def collection(features: list[Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def load_error(write_json: WriteJson, features: list[Any]) -> str:
    """The message of the NetworkError that loading ``features`` raises."""
    path = write_json(collection(features), "net.geojson")
    with pytest.raises(NetworkError) as info:
        load_network(path)
    return str(info.value)


@pytest.fixture
def mini(data_dir: Path) -> Network:
    return load_network(data_dir / MINI)


# ----------------------------------------------------------------------------- the fixture


def test_mini_network_has_its_nodes_and_legs_in_file_order(mini: Network) -> None:
    assert list(mini.nodes) == ["SOUTH", "NORTH", "WEST", "BORDER", "END"]
    assert list(mini.legs) == [
        "SEA_S_N", "RAIL_S_W", "RAIL_W_E", "ROAD_S_B", "ROAD_B_E", "ROAD_N_E",
    ]  # fmt: skip


def test_source_is_the_path_read(data_dir: Path, mini: Network) -> None:
    assert mini.source == str(data_dir / MINI)


def test_node_fields_come_from_properties_and_point(mini: Network) -> None:
    assert mini.nodes["WEST"] == Node(
        id="WEST", name="West Terminal", country="AZ", kind="rail_terminal", lon=48.0, lat=40.0
    )


def test_node_processes_are_parsed_in_order(mini: Network) -> None:
    unload, customs = mini.nodes["SOUTH"].processes
    assert isinstance(unload, ProcessSpec)
    assert (unload.name, unload.servers, unload.time_h.mean) == ("unload", 2, 4.0)
    assert customs.time_h.dist == "lognormal"
    assert customs.time_h.mean == pytest.approx(24.0)
    assert customs.at == ["origin", "destination"]


def test_leg_fields_come_from_properties(mini: Network) -> None:
    leg = mini.legs["SEA_S_N"]
    assert (leg.from_node, leg.to_node, leg.mode, leg.name) == (
        "SOUTH", "NORTH", "sea", "South - North sailing",
    )  # fmt: skip
    assert (leg.speed_kmh, leg.cost_usd_per_teu, leg.co2e_kg_per_teu_km) == (20.0, 150.0, 0.02)
    assert leg.enabled is True
    assert leg.mean_running_h == pytest.approx(31.0)


def test_given_length_km_is_kept_over_the_geometry(mini: Network) -> None:
    assert mini.legs["SEA_S_N"].length_km == 620.0  # the drawn line is about 555 km


def test_length_without_length_km_is_the_geodesic_length_of_the_line(mini: Network) -> None:
    coords = [(50.0, 37.0), (49.0, 38.5), (48.0, 40.0)]
    expected = sum(haversine_km(*a, *b) for a, b in itertools.pairwise(coords))
    assert mini.legs["RAIL_S_W"].length_km == pytest.approx(expected, rel=0.005)


def test_leg_coords_are_lon_lat_pairs(mini: Network) -> None:
    assert mini.legs["RAIL_S_W"].coords == ((50.0, 37.0), (49.0, 38.5), (48.0, 40.0))


def test_services_of_each_type_are_parsed(mini: Network) -> None:
    sea, rail = mini.legs["SEA_S_N"].service, mini.legs["RAIL_S_W"].service
    assert isinstance(sea, ScheduledService)
    assert (sea.capacity_teu, sea.headway_h) == (300.0, 72.0)
    assert isinstance(rail, WhenFullService)
    assert mini.legs["RAIL_W_E"].service.weekdays == ["mon", "thu"]  # type: ignore[union-attr]
    fleet = mini.legs["ROAD_S_B"].service.fleet
    assert fleet is not None
    assert fleet.vehicles == 40


def test_service_defaults_to_continuous(mini: Network) -> None:
    assert mini.legs["ROAD_B_E"].service == ContinuousService(type="continuous")


def test_distributions_of_legs_are_parsed(mini: Network) -> None:
    delay = mini.legs["RAIL_S_W"].delay_h
    running = mini.legs["ROAD_B_E"].running_time_h
    assert delay is not None
    assert delay.mean == pytest.approx(6.0)
    assert running is not None
    assert running.mean == pytest.approx(52 / 3)
    assert mini.legs["ROAD_B_E"].speed_kmh is None


def test_disabled_leg_is_loaded_as_disabled(mini: Network) -> None:
    assert mini.legs["ROAD_N_E"].enabled is False


def test_summary_line_is_logged(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="corridor.inputs.network"):
        load_network(data_dir / MINI)
    assert caplog.messages[-1] == (
        "loaded network: 5 nodes, 6 legs (sea 1, rail 2, road 3; 1 disabled)"
    )


def test_file_in_another_crs_is_reprojected_to_lon_lat(data_dir: Path) -> None:
    network = load_network(data_dir / MINI_3857)
    south = network.nodes["SOUTH"]
    assert (south.lon, south.lat) == pytest.approx((50.0, 37.0), abs=1e-6)
    lon, lat = network.legs["RAIL_S_W"].coords[1]
    assert (lon, lat) == pytest.approx((49.0, 38.5), abs=1e-6)


def test_length_of_a_reprojected_line_is_its_geodesic_length(data_dir: Path, mini: Network) -> None:
    network = load_network(data_dir / MINI_3857)
    expected = mini.legs["RAIL_S_W"].length_km
    assert network.legs["RAIL_S_W"].length_km == pytest.approx(expected, rel=1e-6)


def test_feature_id_stands_in_for_a_missing_id_property(write_json: WriteJson) -> None:
    features = small_features()
    del features[0]["properties"]["id"]
    features[0]["id"] = "A"
    network = load_network(write_json(collection(features), "net.geojson"))
    assert "A" in network.nodes


def test_multilinestring_whose_parts_join_is_one_line_from_its_start(
    write_json: WriteJson,
) -> None:
    features = small_features()
    features[2]["geometry"] = {
        "type": "MultiLineString",
        "coordinates": [[[51.0, 40.0], [50.5, 40.2]], [[50.5, 40.2], [50.0, 40.0]]],
    }  # drawn from B back to A: the loader turns it around
    network = load_network(write_json(collection(features), "net.geojson"))
    assert network.legs["L1"].coords == ((50.0, 40.0), (50.5, 40.2), (51.0, 40.0))


def test_line_far_from_its_node_is_a_warning(
    write_json: WriteJson, caplog: pytest.LogCaptureFixture
) -> None:
    features = small_features()
    features[2]["geometry"]["coordinates"][-1] = [51.0, 40.5]  # about 55 km north of B
    with caplog.at_level(logging.WARNING, logger="corridor.inputs.network"):
        network = load_network(write_json(collection(features), "net.geojson"))
    assert "L1" in network.legs
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "features[2] (leg L1): the line ends 55.5 km from node 'B'" in warning.getMessage()
    assert "(more than 25 km)" in warning.getMessage()


def test_line_near_its_node_is_not_a_warning(
    write_json: WriteJson, caplog: pytest.LogCaptureFixture
) -> None:
    features = small_features()
    features[2]["geometry"]["coordinates"][-1] = [51.0, 40.2]  # about 22 km north of B
    with caplog.at_level(logging.WARNING, logger="corridor.inputs.network"):
        load_network(write_json(collection(features), "net.geojson"))
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]


# ----------------------------------------------------------------------------- file errors


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match=r"nope\.geojson: file not found \(check the path\)"):
        load_network(tmp_path / "nope.geojson")


def test_network_error_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="file not found"):
        load_network(tmp_path / "nope.geojson")


def test_empty_file_is_an_error(write_text: Callable[..., Path]) -> None:
    path = write_text("  \n", "empty.geojson")
    with pytest.raises(
        NetworkError, match=r"empty\.geojson: the file is empty; expected a GeoJSON"
    ):
        load_network(path)


def test_text_that_is_not_json_is_an_error(write_text: Callable[..., Path]) -> None:
    path = write_text('{"type": "FeatureCollection",\n "features": [,]}', "bad.geojson")
    with pytest.raises(NetworkError) as info:
        load_network(path)
    message = str(info.value)
    assert message.startswith(f"{path}: line 2, column 15: not valid JSON: Expecting value")
    assert "missing comma or quote" in message


def test_binary_file_is_an_error(write_text: Callable[..., Path]) -> None:
    path = write_text(b"GPKG\x00\xff\xfe binary", "net.gpkg")
    with pytest.raises(NetworkError, match=r"not UTF-8 text, so not GeoJSON.*ogr2ogr -f GeoJSON"):
        load_network(path)


def test_json_that_is_not_a_feature_collection_is_an_error(write_json: WriteJson) -> None:
    path = write_json({"type": "Topology", "objects": {}}, "topo.json")
    with pytest.raises(NetworkError) as info:
        load_network(path)
    assert str(info.value) == (
        f"{path}: the file holds an object of type 'Topology'; expected a GeoJSON "
        'FeatureCollection {"type": "FeatureCollection", ...}'
    )


def test_json_list_is_an_error(write_json: WriteJson) -> None:
    with pytest.raises(NetworkError, match="the file holds a JSON list; expected a GeoJSON"):
        load_network(write_json([1, 2], "list.json"))


def test_collection_without_features_is_an_error(write_json: WriteJson) -> None:
    assert load_error(write_json, []).endswith(
        "features: the collection has no features (nodes are Point features and legs "
        "LineString features)"
    )


def test_entry_that_is_not_a_feature_is_an_error(write_json: WriteJson) -> None:
    message = load_error(write_json, [*small_features(), 7])
    assert message.endswith("features[3]: expected a Feature object, got 7 "
                            '(each feature is {"type": "Feature", "geometry": ..., '
                            '"properties": ...})')  # fmt: skip


def test_nan_in_the_file_is_an_error(write_text: Callable[..., Path]) -> None:
    path = write_text('{"type": "FeatureCollection", "features": [], "x": NaN}', "nan.geojson")
    with pytest.raises(NetworkError, match="not valid JSON: NaN is not a JSON number"):
        load_network(path)


def test_repeated_key_is_an_error(write_text: Callable[..., Path]) -> None:
    text = (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"geometry": {"type": "Point", "coordinates": [50, 40]}, "properties": '
        '{"id": "A", "name": "A", "country": "IR", "kind": "port", "kind": "border"}}]}'
    )
    with pytest.raises(NetworkError, match="the key 'kind' appears twice in one object"):
        load_network(write_text(text, "dupe.geojson"))


# ----------------------------------------------------------------------------- feature errors


def test_unknown_from_node_is_an_error_with_a_suggestion(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["from"] = "AA"
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).from: no node 'AA' in the network (did you mean 'A'?)"
    )


def test_unknown_to_node_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["to"] = "ZZZ"
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).to: no node 'ZZZ' in the network (node ids are the id of Point "
        "features)"
    )


def test_unknown_node_is_reported_even_when_the_leg_has_other_errors(
    write_json: WriteJson,
) -> None:
    features = small_features()
    features[2]["properties"].update({"to": "ZZZ", "mode": "barge"})
    message = load_error(write_json, features)
    assert "features[2] (leg L1).to: no node 'ZZZ'" in message
    assert "features[2] (leg L1).mode: 'barge' is not one of" in message


def test_duplicate_id_across_node_and_leg_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["id"] = "A"
    assert load_error(write_json, features).endswith(
        "features[2] (leg A).id: 'A' is also the id of features[0] (ids are unique across nodes "
        "and legs)"
    )


def test_unknown_mode_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["mode"] = "barge"
    path = write_json(collection(features), "net.geojson")
    with pytest.raises(NetworkError) as info:
        load_network(path)
    assert str(info.value) == (
        f"{path}: features[2] (leg L1).mode: 'barge' is not one of 'sea', 'rail', 'road'"
    )


def test_unknown_node_kind_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[1]["properties"]["kind"] = "harbour"
    assert load_error(write_json, features).endswith(
        "features[1] (node B).kind: 'harbour' is not one of 'port', 'rail_terminal', "
        "'dry_port', 'border', 'gauge_change', 'road_terminal', 'junction'"
    )


def test_missing_geometry_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["geometry"] = None
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).geometry: geometry is missing (nodes are Points [lon, lat] and "
        "legs LineStrings [[lon, lat], ...])"
    )


def test_empty_geometry_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["geometry"]["coordinates"] = []
    assert "features[2] (leg L1).geometry: LineString is empty" in load_error(write_json, features)


def test_line_of_one_position_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["geometry"]["coordinates"] = [[50.0, 40.0]]
    assert "features[2] (leg L1).geometry: LineString is invalid and could not be read" in (
        load_error(write_json, features)
    )


def test_polygon_geometry_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    ring = [[50.0, 40.0], [50.1, 40.0], [50.1, 40.1], [50.0, 40.0]]
    features[0]["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    assert "features[0] (node A).geometry: geometry is a Polygon (nodes are Points" in (
        load_error(write_json, features)
    )


def test_multilinestring_whose_parts_do_not_join_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["geometry"] = {
        "type": "MultiLineString",
        "coordinates": [[[50.0, 40.0], [50.4, 40.0]], [[50.6, 40.0], [51.0, 40.0]]],
    }
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).geometry: MultiLineString of 2 parts that do not join into one "
        "line (draw the leg as one LineString)"
    )


def test_coordinates_outside_lon_lat_range_are_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[0]["geometry"]["coordinates"] = [5565974.5, 4865942.3]  # metres, no crs declared
    assert load_error(write_json, features).endswith(
        "features[0] (node A).geometry: coordinates [5565974.5, 4865942.3] are outside lon "
        "-180..180, lat -90..90 (coordinates are (lon, lat) in EPSG:4326 unless the file "
        "declares a crs)"
    )


@pytest.mark.parametrize("length_km", [0, -12.5])
def test_non_positive_length_is_an_error(write_json: WriteJson, length_km: float) -> None:
    features = small_features()
    features[2]["properties"]["length_km"] = length_km
    assert load_error(write_json, features).endswith(
        f"features[2] (leg L1).length_km: {length_km!r} must be > 0 (leave length_km out to use "
        "the geodesic length of the geometry)"
    )


@pytest.mark.parametrize("speed_kmh", [0, -40])
def test_non_positive_speed_is_an_error(write_json: WriteJson, speed_kmh: float) -> None:
    features = small_features()
    features[2]["properties"]["speed_kmh"] = speed_kmh
    assert f"features[2] (leg L1).speed_kmh: {speed_kmh!r} must be > 0" in (
        load_error(write_json, features)
    )


def test_zero_length_line_without_length_km_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["geometry"]["coordinates"] = [[50.0, 40.0], [50.0, 40.0]]
    assert "features[2] (leg L1).geometry: the line has zero length, so the leg has no length " in (
        load_error(write_json, features)
    )


def test_both_speed_and_running_time_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["running_time_h"] = {"dist": "uniform", "low": 20, "high": 30}
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1): give speed_kmh or running_time_h, not both (running time is "
        "length / speed, or a draw of running_time_h)"
    )


def test_neither_speed_nor_running_time_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    del features[2]["properties"]["speed_kmh"]
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1): give speed_kmh (km/h) or running_time_h (hours); neither is set"
    )


def test_running_time_alone_is_enough(write_json: WriteJson) -> None:
    features = small_features()
    del features[2]["properties"]["speed_kmh"]
    features[2]["properties"]["running_time_h"] = 30
    network = load_network(write_json(collection(features), "net.geojson"))
    assert network.legs["L1"].mean_running_h == 30.0


def test_repeated_process_name_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[0]["properties"]["processes"] = [
        {"name": "customs", "time_h": 4},
        {"name": "yard", "time_h": 24},
        {"name": "customs", "time_h": 2},
    ]
    assert load_error(write_json, features).endswith(
        "features[0] (node A).processes: process name 'customs' is used twice (processes[0] and "
        "processes[2]); names are unique within a node, since scenarios change processes by name"
    )


def test_leg_from_a_node_to_itself_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["to"] = "A"
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).to: the leg starts and ends at node 'A'; a leg joins two different "
        "nodes"
    )


def test_unknown_property_is_an_error_with_a_suggestion(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["speed_kph"] = 40
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).speed_kph: unknown field 'speed_kph' (did you mean 'speed_kmh'?)"
    )


def test_error_inside_a_process_distribution_names_its_place(write_json: WriteJson) -> None:
    features = small_features()
    bad = {"name": "customs", "time_h": {"dist": "lognormal", "mean": -3, "cv": 0.5}}
    features[0]["properties"]["processes"] = [bad]
    assert load_error(write_json, features).endswith(
        "features[0] (node A).processes[0].time_h.mean: -3 must be > 0"
    )


def test_text_for_a_distribution_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["delay_h"] = "two days"
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).delay_h: 'two days' is not a distribution (give a number (fixed) "
        'or e.g. {"dist": "lognormal", "mean": 12, "cv": 0.5})'
    )


def test_missing_id_is_reported_by_feature_index(write_json: WriteJson) -> None:
    features = small_features()
    del features[1]["properties"]["id"]
    assert "features[1].id: required field is missing" in load_error(write_json, features)


def test_every_problem_of_the_file_is_reported_at_once(write_json: WriteJson) -> None:
    features = small_features()
    features[0]["properties"]["kind"] = "harbour"
    features[1]["geometry"] = None
    features[2]["properties"].update({"mode": "barge", "speed_kmh": -1})
    path = write_json(collection(features), "net.geojson")
    with pytest.raises(NetworkError) as info:
        load_network(path)
    error = info.value
    assert str(error).startswith(f"{path}: 4 problems\n")
    assert [p.where for p in error.problems] == [
        "features[0] (node A).kind",
        "features[1] (node B).geometry",
        "features[2] (leg L1).mode",
        "features[2] (leg L1).speed_kmh",
    ]


# ----------------------------------------------------------------------------- frames, changes


def test_nodes_frame_is_a_geodataframe_of_points(mini: Network) -> None:
    frame = mini.nodes_frame()
    assert frame.crs.to_epsg() == 4326
    assert list(frame["id"]) == list(mini.nodes)
    assert set(frame.geom_type) == {"Point"}
    assert frame.loc[frame["id"] == "SOUTH", "processes"].item() == "unload, customs"


def test_legs_frame_is_a_geodataframe_of_lines(mini: Network) -> None:
    frame = mini.legs_frame()
    assert frame.crs.to_epsg() == 4326
    assert list(frame["id"]) == list(mini.legs)
    assert set(frame.geom_type) == {"LineString"}
    row = frame.set_index("id").loc["ROAD_B_E"]
    assert (row["mode"], row["length_km"], row["service"]) == ("road", 720.0, "continuous")


def test_with_changes_replaces_fields_and_leaves_the_original(mini: Network) -> None:
    changed = mini.with_changes(legs={"ROAD_N_E": {"enabled": True, "speed_kmh": 80.0}})
    assert (changed.legs["ROAD_N_E"].enabled, changed.legs["ROAD_N_E"].speed_kmh) == (True, 80.0)
    assert mini.legs["ROAD_N_E"].enabled is False
    assert changed.nodes == mini.nodes


def test_with_changes_takes_whole_objects(mini: Network) -> None:
    west = mini.nodes["WEST"]
    node = Node(
        id="WEST", name="New", country="AZ", kind="gauge_change", lon=west.lon, lat=west.lat
    )
    assert mini.with_changes(nodes={"WEST": node}).nodes["WEST"] is node


def test_with_changes_of_an_unknown_leg_is_an_error(mini: Network) -> None:
    with pytest.raises(NetworkError, match=r"legs\.ROAD_N_F: no leg 'ROAD_N_F' to change "
                       r"\(did you mean 'ROAD_N_E'\?\)"):  # fmt: skip
        mini.with_changes(legs={"ROAD_N_F": {"enabled": True}})


def test_with_changes_of_an_unknown_field_is_an_error(mini: Network) -> None:
    with pytest.raises(InputError, match=r"legs\.ROAD_N_E\.speed: Leg has no field 'speed' "
                       r"\(did you mean 'speed_kmh'\?\)"):  # fmt: skip
        mini.with_changes(legs={"ROAD_N_E": {"speed": 80.0}})


def test_with_changes_cannot_point_a_leg_at_a_missing_node(mini: Network) -> None:
    moved = dataclasses.replace(mini.legs["ROAD_N_E"], to_node="NOWHERE")
    with pytest.raises(NetworkError, match=r"legs\.ROAD_N_E\.to_node: no node 'NOWHERE'"):
        mini.with_changes(legs={"ROAD_N_E": moved})
