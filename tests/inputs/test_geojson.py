"""Reading the GeoJSON file: JSON, CRS, geometries, and the file-level errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from corridor.errors import NetworkError
from corridor.inputs.network import Network, load_network
from tests.inputs.features import MINI_3857, WriteJson, collection, load_error, small_features

# --- reading ---------------------------------------------------------------------------------


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


# --- file errors -----------------------------------------------------------------------------


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


# --- geometry errors -------------------------------------------------------------------------


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


def test_zero_length_line_without_length_km_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["geometry"]["coordinates"] = [[50.0, 40.0], [50.0, 40.0]]
    assert "features[2] (leg L1).geometry: the line has zero length, so the leg has no length " in (
        load_error(write_json, features)
    )
