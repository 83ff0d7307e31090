"""An experiment's results, read back from its store as tidy tables.

``corridor.load_experiment("results/border-lanes")`` reads the manifest and every finished
run's file, applies the warm-up (the experiment's choice, or another one given here) and
returns :class:`ExperimentResults`: per-run summaries, confidence intervals, the warm-up cut,
and the containers themselves on demand. Unfinished runs are simply absent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.experiments.advisor import advise_replications
from corridor.experiments.analysis import (
    MIN_EFFECT_DAYS,
    UnknownScenarioError,
    compare_runs,
    run_summary,
    select_comparison,
    summary_statistics,
)
from corridor.experiments.seeds import replication_seed
from corridor.experiments.spec import ExperimentError, Warmup
from corridor.experiments.store import read_manifest, read_run, run_path
from corridor.experiments.warmup import WarmupCut, detect_warmup, transit_series

__all__ = ["ExperimentResults", "load_experiment"]

log = logging.getLogger(__name__)

_SERIES_COLUMNS = ["route", "created_h", "delivered_h"]


@dataclass
class ExperimentResults:
    """Tidy tables of an experiment (see :func:`load_experiment`).

    Attributes
    ----------
    directory
        The experiment's output folder.
    manifest
        Its ``manifest.json``.
    scenarios
        One row per scenario: ``scenario`` (label), ``key`` (folder), ``content_hash``,
        ``scenario_file``, one column per swept field path, ``replications`` (finished runs),
        ``warmup_method``, ``warmup_days``, ``warmup_reliable``.
    runs
        One row per scenario, replication, flow and route: ``seed`` and the columns of
        :meth:`corridor.Results.summary` (transit days, throughput, ``status``, shares).
    statistics
        One row per scenario, flow, route and statistic with its confidence interval
        (see :func:`corridor.experiments.analysis.summary_statistics`).
    warmup_routes
        For MSER-5: the cut of every scenario and route.
    confidence
        Level of the intervals.
    flow_runs
        As ``runs``, one row per scenario, replication and flow of more than one route: its
        containers on all routes pooled (``route`` is ``"(all routes)"``).
    """

    directory: Path
    manifest: dict[str, Any]
    scenarios: pd.DataFrame
    runs: pd.DataFrame
    statistics: pd.DataFrame
    warmup_routes: pd.DataFrame
    confidence: float = 0.95
    flow_runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    _files: dict[str, list[Path]] = field(default_factory=dict, repr=False)

    @property
    def complete(self) -> bool:
        """Whether every planned run has finished."""
        planned = int(self.manifest.get("replications", 0)) * len(self.scenarios)
        return sum(len(v) for v in self._files.values()) >= planned

    def run_files(self, scenario: str | None = None) -> list[Path]:
        """The Parquet files of finished runs (of one scenario, or all)."""
        if scenario is not None:
            return list(self._files.get(self._key(scenario), []))
        return [p for files in self._files.values() for p in files]

    def _key(self, scenario: str) -> str:
        match = self.scenarios.loc[self.scenarios["scenario"] == scenario, "key"]
        if match.empty:
            known = ", ".join(repr(s) for s in self.scenarios["scenario"])
            raise UnknownScenarioError(
                f"no scenario {scenario!r} in {self.directory} (scenarios: {known})"
            )
        return str(match.iloc[0])

    def trips(
        self, scenario: str | None = None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The stored containers: one row per container per run (of one scenario, or all).

        The warm-up is not applied; compare ``created_h`` with :attr:`scenarios`'s
        ``warmup_days`` × 24.
        """
        files = self.run_files(scenario)
        cols = list(columns) if columns is not None else None
        parts = [read_run(p, cols) for p in files]
        if not parts:
            return pd.DataFrame(columns=cols or [])
        out = pd.concat(parts, ignore_index=True)
        for c in ("scenario", "flow", "route"):
            if c in out:
                out[c] = out[c].astype(str).astype("category")
        return out

    def compare(
        self,
        a: str,
        b: str,
        min_effect_days: float = MIN_EFFECT_DAYS,
        flows: Sequence[str] | None = None,
        routes: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Paired differences ``b - a`` per flow (all its routes pooled, for flows of more
        than one route) and per route, for each statistic, with intervals and verdicts.

        See :func:`corridor.experiments.analysis.compare_runs` (``min_effect_days``, the
        practical threshold) and :func:`~corridor.experiments.analysis.select_comparison`
        (``flows``, ``routes``).
        """
        runs = pd.concat([self.flow_runs, self.runs], ignore_index=True)
        table = compare_runs(runs, a, b, self.confidence, min_effect_days=min_effect_days)
        return select_comparison(table, flows, routes)

    def advise(
        self, half_width: float | None = None, relative: float | None = None
    ) -> pd.DataFrame:
        """Replications needed for a target interval half-width (see
        :func:`corridor.experiments.advisor.advise_replications`)."""
        return advise_replications(self.statistics, half_width, relative, self.confidence)


def _present(out: Path, key: str, replications: int, root_seed: int) -> Iterator[tuple[int, Path]]:
    for r in range(replications):
        path = run_path(out, key, r, replication_seed(root_seed, r))
        if path.is_file():
            yield r, path


def load_experiment(
    directory: str | Path, warmup: Warmup | None = None, confidence: float | None = None
) -> ExperimentResults:
    """Read an experiment's finished runs back as tidy tables.

    Parameters
    ----------
    directory
        The experiment's output folder (with ``manifest.json``).
    warmup
        Override the experiment's warm-up: ``"scenario"``, ``"mser5"`` or days.
    confidence
        Override the experiment's confidence level.

    Raises
    ------
    CorridorError
        If the folder holds no experiment.
    ExperimentError
        If a fixed warm-up is as long as a scenario's runs.
    """
    out = Path(directory)
    manifest = read_manifest(out)
    warmup = manifest.get("warmup", "scenario") if warmup is None else warmup
    confidence = float(manifest.get("confidence", 0.95) if confidence is None else confidence)
    replications = int(manifest.get("replications", 0))
    root_seed = int(manifest.get("root_seed", 0))
    settings_paths: list[str] = list(manifest.get("settings_paths", []))
    scenario_rows = []
    run_rows: list[pd.DataFrame] = []
    flow_rows: list[pd.DataFrame] = []
    route_cuts = []
    files: dict[str, list[Path]] = {}
    for case in manifest.get("scenarios", []):
        label, key = case["label"], case["key"]
        present = list(_present(out, key, replications, root_seed))
        files[key] = [p for _, p in present]
        horizon_h = float(case["horizon_days"]) * 24.0
        cut = _warmup_cut(warmup, case, present, horizon_h)
        if cut.routes is not None:
            route_cuts.append(cut.routes.assign(scenario=label))
        for r, path in present:
            table = read_run(path)
            summary = run_summary(table, cut.days * 24.0, horizon_h)
            seed = int(table["seed"].iloc[0]) if len(table) else replication_seed(root_seed, r)
            pooled = run_summary(table, cut.days * 24.0, horizon_h, pooled=True)
            several = summary.groupby("flow", observed=True)["route"].nunique() > 1
            pooled = pooled[pooled["flow"].map(several).fillna(False).astype(bool)]
            for part, rows in ((summary, run_rows), (pooled, flow_rows)):
                part.insert(0, "seed", seed)
                part.insert(0, "replication", r)
                part.insert(0, "scenario", label)
                rows.append(part)
        scenario_rows.append(
            {
                "scenario": label,
                "key": key,
                "content_hash": case.get("content_hash"),
                "scenario_file": case.get("scenario_file"),
                **{p: case.get("settings", {}).get(p) for p in settings_paths},
                "replications": len(present),
                "warmup_method": cut.method,
                "warmup_days": cut.days,
                "warmup_reliable": cut.reliable,
            }
        )
    runs = pd.concat(run_rows, ignore_index=True) if run_rows else pd.DataFrame()
    flow_runs = pd.concat(flow_rows, ignore_index=True) if flow_rows else pd.DataFrame()
    for frame in (runs, flow_runs):
        if not frame.empty:
            frame["flow"] = frame["flow"].astype(str)
            frame["route"] = frame["route"].astype(str)
    statistics = summary_statistics(runs, confidence) if not runs.empty else pd.DataFrame()
    warmup_routes = (
        pd.concat(route_cuts, ignore_index=True)[
            ["scenario", "route", "cut_days", "batches", "reliable"]
        ]
        if route_cuts
        else pd.DataFrame(columns=["scenario", "route", "cut_days", "batches", "reliable"])
    )
    results = ExperimentResults(
        directory=out,
        manifest=manifest,
        scenarios=pd.DataFrame(scenario_rows),
        runs=runs,
        statistics=statistics,
        warmup_routes=warmup_routes,
        confidence=confidence,
        flow_runs=flow_runs,
        _files=files,
    )
    log.info(
        "loaded experiment %r from %s: %d scenarios, %d runs",
        manifest.get("name"),
        out,
        len(scenario_rows),
        sum(len(v) for v in files.values()),
    )
    return results


def _warmup_cut(
    warmup: Warmup, case: dict[str, Any], present: list[tuple[int, Path]], horizon_h: float
) -> WarmupCut:
    own = float(case.get("warmup_days", 0.0))
    if warmup == "scenario":
        return WarmupCut("scenario", own)
    if warmup == "mser5":
        tables = (read_run(p, _SERIES_COLUMNS) for _, p in present)
        return detect_warmup(transit_series(tables, horizon_h), own)
    days = float(warmup)
    if days * 24.0 >= horizon_h:
        raise ExperimentError.single(
            None,
            "warmup",
            f"a warm-up of {days:g} days leaves nothing of the {horizon_h / 24:g}-day runs of "
            f"{case['label']!r}",
            "give fewer days",
        )
    return WarmupCut("fixed", days)
