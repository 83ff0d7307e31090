"""MSER-5 on series with a known transient, and on a scenario that starts congested."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corridor.experiments import Serial, experiment_from_scenarios, mser, run_experiment
from tests.experiments.conftest import DATA, MM1


def test_mser5_cuts_a_decaying_transient() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(10.0, 1.0, 1000)
    x[:200] += np.linspace(8.0, 0.0, 200)
    result = mser(x)
    assert 150 <= result.cut <= 210
    assert result.cut % 5 == 0
    assert result.batches == 200
    assert result.reliable


def test_mser5_keeps_a_stationary_series_whole() -> None:
    assert mser(np.random.default_rng(2).normal(0.0, 1.0, 500)).cut <= 25


def test_a_trend_has_no_reliable_cut() -> None:
    assert not mser(np.linspace(0.0, 10.0, 500)).reliable


def test_mser_needs_two_batches_and_no_nan() -> None:
    with pytest.raises(ValueError, match="MSER needs at least 10 observations, got 9"):
        mser(np.ones(9))
    with pytest.raises(ValueError, match="the series holds NaN"):
        mser([1.0, np.nan] * 10)


def test_mser5_finds_the_end_of_a_closure_backlog(tmp_path: Path) -> None:
    # the check at B is closed for the first 10 days, then clears its backlog in about two
    # weeks; the same chain without the closure needs no warm-up
    spec = experiment_from_scenarios(
        [DATA / "chain-closed-start.yaml", MM1],
        replications=3,
        seed=2,
        out=tmp_path,
        warmup="mser5",
    )
    results = run_experiment(spec, executor=Serial())
    assert results is not None
    cut = results.scenarios.set_index("scenario")
    assert 20.0 <= cut.loc["closed-start", "warmup_days"] <= 35.0
    assert cut.loc["mm1", "warmup_days"] <= 5.0
    assert cut["warmup_method"].tolist() == ["mser5", "mser5"]
    assert cut["warmup_reliable"].all()
    routes = results.warmup_routes
    assert routes.columns.tolist() == ["scenario", "route", "cut_days", "batches", "reliable"]
    # after the cut the closed-start scenario looks like the plain one
    stats = results.statistics.set_index(["scenario", "metric"])["mean"]
    assert stats[("closed-start", "mean_days")] == pytest.approx(
        stats[("mm1", "mean_days")], rel=0.1
    )
