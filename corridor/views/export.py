"""Reading a saved results folder back, and exporting results for GIS and spreadsheet users.

A results folder is what :meth:`corridor.results.tables.Results.save` writes: ``trips``, ``stages``,
``departures``, ``resources`` and ``closures`` as Parquet, ``summary.csv`` and ``run.json``.
:func:`read_results` reads it back into a :class:`~corridor.results.tables.Results`.

Exports:

* :func:`export_tables` writes the tables as CSV and/or Parquet;
* :func:`export_gis` writes the network's nodes, legs and the simulated routes with their KPIs
  as a GeoPackage (one file, three layers) and/or GeoJSON (one file per layer), for QGIS.

Every file is written to a temporary name in the target folder and renamed into place.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor import kpis
from corridor.errors import InputError

if TYPE_CHECKING:
    import geopandas

    from corridor.inputs.network import Network
    from corridor.results.tables import Results

__all__ = [
    "GIS_FORMATS",
    "RESULT_TABLES",
    "TABLE_FORMATS",
    "ResultsFolderError",
    "export_gis",
    "export_tables",
    "legs_with_kpis",
    "network_for",
    "nodes_with_kpis",
    "read_results",
    "routes_with_kpis",
]

log = logging.getLogger(__name__)

RESULT_TABLES = ("trips", "stages", "departures", "resources", "closures")
TABLE_FORMATS = ("csv", "parquet")
GIS_FORMATS = ("gpkg", "geojson")
_RUN_KEYS = ("scenario", "seed", "start_date", "horizon_h", "warmup_h")


class ResultsFolderError(InputError):
    """A results folder is missing, incomplete or unreadable."""


# --------------------------------------------------------------------------- reading


def read_results(directory: str | Path) -> Results:
    """Read a folder written by :meth:`~corridor.results.tables.Results.save`.

    Parameters
    ----------
    directory
        The folder with the five ``.parquet`` tables and ``run.json``.

    Returns
    -------
    Results
        With ``meta`` holding the other entries of ``run.json`` (such as ``network_file``).

    Raises
    ------
    ResultsFolderError
        If the folder does not exist, misses files, or a file cannot be read; every problem
        is listed.
    """
    from corridor.errors import Problem
    from corridor.results.tables import Results

    folder = Path(directory)
    hint = "give a folder written by 'corridor run SCENARIO --out FOLDER'"
    if not folder.exists():
        raise ResultsFolderError.single(folder, "", "no such folder", hint)
    if not folder.is_dir():
        raise ResultsFolderError.single(folder, "", "is a file, not a results folder", hint)
    problems: list[Problem] = []
    missing = [f"{n}.parquet" for n in RESULT_TABLES if not (folder / f"{n}.parquet").is_file()]
    if not (folder / "run.json").is_file():
        missing.append("run.json")
    if missing:
        problems.append(Problem("", f"missing {', '.join(missing)}", hint))
        raise ResultsFolderError(folder, problems)
    tables: dict[str, pd.DataFrame] = {}
    for name in RESULT_TABLES:
        try:
            tables[name] = pd.read_parquet(folder / f"{name}.parquet")
        except Exception as exc:  # pyarrow raises several types for damaged files
            problems.append(Problem(f"{name}.parquet", f"cannot be read: {exc}"))
    meta: dict[str, Any] = {}
    try:
        meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("expected a JSON object")
        absent = [k for k in _RUN_KEYS if k not in meta]
        if absent:
            problems.append(Problem("run.json", f"missing key(s) {', '.join(absent)}"))
    except (ValueError, OSError) as exc:
        problems.append(Problem("run.json", f"cannot be read: {exc}"))
    if problems:
        raise ResultsFolderError(folder, problems)
    extra = {k: v for k, v in meta.items() if k not in _RUN_KEYS}
    extra["results_dir"] = str(folder)
    return Results(
        scenario_name=str(meta["scenario"]),
        seed=int(meta["seed"]),
        start_date=pd.Timestamp(meta["start_date"]),
        horizon_h=float(meta["horizon_h"]),
        warmup_h=float(meta["warmup_h"]),
        meta=extra,
        **tables,
    )


def network_for(results: Results, path: str | Path | None = None) -> Network | None:
    """The network of a run: ``path`` if given, else the ``network_file`` named in its
    ``run.json`` (relative to the working folder) if that can still be read, else ``None``.

    Raises
    ------
    NetworkError
        If ``path`` is given and cannot be loaded.
    """
    from corridor.errors import CorridorError
    from corridor.inputs.network import load_network

    if path is not None:
        return load_network(path)
    recorded = results.meta.get("network_file")
    if not recorded or not Path(str(recorded)).is_file():
        return None
    try:
        return load_network(str(recorded))
    except CorridorError as exc:
        log.warning("the run's network %s cannot be loaded, so no map: %s", recorded, exc)
        return None


# --------------------------------------------------------------------------- atomic files


def _atomic(path: Path, write: Callable[[str], object]) -> Path:
    suffix = "".join(path.suffixes) or ".tmp"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        Path(tmp).unlink()  # some writers (GDAL) refuse to open an existing empty file
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _to_csv(table: pd.DataFrame, path: str) -> None:
    table.to_csv(path, index=False)


def _to_parquet(table: pd.DataFrame, path: str) -> None:
    table.to_parquet(path, index=False)


def _to_geojson(layer: geopandas.GeoDataFrame, path: str) -> None:
    layer.to_file(path, driver="GeoJSON", engine="pyogrio")


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
) -> list[Path]:
    """Write the run's tables, its summary and KPI tables as CSV and/or Parquet.

    Besides the five result tables, writes ``summary``, ``time_breakdown``, ``route_kpis``,
    ``node_kpis``, ``border_crossings``, ``load_factors``, ``utilisation`` and
    ``co2e_by_leg``.

    Parameters
    ----------
    results
        A run's results.
    directory
        The folder to write into (created if needed).
    formats
        ``"csv"`` and/or ``"parquet"``.
    network
        The run's network, for the server counts of the utilisation table (see
        :func:`corridor.views.report.servers_for`); without it utilisation is left empty.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from corridor.views.maps import route_kpis
    from corridor.views.report import servers_for

    chosen = _check_formats(formats, TABLE_FORMATS)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    tables = {name: getattr(results, name) for name in RESULT_TABLES}
    trips, stages, deps = results.trips, results.stages, results.departures
    tables["summary"] = results.summary()
    tables["time_breakdown"] = kpis.time_breakdown(trips, stages)
    tables["route_kpis"] = route_kpis(results).reset_index()
    tables["node_kpis"] = kpis.node_delays(trips, stages, deps)
    tables["border_crossings"] = kpis.border_crossing_times(trips, stages)
    tables["load_factors"] = kpis.load_factors(deps)
    tables["utilisation"] = kpis.utilisation(
        results.resources, servers_for(results, network), results.horizon_h, results.warmup_h
    )
    try:
        tables["co2e_by_leg"] = kpis.co2e_by_leg(stages, departures=deps)
    except ValueError as exc:
        log.warning("co2e_by_leg left out: %s", exc)
    written = []
    for name, table in tables.items():
        if "csv" in chosen:
            written.append(_atomic(out / f"{name}.csv", partial(_to_csv, table)))
        if "parquet" in chosen:
            written.append(_atomic(out / f"{name}.parquet", partial(_to_parquet, table)))
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


