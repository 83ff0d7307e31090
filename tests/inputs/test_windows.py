"""Time windows of a scenario: closures, seasons, storms and capacity changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from corridor.inputs.scenario import load_scenario
from tests.inputs.scenario_files import extra_error, with_minimal

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
    assert scenario.closures[0].elements == ("ab",)


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
    assert scenario.closures[0].elements == ("ab",)


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


# --- storms ----------------------------------------------------------------------------------


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


# --- capacity changes ------------------------------------------------------------------------


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
    assert text == (
        "s.yaml: line 3: capacity_changes[0].servers: 0 is less than 1 (a process has 1 to 10,000 "
        "servers; no node has more parallel cranes, gates, lanes or tracks; see Limits in "
        "docs/scenario-reference.md)"
    )


# --- dates are dates --------------------------------------------------------------------------


def test_date_written_as_a_number_is_refused_not_read_as_a_timestamp(folder: Path) -> None:
    assert extra_error(folder, "start_date: 20250101\n") == (
        "s.yaml: line 2: start_date: expected a date written YYYY-MM-DD, got a number "
        "(20250101) (write 2025-01-01; a number is not a date)"
    )


def test_date_as_digits_in_quotes_is_refused(folder: Path) -> None:
    assert extra_error(folder, "start_date: '20250101'\n") == (
        "s.yaml: line 2: start_date: expected a date written YYYY-MM-DD, got text ('20250101') "
        "(write 2025-03-01 or 2025-03-01 08:00:00)"
    )


def test_date_in_quotes_is_a_date(folder: Path) -> None:
    scenario = load_scenario(with_minimal(folder, "start_date: '2025-02-01 06:30'\n"))
    assert scenario.start_date == dt.datetime(2025, 2, 1, 6, 30)


def test_closure_after_pandas_calendar_is_refused(folder: Path) -> None:
    text = extra_error(folder, "closures:\n  - {elements: ab, start: 2300-01-01, duration_h: 2}\n")
    assert text.startswith(
        "s.yaml: line 3: closures[0].start: 2300-01-01 is not before 2262-04-11 (results are "
        "tabulated in pandas"
    )


def test_day_offset_beyond_the_longest_horizon_is_refused(folder: Path) -> None:
    text = extra_error(
        folder, "capacity_changes:\n  - {node: B, process: p, servers: 2, at_day: 1e300}\n"
    )
    assert text == (
        "s.yaml: line 3: capacity_changes[0].at_day: 1e+300 is more than 21,915 days (from 0 to "
        "60 years, the longest horizon; see Limits in docs/scenario-reference.md)"
    )
