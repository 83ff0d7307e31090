"""Feature properties: what a node and a leg may say, and the messages when they are wrong."""

from __future__ import annotations

import pytest

from corridor.errors import NetworkError
from corridor.inputs.network import load_network
from tests.inputs.features import WriteJson, collection, load_error, small_features

# --- nodes and legs named --------------------------------------------------------------------


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


def test_missing_id_is_reported_by_feature_index(write_json: WriteJson) -> None:
    features = small_features()
    del features[1]["properties"]["id"]
    assert "features[1].id: required field is missing" in load_error(write_json, features)


# --- values ----------------------------------------------------------------------------------


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


@pytest.mark.parametrize("length_km", [0, -12.5])
def test_non_positive_length_is_an_error(write_json: WriteJson, length_km: float) -> None:
    features = small_features()
    features[2]["properties"]["length_km"] = length_km
    assert load_error(write_json, features).endswith(
        f"features[2] (leg L1).length_km: {length_km:g} must be more than 0 km (leave length_km "
        "out to use the geodesic length of the geometry; the Earth is 40,075 km round; see "
        "Limits in docs/scenario-reference.md)"
    )


def test_length_around_the_earth_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["length_km"] = 1e300
    assert "features[2] (leg L1).length_km: 1e+300 is more than 40,000 km (" in (
        load_error(write_json, features)
    )


@pytest.mark.parametrize("speed_kmh", [0, -40, 0.05])
def test_speed_below_a_tenth_of_a_km_an_hour_is_an_error(
    write_json: WriteJson, speed_kmh: float
) -> None:
    features = small_features()
    features[2]["properties"]["speed_kmh"] = speed_kmh
    assert f"features[2] (leg L1).speed_kmh: {speed_kmh:g} is less than 0.1 km/h (" in (
        load_error(write_json, features)
    )


@pytest.mark.parametrize(
    ("value", "got"), [("1900", "text ('1900') (write 1900 without quotes)"), (True, "a boolean")]
)
def test_length_as_text_or_boolean_is_refused(
    write_json: WriteJson, value: object, got: str
) -> None:
    features = small_features()
    features[2]["properties"]["length_km"] = value
    assert f"features[2] (leg L1).length_km: expected a number, got {got}" in (
        load_error(write_json, features)
    )


def test_servers_beyond_any_node_are_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[0]["properties"]["processes"] = [{"name": "p", "time_h": 1, "servers": 10**12}]
    assert "features[0] (node A).processes[0].servers: 1000000000000 is more than 10,000 (" in (
        load_error(write_json, features)
    )


def test_unknown_key_in_a_distribution_names_its_parameters(write_json: WriteJson) -> None:
    features = small_features()
    features[0]["properties"]["processes"] = [
        {"name": "p", "time_h": {"dist": "exponential", "rate": 2}}
    ]
    assert (
        "features[0] (node A).processes[0].time_h.rate: unknown field 'rate' (an exponential "
        "distribution takes dist, mean)"
    ) in load_error(write_json, features)


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
        "features[0] (node A).processes[0].time_h.mean: -3 must be more than 0 h (durations are "
        "from 0 to 10 years; a longer one is a mistake of units; see Limits in "
        "docs/scenario-reference.md)"
    )


def test_text_for_a_distribution_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    features[2]["properties"]["delay_h"] = "two days"
    assert load_error(write_json, features).endswith(
        "features[2] (leg L1).delay_h: 'two days' is not a distribution (give a number (fixed) "
        'or e.g. {"dist": "lognormal", "mean": 12, "cv": 0.5})'
    )


def test_line_longer_than_the_earth_is_round_is_an_error(write_json: WriteJson) -> None:
    features = small_features()
    # three half-way-round segments along the equator: about 60,000 km
    zigzag = [[50.0, 40.0], [50.0, 0.0], [-129.0, 0.0], [50.0, 0.0], [-129.0, 0.0], [51.0, 40.0]]
    features[2]["geometry"]["coordinates"] = zigzag
    message = load_error(write_json, features)
    assert "features[2] (leg L1).geometry: the line is " in message
    assert " km long, more than 40,000 km (fix the geometry or give length_km;" in message
