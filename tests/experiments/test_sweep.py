"""Sweep paths: parsing, setting a field, and messages that name the missing part."""

from __future__ import annotations

from typing import Any

import pytest

from corridor import load_network, load_scenario
from corridor.experiments.sweep import PathError, format_value, parse_path, set_path, short_names
from tests.experiments.conftest import MM1


@pytest.fixture(scope="module")
def data_and_network() -> tuple[dict[str, Any], Any]:
    scenario = load_scenario(MM1)
    assert scenario.network_path is not None
    return scenario.model_dump(mode="python"), load_network(scenario.network_path)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("flows[0].teu_per_day", ("flows", 0, "teu_per_day")),
        (
            "nodes.AST-AZ.processes.azerbaijan_entry.servers",
            ("nodes", "AST-AZ", "processes", "azerbaijan_entry", "servers"),
        ),
        ("nodes[A.B].processes", ("nodes", "A.B", "processes")),
        ("flows[a-c].routes", ("flows", "a-c", "routes")),
        ("horizon_days", ("horizon_days",)),
    ],
)
def test_parse_path(text: str, parts: tuple[Any, ...]) -> None:
    assert parse_path(text) == parts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the path is empty"),
        ("a..b", "cannot read the path at character 3"),
        ("a.", "the path ends with a dot"),
        ("flows[]", "empty brackets in the path"),
        ("flows[0]x", "cannot read the path at character 9"),
    ],
)
def test_malformed_paths_are_refused(text: str, message: str) -> None:
    with pytest.raises(PathError, match=message):
        parse_path(text)


def test_set_a_list_item_by_index_and_by_id(data_and_network: Any) -> None:
    data, net = data_and_network
    by_index = set_path(data, parse_path("flows[0].teu_per_day"), 30, net)
    by_id = set_path(data, parse_path("flows.a-c.teu_per_day"), 30, net)
    assert by_index == by_id
    assert by_index["flows"][0]["teu_per_day"] == 30
    assert data["flows"][0]["teu_per_day"] == 12  # the input is not changed


def test_a_network_process_gets_a_change_created(data_and_network: Any) -> None:
    data, net = data_and_network
    out = set_path(data, parse_path("nodes.B.processes.check.servers"), 3, net)
    assert out["nodes"]["B"]["processes"]["check"]["servers"] == 3
    assert out["nodes"]["B"]["processes"]["check"]["time_h"] is None  # network value kept


def test_a_leg_service_field_is_created_as_a_change(data_and_network: Any) -> None:
    data, net = data_and_network
    out = set_path(data, parse_path("legs.AB.service.fleet.vehicles"), 4, net)
    assert out["legs"]["AB"]["service"] == {"fleet": {"vehicles": 4}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "nodes.B.processes.chek.servers",
            "node 'B' has no process 'chek' (did you mean 'check'?)",
        ),
        ("nodes.Q.processes.check.servers", "the network has no node 'Q' (nodes: A, B, C)"),
        ("legs.AX.speed_kmh", "the network has no leg 'AX' (legs: AB, AB-rev, BC, BC-rev)"),
        (
            "flows[2].teu_per_day",
            "flows has 1 items; there is no item [2] (indexes go from 0 to 0)",
        ),
        ("flows[0].teu_per_dy", "flows[0] has no field 'teu_per_dy' (did you mean 'teu_per_day'?)"),
        ("flows.x-y.teu_per_day", "flows has no item named 'x-y' (items: a-c)"),
        ("legs.AB.service.headway", "legs.AB.service has no field 'headway' (did you mean"),
        ("horizon_days.x", "horizon_days is 150, which has no field 'x'"),
        ("routes.rod", "routes has no field 'rod' (did you mean 'road'?)"),
    ],
)
def test_a_path_that_names_nothing_says_which_part_is_missing(
    data_and_network: Any, text: str, message: str
) -> None:
    data, net = data_and_network
    with pytest.raises(PathError) as err:
        set_path(data, parse_path(text), 1, net)
    assert str(err.value).startswith(message)


def test_short_names_are_the_shortest_unique_endings() -> None:
    paths = [
        "nodes.B.processes.check.servers",
        "nodes.A.processes.gate.servers",
        "flows[0].teu_per_day",
    ]
    assert short_names(paths) == {
        paths[0]: "check.servers",
        paths[1]: "gate.servers",
        paths[2]: "teu_per_day",
    }


def test_format_value() -> None:
    assert [format_value(v) for v in (2, 0.5, True, None, {"dist": "fixed"})] == [
        "2",
        "0.5",
        "true",
        "null",
        '{"dist":"fixed"}',
    ]
