"""Exporting a run for GIS and spreadsheet users.

* :func:`export_tables` writes the tables and KPI tables as CSV and/or Parquet;
* :func:`export_gis` writes the network's nodes, legs and the simulated routes with their KPIs
  as a GeoPackage (one file, three layers) and/or GeoJSON (one file per layer), for QGIS.

A saved run is read back with :meth:`corridor.results.Results.load` (:func:`read_results`),
which checks that its files belong together. The network drawn is the run's own (its
``nodes`` and ``legs`` tables), unless a network is given. The target folder is created if
needed; every file is written to a temporary name in it and renamed into place, through the
store (:mod:`corridor.results.store`), which reports a file in the way, a folder that cannot
be written or a full disk as an :class:`~corridor.errors.OutputError` naming the path.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString
from tqdm.auto import tqdm

from corridor import kpis
from corridor.results import Results, ResultsFolderError
from corridor.results.store import (
    check_output_folder,
    make_folder,
    write_atomic,
    write_table_atomic,
)
from corridor.views.frames import network_frames, run_servers

if TYPE_CHECKING:
    from corridor.inputs.network import Network

__all__ = [
    "GIS_FORMATS",
    "RESULT_TABLES",
    "TABLE_FORMATS",
    "ResultsFolderError",
    "export_gis",
    "export_tables",
    "legs_with_kpis",
    "nodes_with_kpis",
    "read_results",
    "routes_with_kpis",
]

log = logging.getLogger(__name__)

RESULT_TABLES = ("trips", "stages", "departures", "resources", "closures")
TABLE_FORMATS = ("csv", "parquet")
GIS_FORMATS = ("gpkg", "geojson")


def read_results(directory: str | Path) -> Results:
    """Read a saved run: :meth:`corridor.results.Results.load`, which checks its files.

    Raises
    ------
    ResultsFolderError
        If the folder does not exist, misses files, a file cannot be read or does not belong
        to the run ``run.json`` describes; every problem is listed.
    """
    return Results.load(directory)


def _to_geojson(layer: geopandas.GeoDataFrame, path: str) -> None:
    layer.to_file(path, driver="GeoJSON", engine="pyogrio")


def _output_folder(directory: str | Path) -> Path:
    """Check and create the folder to write into; the store words what is wrong."""
    check_output_folder(directory, flag="-o", whole=False)
    return make_folder(directory)


def _check_formats(formats: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    chosen = [f.lower().lstrip(".") for f in formats]
    bad = [f for f in chosen if f not in allowed]
    if bad:
        raise ValueError(f"format(s) {', '.join(bad)} not one of {', '.join(allowed)}")
    return chosen


# --------------------------------------------------------------------------- tables


def export_tables(
    results: Results,
    directory: str | Path,
    formats: Iterable[str] = TABLE_FORMATS,
    network: Network | None = None,
    *,
    stages_csv: bool = False,
    progress: bool | None = False,
) -> list[Path]:
    """Write the run's tables, its summary and KPI tables as CSV and/or Parquet.

    Besides the result tables (``trips``, ``departures``, ``resources``, ``closures`` and,
    see ``stages_csv``, ``stages``) and the run's ``routes``, ``processes``, ``nodes`` and
    ``legs``, writes ``summary``, ``time_breakdown``, ``route_kpis``, ``node_kpis``,
    ``border_crossings``, ``load_factors``, ``utilisation`` and ``co2e_by_leg``.
    Columns and units: ``docs/results-reference.md``.

    Parameters
    ----------
    results
        A run's results.
    directory
        The folder to write into (created if needed).
    formats
        ``"csv"`` and/or ``"parquet"``.
    network
        Only for a run saved before its ``processes`` table existed: the network whose
        servers the utilisation table uses (without it, utilisation is left empty).
    stages_csv
        Also write ``stages.csv``: one row per container and stage, 261 MB for the baseline
        year, so only when asked. ``stages.parquet`` (about a tenth of that) is always
        written with the Parquet format.
    progress
        Show a progress bar (tqdm) of the files; ``None``: only on a terminal.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    OutputError
        If ``directory`` is a file, or cannot be created or written (the disk is full ...).
    """
    chosen = _check_formats(formats, TABLE_FORMATS)
    out = _output_folder(directory)
    tables = {name: getattr(results, name) for name in RESULT_TABLES}
    missing = results.meta.get("missing_tables", ())
    for name in ("routes", "processes", "nodes", "legs"):
        if name not in missing:
            tables[name] = getattr(results, name)
    trips, stages, deps = results.trips, results.stages, results.departures
    tables["summary"] = results.summary()
    tables["time_breakdown"] = kpis.time_breakdown(trips, stages)
    tables["route_kpis"] = kpis.route_kpis(
        trips, stages, results.horizon_h, results.warmup_h
    ).reset_index()
    tables["node_kpis"] = kpis.node_delays(trips, stages, deps)
    tables["border_crossings"] = kpis.border_crossing_times(trips, stages)
    tables["load_factors"] = kpis.load_factors(deps)
    tables["utilisation"] = kpis.utilisation(
        results.resources, run_servers(results, network), results.horizon_h, results.warmup_h
    )
    try:
        tables["co2e_by_leg"] = kpis.co2e_by_leg(stages, departures=deps)
    except ValueError as exc:
        log.warning("co2e_by_leg left out: %s", exc)
    files = [
        (name, kind)
        for name in tables
        for kind in chosen
        if not (name == "stages" and kind == "csv" and not stages_csv)
    ]
    written = []
    disable = None if progress is None else not progress
    for name, kind in tqdm(files, desc="tables", unit="file", disable=disable):
        written.append(write_table_atomic(out / f"{name}.{kind}", tables[name]))
    if "csv" in chosen and not stages_csv:
        log.info("stages.csv left out (large); ask for it with stages_csv=True (--stages)")
    log.info("exported %d tables as %s to %s", len(tables), " and ".join(chosen), out)
    return written


# --------------------------------------------------------------------------- GIS


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns GDAL can write: categoricals and objects as strings, bools as ints."""
    out = frame.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == object:
            out[col] = s.astype("string")
        elif s.dtype == bool:
            out[col] = s.astype(np.int8)
    return out


