"""Errors a user reads: where, what, and a hint, for every problem of a file at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.errors import (
    CorridorError,
    InputError,
    NetworkError,
    Problem,
    Problems,
    RoutingError,
    ScenarioError,
    SimulationError,
    did_you_mean,
    format_location,
)


def test_location_joins_keys_with_dots_and_indexes_in_brackets() -> None:
    assert format_location(["flows", 0, "routes", "western"]) == "flows[0].routes.western"


def test_location_may_start_with_an_index() -> None:
    assert format_location([2, "id"]) == "[2].id"


def test_empty_location_is_empty() -> None:
    assert format_location([]) == ""


def test_problem_renders_file_where_what_and_hint() -> None:
    problem = Problem("line 4: flows[0].teu_per_day", "-3 must be > 0", "demand is TEU per day")
    assert problem.render("s.yaml") == (
        "s.yaml: line 4: flows[0].teu_per_day: -3 must be > 0 (demand is TEU per day)"
    )


def test_problem_without_where_or_hint_renders_what_alone() -> None:
    assert Problem("", "the file is empty").render("s.yaml") == "s.yaml: the file is empty"


def test_problem_without_file_renders_where_and_what() -> None:
    assert Problem("seed", "-1 must be >= 0").render() == "seed: -1 must be >= 0"


def test_problem_in_another_file_names_that_file() -> None:
    problem = Problem("line 2: seed", "-1 must be >= 0", source="base.yaml")
    assert problem.render("variant.yaml") == "base.yaml: line 2: seed: -1 must be >= 0"


def test_one_problem_is_the_whole_message() -> None:
    error = InputError("s.yaml", [Problem("seed", "-1 must be >= 0")])
    assert str(error) == "s.yaml: seed: -1 must be >= 0"


def test_several_problems_are_listed_under_a_count() -> None:
    error = InputError(
        Path("s.yaml"), [Problem("seed", "-1 must be >= 0"), Problem("name", "must not be empty")]
    )
    assert str(error) == (
        "s.yaml: 2 problems\n  - s.yaml: seed: -1 must be >= 0\n  - s.yaml: name: must not be empty"
    )


def test_several_problems_without_a_file_are_counted() -> None:
    error = InputError(None, [Problem("a", "x"), Problem("b", "y")])
    assert str(error) == "2 problems\n  - a: x\n  - b: y"


def test_error_keeps_its_source_and_problems() -> None:
    problems = [Problem("seed", "-1 must be >= 0")]
    error = ScenarioError(Path("s.yaml"), problems)
    assert error.source == "s.yaml"
    assert error.problems == tuple(problems)


def test_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        InputError("s.yaml", [])


def test_single_builds_the_subclass_it_is_called_on() -> None:
    error = ScenarioError.single("s.yaml", "seed", "-1 must be >= 0", "seeds are >= 0")
    assert type(error) is ScenarioError
    assert str(error) == "s.yaml: seed: -1 must be >= 0 (seeds are >= 0)"


@pytest.mark.parametrize("cls", [InputError, NetworkError, ScenarioError, RoutingError])
def test_input_errors_are_value_errors_and_corridor_errors(cls: type[InputError]) -> None:
    error = cls.single("f", "", "bad")
    assert isinstance(error, ValueError)
    assert isinstance(error, CorridorError)


def test_simulation_error_is_a_runtime_error_and_a_corridor_error() -> None:
    error = SimulationError("a route never ends")
    assert isinstance(error, RuntimeError)
    assert isinstance(error, CorridorError)


# --- did_you_mean -------------------------------------------------------------------------------


def test_did_you_mean_names_the_closest_choice() -> None:
    assert did_you_mean("horizon_dys", ["seed", "horizon_days", "warmup_days"]) == (
        "did you mean 'horizon_days'?"
    )


def test_did_you_mean_takes_the_keys_of_a_mapping() -> None:
    assert did_you_mean("ROAD_N_F", {"ROAD_N_E": 1, "SEA_S_N": 2}) == "did you mean 'ROAD_N_E'?"


def test_did_you_mean_is_empty_when_nothing_is_close() -> None:
    assert did_you_mean("ZZZ", ["A", "B"]) == ""


def test_did_you_mean_suggests_only_for_text() -> None:
    assert did_you_mean(3, ["3", "30"]) == ""


# --- Problems -----------------------------------------------------------------------------------


def test_problems_without_any_raise_nothing() -> None:
    problems = Problems()
    problems.raise_if_any(ScenarioError, "s.yaml")
    assert not problems
    assert len(problems) == 0


def test_problems_are_raised_together_in_the_order_added() -> None:
    problems = Problems()
    problems.add(("flows", 0, "teu_per_day"), "-3 must be > 0")
    problems.add("seed", "-1 must be >= 0", "seeds are >= 0")
    problems.extend([Problem("name", "must not be empty")])
    with pytest.raises(ScenarioError) as info:
        problems.raise_if_any(ScenarioError, "s.yaml")
    assert [p.where for p in info.value.problems] == ["flows[0].teu_per_day", "seed", "name"]
    assert str(info.value).startswith("s.yaml: 3 problems\n")


def test_problems_place_a_location_with_their_locator() -> None:
    def locate(loc: object, what: str, hint: str = "") -> Problem:
        return Problem(f"line 7: {format_location(loc)}", what, hint)  # type: ignore[arg-type]

    problems = Problems(locate=locate)
    problems.add(("routes", "r1", 1), "unknown leg 'bc'")
    problems.add("already placed", "x")
    assert [p.where for p in problems] == ["line 7: routes.r1[1]", "already placed"]


def test_problems_sort_keeps_equal_ones_in_order() -> None:
    problems = Problems()
    for where in ["b2", "a1", "b1", "a2"]:
        problems.add(where, "x")
    problems.sort(key=lambda p: ord(p.where[0]))
    assert [p.where for p in problems.items] == ["a1", "a2", "b2", "b1"]
