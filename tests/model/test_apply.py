"""Tests of corridor.model.apply: a scenario's node and leg changes applied to a network."""

from __future__ import annotations

from typing import Any

import pytest

from corridor.errors import Problems, ScenarioError
from corridor.inputs.network import Network, load_network
from corridor.inputs.scenario import Scenario
from corridor.model.apply import apply_changes
from tests.paths import DATA


@pytest.fixture(scope="module")
def mini() -> Network:
    return load_network(DATA / "mini-network.geojson")


def _scenario(**changes: Any) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "changes",
            "network": "mini-network.geojson",
            "start_date": "2024-01-01",
            "horizon_days": 30,
            "flows": [
                {"id": "f", "origin": "SOUTH", "destination": "END", "teu_per_day": 5,
                 "routes": ["r"]}
            ],
            "routes": {"r": ["ROAD_S_B", "ROAD_B_E"]},
            **changes,
        }
    )  # fmt: skip


def _apply(network: Network, **changes: Any) -> tuple[Network, Problems]:
    scenario = _scenario(**changes)
    problems = Problems(locate=scenario.problem)
    return apply_changes(network, scenario, problems), problems


def test_leg_change_replaces_fields_and_leaves_the_original(mini: Network) -> None:
    changed, problems = _apply(mini, legs={"ROAD_N_E": {"enabled": True, "speed_kmh": 80}})
    assert not problems
    assert (changed.legs["ROAD_N_E"].enabled, changed.legs["ROAD_N_E"].speed_kmh) == (True, 80.0)
    assert mini.legs["ROAD_N_E"].enabled is False
    assert changed.nodes == mini.nodes


def test_cost_factor_scales_the_network_cost_or_the_new_one(mini: Network) -> None:
    base = mini.legs["SEA_S_N"].cost_usd_per_teu
    assert base > 0
    changed, problems = _apply(mini, legs={"SEA_S_N": {"cost_factor": 0.6}})
    assert not problems
    assert changed.legs["SEA_S_N"].cost_usd_per_teu == pytest.approx(0.6 * base)
    changed, _ = _apply(mini, legs={"SEA_S_N": {"cost_usd_per_teu": 500, "cost_factor": 0.5}})
    assert changed.legs["SEA_S_N"].cost_usd_per_teu == pytest.approx(250.0)


def test_speed_replaces_a_running_time_and_the_other_way_round(mini: Network) -> None:
    changed, _ = _apply(mini, legs={"SEA_S_N": {"running_time_h": 40}})
    leg = changed.legs["SEA_S_N"]
    assert leg.speed_kmh is None
    assert leg.running_time_h is not None
    assert leg.running_time_h.mean == 40.0


def test_service_change_of_the_same_type_merges_into_the_service(mini: Network) -> None:
    changed, _ = _apply(mini, legs={"ROAD_S_B": {"service": {"fleet": {"vehicles": 80}}}})
    fleet = changed.legs["ROAD_S_B"].service.fleet  # type: ignore[union-attr]
    assert fleet is not None
    assert fleet.vehicles == 80
    assert fleet.turnaround_h.mean == 12.0  # kept from the network


def test_headway_given_in_a_change_replaces_a_weekday_timetable(mini: Network) -> None:
    changed, _ = _apply(mini, legs={"RAIL_W_E": {"service": {"headway_h": 24}}})
    service = changed.legs["RAIL_W_E"].service
    assert (service.headway_h, service.weekdays) == (24.0, None)  # type: ignore[union-attr]


def test_processes_as_a_list_replace_the_node_processes(mini: Network) -> None:
    new = [{"name": "gate", "activity": "handling", "time_h": 1}]
    changed, problems = _apply(mini, nodes={"WEST": {"processes": new}})
    assert not problems
    assert [p.name for p in changed.nodes["WEST"].processes] == ["gate"]
    assert mini.nodes["WEST"].processes == ()


def test_process_change_scales_time_and_adds_servers(mini: Network) -> None:
    change = {"unload": {"time_factor": 0.5, "extra_servers": 1}}
    changed, problems = _apply(mini, nodes={"SOUTH": {"processes": change}})
    assert not problems
    unload = changed.nodes["SOUTH"].processes[0]
    assert (unload.time_h.mean, unload.servers) == (2.0, 3)


def test_process_change_can_add_and_remove_processes(mini: Network) -> None:
    change = {"customs": {"remove": True}, "scan": {"time_h": 0.5, "servers": 1}}
    changed, problems = _apply(mini, nodes={"SOUTH": {"processes": change}})
    assert not problems
    assert [p.name for p in changed.nodes["SOUTH"].processes] == ["unload", "scan"]


def test_unknown_leg_is_a_problem_with_a_suggestion(mini: Network) -> None:
    _, problems = _apply(mini, legs={"ROAD_N_F": {"enabled": True}})
    with pytest.raises(
        ScenarioError, match=r"legs\.ROAD_N_F: unknown leg 'ROAD_N_F' \(did you mean 'ROAD_N_E'\?\)"
    ):
        problems.raise_if_any(ScenarioError, "s.yaml")


def test_unknown_leg_field_is_refused_when_the_scenario_is_read() -> None:
    with pytest.raises(ValueError, match=r"speed"):
        _scenario(legs={"ROAD_N_E": {"speed": 80}})


def test_extra_servers_on_a_pure_delay_is_a_problem(mini: Network) -> None:
    change = {"customs": {"extra_servers": 1}}
    _, problems = _apply(mini, nodes={"SOUTH": {"processes": change}})
    assert [p.what for p in problems] == [
        "process 'customs' at 'SOUTH' is a pure delay (no servers)"
    ]
    assert problems.items[0].hint == "set servers instead of extra_servers"


def test_extra_servers_must_leave_one_server(mini: Network) -> None:
    _, problems = _apply(mini, nodes={"SOUTH": {"processes": {"unload": {"extra_servers": -2}}}})
    assert [p.what for p in problems] == ["extra_servers -2 leaves 0 servers"]


def test_removing_or_changing_a_missing_process_is_a_problem(mini: Network) -> None:
    change = {"unlaod": {"remove": True}, "gate": {"time_factor": 2}}
    _, problems = _apply(mini, nodes={"SOUTH": {"processes": change}})
    assert [(p.what, p.hint) for p in problems] == [
        ("node 'SOUTH' has no process 'unlaod' to remove", "did you mean 'unload'?"),
        ("node 'SOUTH' has no process 'gate'", "to add a process, give at least time_h"),
    ]


def test_leg_ends_cannot_be_changed_by_a_scenario() -> None:
    # a leg is a physical link: a scenario changes how it is run, not where it goes
    with pytest.raises(ValueError, match=r"to_node"):
        _scenario(legs={"ROAD_N_E": {"to_node": "NOWHERE"}})