def nodes_with_kpis(network: Network | None, results: Results) -> geopandas.GeoDataFrame:
    """The nodes (points, EPSG:4326) with the time containers spent there.

    Columns: those of :meth:`~corridor.inputs.network.Network.nodes_frame`, then ``crossing``
    (the border crossing of :func:`corridor.kpis.default_crossings`), ``containers``,
    ``mean_delay_h``, ``p90_delay_h``, hours per time category (``<category>_h``) and
    ``max_utilisation`` of the node's capacity-limited processes.

    Parameters
    ----------
    network
        The network to take the nodes from, or ``None`` for the run's ``nodes`` table.
    results
        The run's results.
    """
    frame, _ = network_frames(results, network)
    delays = kpis.node_kpis(results.trips, results.stages, results.departures)
    frame = frame.join(delays, on="id")
    frame["containers"] = frame["containers"].fillna(0).astype(int)
    crossings = kpis.default_crossings(
        results.stages, network if network is not None else results.nodes
    )
    crossing_of = {node: name for name, nodes in crossings.items() for node in nodes}
    frame.insert(
        frame.columns.get_loc("processes") + 1,
        "crossing",
        frame["id"].map(crossing_of),
    )
    util = kpis.utilisation(
        results.resources, run_servers(results, network), results.horizon_h, results.warmup_h
    )
    top = util.groupby("node")["utilisation"].max() if len(util) else pd.Series(dtype=float)
    frame["max_utilisation"] = frame["id"].map(top)
    return _plain(frame)


