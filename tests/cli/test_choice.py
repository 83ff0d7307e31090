"""The equilibrium command, and run of a scenario whose flows choose, as a user sees them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corridor.cli.main import main
from tests.choice.test_equilibrium import _two_roads


def test_equilibrium_prints_the_rounds_and_the_shares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _two_roads(tmp_path)
    assert main(["equilibrium", str(scenario), "-n", "1", "-j", "1", "--out",
                 str(tmp_path / "eq")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "scenario  two roads"
    assert lines[1] == "round  gap (largest share of a flow that would move)"
    assert "converged after 2 rounds" in out
    assert "long  99.0%" in out  # exp(-0.01 x 1,100) against exp(-0.01 x 1,562.5)
    assert (tmp_path / "eq" / "assignment.parquet").is_file()


def test_run_lets_the_shares_settle_first_and_prints_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(_two_roads(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "choice    route shares settled after 2 rounds of 1 run(s)" in out
    header = next(line for line in out.splitlines() if line.split()[:1] == ["flow"])
    assert header.split()[:3] == ["flow", "route", "share"]
    # the run draws each box's route: about the equilibrium's 99.0 % go the long way
    assert re.search(r"\blong\s+(98|99)\.\d%", out)


def test_compare_of_choosing_scenarios_says_how_much_cargo_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _two_roads(tmp_path)
    cheaper = tmp_path / "cheaper.yaml"
    cheaper.write_text(
        "extends: choose.yaml\nname: cheaper short road\n"
        "legs: {OP: {cost_usd_per_teu: 500}}\n",  # the short road's cost 1,500 -> 1,000
        encoding="utf-8",
    )
    code = main(["compare", str(base), str(cheaper), "-n", "2", "-j", "1", "--out",
                 str(tmp_path / "cmp")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "route choice in two roads: shares settled after 2 rounds" in out
    line = next(x for x in out.splitlines() if x.startswith("flow f: cheaper short road: "))
    # costs 1,062.5 against 1,100 USD/TEU: at 0.01 per USD the short road's share goes from
    # 1.0 % to 59.3 % of the 20 TEU a day
    moved = re.search(r"short \+([\d.]+) TEU/day", line)
    assert moved is not None
    assert float(moved.group(1)) == pytest.approx(20 * (0.5927 - 0.0097), abs=1.0)
    assert re.search(r"long -[\d.]+ TEU/day", line)
    # the folder is an experiment of the two settled scenarios: report and export read it
    report = tmp_path / "cmp.html"
    assert main(["report", str(tmp_path / "cmp"), "-o", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "Cargo that moves" in page
    assert line.split(": ", 2)[2].split(" (")[0] in page  # "short +11.7 TEU/day"
    assert main(["export", str(tmp_path / "cmp"), "-o", str(tmp_path / "x"),
                 "--format", "csv"]) == 0  # fmt: skip
    table = (tmp_path / "x" / "diversion.csv").read_text(encoding="utf-8").splitlines()
    assert table[0].startswith("flow,route,teu_per_day_a,teu_per_day_b,moved_teu_per_day")
