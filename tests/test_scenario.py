"""Scenario files: reading, extends, validation, messages, JSON Schema, documented examples."""

from __future__ import annotations

import datetime as dt
import json
import logging
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from corridor.errors import ScenarioError
from corridor.inputs.distributions import Fixed, Gamma, Lognormal
from corridor.inputs.scenario import Scenario, load_scenario, scenario_json_schema
from corridor.inputs.yamlio import MAX_YAML_NODES, line_of, read_yaml

DATA = Path(__file__).parent / "data" / "scenarios"
EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"

MINIMAL = """\
name: s
network: net.geojson
start_date: 2025-01-01
horizon_days: 100
flows:
  - {id: f1, origin: A, destination: C, teu_per_day: 10, routes: [r1]}
routes:
  r1: [ab, bc]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A temporary folder with an (empty) network file, which is all load_scenario checks."""
    (tmp_path / "net.geojson").write_text("{}", encoding="utf-8")
    return tmp_path


def write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_minimal(folder: Path, extra: str) -> Path:
    """MINIMAL in base.yaml, and ``extra`` over it in s.yaml (so keys can be replaced)."""
    write(folder, MINIMAL, "base.yaml")
    return write(folder, "extends: base.yaml\n" + textwrap.dedent(extra))


def error_text(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def extra_error(folder: Path, extra: str) -> str:
    """The message for MINIMAL with ``extra`` over it; the path prefix cut to the file name."""
    return error_text(with_minimal(folder, extra)).replace(str(folder) + "/", "")


# --- reading a file ---------------------------------------------------------------------------


def test_minimal_scenario_loads(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    assert scenario.name == "s"
    assert scenario.flows[0].routes == {"r1": 1.0}
    assert scenario.routes == {"r1": ["ab", "bc"]}


def test_defaults_of_optional_fields(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    assert (scenario.warmup_days, scenario.seed, scenario.description) == (0.0, 0, "")
    assert (scenario.nodes, scenario.legs, scenario.closures) == ({}, {}, [])
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


# --- extends ----------------------------------------------------------------------------------


def test_extends_merges_mappings_key_by_key() -> None:
    variant = load_scenario(DATA / "variant.yaml")
    # base.yaml gives capacity_teu and cost; variant.yaml adds weekdays to the same leg
    assert variant.legs["RAIL_W_E"].service == {
        "capacity_teu": 120.0,
        "weekdays": ["mon", "wed", "fri"],
    }
    assert variant.legs["RAIL_W_E"].cost_usd_per_teu == 500


def test_extends_replaces_lists() -> None:
    variant = load_scenario(DATA / "variant.yaml")
    assert [f.teu_per_day for f in variant.flows] == [20]
    assert variant.flows[0].routes == {"western": 3.0, "eastern": 1.0}


def test_extends_keeps_what_the_variant_does_not_change() -> None:
    variant = load_scenario(DATA / "variant.yaml")
    assert (variant.name, variant.horizon_days, variant.warmup_days) == ("variant", 30, 10)


def test_extends_follows_a_chain_of_files() -> None:
    scenario = load_scenario(DATA / "variant-of-variant.yaml")
    assert (scenario.name, scenario.seed, scenario.horizon_days) == ("variant-of-variant", 99, 30)
    assert scenario.legs["RAIL_W_E"].co2e_kg_per_teu_km == 0.03
    assert scenario.legs["RAIL_W_E"].service["weekdays"] == ["mon", "wed", "fri"]
    assert scenario.nodes["BORDER"].processes == {
        "border": scenario.nodes["BORDER"].processes["border"]
    }


def test_extends_network_path_is_relative_to_the_file_that_names_it(folder: Path) -> None:
    write(folder, MINIMAL, "base.yaml")
    child = write(folder, "extends: ../base.yaml\nname: child\n", "variants/child.yaml")
    assert load_scenario(child).network_path == str((folder / "net.geojson").resolve())


def test_extends_network_given_by_the_variant_is_relative_to_the_variant(folder: Path) -> None:
    write(folder, MINIMAL, "base.yaml")
    (folder / "variants" / "own.geojson").parent.mkdir()
    (folder / "variants" / "own.geojson").write_text("{}", encoding="utf-8")
    child = write(folder, "extends: ../base.yaml\nnetwork: own.geojson\n", "variants/child.yaml")
    assert load_scenario(child).network_path == str((folder / "variants" / "own.geojson").resolve())


def test_extends_loop_is_reported_with_its_chain() -> None:
    text = error_text(DATA / "loop-a.yaml")
    assert text.endswith(
        "line 1: extends: scenarios extend each other in a loop: "
        f"{DATA / 'loop-a.yaml'} -> {DATA / 'loop-b.yaml'} -> {DATA / 'loop-a.yaml'} "
        "(remove one extends)"
    )


def test_extends_itself_is_a_loop(folder: Path) -> None:
    path = write(folder, "extends: s.yaml\nname: s\n")
    assert "scenarios extend each other in a loop" in error_text(path)


def test_extends_missing_parent_is_reported() -> None:
    assert error_text(DATA / "missing-parent.yaml") == (
        f"{DATA / 'missing-parent.yaml'}: line 1: extends: file "
        f"{DATA / 'no-such-base.yaml'} does not exist (the path is relative to this file)"
    )


def test_extends_must_name_a_file(folder: Path) -> None:
    path = write(folder, "extends: [a.yaml, b.yaml]\nname: s\n")
    assert error_text(path) == (
        f"{path}: line 1: extends: ['a.yaml', 'b.yaml'] is not a file name "
        "(write extends: other-scenario.yaml, relative to this file)"
    )


def test_problem_from_the_base_file_names_the_base_file_and_its_line(folder: Path) -> None:
    write(folder, MINIMAL.replace("teu_per_day: 10", "teu_per_day: -10"), "base.yaml")
    path = write(folder, "extends: base.yaml\nname: variant\n")
    assert error_text(path) == (
        f"{folder / 'base.yaml'}: line 6: flows[0].teu_per_day: -10 must be > 0"
    )


def test_problem_in_the_variant_names_the_variant_and_its_line(folder: Path) -> None:
    assert extra_error(folder, "name: v\nseed: -4\n") == "s.yaml: line 3: seed: -4 must be >= 0"


def test_value_replaced_by_the_variant_is_placed_in_the_variant(folder: Path) -> None:
    text = extra_error(
        folder, "flows:\n  - {id: f1, origin: A, destination: C, teu_per_day: 0, routes: [r1]}\n"
    )
    assert text == "s.yaml: line 3: flows[0].teu_per_day: 0 must be > 0"


# --- YAML that is not a scenario ----------------------------------------------------------------


def test_unknown_top_level_key_is_named_with_a_suggestion(folder: Path) -> None:
    assert extra_error(folder, "horizon_dys: 3\n") == (
        "s.yaml: line 2: horizon_dys: unknown field 'horizon_dys' (did you mean 'horizon_days'?)"
    )


def test_unknown_nested_key_is_named_with_its_path(folder: Path) -> None:
    text = extra_error(folder, "outputs: {stages: true, resource: false}\n")
    assert text == (
        "s.yaml: line 2: outputs.resource: unknown field 'resource' (did you mean 'resources'?)"
    )


def test_duplicate_keys_are_reported_with_both_lines(folder: Path) -> None:
    path = write(folder, MINIMAL + "seed: 1\nseed: 2\n")
    assert error_text(path) == (
        f"{path}: line 10: seed: duplicate key (first on line 9) (keep one)"
    )


def test_every_duplicate_key_is_reported(folder: Path) -> None:
    path = write(folder, "name: a\nname: b\nflows:\n  - {id: x, id: y}\n")
    assert error_text(path) == (
        f"{path}: 2 problems\n"
        f"  - {path}: line 2: name: duplicate key (first on line 1) (keep one)\n"
        f"  - {path}: line 4: flows[0].id: duplicate key (first on line 4) (keep one)"
    )


def test_file_that_is_not_utf8_is_reported_with_its_line(folder: Path) -> None:
    path = folder / "s.yaml"
    path.write_bytes(b"name: s\ndescription: caf\xe9\n")
    assert error_text(path) == (
        f"{path}: line 2: the file is not valid UTF-8 (byte 0xe9 at offset 24) (save it as UTF-8)"
    )


def test_utf8_with_byte_order_mark_is_read(folder: Path) -> None:
    path = folder / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_scenario(path).name == "s"


def test_empty_file_is_reported(folder: Path) -> None:
    path = write(folder, "# nothing but a comment\n")
    assert error_text(path) == f"{path}: the file is empty; expected a mapping of scenario fields"


def test_yaml_list_is_reported(folder: Path) -> None:
    path = write(folder, "- name: s\n- name: t\n")
    assert error_text(path) == (
        f"{path}: the file holds a list; expected a mapping of scenario fields"
    )


def test_invalid_yaml_syntax_is_reported_with_line_and_column(folder: Path) -> None:
    path = write(folder, "name: s\nflows: [1, 2\nseed: 3\n")
    assert error_text(path) == (
        f"{path}: line 3, column 5: invalid YAML: while parsing a flow sequence, "
        "expected ',' or ']', but got ':'"
    )


def test_tab_indentation_is_reported_with_line_and_column(folder: Path) -> None:
    path = write(folder, "name: s\nflows:\n\t- a\n")
    assert error_text(path).startswith(f"{path}: line 3, column 1: invalid YAML:")


def test_invalid_date_is_reported_with_line_and_column(folder: Path) -> None:
    path = write(folder, MINIMAL.replace("2025-01-01", "2025-13-01"))
    assert error_text(path) == (
        f"{path}: line 3, column 13: invalid YAML: '2025-13-01' is not a valid date "
        "(month must be in 1..12)"
    )


def test_alias_bomb_is_refused(folder: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = write(folder, "\n".join(lines) + "\n")
    assert error_text(path) == (
        f"{path}: aliases (*name) expand the document beyond {MAX_YAML_NODES:,} values; "
        "refusing to read it (write the values out, or use fewer nested aliases)"
    )


def test_alias_that_contains_itself_is_refused(folder: Path) -> None:
    path = write(folder, "a: &a [1, *a]\n")
    assert error_text(path) == (
        f"{path}: an alias (*name) refers to the value that contains it (remove it)"
    )


def test_small_anchors_and_aliases_are_fine(folder: Path) -> None:
    path = write(
        folder,
        MINIMAL + "legs:\n  ab: {service: &rail {capacity_teu: 90}}\n  bc: {service: *rail}\n",
    )
    assert load_scenario(path).legs["bc"].service == {"capacity_teu": 90.0}


def test_python_tags_are_refused(folder: Path) -> None:
    path = write(folder, "name: !!python/object/apply:os.system ['true']\n")
    assert error_text(path).startswith(
        f"{path}: line 1, column 7: invalid YAML: could not determine a constructor for the tag"
    )


def test_line_of_finds_the_nearest_enclosing_line(folder: Path) -> None:
    path = write(folder, MINIMAL)
    lines = read_yaml(path, ScenarioError).lines
    assert line_of(lines, ("flows", 0, "teu_per_day")) == 6
    assert line_of(lines, ("flows", 0, "not-there")) == 6
    assert line_of(path, ("routes", "r1")) == 8
    assert line_of(lines, ("nothing",)) is None


# --- scenario-level checks ------------------------------------------------------------------


def test_warmup_as_long_as_the_horizon_is_an_error(folder: Path) -> None:
    assert extra_error(folder, "warmup_days: 100\n") == (
        "s.yaml: line 2: warmup_days: 100 must be shorter than horizon_days (100)"
    )


def test_every_problem_of_the_file_is_reported_at_once(folder: Path) -> None:
    text = extra_error(folder, "seed: -1\nhorizon_days: 0\nname: ''\n")
    assert text == (
        "s.yaml: 3 problems\n"
        "  - s.yaml: line 4: name: must not be empty\n"
        "  - s.yaml: line 3: horizon_days: 0 must be > 0\n"
        "  - s.yaml: line 2: seed: -1 must be >= 0"
    )


def test_missing_required_field_is_named(folder: Path) -> None:
    path = write(folder, MINIMAL.replace("horizon_days: 100\n", ""))
    assert error_text(path) == f"{path}: horizon_days: required field is missing"


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


def test_storm_needs_a_rate_for_each_month(folder: Path) -> None:
    text = extra_error(
        folder,
        """\
        storms:
          - {name: s, elements: [ab], rate_per_month: [1, 2], duration_h: 24}
        """,
    )
    assert text == "s.yaml: line 3: storms[0].rate_per_month: needs at least 12 items, got 2"


def test_storm_names_must_be_unique(folder: Path) -> None:
    text = extra_error(
        folder,
        """\
        storms:
          - {name: s, elements: ab, rate_per_month: [1,1,1,1,1,1,1,1,1,1,1,1], duration_h: 24}
          - {name: s, elements: bc, rate_per_month: [1,1,1,1,1,1,1,1,1,1,1,1], duration_h: 24}
        """,
    )
    assert text == "s.yaml: line 4: storms[1].name: 's' is used by an earlier entry"


# --- windows: closures and seasons -----------------------------------------------------------

VALID_WINDOWS = {
    "start-end": "start: 2025-02-01, end: 2025-02-03 12:00:00",
    "start-duration": "start: 2025-02-01 06:00:00, duration_h: 36",
    "days": "start_day: 10, end_day: 12.5",
    "day-duration": "start_day: 10, duration_h: 36",
    "annual": "annual_from: 12-15, annual_to: 03-15",
}


@pytest.mark.parametrize("form", VALID_WINDOWS)
def test_each_window_form_is_accepted(folder: Path, form: str) -> None:
    scenario = load_scenario(
        with_minimal(folder, f"closures:\n  - {{elements: ab, {VALID_WINDOWS[form]}}}\n")
    )
    assert scenario.closures[0].elements == ["ab"]


def test_calendar_window_dates_become_moments(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(folder, f"closures:\n  - {{elements: ab, {VALID_WINDOWS['start-end']}}}\n")
    )
    closure = scenario.closures[0]
    assert (closure.start, closure.end) == (dt.datetime(2025, 2, 1), dt.datetime(2025, 2, 3, 12))


WINDOW_ERRORS = {
    "two forms": (
        "start: 2025-02-01, start_day: 3, duration_h: 4",
        "give the window in one form: start with end or duration_h (dates), start_day with "
        "end_day or duration_h (days after the scenario start), or annual_from and annual_to "
        "(MM-DD); got start and start_day",
    ),
    "no form": (
        "duration_h: 4",
        "give the window in one form: start with end or duration_h (dates), start_day with "
        "end_day or duration_h (days after the scenario start), or annual_from and annual_to "
        "(MM-DD)",
    ),
    "end without start": ("end: 2025-02-01", "end needs start"),
    "end and duration": (
        "start_day: 1, end_day: 2, duration_h: 5",
        "give end_day or duration_h after start_day, not both",
    ),
    "start alone": ("start: 2025-02-01", "give end or duration_h after start, not both"),
    "annual half": (
        "annual_from: 12-01",
        "an annual window needs both annual_from and annual_to (MM-DD)",
    ),
    "annual with duration": (
        "annual_from: 12-01, annual_to: 12-05, duration_h: 4",
        "an annual window runs from annual_from to annual_to; drop duration_h",
    ),
    "end before start": (
        "start: 2025-02-03, end: 2025-02-01",
        "end 2025-02-01 00:00:00 is not after start 2025-02-03 00:00:00",
    ),
    "end_day before start_day": ("start_day: 5, end_day: 5", "end_day 5 is not after start_day 5"),
}


@pytest.mark.parametrize("case", WINDOW_ERRORS)
def test_window_given_wrongly_is_an_error(folder: Path, case: str) -> None:
    fields, message = WINDOW_ERRORS[case]
    text = extra_error(folder, f"closures:\n  - {{elements: ab, {fields}}}\n")
    assert text == f"s.yaml: line 3: closures[0]: {message}"


def test_month_day_must_be_a_day_of_the_year(folder: Path) -> None:
    text = extra_error(
        folder, "closures:\n  - {elements: ab, annual_from: 02-30, annual_to: 03-01}\n"
    )
    assert text == (
        "s.yaml: line 3: closures[0].annual_from: '02-30' is not a day of the year written "
        "MM-DD (say, 12-15)"
    )


def test_february_29_is_a_day_of_the_year(folder: Path) -> None:
    path = with_minimal(
        folder, "closures:\n  - {elements: ab, annual_from: 02-29, annual_to: 03-01}\n"
    )
    assert load_scenario(path).closures[0].annual_from == "02-29"


def test_time_zones_are_refused(folder: Path) -> None:
    text = extra_error(
        folder, "closures:\n  - {elements: ab, start: 2025-01-02 10:00:00+03:00, duration_h: 3}\n"
    )
    assert text == (
        "s.yaml: line 3: closures[0].start: 2025-01-02T10:00:00+03:00 has a time zone; dates are "
        "in the scenario's own calendar, without one (write 2025-03-01 08:00:00)"
    )


def test_closure_of_one_element_may_be_a_name(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(folder, "closures:\n  - {elements: ab, start_day: 1, duration_h: 2}\n")
    )
    assert scenario.closures[0].elements == ["ab"]


def test_season_uses_the_same_windows(folder: Path) -> None:
    text = extra_error(folder, "seasons:\n  - {name: ice, legs: [ab], annual_from: 12-01}\n")
    assert text == (
        "s.yaml: line 3: seasons[0]: an annual window needs both annual_from and annual_to (MM-DD)"
    )


def test_season_factors_default_to_no_change(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(
            folder, "seasons:\n  - {name: ice, legs: [ab], annual_from: 12-01, annual_to: 02-28}\n"
        )
    )
    season = scenario.seasons[0]
    assert (season.speed_factor, season.capacity_factor, season.headway_factor) == (1, 1, 1)
    assert season.extra_delay_h is None


# --- capacity changes -----------------------------------------------------------------------


def test_capacity_change_at_a_date_or_a_day_is_accepted(folder: Path) -> None:
    scenario = load_scenario(
        with_minimal(
            folder,
            """\
        capacity_changes:
          - {node: B, process: border, servers: 4, at: 2025-03-01}
          - {node: B, process: border, servers: 2, at_day: 80}
        """,
        )
    )
    first, second = scenario.capacity_changes
    assert (first.at, first.at_day, second.at, second.at_day) == (
        dt.datetime(2025, 3, 1),
        None,
        None,
        80,
    )


@pytest.mark.parametrize("when", ["", ", at: 2025-03-01, at_day: 3"])
def test_capacity_change_needs_exactly_one_time(folder: Path, when: str) -> None:
    text = extra_error(
        folder, f"capacity_changes:\n  - {{node: B, process: p, servers: 2{when}}}\n"
    )
    assert text == (
        "s.yaml: line 3: capacity_changes[0]: give either at (a date) or at_day "
        "(days after the start)"
    )


def test_capacity_change_needs_a_server(folder: Path) -> None:
    text = extra_error(
        folder, "capacity_changes:\n  - {node: B, process: p, servers: 0, at_day: 1}\n"
    )
    assert text == "s.yaml: line 3: capacity_changes[0].servers: 0 must be > 0"


# --- nodes and legs -------------------------------------------------------------------------


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
    assert isinstance(processes, list)
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
        "(did you mean 'time_factor'?)"
    )


def test_process_in_a_list_shows_no_union_branch_labels(folder: Path) -> None:
    text = extra_error(
        folder,
        "nodes:\n  B: {processes: [{name: a, time_h: {dist: lognormal, mean: 3, cv: -1}}]}\n",
    )
    assert text == "s.yaml: line 3: nodes.B.processes[0].time_h.cv: -1 must be > 0"


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
        "(did you mean 'headway_h'?)"
    )


def test_leg_service_key_that_its_type_lacks_is_an_error(folder: Path) -> None:
    text = extra_error(folder, "legs:\n  ab: {service: {type: continuous, capacity_teu: 30}}\n")
    assert text == (
        "s.yaml: line 3: legs.ab.service.capacity_teu: a continuous service has no field "
        "'capacity_teu'"
    )


def test_leg_service_values_are_checked(folder: Path) -> None:
    text = extra_error(
        folder, "legs:\n  ab: {service: {weekdays: [mon, thurs], fleet: {vehicles: 0}}}\n"
    )
    assert text == (
        "s.yaml: 2 problems\n"
        "  - s.yaml: line 3: legs.ab.service.weekdays[1]: 'thurs' is not one of 'mon', 'tue', "
        "'wed', 'thu', 'fri', 'sat', 'sun' (did you mean 'thu'?)\n"
        "  - s.yaml: line 3: legs.ab.service.fleet.vehicles: 0 must be > 0"
    )


def test_leg_service_change_knows_every_service_type() -> None:
    from typing import get_args, get_type_hints

    from corridor.inputs.scenario import ServiceChange
    from corridor.inputs.specs import SERVICE_TYPES

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


# --- Scenario objects ---------------------------------------------------------------------------


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
    assert isinstance(processes, list)
    assert processes[0].time_h == Lognormal(dist="lognormal", mean=3, cv=1)


def test_scenario_is_frozen(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    with pytest.raises(ValueError, match="frozen"):
        scenario.seed = 3  # type: ignore[misc]


# --- fixtures and documented examples -------------------------------------------------------


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
    assert scenario.legs["BND-INB-rail"].service == {"weekdays": ["mon", "tue", "thu", "sat"]}


# --- JSON Schema ----------------------------------------------------------------------------


def _json_ready(value: Any) -> Any:
    """YAML data as JSON would hold it (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _yaml_as_json(path: Path) -> Any:
    return _json_ready(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads(json.dumps(schema)) == schema


@pytest.mark.parametrize(
    "path",
    [
        DATA / "base.yaml",
        DATA / "full.yaml",
        DATA / "variant.yaml",
        DATA / "variant-of-variant.yaml",
        EXAMPLES / "mini-scenario.yaml",
        EXAMPLES / "mini-faster-border.yaml",
    ],
    ids=lambda p: p.name,
)
def test_valid_scenarios_satisfy_the_json_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    errors = [e.message for e in validator.iter_errors(_yaml_as_json(path))]
    assert errors == []


def test_json_schema_rejects_an_unknown_key(validator: jsonschema.Draft202012Validator) -> None:
    data = _yaml_as_json(DATA / "base.yaml")
    data["horizon_dys"] = 3
    assert not validator.is_valid(data)


def test_json_schema_requires_the_fields_of_a_file_without_extends(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = _yaml_as_json(DATA / "base.yaml")
    del data["network"]
    assert not validator.is_valid(data)


def test_json_schema_rejects_a_misspelt_distribution(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = _yaml_as_json(DATA / "full.yaml")
    data["legs"]["SEA_S_N"]["delay_h"] = {"dist": "lognorm", "mean": 4, "cv": 1}
    assert not validator.is_valid(data)


def test_json_schema_does_not_list_fields_the_loader_sets() -> None:
    properties = scenario_json_schema()["properties"]
    assert "source" not in properties
    assert "network_path" not in properties
    assert "extends" in properties


def test_scenario_model_is_what_the_loader_returns() -> None:
    assert isinstance(load_scenario(DATA / "base.yaml"), Scenario)


# --- the reference documentation ------------------------------------------------------------

REFERENCE = Path(__file__).parent.parent / "docs" / "scenario-reference.md"


def _fenced_blocks(text: str) -> list[tuple[str, str, str]]:
    """(marker comment before the block or "", language, body) of every fenced block."""
    blocks = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```") and line.strip() != "```":
            lang = line.strip()[3:]
            marker = lines[i - 1].strip() if i > 0 and lines[i - 1].startswith("<!--") else ""
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            blocks.append((marker, lang, "".join(lines[i + 1 : j])))
            i = j
        i += 1
    return blocks


def test_reference_shows_the_example_files_as_they_are() -> None:
    shown = {
        marker.removeprefix("<!-- file: ").removesuffix(" -->"): body
        for marker, _, body in _fenced_blocks(REFERENCE.read_text(encoding="utf-8"))
        if marker.startswith("<!-- file:")
    }
    root = REFERENCE.parent.parent
    assert sorted(shown) == sorted(f"docs/examples/{p.name}" for p in EXAMPLES.iterdir())
    for name, body in shown.items():
        assert body == (root / name).read_text(encoding="utf-8"), name


def _documented_names() -> set[str]:
    from typing import get_type_hints

    from corridor.inputs.distributions import DIST_PARAMS
    from corridor.inputs.network import LegProperties, NodeProperties
    from corridor.inputs.scenario import (
        CapacityChange,
        Closure,
        FleetChange,
        FlowSpec,
        LegChange,
        NodeChange,
        OutputSpec,
        ProcessChange,
        Season,
        ServiceChange,
        StormSpec,
    )
    from corridor.inputs.specs import SERVICE_MODELS, FleetSpec, ProcessSpec

    models = (
        Scenario, FlowSpec, NodeChange, ProcessChange, LegChange, Closure, StormSpec, Season,
        CapacityChange, OutputSpec, ProcessSpec, FleetSpec, *SERVICE_MODELS.values(),
        NodeProperties, LegProperties,
    )  # fmt: skip
    names = {f.alias or n for m in models for n, f in m.model_fields.items()}
    names |= set(get_type_hints(ServiceChange)) | set(get_type_hints(FleetChange))
    names |= {p for params in DIST_PARAMS.values() for p in params}
    return (names - {"network_path"}) | {"extends"}


def test_reference_names_every_field() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = sorted(n for n in _documented_names() if f"`{n}`" not in text)
    assert missing == []


def test_reference_names_every_distribution_activity_and_node_kind() -> None:
    from corridor.inputs.distributions import DIST_NAMES
    from corridor.inputs.specs import ACTIVITIES, MODES, NODE_KINDS, SERVICE_TYPES, WEEKDAYS

    text = REFERENCE.read_text(encoding="utf-8")
    names = (*DIST_NAMES, *ACTIVITIES, *NODE_KINDS, *MODES, *SERVICE_TYPES, WEEKDAYS[0])
    assert [n for n in names if f"`{n}`" not in text] == []


def _scenario_around(block: dict[str, Any]) -> dict[str, Any]:
    """A minimal scenario holding the documented fragment ``block``."""
    data: dict[str, Any] = yaml.safe_load(MINIMAL)
    data.update({k: v for k, v in block.items() if k != "extends"})
    for flow in data["flows"]:
        for route in flow["routes"]:
            data["routes"].setdefault(route, ["x"])
    return data


def test_reference_yaml_snippets_are_valid_scenario_parts() -> None:
    fields = set(Scenario.model_fields) | {"extends"}
    checked = 0
    for marker, lang, body in _fenced_blocks(REFERENCE.read_text(encoding="utf-8")):
        if lang != "yaml" or marker:
            continue
        block = yaml.safe_load(body)
        if isinstance(block, dict) and block and set(block) <= fields:
            Scenario.model_validate(_scenario_around(block))
            checked += 1
    assert checked >= 12


def test_reference_distribution_examples_are_valid() -> None:
    from pydantic import TypeAdapter

    from corridor.inputs.distributions import Dist

    adapter = TypeAdapter(Dist)
    (body,) = [b for _, lang, b in _fenced_blocks(REFERENCE.read_text(encoding="utf-8"))
               if lang == "yaml" and b.startswith("time_h: 4")]  # fmt: skip
    lines = [line.split("#")[0].strip() for line in body.splitlines() if line.strip()]
    for line in lines:
        adapter.validate_python(yaml.safe_load(line)["time_h"])
    assert len(lines) == 9


@pytest.mark.slow
def test_documented_example_runs() -> None:
    from corridor.run import simulate

    scenario = load_scenario(EXAMPLES / "mini-scenario.yaml").with_changes(
        horizon_days=30, warmup_days=0
    )
    trips = simulate(scenario).trips
    assert trips["delivered_h"].notna().sum() > 100
