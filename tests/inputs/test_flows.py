"""Flows and routes of a scenario: route shares, routes that must be defined, unique flow ids."""

from __future__ import annotations

from pathlib import Path

from corridor.inputs.scenario import load_scenario
from tests.inputs.scenario_files import extra_error, with_minimal


def test_route_list_means_equal_shares(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(
            folder,
            """\
        flows:
          - {id: f1, origin: A, destination: C, teu_per_day: 10, routes: [r1, r2]}
        routes: {r2: [ad, dc]}
        """,
        )
    )
    assert scenario.flows[0].routes == {"r1": 1.0, "r2": 1.0}


def test_route_listed_twice_is_an_error(folder: Path) -> None:
    text = extra_error(
        folder,
        "flows:\n  - {id: f1, origin: A, destination: C, teu_per_day: 10, routes: [r1, r1]}\n",
    )
    assert (
        text == "s.yaml: line 3: flows[0].routes: lists 'r1' more than once; name each route once"
    )


def test_flow_naming_an_undefined_route_is_an_error(folder: Path) -> None:
    text = extra_error(
        folder, "flows:\n  - {id: f1, origin: A, destination: C, teu_per_day: 10, routes: [r11]}\n"
    )
    assert text == (
        "s.yaml: line 3: flows[0].routes.r11: route 'r11' is not defined under routes "
        "(routes: 'r1'); did you mean 'r1'?"
    )


def test_flow_ids_must_be_unique(folder: Path) -> None:
    text = extra_error(
        folder,
        """\
        flows:
          - {id: f1, origin: A, destination: C, teu_per_day: 10, routes: [r1]}
          - {id: f1, origin: A, destination: C, teu_per_day: 5, routes: [r1]}
        """,
    )
    assert text == "s.yaml: line 4: flows[1].id: 'f1' is used by an earlier flow"


def test_flow_from_a_node_to_itself_is_an_error(folder: Path) -> None:
    text = extra_error(
        folder, "flows:\n  - {id: f1, origin: A, destination: A, teu_per_day: 10, routes: [r1]}\n"
    )
    assert text == (
        "s.yaml: line 3: flows[0].destination: is the origin ('A'); a flow must go somewhere"
    )


def test_number_as_a_mapping_key_is_reported_as_a_key(folder: Path) -> None:
    assert extra_error(folder, "routes: {2025: [ab]}\n") == (
        "s.yaml: line 2: routes: key 2025: expected text, got a number (2025) "
        "(quote it if it is a name: '2025')"
    )


def test_empty_route_is_an_error(folder: Path) -> None:
    assert extra_error(folder, "routes: {r1: []}\n") == (
        "s.yaml: line 2: routes.r1: needs at least 1 item, got 0"
    )


def test_unknown_key_in_a_flow_suggests_only_keys_of_a_flow(folder: Path) -> None:
    # a top-level name ("closures") is not a key of a flow, so it is not suggested
    text = extra_error(
        folder,
        "flows:\n  - {id: f1, origin: A, destination: C, teu_per_day: 10, routes: [r1], "
        "closure: x}\n",
    )
    assert text == (
        "s.yaml: line 3: flows[0].closure: unknown field 'closure' (a flow takes id, origin, "
        "destination, teu_per_day, arrival, growth_pct_per_year, share_40ft, choice, routes)"
    )


def test_misspelt_key_in_a_flow_is_suggested_among_the_keys_of_a_flow(folder: Path) -> None:
    text = extra_error(
        folder,
        "flows:\n  - {id: f1, origin: A, destination: C, teu_per_dy: 10, routes: [r1]}\n",
    )
    assert text.endswith(
        "flows[0].teu_per_dy: unknown field 'teu_per_dy' (did you mean 'teu_per_day'? a flow "
        "takes id, origin, destination, teu_per_day, arrival, growth_pct_per_year, share_40ft, "
        "choice, routes)"
    )
