"""What a scenario changes in its network: node processes, legs, services."""

from __future__ import annotations

from pathlib import Path
from typing import get_args, get_type_hints

from corridor.inputs.changes import ServiceChange
from corridor.inputs.distributions import Fixed, Gamma
from corridor.inputs.scenario import load_scenario
from corridor.inputs.specs import SERVICE_TYPES
from tests.inputs.scenario_files import extra_error, with_minimal

# --- nodes -----------------------------------------------------------------------------------


def test_node_processes_as_a_list_replace_them(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(
            folder,
            """\
        nodes:
          B:
            processes:
              - {name: border, activity: border, time_h: 4, servers: 2}
        """,
        )
    )
    processes = scenario.nodes["B"].processes
    assert isinstance(processes, tuple)
    assert processes[0].time_h == Fixed(value=4)


def test_node_processes_as_a_mapping_change_them_by_name(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(
            folder,
            """\
        nodes:
          B:
            processes:
              border: {time_factor: 0.5, extra_servers: 1}
              x-ray: {remove: true}
        """,
        )
    )
    changes = scenario.nodes["B"].processes
    assert isinstance(changes, dict)
    assert (changes["border"].time_factor, changes["border"].extra_servers) == (0.5, 1)
    assert changes["x-ray"].remove


def test_process_names_in_a_list_must_be_unique(folder: Path) -> None:
    text = extra_error(
        folder, "nodes:\n  B: {processes: [{name: a, time_h: 1}, {name: a, time_h: 2}]}\n"
    )
    assert text == "s.yaml: line 3: nodes.B.processes[1].name: 'a' is used by an earlier process"


def test_processes_must_be_a_list_or_a_mapping(folder: Path) -> None:
    assert extra_error(folder, "nodes:\n  B: {processes: border}\n") == (
        "s.yaml: line 3: nodes.B.processes: expected a list of processes (replaces the node's "
        "processes) or a mapping of process name -> changes"
    )


def test_process_change_with_an_unknown_key_is_named(folder: Path) -> None:
    text = extra_error(folder, "nodes:\n  B: {processes: {border: {time_factr: 0.5}}}\n")
    assert text == (
        "s.yaml: line 3: nodes.B.processes.border.time_factr: unknown field 'time_factr' "
        "(did you mean 'time_factor'? a process's change takes activity, time_h, time_factor, "
        "servers, extra_servers, per, probability, at, cost_usd_per_teu, arriving_from, "
        "leaving_to, remove)"
    )


def test_process_in_a_list_shows_no_union_branch_labels(folder: Path) -> None:
    text = extra_error(
        folder,
        "nodes:\n  B: {processes: [{name: a, time_h: {dist: lognormal, mean: 3, cv: -1}}]}\n",
    )
    assert text == (
        "s.yaml: line 3: nodes.B.processes[0].time_h.cv: -1 is less than 0.001 (below 0.001 a "
        "duration is fixed (write the number); above 20 it is not a duration; see Limits in "
        "docs/scenario-reference.md)"
    )


def test_misspelt_activity_lists_the_activities(folder: Path) -> None:
    text = extra_error(
        folder, "nodes:\n  B: {processes: [{name: a, time_h: 1, activity: custom}]}\n"
    )
    assert text == (
        "s.yaml: line 3: nodes.B.processes[0].activity: 'custom' is not one of 'handling', 'yard', "
        "'customs', 'border', 'inspection', 'gauge_change', 'other' (did you mean 'customs'?)"
    )


def test_misspelt_distribution_in_a_scenario_lists_the_names(folder: Path) -> None:
    text = extra_error(
        folder, "nodes:\n  B: {processes: {border: {time_h: {dist: lognorm, mean: 3, cv: 1}}}}\n"
    )
    assert text == (
        "s.yaml: line 3: nodes.B.processes.border.time_h.dist: 'lognorm' is not one of 'fixed', "
        "'uniform', 'triangular', 'exponential', 'normal', 'lognormal', 'gamma', 'empirical' "
        "(did you mean 'lognormal'?)"
    )


# --- legs ------------------------------------------------------------------------------------


def test_leg_service_change_is_kept_as_given(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(folder, "legs:\n  ab: {service: {headway_h: 84, fleet: {vehicles: 3}}}\n")
    )
    assert scenario.legs["ab"].service == {"headway_h": 84.0, "fleet": {"vehicles": 3}}


def test_leg_service_with_a_misspelt_type_lists_the_types(folder: Path) -> None:
    text = extra_error(folder, "legs:\n  ab: {service: {type: schedule, headway_h: 84}}\n")
    assert text == (
        "s.yaml: line 3: legs.ab.service.type: 'schedule' is not one of 'continuous', "
        "'scheduled', 'when_full', 'through' (did you mean 'scheduled'?)"
    )


def test_leg_service_with_an_unknown_key_is_named(folder: Path) -> None:
    text = extra_error(folder, "legs:\n  ab: {service: {headwy_h: 84}}\n")
    assert text == (
        "s.yaml: line 3: legs.ab.service.headwy_h: unknown field 'headwy_h' "
        "(did you mean 'headway_h'? a leg's service takes type, capacity_teu, headway_h, "
        "offset_h, weekdays, departure_time_h, max_wait_h, fleet)"
    )


def test_leg_service_key_that_its_type_lacks_is_an_error(folder: Path) -> None:
    text = extra_error(folder, "legs:\n  ab: {service: {type: continuous, capacity_teu: 30}}\n")
    assert text == (
        "s.yaml: line 3: legs.ab.service.capacity_teu: a continuous service has no field "
        "'capacity_teu' (it takes type, fleet)"
    )


def test_leg_service_values_are_checked(folder: Path) -> None:
    text = extra_error(
        folder, "legs:\n  ab: {service: {weekdays: [mon, thurs], fleet: {vehicles: 0}}}\n"
    )
    assert text == (
        "s.yaml: 2 problems\n"
        "  - s.yaml: line 3: legs.ab.service.weekdays[1]: 'thurs' is not one of 'mon', 'tue', "
        "'wed', 'thu', 'fri', 'sat', 'sun' (did you mean 'thu'?)\n"
        "  - s.yaml: line 3: legs.ab.service.fleet.vehicles: 0 is less than 1 (a fleet has 1 to "
        "10,000 vehicles, more than any operator runs on one line; leave fleet out for no "
        "limit; see Limits in docs/scenario-reference.md)"
    )


def test_leg_service_change_knows_every_service_type() -> None:
    assert get_args(get_type_hints(ServiceChange)["type"]) == SERVICE_TYPES


def test_leg_change_with_speed_and_running_time_is_an_error(folder: Path) -> None:
    text = extra_error(folder, "legs:\n  ab: {speed_kmh: 40, running_time_h: 20}\n")
    assert text == (
        "s.yaml: line 3: legs.ab.running_time_h: give speed_kmh or running_time_h, not both"
    )


def test_leg_change_distributions_accept_bare_numbers(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(
            folder, "legs:\n  ab: {delay_h: 6, running_time_h: {dist: gamma, mean: 20, cv: 0.2}}\n"
        )
    )
    change = scenario.legs["ab"]
    assert change.delay_h == Fixed(value=6)
    assert change.running_time_h == Gamma(dist="gamma", mean=20, cv=0.2)