def nodes_with_kpis(network: Network, results: Results) -> geopandas.GeoDataFrame:
    """The network's nodes (points, EPSG:4326) with the time containers spent there.

    Columns: those of :meth:`~corridor.inputs.network.Network.nodes_frame`, then ``crossing``
    (the border crossing of :func:`corridor.kpis.default_crossings`), ``containers``,
    ``mean_delay_h``, ``p90_delay_h``, hours per time category (``<category>_h``) and
    ``max_utilisation`` of the node's capacity-limited processes.
    """
    frame = network.nodes_frame()
    delays = kpis.node_delays(results.trips, results.stages, results.departures).set_index("node")
    frame = frame.join(delays, on="id")
    frame["containers"] = frame["containers"].fillna(0).astype(int)
    crossings = kpis.default_crossings(results.stages, network)
    crossing_of = {node: name for name, nodes in crossings.items() for node in nodes}
    frame.insert(
        frame.columns.get_loc("processes") + 1,
        "crossing",
        frame["id"].map(crossing_of),
    )
    util = kpis.utilisation(results.resources, network, results.horizon_h, results.warmup_h)
    top = util.groupby("node")["utilisation"].max() if len(util) else pd.Series(dtype=float)
    frame["max_utilisation"] = frame["id"].map(top)
    return _plain(frame)


