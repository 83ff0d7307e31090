"""The network as loaded: nodes, legs and their fields, frames, the summary line."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import pytest

from corridor.errors import NetworkError
from corridor.inputs.network import Network, Node, load_network
from corridor.inputs.specs import ContinuousService, ProcessSpec, ScheduledService, WhenFullService
from tests.inputs.features import MINI, WriteJson, collection, haversine_km, small_features


def test_mini_network_has_its_nodes_and_legs_in_file_order(mini: Network) -> None:
    assert list(mini.nodes) == ["SOUTH", "NORTH", "WEST", "BORDER", "END"]
    # every link runs both ways: its way back follows it, named <id>-rev
    assert list(mini.legs) == [
        "SEA_S_N", "SEA_S_N-rev", "RAIL_S_W", "RAIL_S_W-rev", "RAIL_W_E", "RAIL_W_E-rev",
        "ROAD_S_B", "ROAD_S_B-rev", "ROAD_B_E", "ROAD_B_E-rev", "ROAD_N_E", "ROAD_N_E-rev",
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
    assert customs.at == ("origin", "destination")


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
    assert mini.legs["RAIL_W_E"].service.weekdays == ("mon", "thu")  # type: ignore[union-attr]
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


def test_running_time_alone_is_enough(write_json: WriteJson) -> None:
    features = small_features()
    del features[2]["properties"]["speed_kmh"]
    features[2]["properties"]["running_time_h"] = 30
    network = load_network(write_json(collection(features), "net.geojson"))
    assert network.legs["L1"].mean_running_h == 30.0


def test_summary_line_is_logged(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="corridor.inputs.network"):
        load_network(data_dir / MINI)
    assert caplog.messages[-1] == (
        "loaded network: 5 nodes, 6 links as 12 legs (sea 2, rail 4, road 6; 2 disabled)"
    )


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


# --- frames ----------------------------------------------------------------------------------


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
