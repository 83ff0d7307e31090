"""Factors: the value of each written to its fields, set as it is or scaling the base."""

from __future__ import annotations

from typing import Any

import pytest

from corridor import load_network, load_scenario
from corridor.experiments.factors import (
    MAX_LABEL,
    Factor,
    base_value,
    factor_point,
    point_case,
    point_label,
)
from corridor.experiments.store import NetworkFile
from corridor.experiments.sweep import PathError, parse_path
from tests.experiments.conftest import DATA, MM1

NETWORK = DATA / "chain.geojson"


def _factor(name: str, mode: str, *paths: str, low: float = 0.5, high: float = 2.0) -> Factor:
    return Factor(name, low, high, (low + high) / 2, mode, paths)  # type: ignore[arg-type]


@pytest.fixture
def base() -> dict[str, Any]:
    return load_scenario(MM1).model_dump(mode="python", by_alias=True)


def test_set_writes_the_value_to_every_path(base: dict[str, Any]) -> None:
    speed = _factor("speed", "set", "legs.AB.speed_kmh", "legs.BC.speed_kmh", low=20, high=80)
    point = factor_point([speed], [35.0], base, load_network(NETWORK))
    assert point == {"legs.AB.speed_kmh": 35.0, "legs.BC.speed_kmh": 35.0}


def test_scale_multiplies_the_network_value_of_a_leg_the_scenario_does_not_change(
    base: dict[str, Any],
) -> None:
    network = load_network(NETWORK)  # both legs run at 50 km/h there
    speed = _factor("speed", "scale", "legs.AB.speed_kmh", "legs.BC.speed_kmh")
    assert factor_point([speed], [0.5], base, network) == {
        "legs.AB.speed_kmh": 25.0,
        "legs.BC.speed_kmh": 25.0,
    }


def test_scale_uses_the_scenario_value_when_it_has_one(base: dict[str, Any]) -> None:
    demand = _factor("demand", "scale", "flows[a-c].teu_per_day")  # 12 TEU/day in chain-mm1
    assert factor_point([demand], [1.5], base, load_network(NETWORK)) == {
        "flows[a-c].teu_per_day": 18.0
    }


def test_scaled_whole_numbers_stay_whole_and_unset_factors_count_as_one(
    base: dict[str, Any],
) -> None:
    network = load_network(NETWORK)  # the check at B has 1 server
    servers = _factor("servers", "scale", "nodes.B.processes.check.servers", high=3.0)
    time = _factor("time", "scale", "nodes.B.processes.check.time_factor")
    point = factor_point([servers, time], [2.6, 0.8], base, network)
    assert point == {
        "nodes.B.processes.check.servers": 3,
        "nodes.B.processes.check.time_factor": 0.8,
    }


def test_a_distribution_cannot_be_scaled(base: dict[str, Any]) -> None:
    path = parse_path("nodes.B.processes.check.time_h")
    with pytest.raises(PathError) as err:
        base_value(base, path, load_network(NETWORK))
    assert err.value.what.startswith("mode: scale needs a number here; the base value is ")
    assert err.value.hint == "scale a process's time with its time_factor"


def test_a_point_is_a_case_labelled_with_the_factor_values() -> None:
    scenario = load_scenario(MM1)
    network = load_network(NETWORK)
    factors = [
        _factor("servers", "set", "nodes.B.processes.check.servers", low=1, high=3),
        _factor("speed", "scale", "legs.AB.speed_kmh"),
    ]
    case = point_case(scenario, network, NetworkFile.read(NETWORK), factors, [2.0, 0.5])
    assert case.label == point_label(scenario, factors, [2.0, 0.5]) == "mm1[servers=2, speed=0.5]"
    assert case.settings == {"nodes.B.processes.check.servers": 2, "legs.AB.speed_kmh": 25.0}
    assert case.scenario.legs["AB"].speed_kmh == 25.0


def test_long_labels_are_cut_and_stay_unique() -> None:
    scenario = load_scenario(MM1)
    factors = [_factor(f"a_rather_long_factor_name_{i}", "set", "x") for i in range(9)]
    one = point_label(scenario, factors, [1.0] * 9)
    other = point_label(scenario, factors, [1.0] * 8 + [2.0])  # differs past the cut
    assert len(one) == len(other) == MAX_LABEL
    assert one.startswith("mm1[a_rather_long_factor_name_0=1, ")
    assert one[:-10] == other[:-10]  # the same start, the cut mark and a different hash
    assert one != other
    assert one[-13:-10] == "… #"
    short = point_label(scenario, factors[:1], [1.0])
    assert short == "mm1[a_rather_long_factor_name_0=1]"


def test_a_factor_needs_a_range_that_holds_its_central_value() -> None:
    with pytest.raises(ValueError, match="low 2 must be below high"):
        Factor("f", 2.0, 1.0, 1.5, "set", ("x",))
    with pytest.raises(ValueError, match="central 3 is outside 1 to 2"):
        Factor("f", 1.0, 2.0, 3.0, "set", ("x",))
