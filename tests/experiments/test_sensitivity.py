"""Sensitivity analyses end to end, on toy chains whose answers are known."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor import experiments, load_experiment
from corridor.experiments import LocalProcesses, RunEvent, Serial, run_sensitivity
from corridor.experiments.sensitivity import SensitivityResults
from corridor.experiments.store import RUNS_DIR
from tests.experiments.test_sensitivity_methods import analytic_shares

SENS = Path(__file__).resolve().parent.parent / "data" / "sensitivity"
FIXED_SPEEDS = SENS / "fixed-speeds.yaml"
RANDOM_MORRIS = SENS / "random-morris.yaml"


def _chain_days(points: pd.DataFrame) -> np.ndarray:
    """Route chain's transit time at each point: 100/v_AB + 200/v_BC + 300/v_CD hours."""
    return (100 / points["v_ab"] + 200 / points["v_bc"] + 300 / points["v_cd"]).to_numpy() / 24


def test_every_point_runs_its_own_values(tmp_path: Path) -> None:
    # fixed times: each point's P50 is the hand-computed transit time at its factor values
    results = run_sensitivity(FIXED_SPEEDS, executor=Serial(), out=tmp_path, trajectories=4)
    points = results.points
    assert len(points) == 4 * (5 + 1)
    assert points["a-d chain P50"].to_numpy() == pytest.approx(_chain_days(points), rel=1e-12)
    direct = 500 / points["v_ad"].to_numpy() / 24
    assert points["a-d direct P50"].to_numpy() == pytest.approx(direct, rel=1e-12)
    difference = points["a-d chain − direct P50"].to_numpy()
    assert difference == pytest.approx(_chain_days(points) - direct, rel=1e-9, abs=1e-12)


def test_morris_gives_zero_to_factors_without_effect_and_ranks_the_others(tmp_path: Path) -> None:
    results = run_sensitivity(FIXED_SPEEDS, executor=Serial(), out=tmp_path, trajectories=4)
    chain = results.ranking("a-d chain P50").set_index("factor")
    assert chain.loc[["v_ad", "cost_ab"], "mu_star"].tolist() == [0.0, 0.0]
    assert (chain.loc[["v_ab", "v_bc", "v_cd"], "mu_star"] > 0).all()
    assert chain.loc[["v_ab", "v_bc", "v_cd"], "mu"].lt(0).all()  # faster legs, shorter transit
    direct = results.ranking("a-d direct P50")
    assert direct.iloc[0]["factor"] == "v_ad"
    assert (direct.iloc[1:]["mu_star"] == 0.0).all()


@pytest.mark.slow
def test_sobol_first_order_indices_match_the_analytic_variance_shares(tmp_path: Path) -> None:
    # chain's transit is a sum of three independent terms L/V (V uniform): S1 = ST = the
    # terms' variance shares 0.495, 0.123 and 0.382 (see test_sensitivity_methods)
    results = run_sensitivity(
        FIXED_SPEEDS,
        method="sobol",
        factors=["v_ab", "v_bc", "v_cd"],
        base_samples=128,
        executor=Serial(),
        out=tmp_path,
    )
    table = results.ranking("a-d chain P50").set_index("factor").loc[["v_ab", "v_bc", "v_cd"]]
    # on the analytic function the largest error over 20 seeds is 0.038 (S1) and 0.029 (ST)
    # at N = 128
    assert table["S1"].to_numpy() == pytest.approx(analytic_shares(), abs=0.05)
    assert table["ST"].to_numpy() == pytest.approx(analytic_shares(), abs=0.05)
    # the direct route depends on none of them
    direct = results.ranking("a-d direct P50")
    assert (direct[["S1", "ST"]].to_numpy() == 0.0).all()


def test_with_common_random_numbers_a_factor_without_effect_is_exactly_zero(
    tmp_path: Path,
) -> None:
    # the random chain: the cost of leg AB changes no time, and every point runs with the
    # same seed, so its elementary effects are 0 exactly, not noise
    morris = run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path)
    sobol = run_sensitivity(
        RANDOM_MORRIS, method="sobol", base_samples=16, executor=Serial(), out=tmp_path
    )
    for output in ("a-d chain P50", "a-d chain P90", "a-d chain − direct P90"):
        m = morris.ranking(output).set_index("factor")
        s = sobol.ranking(output).set_index("factor")
        assert m.loc["cost_ab", "mu_star"] == 0.0
        assert m.loc["cost_ab", "below_noise"]
        assert s.loc["cost_ab", "ST"] == 0.0
        assert m.loc["check_h", "mu_star"] > 0.0
    # while the stochastic part is not 0: the central point's runs differ
    noise = morris.noise.set_index("output")
    assert (noise["sd"] > 0).all()
    assert (noise["n"] == 5).all()


def _runs(results: SensitivityResults) -> int:
    """Runs of an analysis: one per distinct sample point (Morris trajectories share some),
    and 5 of the central point and of each point of the step pair (none of them here)."""
    return int(results.points["scenario"].nunique()) + 3 * 5


def test_a_second_run_runs_nothing_and_gives_the_same_indices(tmp_path: Path) -> None:
    first = run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path)
    total = _runs(first)
    assert len(first.points) == 4 * (3 + 1)
    assert total < 4 * (3 + 1) + 3 * 5
    assert (first.report.total, first.report.ran, first.report.skipped) == (total, total, 0)
    again = run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path)
    assert (again.report.ran, again.report.skipped) == (0, total)
    pd.testing.assert_frame_equal(first.indices, again.indices)