def legs_with_kpis(network: Network, results: Results) -> geopandas.GeoDataFrame:
    """The network's legs (lines, EPSG:4326) with their departures and load factors.

    Columns: those of :meth:`~corridor.inputs.network.Network.legs_frame`, then ``departures``,
    ``teu_carried``, ``capacity_teu``, ``load_factor``, ``share_full``, ``containers``
    (delivered containers that travelled the leg), ``mean_wait_h`` (waiting for a departure,
    per container) and ``mean_travel_h``.
    """
    frame = network.legs_frame()
    lf = kpis.load_factors(results.departures).set_index("leg")
    cols = ["departures", "teu_carried", "capacity_teu", "load_factor", "share_full"]
    frame = frame.join(lf[cols], on="id")
    frame["departures"] = frame["departures"].fillna(0).astype(int)
    t = kpis.measured_trips(results.trips)
    s = results.stages[results.stages["container"].isin(t["container"].to_numpy())]
    s = s[s["element_type"].astype(str) == "leg"]
    kind = s["kind"].astype(str)
    per = s.assign(
        wait=np.where(kind == "wait", s["duration_h"], 0.0),
        travel=np.where(kind == "travel", s["duration_h"], 0.0),
        element=s["element"].astype(str),
    )
    per = per.groupby(["element", "container"])[["wait", "travel"]].sum()
    g = per.groupby(level="element")
    frame["containers"] = frame["id"].map(g.size()).fillna(0).astype(int)
    frame["mean_wait_h"] = frame["id"].map(g["wait"].mean())
    frame["mean_travel_h"] = frame["id"].map(g["travel"].mean())
    return _plain(frame)


def routes_with_kpis(
    network: Network, results: Results, promised_days: float | None = None
) -> geopandas.GeoDataFrame:
    """The simulated routes as lines (the chain of their legs) with their KPIs.

    Columns: ``route``, ``legs`` (ids joined by ``" > "``), the columns of
    :func:`corridor.views.maps.route_kpis` and ``geometry``.
    """
    import geopandas
    import shapely
    from shapely.geometry import LineString, MultiLineString

    from corridor.views.maps import route_kpis

    table = route_kpis(results, promised_days)
    chain = kpis.route_legs(results.stages, results.departures)
    geoms = network.legs_frame().set_index("id")["geometry"]
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
    network: Network,
    results: Results,
    directory: str | Path,
    formats: Iterable[str] = GIS_FORMATS,
    promised_days: float | None = None,
) -> list[Path]:
    """Write nodes, legs and routes with their KPIs for GIS (QGIS and the like).

    Parameters
    ----------
    network
        The run's network (geometries).
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
    """
    chosen = _check_formats(formats, GIS_FORMATS)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
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

        written.append(_atomic(out / "corridor.gpkg", write_gpkg))
    if "geojson" in chosen:
        for name, layer in layers.items():
            written.append(_atomic(out / f"{name}.geojson", partial(_to_geojson, layer)))
    log.info("exported nodes, legs and routes as %s to %s", " and ".join(chosen), out)
    return written
