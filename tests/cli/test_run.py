"""The command line: output, files written, and errors as a user sees them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from corridor.cli.main import main

DATA = Path(__file__).parent.parent / "data"
MINI = DATA / "cli" / "mini.yaml"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_prints_a_summary_row_per_route(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "run", str(MINI))
    assert code == 0, err
    assert "scenario  mini" in out
    lines = [line for line in out.splitlines() if line.strip().startswith("south-end")]
    assert {line.split()[1] for line in lines} == {"rail", "road"}
    assert "P95 d" in out


def test_run_saves_tables_and_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "run", str(MINI), "--out", str(tmp_path / "res"), "--seed", "9")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "res").iterdir())
    assert names == [
        "closures.parquet",
        "departures.parquet",
        "legs.parquet",
        "nodes.parquet",
        "processes.parquet",
        "resources.parquet",
        "routes.parquet",
        "run.json",
        "stages.parquet",
        "summary.csv",
        "trips.parquet",
    ]
    trips = pd.read_parquet(tmp_path / "res" / "trips.parquet")
    summary = pd.read_csv(tmp_path / "res" / "summary.csv")
    assert summary["created"].sum() == (~trips["in_warmup"]).sum()
    assert json.loads((tmp_path / "res" / "run.json").read_text())["seed"] == 9


def test_run_csv_format_is_machine_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "run", str(MINI), "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("flow,route,share,created,delivered,in_transit")


def test_validate_reports_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "validate", str(MINI))
    assert code == 0
    assert "ok: " in out
    assert "2 routes" in out
    assert "5 nodes, 6 links as 12 legs" in out


def test_routes_lists_k_shortest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "routes", str(DATA / "mini-network.geojson"), "SOUTH", "END", "-k", "2"
    )
    assert code == 0
    assert out.startswith("2 shortest route(s) SOUTH -> END by free-flow time:")
    assert "\n1. 1,170 km" in out
    assert "   SOUTH > BORDER > END" in out
    assert "   [ROAD_S_B, ROAD_B_E]" in out
    assert "\n2. " in out
    assert "\n3. " not in out


def test_schema_is_json_with_the_scenario_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert {"flows", "routes", "horizon_days", "extends"} <= set(schema["properties"])


def test_missing_scenario_file_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "run", "no/such.yaml")
    assert code == 2
    assert err.startswith("error: no/such.yaml: file not found")
    assert "Traceback" not in err
    assert out == ""


def test_scenario_that_does_not_fit_the_network_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = MINI.read_text().replace("[RAIL_S_W, RAIL_W_E]", "[RAIL_S_W, RAIL_W_X]")
    text = text.replace("../mini-network.geojson", str(DATA / "mini-network.geojson"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    code, _, err = run_cli(capsys, "validate", str(bad))
    assert code == 2
    assert "routes.rail[1]: unknown leg 'RAIL_W_X' (did you mean 'RAIL_W_E'?)" in err


def test_bad_network_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    net = tmp_path / "net.geojson"
    net.write_text("{not json")
    code, _, err = run_cli(capsys, "routes", str(net), "A", "B")
    assert code == 2
    assert err.startswith(f"error: {net}")


def test_console_script_runs_without_a_traceback_on_user_error(tmp_path: Path) -> None:
    bad = tmp_path / "typo.yaml"
    bad.write_text(MINI.read_text().replace("horizon_days", "horizon_dayz"))
    proc = subprocess.run(
        [sys.executable, "-m", "corridor.cli", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "horizon_dayz" in proc.stderr
    assert "unknown field" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--help"])
    assert exc.value.code == 0
    assert "examples:" in capsys.readouterr().out
