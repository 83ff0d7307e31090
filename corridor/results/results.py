"""The outcome of one run: its tables, its summary, and saving and loading them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from corridor import __version__
from corridor.engine.records import Recorder
from corridor.kpis.summary import summarize
from corridor.model.runtime import Model
from corridor.results.model_tables import (
    LEG_COLUMNS,
    MODEL_TABLES,
    NODE_COLUMNS,
    PROCESS_COLUMNS,
    ROUTE_COLUMNS,
)
from corridor.results.store import check_output_folder, read_folder, write_folder
from corridor.results.tables import RECORD_TABLES, build_tables

__all__ = ["TABLES", "Results"]

TABLES = (*RECORD_TABLES, *MODEL_TABLES)
"""Every table of a run, in the order they are saved."""

_RUN_KEYS = ("scenario", "seed", "start_date", "horizon_h", "warmup_h")
_EMPTY = {
    "routes": ROUTE_COLUMNS,
    "processes": PROCESS_COLUMNS,
    "nodes": NODE_COLUMNS,
    "legs": LEG_COLUMNS,
}
_COLUMNS = {
    "trips": ["container", "flow", "kind", "route", "origin", "destination", "teu", "created_h",
              "delivered_h", "transit_h", "transit_days", "km", "cost_usd", "co2e_kg",
              "in_warmup", "created_at", "delivered_at"],
    "stages": ["container", "flow", "route", "element_type", "element", "process", "activity",
               "kind", "start_h", "end_h", "duration_h", "km", "cost_usd", "co2e_kg",
               "start_at", "end_at"],
    "departures": ["leg", "mode", "from_node", "to_node", "vehicle", "direction", "depart_h",
                   "arrive_h", "load_teu", "containers", "capacity_teu", "load_factor",
                   "depart_at"],
    "resources": ["node", "process", "activity", "arrival_h", "start_h", "end_h", "wait_h",
                  "containers", "teu", "servers"],
    "closures": ["element", "start_h", "end_h", "reason", "duration_h", "start_at", "end_at"],
    **_EMPTY,
}  # fmt: skip
"""The columns of every table (:func:`~corridor.results.tables.build_tables` makes them;
``tests/results/test_results.py`` checks they agree): a table saved without one is refused."""
# columns that folders saved by older versions lack, and the value they then have
_ADDED_LATER: dict[str, dict[str, str]] = {"trips": {"kind": "loaded"}, "routes": {"label": ""}}
# entries of meta that describe where a Results came from, not the run: not saved again
_LOAD_NOTES = ("results_dir", "missing_tables")


def _empty_routes() -> pd.DataFrame:
    return pd.DataFrame(columns=ROUTE_COLUMNS)


def _empty_processes() -> pd.DataFrame:
    return pd.DataFrame(columns=PROCESS_COLUMNS)


def _empty_nodes() -> pd.DataFrame:
    return pd.DataFrame(columns=NODE_COLUMNS)


def _empty_legs() -> pd.DataFrame:
    return pd.DataFrame(columns=LEG_COLUMNS)


@dataclass
class Results:
    """The outcome of one run: tables built once from the run's records.

    ``trips``, ``stages``, ``departures``, ``resources`` and ``closures`` come from the
    engine's records (:mod:`corridor.results.tables`); ``routes``, ``processes``, ``nodes``
    and ``legs`` describe the model as it ran (:mod:`corridor.results.model_tables`), so that
    reports, maps and exports need neither the scenario nor the network file.
    """

    scenario_name: str
    seed: int
    start_date: pd.Timestamp
    horizon_h: float
    warmup_h: float
    trips: pd.DataFrame
    stages: pd.DataFrame
    departures: pd.DataFrame
    resources: pd.DataFrame
    closures: pd.DataFrame
    routes: pd.DataFrame = field(default_factory=_empty_routes)
    processes: pd.DataFrame = field(default_factory=_empty_processes)
    nodes: pd.DataFrame = field(default_factory=_empty_nodes)
    legs: pd.DataFrame = field(default_factory=_empty_legs)
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_records(
        cls, model: Model, rec: Recorder, meta: dict[str, Any] | None = None
    ) -> Results:
        """Build the tables of a finished run."""
        return cls(
            scenario_name=model.name,
            seed=model.seed,
            start_date=pd.Timestamp(model.start_date),
            horizon_h=model.horizon_h,
            warmup_h=model.warmup_h,
            **build_tables(model, rec),
            meta=dict(meta or {}),
        )

    @property
    def route_labels(self) -> dict[str, str]:
        """Route name -> its readable label (the scenario's ``route_labels``, kept in the
        ``routes`` table's ``label`` column), the name itself where there is none."""
        routes = self.routes.drop_duplicates("route")
        return {
            str(r): str(lab) if isinstance(lab, str) and lab else str(r)
            for r, lab in zip(routes["route"], routes["label"], strict=True)
        }

    def summary(self) -> pd.DataFrame:
        """Per flow and route: counts and transit-time statistics, warm-up excluded.

        Containers created during the warm-up are left out. ``in_transit`` counts containers
        not delivered by the end of the horizon; transit statistics are over delivered ones.
        ``share_<kind>`` columns give the share of delivered containers' time per stage kind.
        See :func:`corridor.kpis.summarize`.
        """
        return summarize(self.trips, self.stages, self.warmup_h, self.horizon_h)

    def save(self, directory: str | Path) -> Path:
        """Write every table as Parquet, ``summary.csv`` and ``run.json`` into ``directory``.

        The files are written into a new hidden folder beside ``directory``, which replaces
        it only when complete (:mod:`corridor.results.store`): a save that fails or is
        stopped leaves the previous results whole, and two saves at once leave one run or
        the other. ``run.json`` lists the SHA-256 of every other file and the corridor
        version (``corridor_version``); :meth:`load` checks them.

        Raises
        ------
        OutputError
            When ``directory`` is a file, a folder of other files, or cannot be written (the
            message says why: permission denied, the disk is full, ...).
        """
        check_output_folder(directory)  # before the summary's work
        run = {
            "scenario": self.scenario_name,
            "seed": self.seed,
            "start_date": self.start_date.isoformat(),
            "horizon_h": self.horizon_h,
            "warmup_h": self.warmup_h,
            **{k: v for k, v in self.meta.items() if k not in _LOAD_NOTES},
            "corridor_version": __version__,
        }
        tables = {name: getattr(self, name) for name in TABLES}
        return write_folder(directory, tables, {"summary": self.summary()}, run)

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """Read a folder written by :meth:`save`, checking that its files belong together.

        A folder saved by an older corridor may lack ``routes``, ``processes``, ``nodes`` and
        ``legs``: they are then empty, and ``meta["missing_tables"]`` names them (views say
        what they cannot show). ``meta["results_dir"]`` is the folder. A folder written by a
        newer minor version of corridor is read with a warning naming both versions.

        Raises
        ------
        ResultsFolderError
            An :class:`~corridor.errors.OutputError` listing every problem: the folder,
            ``run.json`` or a table missing or unreadable, a file that does not match the
            SHA-256 that ``run.json`` lists for it (a folder mixing two runs), a table
            without a column it should have, or a folder written by another major version.
        """
        required = {
            name: [c for c in cols if c not in _ADDED_LATER.get(name, {})]
            for name, cols in _COLUMNS.items()
        }
        meta, tables = read_folder(
            directory,
            RECORD_TABLES,
            MODEL_TABLES,
            _RUN_KEYS,
            columns=required,
            version=__version__,
        )
        for name, added in _ADDED_LATER.items():
            for column, value in added.items():
                if column not in tables[name].columns:  # saved before the column existed
                    at = _COLUMNS[name].index(column)
                    filled = pd.Series([value] * len(tables[name]), dtype="category")
                    tables[name].insert(at, column, filled)
        extra = {k: v for k, v in meta.items() if k not in _RUN_KEYS}
        missing = [name for name in MODEL_TABLES if name not in tables]
        for name in missing:
            tables[name] = pd.DataFrame(columns=_EMPTY[name])
        if missing:
            extra["missing_tables"] = missing
        extra["results_dir"] = str(directory)
        return cls(
            scenario_name=str(meta["scenario"]),
            seed=int(meta["seed"]),
            start_date=pd.Timestamp(meta["start_date"]),
            horizon_h=float(meta["horizon_h"]),
            warmup_h=float(meta["warmup_h"]),
            **tables,
            meta=extra,
        )
