"""The batch, compare and saturation commands as a user sees them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.experiments.conftest import FIXED, FIXED_DWELL, LANES, MM1, MM1_FASTER

Cli = Callable[..., tuple[int, str, str]]


def test_batch_of_an_experiment_file_prints_intervals(run_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "lanes"
    code, stdout, stderr = run_cli("batch", str(LANES), "-j", "1", "--out", str(out))
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0] == "experiment  lanes: 4 scenarios x 2 replications, root seed 7"
    assert (
        lines[1]
        == f"store       {out} (8 runs: 8 run now, 0 found finished; "
        + lines[1].split("found finished; ")[1]
    )
    assert lines[2] == "warm-up     each scenario's warmup_days (5 d)"
    assert "mean ± half-width of the 95 % confidence interval across replications" in stdout
    rows = [line.split() for line in lines if line.lstrip().startswith("mm1[")]
    assert len(rows) == 4
    assert "8 runs; running on this process" in stderr
    assert "8/8 [" in stderr  # the bar at its end
    assert f"tables: corridor.load_experiment('{out}')" in stderr


def test_batch_again_runs_nothing(run_cli: Cli, tmp_path: Path) -> None:
    args = ("batch", str(MM1), str(MM1_FASTER), "-n", "2", "-j", "1", "--out", str(tmp_path))
    assert run_cli(*args)[0] == 0
    code, stdout, stderr = run_cli(*args)
    assert code == 0
    assert "(4 runs: 0 run now, 4 found finished;" in stdout
    assert "4 runs, 4 already done" in stderr


def test_batch_advises_replications(run_cli: Cli, tmp_path: Path) -> None:
    code, stdout, _ = run_cli(
        "batch",
        str(MM1),
        "-n",
        "3",
        "-j",
        "1",
        "--out",
        str(tmp_path),
        "--target-halfwidth",
        "0.001",
    )
    assert code == 0
    advice = [line for line in stdout.splitlines() if line.startswith("replications advice")]
    assert len(advice) == 1
    assert advice[0].startswith(
        "replications advice: for ± 0.001 d on every transit statistic, about "
    )
    assert "run again with -n " in stdout
    assert "the 3 finished replications are kept" in stdout


def test_batch_with_a_bad_sweep_path_exits_2_with_the_line(
    run_cli: Cli, write_text: Callable[..., Path]
) -> None:
    exp = write_text(
        f"name: bad\nbase: {MM1}\nsweep:\n  nodes.B.processes.chek.servers: [1]\n", "bad.yaml"
    )
    code, stdout, stderr = run_cli("batch", str(exp))
    assert code == 2
    assert stdout == ""
    assert stderr == (
        f"error: {exp}: line 4: sweep.nodes.B.processes.chek.servers: no such field in "
        "scenario 'mm1': node 'B' has no process 'chek' (did you mean 'check'?)\n"
    )


def test_compare_prints_paired_differences_and_verdicts(run_cli: Cli, tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(
        "compare",
        str(FIXED),
        str(FIXED_DWELL),
        "-n",
        "3",
        "-j",
        "1",
        "--out",
        str(tmp_path),
        "--metric",
        "mean",
    )
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[:3] == [
        "A  fixed",
        "B  fixed-dwell",
        "3 paired replications (replication r of A and of B ran with the same seed: common "
        "random numbers)",
    ]
    assert lines[-1] == (
        "a-c road: fixed-dwell is 1.0 d slower than fixed in mean transit, 95 % CI 1.0–1.0 d"
    )
    mean_row = next(line for line in lines if "mean transit (d)" in line).split()
    assert mean_row[-4:] == ["+1.00", "+1.00", "to", "+1.00"] or mean_row[-5:-1] == [
        "+1.00",
        "+1.00",
        "to",
        "+1.00",
    ]


def test_compare_two_scenarios_of_a_stored_experiment(run_cli: Cli, tmp_path: Path) -> None:
    assert run_cli("batch", str(LANES), "-j", "1", "--out", str(tmp_path))[0] == 0
    code, stdout, _ = run_cli(
        "compare",
        "--results",
        str(tmp_path),
        "mm1[servers=1, teu_per_day=12]",
        "mm1[servers=2, teu_per_day=12]",
    )
    assert code == 0
    verdict = stdout.splitlines()[-1]
    assert verdict.startswith("a-c road: ")
    assert "mm1[servers=2, teu_per_day=12]" in verdict
    assert " at P50" in verdict


def test_compare_min_effect_filter_and_forest_plot(run_cli: Cli, tmp_path: Path) -> None:
    # fixed-dwell adds exactly 1 day to every box: practical at 0.5 d, not at 2 d
    out = tmp_path / "o"
    args = ("compare", str(FIXED), str(FIXED_DWELL), "-n", "2", "-j", "1", "--out", str(out))
    code, stdout, stderr = run_cli(*args, "--metric", "mean", "--plot", str(tmp_path / "f.png"))
    assert code == 0, stderr
    assert stdout.splitlines()[-1] == (
        "a-c road: fixed-dwell is 1.0 d slower than fixed in mean transit, 95 % CI 1.0–1.0 d"
    )
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {tmp_path / 'f.png'}" in stderr
    code, stdout, _ = run_cli(
        "compare", "--results", str(out), "fixed", "fixed-dwell", "--metric", "mean",
        "--min-effect", "2", "--routes", "road",
    )  # fmt: skip
    assert code == 0
    assert stdout.splitlines()[-1] == (
        "a-c road: no practical difference in mean transit between fixed and fixed-dwell "
        "(fixed-dwell − fixed = +1.00 d, under the 2 d threshold; 95 % CI +1.00 to +1.00 d)"
    )
    code, _, stderr = run_cli("compare", "--results", str(out), "fixed", "fixed-dwell",
                              "--routes", "rod")  # fmt: skip
    assert code == 2
    assert stderr == "error: no route 'rod' in this comparison (did you mean 'road'?)\n"


def test_compare_refuses_a_plot_file_that_is_no_image(run_cli: Cli, tmp_path: Path) -> None:
    code, _, stderr = run_cli(
        "compare", str(FIXED), str(FIXED_DWELL), "--plot", str(tmp_path / "f.pdf")
    )
    assert code == 2
    assert stderr.startswith(f"error: --plot: '{tmp_path / 'f.pdf'}' is not a .png or .svg file")
    assert "name it f.png" in stderr


def test_compare_an_unknown_label_names_the_known_ones(run_cli: Cli, tmp_path: Path) -> None:
    assert run_cli("batch", str(MM1), "-n", "2", "-j", "1", "--out", str(tmp_path))[0] == 0
    code, _, stderr = run_cli("compare", "--results", str(tmp_path), "mm1", "nope")
    assert code == 2
    assert stderr == "error: no scenario 'nope' in these results (scenarios: 'mm1')\n"


def test_saturation_prints_the_bracket(run_cli: Cli, tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(
        "saturation",
        str(MM1),
        "--flow",
        "a-c",
        "--p95-days",
        "0.45",
        "-n",
        "2",
        "--low",
        "6",
        "--high",
        "16",
        "--tolerance",
        "0.3",
        "-j",
        "1",
        "--out",
        str(tmp_path),
    )
    assert code == 0, stderr
    assert stdout.splitlines()[0] == f"demand levels tested for flow a-c (store: {tmp_path})"
    assert stdout.splitlines()[-1].startswith("flow a-c saturates between ")
    assert "saturated routes (runs)" in stdout


def test_bad_numbers_are_usage_errors(run_cli: Cli) -> None:
    with pytest.raises(SystemExit) as err:
        run_cli("batch", str(MM1), "-n", "0")
    assert err.value.code == 2
    with pytest.raises(SystemExit):
        run_cli("batch", str(MM1), "--warmup", "auto")


def test_batch_refuses_a_warmup_longer_than_its_runs_before_running_any(
    run_cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    code, _, stderr = run_cli(
        "batch", str(MM1), "-n", "2", "-j", "1", "--warmup", "5000", "--out", str(out)
    )
    assert code == 2
    assert "warmup: a warm-up of 5000 days leaves nothing of the" in stderr
    assert "(give fewer days)" in stderr
    assert not list(out.glob("runs/**/*.parquet"))  # not one run was made
