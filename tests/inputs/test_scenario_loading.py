"""Scenario files: reading one, its top-level checks, Scenario objects, the documented examples."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import numpy as np
import pytest

from corridor.errors import ScenarioError
from corridor.inputs.distributions import Lognormal
from corridor.inputs.scenario import check_seed, load_scenario
from corridor.run import simulate
from tests.inputs.scenario_files import (
    DATA,
    EXAMPLES,
    MINIMAL,
    error_text,
    extra_error,
    with_minimal,
    write,
)

# --- reading a file --------------------------------------------------------------------------


def test_minimal_scenario_loads(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    assert scenario.name == "s"
    assert scenario.flows[0].routes == {"r1": 1.0}
    assert scenario.routes == {"r1": ("ab", "bc")}


def test_defaults_of_optional_fields(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    assert (scenario.warmup_days, scenario.seed, scenario.description) == (0.0, 0, "")
    assert (scenario.nodes, scenario.legs, scenario.closures) == ({}, {}, ())
    flow = scenario.flows[0]
    assert (flow.arrival, flow.growth_pct_per_year, flow.share_40ft) == ("poisson", 0.0, 0.5)
    assert (scenario.outputs.stages, scenario.outputs.resources) == (True, True)


def test_date_alone_means_its_midnight(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    assert scenario.start_date == dt.datetime(2025, 1, 1, 0, 0)


def test_hours_and_days_convert(folder: Path) -> None:
    scenario = load_scenario(with_minimal(folder, "warmup_days: 2\n"))
    assert (scenario.horizon_h, scenario.warmup_h) == (2400.0, 48.0)
    assert scenario.hours_since_start(dt.datetime(2025, 1, 3, 6)) == 54.0


def test_loader_sets_source_and_network_path(folder: Path) -> None:
    path = write(folder, MINIMAL)
    scenario = load_scenario(path)
    assert scenario.source == str(path)
    assert scenario.network_path == str((folder / "net.geojson").resolve())


def test_network_path_is_relative_to_the_scenario_file(folder: Path) -> None:
    (folder / "nets").mkdir()
    (folder / "nets" / "n.geojson").write_text("{}", encoding="utf-8")
    path = write(folder, MINIMAL.replace("net.geojson", "../nets/n.geojson"), "sub/s.yaml")
    assert load_scenario(path).network_path == str((folder / "nets" / "n.geojson").resolve())


def test_missing_network_file_is_reported_at_its_line(folder: Path) -> None:
    path = write(folder, MINIMAL.replace("net.geojson", "nowhere.geojson"))
    assert error_text(path) == (
        f"{path}: line 2: network: file {(folder / 'nowhere.geojson').resolve()} does not exist "
        "(the network path is relative to the scenario file that names it)"
    )


def test_missing_scenario_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    assert error_text(path) == f"{path}: file not found (check the path)"


def test_loader_logs_one_summary_line(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="corridor.inputs.scenario"):
        load_scenario(write(folder, MINIMAL))
    assert [r.getMessage() for r in caplog.records] == [
        f"loaded scenario 's' from {folder / 's.yaml'}: 1 flows, 1 routes, 100 days"
    ]


def test_fields_the_loader_sets_are_not_file_keys(folder: Path) -> None:
    assert extra_error(folder, "source: other.yaml\n") == (
        "s.yaml: line 2: source: unknown field 'source' (it is set by the loader, not by the file)"
    )


def test_unknown_top_level_key_is_named_with_a_suggestion(folder: Path) -> None:
    assert extra_error(folder, "horizon_dys: 3\n") == (
        "s.yaml: line 2: horizon_dys: unknown field 'horizon_dys' (did you mean 'horizon_days'? "
        "a scenario takes name, description, network, start_date, horizon_days, warmup_days, "
        "seed, flows, routes, nodes, legs, closures, storms, seasons, capacity_changes, outputs, "
        "choice, empties, add)"
    )


def test_unknown_nested_key_is_named_with_its_path(folder: Path) -> None:
    text = extra_error(folder, "outputs: {stages: true, resource: false}\n")
    assert text == (
        "s.yaml: line 2: outputs.resource: unknown field 'resource' (did you mean 'resources'? "
        "outputs takes stages, resources)"
    )


# --- scenario-level checks -------------------------------------------------------------------


def test_warmup_as_long_as_the_horizon_is_an_error(folder: Path) -> None:
    assert extra_error(folder, "warmup_days: 100\n") == (
        "s.yaml: line 2: warmup_days: 100 must be shorter than horizon_days (100)"
    )


def test_every_problem_of_the_file_is_reported_at_once(folder: Path) -> None:
    text = extra_error(folder, "seed: -1\nhorizon_days: 0\nname: ''\n")
    assert text == (
        "s.yaml: 3 problems\n"
        "  - s.yaml: line 4: name: must not be empty\n"
        "  - s.yaml: line 3: horizon_days: 0 must be more than 0 days (a run lasts up to 60 years "
        "and ends before 2262-04-11, where pandas' calendar ends; see Limits in "
        "docs/scenario-reference.md)\n"
        "  - s.yaml: line 2: seed: -1 is less than 0 (seeds are whole numbers from 0 to 2**63 - 1; "
        "see Limits in docs/scenario-reference.md)"
    )


def test_missing_required_field_is_named(folder: Path) -> None:
    path = write(folder, MINIMAL.replace("horizon_days: 100\n", ""))
    assert error_text(path) == f"{path}: horizon_days: required field is missing"


# --- Scenario objects ------------------------------------------------------------------------


def test_problem_carries_the_line_of_a_place(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    problem = scenario.problem(("routes", "r1", 1), "unknown leg 'bc'")
    assert (
        problem.render(scenario.source)
        == f"{folder / 's.yaml'}: line 8: routes.r1[1]: unknown leg 'bc'"
    )


def test_problem_from_a_base_file_names_that_file() -> None:
    scenario = load_scenario(DATA / "variant-of-variant.yaml")
    problem = scenario.problem(("routes", "western", 0), "unknown leg")
    assert (
        problem.render(scenario.source)
        == f"{DATA / 'base.yaml'}: line 16: routes.western[0]: unknown leg"
    )


def test_with_changes_validates_again_and_keeps_the_source(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    changed = scenario.with_changes(seed=5)
    assert (changed.seed, changed.source, changed.network_path) == (
        5,
        scenario.source,
        scenario.network_path,
    )
    with pytest.raises(ValueError, match="must be shorter than horizon_days"):
        scenario.with_changes(warmup_days=500)


def test_with_changes_keeps_distributions(folder: Path) -> None:
    path = with_minimal(
        folder, "nodes:\n  B: {processes: [{name: a, time_h: {dist: lognormal, mean: 3, cv: 1}}]}\n"
    )
    changed = load_scenario(path).with_changes(seed=1)
    processes = changed.nodes["B"].processes
    assert isinstance(processes, tuple)
    assert processes[0].time_h == Lognormal(dist="lognormal", mean=3, cv=1)


def test_scenario_is_frozen(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    with pytest.raises(ValueError, match="frozen"):
        scenario.seed = 3  # type: ignore[misc]


# --- fixtures and documented examples --------------------------------------------------------


def test_full_fixture_loads_every_section() -> None:
    scenario = load_scenario(DATA / "full.yaml")
    assert len(scenario.flows) == 2
    assert len(scenario.closures) == 3
    assert [s.name for s in scenario.seasons] == ["ice", "low-water"]
    assert scenario.storms[0].rate_per_month[0] == 2
    assert len(scenario.capacity_changes) == 2
    assert scenario.outputs.resources is False


@pytest.mark.parametrize("name", ["mini-scenario.yaml", "mini-faster-border.yaml"])
def test_documented_example_scenario_loads(name: str) -> None:
    scenario = load_scenario(EXAMPLES / name)
    assert scenario.network_path == str((EXAMPLES / "mini-corridor.geojson").resolve())


def test_documented_variant_halves_the_border_and_changes_the_timetable() -> None:
    scenario = load_scenario(EXAMPLES / "mini-faster-border.yaml")
    changes = scenario.nodes["INB"].processes
    assert isinstance(changes, dict)
    assert changes["border"].time_factor == 0.5
    assert scenario.legs["BND-INB-rail"].service == {"weekdays": ("mon", "tue", "thu", "sat")}


@pytest.mark.slow
def test_documented_example_runs() -> None:
    scenario = load_scenario(EXAMPLES / "mini-scenario.yaml").with_changes(
        horizon_days=30, warmup_days=0
    )
    trips = simulate(scenario).trips
    assert trips["delivered_h"].notna().sum() > 100


# --- numbers are numbers, seeds are seeds ----------------------------------------------------


def test_true_is_not_a_number_of_days(folder: Path) -> None:
    assert extra_error(folder, "horizon_days: true\n") == (
        "s.yaml: line 2: horizon_days: expected a number, got a boolean (true) (true and false "
        "are not numbers)"
    )


def test_number_in_quotes_is_text(folder: Path) -> None:
    assert extra_error(folder, "horizon_days: '30'\n") == (
        "s.yaml: line 2: horizon_days: expected a number, got text ('30') (write 30 without quotes)"
    )


def test_whole_number_with_a_decimal_point_is_refused(folder: Path) -> None:
    assert extra_error(folder, "seed: 3.0\n") == (
        "s.yaml: line 2: seed: expected a whole number, got 3.0 (write 3)"
    )


def test_one_is_not_true(folder: Path) -> None:
    assert extra_error(folder, "outputs: {stages: 1}\n") == (
        "s.yaml: line 2: outputs.stages: expected true or false, got a number (1)"
    )


@pytest.mark.parametrize("seed", [0, 7, 2**63 - 1, np.int64(5)])
def test_check_seed_accepts_what_a_file_may_hold(seed: object) -> None:
    assert check_seed(seed, "simulate(seed=...)") == int(seed)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("seed", "what"),
    [
        (-1, "-1 is less than 0"),
        (2**63, "9223372036854775808 must be less than 2**63"),
        (True, "expected a whole number, got a boolean (true)"),
        (3.0, "expected a whole number, got 3.0"),
        ("3", "expected a whole number, got text ('3')"),
        (None, "expected a whole number, got nothing (null)"),
    ],
)
def test_check_seed_refuses_what_a_file_may_not_hold(seed: object, what: str) -> None:
    with pytest.raises(ScenarioError) as info:
        check_seed(seed, "simulate(seed=...)")
    assert str(info.value) == (
        f"simulate(seed=...): {what} (seeds are whole numbers from 0 to 2**63 - 1; see Limits "
        "in docs/scenario-reference.md)"
    )
    assert isinstance(info.value, ValueError)