def test_an_interrupted_analysis_runs_only_what_is_missing(tmp_path: Path) -> None:
    first = run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path)
    files = sorted((tmp_path / RUNS_DIR).glob("*/*.parquet"))
    for path in files[::7]:  # as if the batch had stopped before these
        path.unlink()
    again = run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path)
    assert again.report.ran == len(files[::7])
    pd.testing.assert_frame_equal(first.indices, again.indices)
    pd.testing.assert_frame_equal(first.points, again.points)


def test_serial_and_two_processes_give_identical_indices(tmp_path: Path) -> None:
    serial = run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path / "serial")
    with LocalProcesses(2) as pool:
        parallel = run_sensitivity(RANDOM_MORRIS, executor=pool, out=tmp_path / "two")
    assert parallel.report.executor == "2 local processes"
    pd.testing.assert_frame_equal(serial.indices, parallel.indices)
    pd.testing.assert_frame_equal(serial.noise, parallel.noise)


def test_progress_counts_every_run_once(tmp_path: Path) -> None:
    events: list[RunEvent] = []
    results = run_sensitivity(
        RANDOM_MORRIS, executor=Serial(), out=tmp_path, progress=events.append
    )
    total = _runs(results)
    assert events[0].label is None
    assert (events[0].done, events[0].total) == (0, total)
    assert [e.done for e in events[1:]] == list(range(1, total + 1))
    assert {e.total for e in events} == {total}
    assert events[-1].eta_s == 0.0
    events.clear()
    run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path, progress=events.append)
    assert [(e.done, e.total, e.skipped) for e in events] == [(total, total, total)]


def test_the_store_holds_the_runs_and_the_tables(tmp_path: Path) -> None:
    results = run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=tmp_path)
    folder = tmp_path / "sensitivity-morris"
    assert results.folder == folder
    for name in ("indices", "noise", "ranges"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(folder / f"{name}.parquet"), getattr(results, name)
        )
        assert (folder / f"{name}.csv").is_file()
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "points.parquet"), results.points)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["sensitivity"]["method"] == "morris"
    assert manifest["sensitivity"]["central"] == "random[check_h=1, v_ab=50, cost_ab=1]"
    assert len(manifest["runs"]) == _runs(results)
    assert all(run["finished"] for run in manifest["runs"])
    pair = [
        "random[check_h=0.75, v_ab=30, cost_ab=0.666667]",
        "random[check_h=1.75, v_ab=70, cost_ab=1.33333]",
    ]
    assert manifest["sensitivity"]["step_pair"] == pair
    stored = load_experiment(tmp_path)  # a plain experiment store
    reps = stored.scenarios.set_index("scenario")["replications"]
    noise_points = ["random[check_h=1, v_ab=50, cost_ab=1]", *pair]
    assert (reps[noise_points] == 5).all()
    assert (reps.drop(noise_points) == 1).all()


def _headline(results: SensitivityResults) -> pd.Series:
    return results.ranges.set_index("output").loc["a-d chain − direct P50"]


def test_the_headline_is_the_range_over_the_sample_next_to_the_noise(tmp_path: Path) -> None:
    results = run_sensitivity(FIXED_SPEEDS, executor=Serial(), out=tmp_path, trajectories=4)
    row = _headline(results)
    y = results.points["a-d chain − direct P50"].to_numpy()
    assert (row["p05"], row["p95"]) == pytest.approx(tuple(np.quantile(y, [0.05, 0.95])))
    assert (row["min"], row["max"]) == (y.min(), y.max())
    # fixed times: the central point's runs are all the same; at the central speeds (50, 50,
    # 75 and 50 km/h) chain takes 100/50 + 200/50 + 300/75 = 10 h, as direct does (500/50)
    assert row["half_width"] == 0.0
    assert row["central_mean"] == pytest.approx(0.0, abs=1e-12)
    assert results.headlines() == [row["sentence"]]
    assert row["sentence"].startswith("a-d: chain is between ")
    assert row["sentence"].endswith(
        "95 % CI of the stochastic part ±0.00 d (5 runs of the central point)"
    )


def test_an_output_with_no_containers_is_an_error(tmp_path: Path) -> None:
    spec = tmp_path / "short.yaml"
    text = FIXED_SPEEDS.read_text().replace("scenario: fixed.yaml", "scenario: short-base.yaml")
    spec.write_text(text)
    for name in ("chain.geojson", "fixed.yaml"):
        (tmp_path / name).write_bytes((SENS / name).read_bytes())
    # 8 hours: a container on chain needs at least 7.5 hours, so at slow points none arrives
    (tmp_path / "short-base.yaml").write_text("extends: fixed.yaml\nhorizon_days: 0.34\n")
    with pytest.raises(Exception) as err:
        run_sensitivity(spec, executor=Serial(), out=tmp_path / "o", trajectories=2)
    assert "a-d chain P50: no value at " in str(err.value)
    assert "lengthen the scenario's horizon, or narrow the factors' ranges" in str(err.value)


def test_the_package_face_has_it_and_workers_do_not_load_salib() -> None:
    assert corridor.run_sensitivity is experiments.run_sensitivity
    assert corridor.SensitivityResults is SensitivityResults
    # a worker imports corridor.experiments to run a scenario: SALib and the matplotlib it
    # imports are not loaded (scipy is: the t quantiles of corridor.experiments.analysis)
    code = (
        "import sys, corridor.experiments; "
        "print('SALib' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
