"""Exports as CSV/Parquet and GeoPackage/GeoJSON, from the run's own tables."""

from __future__ import annotations

from pathlib import Path

import geopandas
import pandas as pd
import pyogrio
import pytest

from corridor import export
from corridor.results import Results
from corridor.views.figures import export_figures
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


def test_export_tables_as_csv_and_parquet(run: Results, tmp_path: Path) -> None:
    written = export.export_tables(run, tmp_path / "t", ["csv", "parquet"])
    names = {p.name for p in written}
    for table in (*export.RESULT_TABLES, "summary", "route_kpis", "border_crossings"):
        if table != "stages":
            assert f"{table}.csv" in names
        assert f"{table}.parquet" in names
    crossings = pd.read_csv(tmp_path / "t" / "border_crossings.csv")
    assert crossings.loc[0, "mean_h"] == pytest.approx(13.0)
    trips = pd.read_parquet(tmp_path / "t" / "trips.parquet")
    assert len(trips) == len(run.trips)
    assert not [p for p in (tmp_path / "t").iterdir() if p.name.startswith(".")]


def test_stages_csv_is_written_only_when_asked(run: Results, tmp_path: Path) -> None:
    without = {p.name for p in export.export_tables(run, tmp_path / "a", ["csv"])}
    assert "stages.csv" not in without
    assert "trips.csv" in without
    asked = {p.name for p in export.export_tables(run, tmp_path / "b", ["csv"], stages_csv=True)}
    assert "stages.csv" in asked
    assert len(pd.read_csv(tmp_path / "b" / "stages.csv")) == len(run.stages)


def test_export_figures_as_png_and_svg(run: Results, tmp_path: Path) -> None:
    written = export_figures(run, tmp_path / "f", ["png", "svg"])
    names = {p.name for p in written}
    for stem in ("network-map", "time-breakdown", "transit-ecdf", "load-factors"):
        assert f"{stem}.png" in names
        assert f"{stem}.svg" in names
    assert (tmp_path / "f" / "time-breakdown.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "f" / "time-breakdown.svg").read_text(encoding="utf-8")[:500]
    with pytest.raises(ValueError, match="figure format\\(s\\) jpg not one of png, svg"):
        export_figures(run, tmp_path / "g", ["jpg"])


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


def test_export_gis_without_a_network_draws_the_runs_own(run: Results, tmp_path: Path) -> None:
    export.export_gis(None, run, tmp_path / "own", ["geojson"])
    export.export_gis(two_leg_network(), run, tmp_path / "given", ["geojson"])
    for layer in ("nodes", "legs", "routes"):
        own = geopandas.read_file(tmp_path / "own" / f"{layer}.geojson")
        given = geopandas.read_file(tmp_path / "given" / f"{layer}.geojson")
        pd.testing.assert_frame_equal(own, given, check_dtype=False)


def test_export_tables_include_the_model_tables_and_utilisation_with_servers(
    run: Results, tmp_path: Path
) -> None:
    export.export_tables(run, tmp_path, ["csv"])
    for name in ("routes", "processes", "nodes", "legs"):
        assert (tmp_path / f"{name}.csv").is_file()
    util = pd.read_csv(tmp_path / "utilisation.csv").set_index("node")
    assert util.loc["O", "servers"] == 1.0  # the crane, from the processes table
    assert util.loc["O", "utilisation"] > 0
