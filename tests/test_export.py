"""Reading saved results back; exports as CSV/Parquet and GeoPackage/GeoJSON; the command."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import pandas as pd
import pyogrio
import pytest

from corridor import cli, export
from corridor.errors import CorridorError
from corridor.results import Results
from tests.small_runs import two_leg_network, two_leg_run


@pytest.fixture(scope="module")
def run() -> Results:
    return two_leg_run()


@pytest.fixture
def saved(run: Results, tmp_path: Path) -> Path:
    return run.save(tmp_path / "run")


def test_read_results_gives_back_the_saved_tables(run: Results, saved: Path) -> None:
    back = export.read_results(saved)
    for name in export.RESULT_TABLES:
        pd.testing.assert_frame_equal(getattr(back, name), getattr(run, name))
    assert back.horizon_h == run.horizon_h
    assert back.warmup_h == run.warmup_h
    assert back.start_date == run.start_date
    assert back.seed == run.seed
    assert back.meta["results_dir"] == str(saved)


def test_read_results_lists_every_missing_file(saved: Path) -> None:
    (saved / "stages.parquet").unlink()
    (saved / "run.json").unlink()
    with pytest.raises(export.ResultsFolderError, match=r"missing stages.parquet, run.json") as e:
        export.read_results(saved)
    assert isinstance(e.value, CorridorError)
    assert isinstance(e.value, ValueError)


def test_read_results_reports_a_bad_run_json_and_a_damaged_table(saved: Path) -> None:
    (saved / "run.json").write_text(json.dumps({"scenario": "x"}))
    (saved / "trips.parquet").write_bytes(b"not parquet")
    with pytest.raises(export.ResultsFolderError) as e:
        export.read_results(saved)
    text = str(e.value)
    assert "2 problems" in text
    assert "trips.parquet: cannot be read" in text
    assert "run.json: missing key(s) seed, start_date, horizon_h, warmup_h" in text


def test_read_results_of_a_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a")
    with pytest.raises(export.ResultsFolderError, match="is a file, not a results folder"):
        export.read_results(f)


def test_export_tables_as_csv_and_parquet(run: Results, tmp_path: Path) -> None:
    written = export.export_tables(run, tmp_path / "t", ["csv", "parquet"])
    names = {p.name for p in written}
    for table in (*export.RESULT_TABLES, "summary", "route_kpis", "border_crossings"):
        assert f"{table}.csv" in names
        assert f"{table}.parquet" in names
    crossings = pd.read_csv(tmp_path / "t" / "border_crossings.csv")
    assert crossings.loc[0, "mean_h"] == pytest.approx(13.0)
    trips = pd.read_parquet(tmp_path / "t" / "trips.parquet")
    assert len(trips) == len(run.trips)
    assert not [p for p in (tmp_path / "t").iterdir() if p.name.startswith(".")]


def test_unknown_table_format_is_an_error(run: Results, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format\\(s\\) xlsx not one of csv, parquet"):
        export.export_tables(run, tmp_path, ["xlsx"])


def test_export_gis_writes_layers_with_kpis(run: Results, tmp_path: Path) -> None:
    written = export.export_gis(two_leg_network(), run, tmp_path / "g")
    assert {p.name for p in written} == {
        "corridor.gpkg", "nodes.geojson", "legs.geojson", "routes.geojson",
    }  # fmt: skip
    layers = dict(pyogrio.list_layers(tmp_path / "g" / "corridor.gpkg"))
    assert layers == {"nodes": "Point", "legs": "LineString", "routes": "LineString"}
    nodes = geopandas.read_file(tmp_path / "g" / "corridor.gpkg", layer="nodes").set_index("id")
    assert nodes.crs.to_epsg() == 4326
    assert nodes.loc["X-IR", "mean_delay_h"] == pytest.approx(5.0)
    assert nodes.loc["X-IR", "crossing"] == "X"
    legs = geopandas.read_file(tmp_path / "g" / "legs.geojson").set_index("id")
    assert legs.loc["O-X", "mean_travel_h"] == pytest.approx(10.0)
    assert legs.loc["O-X", "load_factor"] == pytest.approx(0.5)  # 1 TEU per 2 TEU truck
    routes = geopandas.read_file(tmp_path / "g" / "routes.geojson")
    assert routes.loc[0, "legs"] == "O-X > X-X > X-D"
    assert routes.loc[0, "swd_kmh"] == pytest.approx(510 / 27)
    assert routes.geometry.iloc[0].geom_type == "LineString"


def test_export_command_tables_and_gis(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # run.json names no network file (the run was in memory), so only tables by default
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
