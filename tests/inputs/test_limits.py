"""The bounds of every number in a file: each refuses what would exhaust the machine, with the
value, the bound, the unit and the reason; none refuses a shipped scenario or network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from corridor.inputs.limits import (
    CALENDAR_END,
    LATEST_START,
    LIMITS,
    SEED,
    SERVERS,
    TEU_PER_DAY,
    Limit,
    number_text,
)
from corridor.inputs.network import load_network
from corridor.inputs.scenario import load_scenario, scenario_json_schema
from tests.inputs.scenario_files import extra_error, with_minimal

ROOT = Path(__file__).parent.parent.parent
REFERENCE = ROOT / "docs" / "scenario-reference.md"
SEE = "see Limits in docs/scenario-reference.md"
BROKEN_ON_PURPOSE = ("loop-a.yaml", "loop-b.yaml", "missing-parent.yaml")
SHIPPED = sorted(
    p
    for p in [
        *ROOT.glob("scenarios/*.yaml"),
        *ROOT.glob("docs/examples/*.yaml"),
        *ROOT.glob("tests/data/cli/*.yaml"),
        *ROOT.glob("tests/data/scenarios/*.yaml"),
        *ROOT.glob("tests/data/experiments/chain-*.yaml"),
    ]
    if p.name not in BROKEN_ON_PURPOSE
)
NETWORKS = sorted(
    [
        *ROOT.glob("seeds/*.geojson"),
        *ROOT.glob("docs/examples/*.geojson"),
        *ROOT.glob("tests/data/**/*.geojson"),
    ]
)


def flow_with(extra: str) -> str:
    """A flow of MINIMAL with ``extra`` fields (``teu_per_day: 10`` and ``routes: [r1]`` unless
    given)."""
    teu = "" if "teu_per_day" in extra else "teu_per_day: 10, "
    routes = "" if "routes" in extra else "routes: [r1], "
    return "flows:\n  - {id: f1, origin: A, destination: C, " + routes + teu + extra + "}\n"


# --- the cases, each with its message ---------------------------------------------


def test_demand_of_a_billion_teu_a_day_is_refused(folder: Path) -> None:
    assert extra_error(folder, flow_with("teu_per_day: 1e9")) == (
        "s.yaml: line 3: flows[0].teu_per_day: 1000000000 is more than 100,000 TEU/day (one "
        "flow: from a TEU every 3 years to about the world's largest port (Shanghai: 135,000 "
        f"TEU a day); {SEE})"
    )


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("1e300", "1e+300 is more than 100,000 TEU/day"),
        ("5e-324", "5e-324 is less than 0.001 TEU/day"),
        (".inf", "inf is more than 100,000 TEU/day"),
        (".nan", "nan is not a number"),
    ],
)
def test_demand_out_of_bounds_is_refused(folder: Path, value: str, what: str) -> None:
    assert f"flows[0].teu_per_day: {what} (one flow:" in extra_error(
        folder, flow_with(f"teu_per_day: {value}")
    )


def test_growth_of_a_thousand_percent_is_refused(folder: Path) -> None:
    assert extra_error(folder, flow_with("growth_pct_per_year: 1000")) == (
        "s.yaml: line 3: flows[0].growth_pct_per_year: 1000 is more than 100 percent a year "
        f"(from the end of a flow (-100, excluded) to doubling every year; {SEE})"
    )


def test_fleet_of_a_billion_vehicles_is_refused(folder: Path) -> None:
    text = extra_error(folder, "legs:\n  ab: {service: {fleet: {vehicles: 1000000000}}}\n")
    assert text == (
        "s.yaml: line 3: legs.ab.service.fleet.vehicles: 1000000000 is more than 10,000 (a fleet "
        "has 1 to 10,000 vehicles, more than any operator runs on one line; leave fleet out for "
        f"no limit; {SEE})"
    )


def test_a_trillion_servers_are_refused(folder: Path) -> None:
    text = extra_error(folder, "nodes:\n  B: {processes: {p: {servers: 1000000000000}}}\n")
    assert text.startswith(
        "s.yaml: line 3: nodes.B.processes.p.servers: 1000000000000 is more than 10,000 (a "
        "process has 1 to 10,000 servers;"
    )


def test_storms_of_a_billion_a_month_are_refused(folder: Path) -> None:
    storm = "{name: s, elements: [ab], rate_per_month: [1e9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "
    text = extra_error(folder, f"storms:\n  - {storm}duration_h: 1}}\n")
    assert text == (
        "s.yaml: line 3: storms[0].rate_per_month[0]: 1000000000 is more than 31 storms a month "
        f"(from 0 to 31 a month, a storm starting every day; {SEE})"
    )


def test_time_factor_of_1e308_is_a_message_not_a_traceback(folder: Path) -> None:
    text = extra_error(folder, "nodes:\n  B: {processes: {p: {time_factor: 1e308}}}\n")
    assert text == (
        "s.yaml: line 3: nodes.B.processes.p.time_factor: 1e+308 is more than 100 (a change of "
        f"more than 100 times either way is a mistake of units; {SEE})"
    )


@pytest.mark.parametrize("field", ["speed_factor", "capacity_factor", "headway_factor"])
def test_season_factors_are_bounded_both_ways(folder: Path, field: str) -> None:
    season = f"{{name: w, legs: [ab], start_day: 1, end_day: 2, {field}: 0.001}}"
    assert f"seasons[0].{field}: 0.001 is less than 0.01 (a change" in extra_error(
        folder, f"seasons:\n  - {season}\n"
    )


@pytest.mark.parametrize("date", ["1677-09-01", "0001-01-01"])
def test_start_before_1900_is_refused(folder: Path, date: str) -> None:
    assert extra_error(folder, f"start_date: {date}\n") == (
        f"s.yaml: line 2: start_date: {date} is before 1900-01-01 (dates are from 1900-01-01; "
        f"{SEE})"
    )


def test_start_after_2200_is_refused(folder: Path) -> None:
    assert extra_error(folder, "start_date: 2250-12-01\n") == (
        "s.yaml: line 2: start_date: 2250-12-01 is after 2200-01-01 (a run may last 60 years and "
        "must end before 2262-04-11, where pandas' calendar ends; see Limits in "
        "docs/scenario-reference.md)"
    )


def test_date_beyond_pandas_calendar_is_refused(folder: Path) -> None:
    assert extra_error(folder, "start_date: 9999-12-01\n").startswith(
        "s.yaml: line 2: start_date: 9999-12-01 is not before 2262-04-11 (results are tabulated "
        "in pandas, whose calendar ends on 2262-04-11;"
    )


def test_latest_start_and_longest_horizon_end_inside_the_calendar() -> None:
    # so that no run can pass its bounds one by one and end past pandas' calendar
    assert LATEST_START + dt.timedelta(days=365.25 * 60) < CALENDAR_END


def test_longest_run_from_the_latest_start_loads(folder: Path) -> None:
    scenario = load_scenario(with_minimal(folder, "start_date: 2200-01-01\nhorizon_days: 21915\n"))
    assert scenario.horizon_days == 21915


def test_weights_of_1e308_are_accepted_and_normalised(folder: Path) -> None:
    dist = "{dist: empirical, values: [1, 3], weights: [1e308, 1e308]}"
    scenario = load_scenario(
        with_minimal(folder, f"nodes:\n  B: {{processes: [{{name: p, time_h: {dist}}}]}}\n")
    )
    time_h = scenario.nodes["B"].processes[0].time_h  # type: ignore[index]
    assert time_h.sampler_args()[1] == (1.0, 3.0, 0.5, 0.5)


# --- the checking type itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "value", "what"),
    [
        (TEU_PER_DAY, 100_000.5, "100000.5 is more than 100,000 TEU/day"),
        (TEU_PER_DAY, 0.0009, "0.0009 is less than 0.001 TEU/day"),
        (SERVERS, 0, "0 is less than 1"),
        (SEED, 2**63, "9223372036854775808 must be less than 2**63"),
        (SEED, 10**400, "a number of 401 digits must be less than 2**63"),
    ],
)
def test_limit_names_value_bound_and_unit(limit: Limit, value: float, what: str) -> None:
    assert limit.problem(value) == what


@pytest.mark.parametrize("limit", LIMITS)
def test_every_bound_accepts_its_own_ends_unless_open(limit: Limit) -> None:
    assert (limit.problem(limit.low) is None) != limit.low_open
    if limit.high != float("inf"):
        assert (limit.problem(limit.high) is None) != limit.high_open


def test_number_text_reads_like_the_file() -> None:
    assert [number_text(v) for v in (30, 30.0, 0.5, 1e300, 10**20, 10**30)] == [
        "30",
        "30",
        "0.5",
        "1e+300",
        "100000000000000000000",
        "a number of 31 digits",
    ]


def test_schema_carries_the_bounds() -> None:
    flow = scenario_json_schema()["$defs"]["FlowSpec"]["properties"]["teu_per_day"]
    assert (flow["minimum"], flow["maximum"]) == (0.001, 100_000)


def test_reference_documents_every_bound() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    limits = text[text.index("## Limits") :]
    for limit in LIMITS:
        assert limit.why.split(";")[0] in limits.replace("\n", " "), limit.name


# --- no bound refuses what ships ------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_scenarios_are_inside_every_bound(path: Path) -> None:
    assert load_scenario(path).horizon_days > 0


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_networks_are_inside_every_bound(path: Path) -> None:
    assert load_network(path).legs


def test_integer_too_large_for_a_float_is_more_than_the_bound(folder: Path) -> None:
    # found by bench/fuzz_long.py: 10**400 raised OverflowError while being read
    assert "flows[0].routes.r1: inf is more than 1,000,000 (shares are relative" in extra_error(
        folder, flow_with("routes: {r1: " + str(10**400) + "}")
    )