def legs_with_kpis(network: Network | None, results: Results) -> geopandas.GeoDataFrame:
    """The legs (lines, EPSG:4326) with their departures and load factors.

    Columns: those of :meth:`~corridor.inputs.network.Network.legs_frame`, then the columns of
    :func:`corridor.kpis.leg_kpis`: ``departures``, ``teu_carried``, ``capacity_teu``,
    ``load_factor``, ``share_full``, ``containers`` (delivered containers that travelled the
    leg), ``mean_wait_h`` (waiting for a departure, per container) and ``mean_travel_h``.

    Parameters
    ----------
    network
        The network to take the legs from, or ``None`` for the run's ``legs`` table.
    results
        The run's results.
    """
    _, frame = network_frames(results, network)
    frame = frame.join(kpis.leg_kpis(results.trips, results.stages, results.departures), on="id")
    for col in ("departures", "containers"):
        frame[col] = frame[col].fillna(0).astype(int)
    return _plain(frame)


def routes_with_kpis(
    network: Network | None, results: Results, promised_days: float | None = None
) -> geopandas.GeoDataFrame:
    """The simulated routes as lines (the chain of their legs) with their KPIs.

    Columns: ``route``, ``legs`` (ids joined by ``" > "``), the columns of
    :func:`corridor.kpis.route_kpis` and ``geometry``.

    Parameters
    ----------
    network
        The network to take the legs' lines from, or ``None`` for the run's ``legs`` table.
    results
        The run's results.
    promised_days
        For the on-time share.
    """
    table = kpis.route_kpis(
        results.trips, results.stages, results.horizon_h, results.warmup_h, promised_days
    )
    chain = kpis.route_legs(results.stages, results.departures)
    _, legs = network_frames(results, network)
    geoms = legs.set_index("id")["geometry"]
    rows, geometry = [], []
    for route, g in chain.groupby("route", sort=True):
        lines = [geoms[leg] for leg in g["leg"] if leg in geoms.index and geoms[leg] is not None]
        merged = shapely.line_merge(MultiLineString(lines)) if lines else None
        if merged is not None and not isinstance(merged, (LineString, MultiLineString)):
            merged = MultiLineString(lines)
        rows.append({"route": str(route), "legs": " > ".join(g["leg"])})
        geometry.append(merged)
    frame = pd.DataFrame(rows, columns=["route", "legs"]).join(table, on="route")
    return _plain(geopandas.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326"))


def export_gis(
    network: Network | None,
    results: Results,
    directory: str | Path,
    formats: Iterable[str] = GIS_FORMATS,
    promised_days: float | None = None,
) -> list[Path]:
    """Write nodes, legs and routes with their KPIs for GIS (QGIS and the like).

    Parameters
    ----------
    network
        A network to take the geometries from, or ``None`` for the run's own (its ``nodes``
        and ``legs`` tables).
    results
        The run's results.
    directory
        The folder to write into (created if needed).
    formats
        ``"gpkg"``: ``corridor.gpkg`` with layers ``nodes``, ``legs`` and ``routes``;
        ``"geojson"``: ``nodes.geojson``, ``legs.geojson`` and ``routes.geojson``.
    promised_days
        For the routes' on-time share.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        If a format is unknown, or there is no network (none given, and the run was saved
        before its ``nodes`` and ``legs`` tables existed).
    OutputError
        If ``directory`` is a file, or cannot be created or written (the disk is full ...).
    """
    chosen = _check_formats(formats, GIS_FORMATS)
    out = _output_folder(directory)
    layers = {
        "nodes": nodes_with_kpis(network, results),
        "legs": legs_with_kpis(network, results),
        "routes": routes_with_kpis(network, results, promised_days),
    }
    written = []
    if "gpkg" in chosen:

        def write_gpkg(tmp: str) -> None:
            for name, layer in layers.items():
                layer.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")

        written.append(write_atomic(out / "corridor.gpkg", write_gpkg, suffix=".gpkg"))
    if "geojson" in chosen:
        for name, layer in layers.items():
            written.append(
                write_atomic(
                    out / f"{name}.geojson", partial(_to_geojson, layer), suffix=".geojson"
                )
            )
    log.info("exported nodes, legs and routes as %s to %s", " and ".join(chosen), out)
    return written
