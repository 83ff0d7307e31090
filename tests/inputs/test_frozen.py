"""A validated scenario cannot change: its lists are tuples, its mappings read-only, and every
way to derive a variant validates it again."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from corridor.errors import ScenarioError
from corridor.inputs.frozen import FrozenDict
from corridor.inputs.scenario import Scenario, load_scenario
from tests.inputs.scenario_files import DATA, MINIMAL, write


@pytest.fixture
def full() -> Scenario:
    return load_scenario(DATA / "full.yaml")


def test_lists_of_a_scenario_are_tuples(full: Scenario) -> None:
    assert isinstance(full.flows, tuple)
    with pytest.raises(AttributeError):
        full.flows.append(full.flows[0])  # type: ignore[attr-defined]
    assert isinstance(full.routes["western"], tuple)
    assert isinstance(full.storms[0].rate_per_month, tuple)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.routes.__setitem__("x", ("a",)),
        lambda s: s.routes.pop("western"),
        lambda s: s.flows[0].routes.update({"x": 1.0}),
        lambda s: s.legs.clear(),
    ],
)
def test_mappings_of_a_scenario_are_read_only(full: Scenario, change: object) -> None:
    with pytest.raises(TypeError, match=r"read-only; derive a changed copy with Scenario\.with"):
        change(full)  # type: ignore[operator]


def test_leg_service_changes_are_read_only_to_the_bottom(full: Scenario) -> None:
    services = [c.service for c in full.legs.values() if c.service is not None]
    assert services
    assert all(isinstance(s, FrozenDict) for s in services)


def test_dump_gives_plain_lists_and_dicts_that_validate_again(full: Scenario) -> None:
    data = full.model_dump(mode="python", by_alias=True)
    assert type(data["flows"]) is list
    assert type(data["routes"]) is dict
    assert type(data["routes"]["western"]) is list
    data["flows"].append(copy.deepcopy(data["flows"][0]))  # editable, as a sweep does
    again = Scenario.model_validate(full.model_dump(mode="python", by_alias=True))
    assert again.model_dump() == full.model_dump()


def test_scenario_pickles_and_copies(full: Scenario) -> None:
    again = pickle.loads(pickle.dumps(full))
    assert again == full
    assert isinstance(again.routes, FrozenDict)
    assert copy.deepcopy(full) == full


def test_frozen_dict_is_hashable_and_equal_to_a_dict() -> None:
    frozen = FrozenDict({"a": (1, 2)})
    assert frozen == {"a": (1, 2)}
    assert hash(frozen) == hash(FrozenDict({"a": (1, 2)}))
    assert frozen | {"b": ()} == {"a": (1, 2), "b": ()}


def test_model_copy_with_an_update_validates(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    with pytest.raises(ScenarioError) as info:
        scenario.model_copy(update={"horizon_days": -5})
    assert str(info.value) == (
        "scenario 's' with changes: horizon_days: -5 must be more than 0 days (a run lasts up to "
        "60 years and ends before 2262-04-11, where pandas' calendar ends; see Limits in "
        "docs/scenario-reference.md)"
    )


def test_model_copy_with_a_valid_update_keeps_source_and_lines(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    changed = scenario.model_copy(update={"horizon_days": 50})
    assert (changed.horizon_days, changed.source) == (50, scenario.source)
    assert changed.problem(("routes", "r1"), "x").where == "line 8: routes.r1"


def test_model_copy_sets_the_loaders_fields_as_given(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    moved = scenario.model_copy(update={"source": "elsewhere.yaml"})
    assert (moved.source, moved.network_path) == ("elsewhere.yaml", scenario.network_path)
    with pytest.raises(TypeError, match=r"Scenario\.source is text or None, got int"):
        scenario.model_copy(update={"source": 3})


def test_with_changes_names_every_problem_of_the_change(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    with pytest.raises(ScenarioError) as info:
        scenario.with_changes(flows=[{"id": "f", "origin": "A", "destination": "C"}])
    assert str(info.value) == (
        "scenario 's' with changes: 2 problems\n"
        "  - scenario 's' with changes: flows[0].teu_per_day: required field is missing\n"
        "  - scenario 's' with changes: flows[0].routes: required field is missing"
    )


def test_flows_appended_to_a_dump_validate_again(folder: Path) -> None:
    scenario = load_scenario(write(folder, MINIMAL))
    flows = [*scenario.model_dump()["flows"], {**scenario.model_dump()["flows"][0], "id": "f2"}]
    assert [f.id for f in scenario.with_changes(flows=flows).flows] == ["f1", "f2"]
