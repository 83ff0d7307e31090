"""Saturation by bisection on a check whose capacity is known: 20 containers a day."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.experiments import ExperimentError, Serial, find_saturation, load_experiment
from tests.experiments.conftest import MM1


@pytest.mark.slow
def test_the_bracket_holds_the_capacity_of_a_single_lane(tmp_path: Path) -> None:
    # one lane, exponential service of mean 1.2 h: it serves at most 20 containers a day
    # (1 TEU each); a backlog that grows is detected from about 5 % above that
    result = find_saturation(
        MM1, "a-c", replications=3, seed=1, tolerance=0.1, out=tmp_path, executor=Serial()
    )
    assert result.low_teu_per_day is not None
    assert result.high_teu_per_day is not None
    assert 17.0 <= result.low_teu_per_day < result.high_teu_per_day <= 24.0
    assert result.high_teu_per_day / result.low_teu_per_day - 1 <= 0.1
    assert result.low_teu_per_day <= 20.0 * 1.1
    assert result.high_teu_per_day >= 20.0
    levels = result.levels
    assert levels["teu_per_day"].is_monotonic_increasing
    assert levels.loc[levels["saturated"], "saturated_runs"].min() >= 2
    assert result.describe().startswith(
        f"flow a-c saturates between {result.low_teu_per_day:.4g} and "
        f"{result.high_teu_per_day:.4g} TEU/day"
    )
    # the route that saturates first is named (here the only one, in every run)
    assert result.first_saturated_routes.startswith("road (")
    assert "; first to saturate: road (" in result.describe()
    assert (levels.loc[~levels["saturated"], "saturated_routes"].str.count("/3") <= 1).all()
    # every level tested is in the store, as an experiment
    stored = load_experiment(tmp_path)
    assert len(stored.scenarios) == len(levels)


def test_a_p95_threshold_brackets_where_p95_crosses_it(tmp_path: Path) -> None:
    result = find_saturation(
        MM1,
        "a-c",
        p95_days=0.45,
        replications=2,
        seed=1,
        tolerance=0.25,
        low=6,
        high=16,
        out=tmp_path,
        executor=Serial(),
    )
    levels = result.levels.set_index("teu_per_day")
    assert result.low_teu_per_day is not None
    assert result.high_teu_per_day is not None
    assert levels.loc[result.low_teu_per_day, "p95_days"] <= 0.45
    assert levels.loc[result.high_teu_per_day, "p95_days"] > 0.45
    assert "or mean P95 transit above 0.45 d" in result.criterion


def test_an_unknown_flow_is_named(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError) as err:
        find_saturation(MM1, "a-x", out=tmp_path, executor=Serial())
    assert str(err.value) == (f"{MM1}: --flow: no flow 'a-x' in scenario 'mm1' (flows: 'a-c')")
