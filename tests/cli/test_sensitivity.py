"""The sensitivity command as a user sees it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.experiments.test_sensitivity import FIXED_SPEEDS, RANDOM_MORRIS

Cli = Callable[..., tuple[int, str, str]]


def test_sensitivity_prints_the_ranking_and_the_headline(run_cli: Cli, tmp_path: Path) -> None:
    chart = tmp_path / "morris.png"
    code, stdout, stderr = run_cli(
        "sensitivity", str(RANDOM_MORRIS), "-j", "1", "--out", str(tmp_path / "o"),
        "--chart", str(chart),
    )  # fmt: skip
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0] == (
        "sensitivity  random-morris: Morris screening of 3 factors (4 trajectories, 4 levels): "
        "16 points, 1 replication each, the same seeds at every point (common random numbers)"
    )
    assert lines[1].startswith(f"store        {tmp_path / 'o'} (")
    assert " run now, 0 found finished; " in lines[1]
    assert lines[2] == f"tables       {tmp_path / 'o' / 'sensitivity-morris'}"
    block = stdout.split("a-d chain P90  (central point ")[1].split("\n\n")[0].splitlines()
    assert block[1].split() == ["rank", "factor", "mu*", "d", "mu", "d", "sigma", "d"]
    assert block[2].split()[:2] == ["1", "check_h"]
    assert block[4].split()[:2] == ["3", "cost_ab"]
    assert block[4].endswith("~")
    assert block[5].startswith("~ at or below the noise level (")
    assert "a-d: chain is " in stdout
    assert "95 % CI of the stochastic part ±" in stdout
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {chart}" in stderr


def test_sensitivity_again_runs_nothing(run_cli: Cli, tmp_path: Path) -> None:
    args = ("sensitivity", str(RANDOM_MORRIS), "-j", "1", "--out", str(tmp_path))
    assert run_cli(*args)[0] == 0
    code, stdout, stderr = run_cli(*args)
    assert code == 0
    assert " runs: 0 run now, " in stdout
    assert "already done; running on this process" in stderr


def test_sobol_on_chosen_factors(run_cli: Cli, tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(
        "sensitivity", str(FIXED_SPEEDS), "-j", "1", "--out", str(tmp_path), "--method",
        "sobol", "--factors", "v_ab,v_ad", "--base-samples", "16",
    )  # fmt: skip
    assert code == 0, stderr
    assert stdout.splitlines()[0] == (
        "sensitivity  fixed-speeds: Sobol indices of 2 factors (16 base samples); 3 other "
        "factors at the central value: 64 points, 1 replication each, the same seeds at every "
        "point (common random numbers)"
    )
    assert "~ no effect: the output does not change with this factor" in stdout


def test_an_unknown_factor_is_an_error(run_cli: Cli, tmp_path: Path) -> None:
    code, _, stderr = run_cli(
        "sensitivity", str(FIXED_SPEEDS), "-j", "1", "--out", str(tmp_path), "--factors", "v_adx"
    )
    assert code == 2
    assert stderr == (
        f"error: {FIXED_SPEEDS}: --factors: no factor 'v_adx' (did you mean 'v_ad'?)\n"
    )


def test_a_chart_in_a_missing_folder_is_refused_before_running(
    run_cli: Cli, tmp_path: Path
) -> None:
    chart = tmp_path / "no" / "chart.png"
    code, stdout, stderr = run_cli(
        "sensitivity", str(RANDOM_MORRIS), "-j", "1", "--out", str(tmp_path / "o"),
        "--chart", str(chart),
    )  # fmt: skip
    assert code == 2
    assert stdout == ""
    assert stderr.startswith(f"error: {chart}")
    assert not (tmp_path / "o").exists()
