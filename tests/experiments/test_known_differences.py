"""Paired comparisons against differences known in advance."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from corridor import load_network
from corridor.experiments import Serial, experiment_from_scenarios, run_experiment
from corridor.experiments.spec import variant_case
from tests.experiments.conftest import DATA, FIXED, FIXED_DWELL, MM1, MM1_FASTER


def test_a_fixed_24_hour_dwell_adds_exactly_one_day(tmp_path: Path) -> None:
    # An uncongested chain with fixed times and Poisson arrivals: the dwell adds 24 h to
    # every container, so each replication's difference of mean transit is 1 day.
    spec = experiment_from_scenarios([FIXED, FIXED_DWELL], replications=5, seed=3, out=tmp_path)
    results = run_experiment(spec, executor=Serial())
    assert results is not None
    diff = results.compare("fixed", "fixed-dwell").set_index("metric")
    for metric in ("mean_days", "p50_days", "p95_days"):
        row = diff.loc[metric]
        assert row["diff"] == pytest.approx(1.0, abs=1e-9)
        # exact up to the rounding of the run clocks (hours since the start, as floats)
        assert row["ci_low"] - 1e-12 <= 1.0 <= row["ci_high"] + 1e-12
        assert row["half_width"] == pytest.approx(0.0, abs=1e-9)
    assert diff.loc["mean_days", "verdict"] == (
        "a-c road: fixed-dwell is 1.0 d slower than fixed in mean transit, 95 % CI 1.0–1.0 d"
    )
    # the demand is the same in both (common random numbers): throughput differs only by
    # the containers still in transit at the end
    assert diff.loc["throughput_teu_per_day", "diff"] < 0


def test_a_faster_mm1_check_saves_the_time_queueing_theory_says(tmp_path: Path) -> None:
    # M/M/1 with lambda = 0.5 per hour: time in system 1 / (mu - lambda) is 3 h at a mean
    # service of 1.2 h and 4/3 h at 0.8 h; the paired difference of mean transit is -5/3 h.
    truth_days = (4.0 / 3.0 - 3.0) / 24.0
    spec = experiment_from_scenarios([MM1, MM1_FASTER], replications=8, seed=21, out=tmp_path)
    results = run_experiment(spec, executor=Serial())
    assert results is not None
    row = results.compare("mm1", "mm1-faster").set_index("metric").loc["mean_days"]
    assert row["ci_low"] <= truth_days <= row["ci_high"]
    assert row["significant"]
    # pairing pays: the paired interval is far narrower than the scenarios' own intervals
    stats = results.statistics.set_index(["scenario", "metric"])
    own = stats.loc[("mm1", "mean_days"), "half_width"]
    assert row["half_width"] < own
    # and each scenario's mean is the theoretical 3 h + 3 h of legs (and 4/3 h + 3 h)
    assert (
        stats.loc[("mm1", "mean_days"), "ci_low"]
        <= 6.0 / 24
        <= stats.loc[("mm1", "mean_days"), "ci_high"]
    )
    faster = stats.loc[("mm1-faster", "mean_days")]
    assert faster["ci_low"] <= (4.0 / 3.0 + 3.0) / 24 <= faster["ci_high"]


@pytest.mark.slow
def test_paired_intervals_cover_the_true_difference_about_95_percent_of_the_time(
    tmp_path: Path,
) -> None:
    # 20 independent small experiments (their own root seeds) of the M/M/1 pair: the 95 %
    # interval of the difference must contain the theoretical -5/3 h in most of them.
    truth_days = (4.0 / 3.0 - 3.0) / 24.0
    covered = []
    pair = experiment_from_scenarios([MM1, MM1_FASTER], replications=3)
    network = load_network(DATA / "chain.geojson")
    short = {"horizon_days": 60}  # 55 days measured: some 650 containers a run
    pair = dataclasses.replace(
        pair, cases=tuple(variant_case(c.scenario, network, c.network, short) for c in pair.cases)
    )
    a, b = (c.label for c in pair.cases)
    with Serial() as executor:
        for root in range(20):
            spec = pair.with_options(seed=1000 + root, out=tmp_path / str(root))
            results = run_experiment(spec, executor=executor)
            assert results is not None
            row = results.compare(a, b).set_index("metric").loc["mean_days"]
            covered.append(row["ci_low"] <= truth_days <= row["ci_high"])
    # with 20 trials, a true 95 % coverage gives 17 or more with probability 0.98
    assert np.sum(covered) >= 17, np.sum(covered)
