"""The ``report`` and ``export`` commands on saved runs: they read only the results folder.

A saved run carries its network (the ``nodes`` and ``legs`` tables) and its servers (the
``processes`` table), so the commands work when the scenario and network files named in its
``run.json`` have changed or gone; a folder whose files do not belong together is refused.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas
import pandas as pd
import pytest

from corridor import cli
from tests.small_runs import two_leg_run

Cli = Callable[..., tuple[int, str, str]]
DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return two_leg_run().save(tmp_path / "run")


def _older(folder: Path) -> Path:
    """Make ``folder`` what a corridor before the model tables wrote: no processes, nodes or
    legs, and a run.json that lists none."""
    run = json.loads((folder / "run.json").read_text())
    for name in ("processes", "nodes", "legs"):
        (folder / f"{name}.parquet").unlink()
        del run["files"][f"{name}.parquet"]
    (folder / "run.json").write_text(json.dumps(run))
    return folder


@pytest.fixture
def orphan(tmp_path: Path) -> Path:
    """A run of a scenario file saved with ``corridor run --out``; then the scenario and its
    network file are deleted."""
    scenario = tmp_path / "inputs" / "mini.yaml"
    scenario.parent.mkdir()
    shutil.copy(DATA / "mini-network.geojson", tmp_path / "inputs" / "net.geojson")
    text = (DATA / "cli" / "mini.yaml").read_text()
    scenario.write_text(text.replace("../mini-network.geojson", "net.geojson"))
    out = tmp_path / "res"
    assert cli.main(["run", str(scenario), "--out", str(out)]) == 0
    assert Path(json.loads((out / "run.json").read_text())["scenario_file"]) == scenario
    shutil.rmtree(tmp_path / "inputs")
    return out


def test_report_command_writes_the_page(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert cli.main(["report", str(saved), "-o", str(out), "--tiles", "none"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote" in capsys.readouterr().err


def test_report_command_on_a_missing_folder_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "nope: no such folder" in err
    assert "corridor run SCENARIO --out FOLDER" in err


def test_report_help_has_examples(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    assert "corridor report results/baseline -o report.html" in capsys.readouterr().out


def test_export_command_writes_tables_and_the_runs_own_gis_layers(
    saved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert cli.main(["export", str(saved), "-o", str(out)]) == 0
    assert (out / "trips.csv").is_file()
    assert (out / "corridor.gpkg").is_file()
    assert "wrote" in capsys.readouterr().err


def test_export_command_tables_and_gis(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    _older(saved)
    # a folder saved before the nodes and legs tables: only tables by default
    assert cli.main(["export", str(saved), "-o", str(out)]) == 0
    assert (out / "trips.csv").is_file()
    assert not (out / "corridor.gpkg").exists()
    assert "give --network PATH" in capsys.readouterr().err
    code = cli.main(["export", str(saved), "-o", str(out), "--format", "gpkg"])
    assert code == 2
    assert "GIS export needs the run's network" in capsys.readouterr().err


def test_export_command_rejects_an_unknown_format(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["export", str(saved), "-o", str(tmp_path), "--format", "csv,shp"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "unknown format(s) shp" in err
    assert "choose from csv, parquet, gpkg, geojson" in err


def test_report_and_export_need_neither_the_scenario_nor_the_network_file(
    orphan: Path, tmp_path: Path, run_cli: Cli
) -> None:
    code, _, err = run_cli("report", str(orphan), "-o", str(tmp_path / "r.html"), "--tiles", "none")
    assert code == 0, err
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="map"' in html  # the network as run, from the nodes and legs tables
    assert "servers unknown" not in html  # the servers, from the processes table
    code, _, err = run_cli("export", str(orphan), "-o", str(tmp_path / "x"), "--format", "csv,gpkg")
    assert code == 0, err
    nodes = geopandas.read_file(tmp_path / "x" / "corridor.gpkg", layer="nodes")
    assert set(nodes["id"]) == {"SOUTH", "NORTH", "WEST", "BORDER", "END"}
    util = pd.read_csv(tmp_path / "x" / "utilisation.csv").set_index(["node", "process"])
    assert util.loc[("SOUTH", "unload"), "servers"] == 2.0


def test_export_of_a_folder_mixing_two_runs_fails_with_the_hash_error(
    tmp_path: Path, run_cli: Cli
) -> None:
    first = two_leg_run().save(tmp_path / "a")
    second = tmp_path / "b"
    assert run_cli("run", str(DATA / "cli" / "mini.yaml"), "--out", str(second))[0] == 0
    # what a save killed half-way leaves: another run's trips beside this run's run.json
    (second / "trips.parquet").replace(first / "trips.parquet")
    code, _, err = run_cli("export", str(first), "-o", str(tmp_path / "x"))
    assert code == 2
    assert err == (
        f"error: {first / 'trips.parquet'}: does not belong to the run that run.json "
        "describes (the folder mixes files of two runs) (run the scenario again)\n"
    )
    assert not (tmp_path / "x").exists()
    code, _, err = run_cli("report", str(first), "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert "does not belong to the run that run.json describes" in err


def test_run_report_and_export_give_the_same_throughput(tmp_path: Path, run_cli: Cli) -> None:
    """One throughput figure: `run` prints it, the report shows it, `export` writes it to
    summary.csv, route_kpis.csv and the GeoPackage; all equal to the TEU of the boxes
    created after the warm-up and delivered, per measured day, counted here by hand."""
    out = tmp_path / "res"
    code, printed, _ = run_cli("run", str(DATA / "cli" / "mini.yaml"), "--out", str(out))
    assert code == 0
    trips = pd.read_parquet(out / "trips.parquet")
    counted = trips[(trips["created_h"] >= 5 * 24) & trips["delivered_h"].notna()]
    by_hand = counted.groupby("route", observed=True)["teu"].sum() / 55.0  # 60 - 5 days
    assert run_cli("export", str(out), "-o", str(tmp_path / "x"), "--format", "csv,gpkg")[0] == 0
    assert run_cli("report", str(out), "-o", str(tmp_path / "r.html"), "--no-map")[0] == 0
    summary = pd.read_csv(tmp_path / "x" / "summary.csv").set_index("route")
    route_kpis = pd.read_csv(tmp_path / "x" / "route_kpis.csv").set_index("route")
    gpkg = geopandas.read_file(tmp_path / "x" / "corridor.gpkg", layer="routes")
    gpkg = gpkg.set_index("route" if "route" in gpkg else "id")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "throughput (TEU/day delivered, created after warm-up)" in page
    for route in ("rail", "road"):
        expected = float(by_hand[route])
        assert summary.loc[route, "throughput_teu_per_day"] == pytest.approx(expected)
        assert route_kpis.loc[route, "throughput_teu_per_day"] == pytest.approx(expected)
        assert gpkg.loc[route, "throughput_teu_per_day"] == pytest.approx(expected)
        line = next(x for x in printed.splitlines() if f" {route} " in x)
        assert f" {expected:.1f} " in line
        assert page.count(f'<td class="num">{expected:.1f}</td>') >= 2
