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
from tests.experiments.conftest import MM1, MM1_FASTER
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


@pytest.fixture
def batch(tmp_path: Path, run_cli: Cli) -> Path:
    """A small batch: the M/M/1 chain and its faster check, 3 replications each."""
    out = tmp_path / "batch"
    args = ("batch", str(MM1), str(MM1_FASTER), "-n", "3", "-j", "1", "--out", str(out))
    assert run_cli(*args)[0] == 0
    return out


def test_report_of_a_batch_folder_shows_statistics_comparison_and_convergence(
    batch: Path, tmp_path: Path, run_cli: Cli
) -> None:
    code, _, stderr = run_cli("report", str(batch), "-o", str(tmp_path / "e.html"))
    assert code == 0, stderr
    page = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert "<h2>Statistics per scenario and route</h2>" in page
    assert "<h2>Paired comparisons</h2>" in page
    assert "<h2>Convergence of replications</h2>" in page
    assert page.count('src="data:image/png;base64,') == 4  # P50, P95, differences, convergence
    stats = pd.read_csv(batch / "statistics.csv")
    p50 = stats[(stats["scenario"] == "mm1") & (stats["metric"] == "p50_days")].iloc[0]
    assert f"{p50['mean']:.2f} ± {p50['half_width']:.2f}" in page
    # the faster check saves about 5/3 h (M/M/1): far under the 0.5 d threshold
    assert "a-c road: no practical difference at P50 between mm1 and mm1-faster" in page


def test_export_of_a_batch_folder_writes_statistics_and_charts(
    batch: Path, tmp_path: Path, run_cli: Cli
) -> None:
    out = tmp_path / "x"
    code, _, stderr = run_cli("export", str(batch), "-o", str(out), "--format", "csv,parquet,svg")
    assert code == 0, stderr
    names = {p.name for p in out.iterdir()}
    for table in ("statistics", "runs", "convergence", "comparison", "scenarios"):
        assert {f"{table}.csv", f"{table}.parquet"} <= names
    assert {"intervals-p50.svg", "differences-mm1-faster.svg", "convergence-p50.svg"} <= names
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "statistics.csv"), pd.read_csv(batch / "statistics.csv")
    )
    conv = pd.read_csv(out / "convergence.csv")
    conv = conv[(conv["scenario"] == "mm1") & (conv["metric"] == "mean_days")]
    assert list(conv["replications"]) == [1, 2, 3]
    runs = pd.read_csv(out / "runs.csv")
    first_two = runs[(runs["scenario"] == "mm1") & (runs["replication"] < 2)]["mean_days"]
    assert conv["mean"].iloc[1] == pytest.approx(first_two.mean())


def test_export_of_a_batch_folder_refuses_map_formats_and_run_options(
    batch: Path, tmp_path: Path, run_cli: Cli
) -> None:
    code, _, stderr = run_cli("export", str(batch), "-o", str(tmp_path / "x"), "--format", "gpkg")
    assert code == 2
    assert "format(s) gpkg do not apply to an experiment folder" in stderr
    assert "choose from csv, parquet, png, svg" in stderr
    code, _, stderr = run_cli(
        "report", str(batch), "-o", str(tmp_path / "e.html"), "--promised-days", "3"
    )
    assert code == 2
    assert "--promised-days apply to one run's folder, and this is an experiment's" in stderr
