"""Outputs of a sensitivity analysis: which outputs are read from each run, their indices,
noise levels and ranges over the plausible inputs, and the results object (see
:mod:`corridor.experiments.sensitivity` for the method)."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.experiments.analysis import t_interval
from corridor.experiments.factors import Factor
from corridor.experiments.runner import (
    BatchReport,
)
from corridor.experiments.sensitivity_methods import (
    morris_indices,
    morris_noise,
    sobol_indices,
    sobol_noise,
)
from corridor.experiments.sensitivity_spec import (
    METRIC_COLUMNS,
    SensitivityError,
    SensitivitySpec,
)
from corridor.experiments.spec import Case
from corridor.experiments.store import MANIFEST_NAME

__all__ = [
    "Design",
    "Output",
    "SensitivityResults",
    "check_values",
    "index_table",
    "load_sensitivity",
    "noise_levels",
    "outputs_of",
    "range_sentence",
    "range_table",
    "values_per_run",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Design:
    """The sample of a sensitivity analysis: its points as rows and as cases."""

    x: np.ndarray  # sample rows x varied factors
    labels: list[str]  # the case label of each row
    cases: list[Case]  # unique sample cases
    central: Case
    step: tuple[Case, Case]  # two points a Morris step apart in every factor, for the noise

    @property
    def noise_cases(self) -> list[Case]:
        """The cases run ``noise_replications`` times: the central point, the step pair."""
        return list({c.key: c for c in (self.central, *self.step)}.values())


METRIC_NAMES = {"mean": "mean transit", "p50": "P50", "p90": "P90", "p95": "P95"}


@dataclass(frozen=True)
class Output:
    """One measured quantity: a route's statistic, or route ``a``'s minus route ``b``'s."""

    flow: str
    a: str
    metric: str
    b: str | None = None

    @property
    def route(self) -> str:
        """``a``, or ``a − b`` for a difference."""
        return self.a if self.b is None else f"{self.a} − {self.b}"

    @property
    def name(self) -> str:
        """``<flow> <route> <statistic>``: its column in :attr:`SensitivityResults.points`."""
        return f"{self.flow} {self.route} {METRIC_NAMES[self.metric]}"


def outputs_of(spec: SensitivitySpec) -> list[Output]:
    out: list[Output] = []
    for o in spec.outputs:
        for metric in spec.metrics:
            out += [Output(o.flow, r, metric) for r in o.routes]
            out += [Output(o.flow, a, metric, b) for a, b in o.differences]
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class SensitivityResults:
    """What :func:`run_sensitivity` found.

    Attributes
    ----------
    method
        ``morris`` or ``sobol``.
    factors
        The factors that varied (the others stayed at their central values).
    outputs
        What was measured.
    points
        One row per sample point, in the design's order: ``point``, ``scenario`` (its label
        in the store), the value of every factor that varied, and every output (mean over the
        point's replications).
    indices
        One row per output and factor: ``output``, ``flow``, ``route``, ``metric``,
        ``factor``, ``rank`` (1 = the largest effect on that output); Morris ``mu_star``,
        ``mu_star_conf``, ``mu``, ``sigma``, or Sobol ``S1``, ``S1_conf``, ``ST``, ``ST_conf``;
        ``noise`` (the index that noise alone could show) and ``below_noise``.
    noise
        One row per output at the central point: ``n`` replications, ``mean``, ``sd`` (one
        run), ``half_width`` of the t interval, ``point_sd`` (``sd`` over the square root of
        the replications: the noise of a sample point's mean), ``step_sd`` (the standard
        deviation of the run-by-run difference between the two points of the step pair) and
        ``saturated_points`` (points where a route of the output saturated in a run).
    ranges
        One row per output over the sample: ``p05``, ``p95``, ``min``, ``max``, ``points``,
        the central point's ``central_mean`` and ``half_width``, and for differences a
        ``sentence`` (see :func:`range_sentence`).
    out
        The store.
    report
        The runs: planned, found finished, run now.
    confidence
        Level of every interval.
    name
        The analysis' name (its file's ``name``).
    """

    method: str
    factors: tuple[Factor, ...]
    outputs: tuple[Output, ...]
    points: pd.DataFrame
    indices: pd.DataFrame
    noise: pd.DataFrame
    ranges: pd.DataFrame
    out: Path
    report: BatchReport
    confidence: float = 0.95
    name: str = ""

    @property
    def folder(self) -> Path:
        """Where the analysis' tables are: ``<out>/sensitivity-<method>``."""
        return self.out / f"sensitivity-{self.method}"

    def ranking(self, output: str) -> pd.DataFrame:
        """The indices of one output (by :attr:`Output.name`), largest effect first."""
        table = self.indices[self.indices["output"] == output]
        if table.empty:
            known = ", ".join(repr(o.name) for o in self.outputs)
            raise KeyError(f"no output {output!r} (outputs: {known})")
        return table.sort_values("rank").reset_index(drop=True)

    def headlines(self) -> list[str]:
        """One sentence per route difference: its range over the inputs and the noise."""
        return [str(s) for s in self.ranges["sentence"] if isinstance(s, str) and s]


# ----------------------------------------------------------------------------- outputs
def values_per_run(
    runs: pd.DataFrame, outputs: Sequence[Output]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each output's value, and whether a route of it saturated, per (scenario, replication)."""
    keys = ["scenario", "replication"]
    index = pd.MultiIndex.from_frame(runs[keys].drop_duplicates())

    def column(flow: str, route: str, name: str) -> pd.Series:
        rows = runs[(runs["flow"] == flow) & (runs["route"] == route)]
        series: pd.Series = rows.set_index(keys)[name].reindex(index)
        return series

    values, saturated = {}, {}
    for o in outputs:
        col = METRIC_COLUMNS[o.metric]
        value = column(o.flow, o.a, col).astype(np.float64)
        sat = column(o.flow, o.a, "status") == "saturated"
        if o.b is not None:
            value = value - column(o.flow, o.b, col).astype(np.float64)
            sat = sat | (column(o.flow, o.b, "status") == "saturated")
        values[o.name], saturated[o.name] = value, sat
    return pd.DataFrame(values, index=index), pd.DataFrame(saturated, index=index)


def check_values(points: pd.DataFrame, outputs: Sequence[Output], source: str | None) -> None:
    problems = []
    for o in outputs:
        missing = points[o.name].isna()
        if missing.any():
            first = points.loc[missing, "scenario"].iloc[0]
            problems.append(
                f"{o.name}: no value at {int(missing.sum())} of {len(points)} points (first: "
                f"{first}): route {o.a if o.b is None else f'{o.a} or {o.b}'} delivered no "
                "container after the warm-up in a run"
            )
    if problems:
        raise SensitivityError.single(
            source,
            "outputs",
            "; ".join(problems),
            "lengthen the scenario's horizon, or narrow the factors' ranges",
        )


def _decimals(*values: float) -> int:
    big = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return 1 if big >= 10 else 2


def range_sentence(
    output: Output,
    low: float,
    high: float,
    extremes: tuple[float, float],
    half_width: float,
    n_central: int,
    confidence: float = 0.95,
) -> str:
    """The headline of a route difference ``a − b``: its range over the inputs and the noise.

    ``low`` and ``high`` are the 5th and 95th percentiles of the difference over the sample,
    ``extremes`` its minimum and maximum, ``half_width`` the half-width of the replication
    interval at the central point (``n_central`` runs)::

        nsa-mow: western is 14–19 d faster than suez at P50 across the plausible inputs
        (5th–95th percentile over the sample; min–max 13–20 d); 95 % CI of the stochastic
        part ±0.3 d (10 runs of the central point)
    """
    p = _decimals(low, high, half_width)
    what = METRIC_NAMES[output.metric]
    a, b = output.a, output.b
    least, most = extremes
    if high < 0:
        size = f"{a} is {-high:.{p}f}–{-low:.{p}f} d faster than {b}"
        span = f"{-most:.{p}f}–{-least:.{p}f} d" if most < 0 else None
    elif low > 0:
        size = f"{a} is {low:.{p}f}–{high:.{p}f} d slower than {b}"
        span = f"{least:.{p}f}–{most:.{p}f} d" if least > 0 else None
    else:
        size = f"{a} is between {-low:.{p}f} d faster and {high:.{p}f} d slower than {b}"
        span = None
    if span is None:  # the extremes lie on both sides of 0: give them as a − b
        span = f"{a} − {b} from {least:+.{p}f} to {most:+.{p}f} d"
    noise = "-" if half_width != half_width else f"±{half_width:.{p}f} d"
    return (
        f"{output.flow}: {size} at {what} across the plausible inputs (5th–95th percentile "
        f"over the sample; min–max {span}); {confidence * 100:g} % CI of the stochastic part "
        f"{noise} ({n_central} runs of the central point)"
    )


def noise_levels(
    spec: SensitivitySpec,
    outputs: Sequence[Output],
    per_run: pd.DataFrame,
    saturated: pd.DataFrame,
    design: Design,
) -> pd.DataFrame:
    noise_reps = per_run.index.get_level_values("replication") < spec.noise_replications
    central = per_run[noise_reps].xs(design.central.label, level="scenario")
    sample_sat = saturated[saturated.index.get_level_values("replication") < spec.replications]
    a, b = (per_run[noise_reps].xs(c.label, level="scenario") for c in design.step)
    step = pd.DataFrame(b - a)  # run by run: the same seed at both
    rows = []
    for o in outputs:
        ci = t_interval(central[o.name], spec.confidence)
        hit = sample_sat[o.name].groupby(level="scenario").any()
        step_sd = t_interval(step[o.name]).sd
        rows.append(
            {
                "output": o.name,
                "n": ci.n,
                "mean": ci.estimate,
                "sd": ci.sd,
                "half_width": ci.half_width,
                "point_sd": ci.sd / math.sqrt(spec.replications),
                "step_sd": step_sd,
                "saturated_points": int(hit.reindex(design.labels).fillna(False).sum()),
            }
        )
    return pd.DataFrame(rows)


def index_table(
    spec: SensitivitySpec,
    outputs: Sequence[Output],
    design: Design,
    points: pd.DataFrame,
    noise: pd.DataFrame,
) -> pd.DataFrame:
    varied = spec.varied
    tables = []
    for o, (_, n) in zip(outputs, noise.iterrows(), strict=True):
        y = points[o.name].to_numpy(np.float64)
        step_sd = float(n["step_sd"]) / math.sqrt(spec.replications)  # of a point's mean
        if spec.method == "morris":
            table = morris_indices(
                varied, design.x, y, levels=spec.levels, confidence=spec.confidence, seed=spec.seed
            )
            main = "mu_star"
            level = morris_noise(step_sd, spec.levels, spec.confidence)
        else:
            table = sobol_indices(varied, y, confidence=spec.confidence, seed=spec.seed)
            main = "ST"
            level = sobol_noise(step_sd, y)
        table.insert(0, "metric", o.metric)
        table.insert(0, "route", o.route)
        table.insert(0, "flow", o.flow)
        table.insert(0, "output", o.name)
        table["rank"] = table[main].rank(ascending=False, method="min").astype(int)
        table["noise"] = level
        table["below_noise"] = table[main] <= level
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def range_table(
    spec: SensitivitySpec, outputs: Sequence[Output], points: pd.DataFrame, noise: pd.DataFrame
) -> pd.DataFrame:
    rows = []
    for o, (_, n) in zip(outputs, noise.iterrows(), strict=True):
        y = points[o.name].to_numpy(np.float64)
        p05, p95 = (float(v) for v in np.quantile(y, [0.05, 0.95]))
        sentence = (
            range_sentence(
                o,
                p05,
                p95,
                (float(y.min()), float(y.max())),
                float(n["half_width"]),
                int(n["n"]),
                spec.confidence,
            )
            if o.b is not None
            else ""
        )
        rows.append(
            {
                "output": o.name,
                "points": len(y),
                "p05": p05,
                "p95": p95,
                "min": float(y.min()),
                "max": float(y.max()),
                "central_mean": float(n["mean"]),
                "half_width": float(n["half_width"]),
                "sentence": sentence,
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- reading back
def _tables_folder(folder: Path) -> tuple[Path, dict[str, Any]]:
    """The tables folder (``sensitivity-<method>``) and the store's manifest, given either."""

    def manifest_of(store: Path) -> dict[str, Any]:
        path = store / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except (OSError, ValueError):
            data = {}
        return data if isinstance(data, dict) else {}

    if (folder / "indices.parquet").is_file():
        return folder, manifest_of(folder.parent)
    manifest = manifest_of(folder)
    named = (manifest.get("sensitivity") or {}).get("tables")
    found = sorted(folder.glob("sensitivity-*/indices.parquet"))
    if isinstance(named, str) and (folder / named / "indices.parquet").is_file():
        return folder / named, manifest
    if len(found) == 1:
        return found[0].parent, manifest
    what = (
        f"it has {', '.join(p.parent.name for p in found)}: give one"
        if found
        else "no sensitivity tables (sensitivity-<method>/indices.parquet) in it"
    )
    raise SensitivityError.single(
        folder,
        "",
        f"not a sensitivity analysis: {what}",
        "give the folder 'corridor sensitivity' wrote (its out:), or its sensitivity-morris "
        "or sensitivity-sobol folder",
    )


def load_sensitivity(folder: str | Path) -> SensitivityResults:
    """Read a finished sensitivity analysis back from its folder (runs nothing).

    ``folder`` is the analysis' store (the file's ``out``, holding ``manifest.json``) or its
    tables folder ``<out>/sensitivity-<method>``. The factors' ranges and sources come from
    the manifest; the points, indices, noise and ranges from the tables.

    Raises
    ------
    SensitivityError
        If the folder holds no sensitivity tables, or the tables of both methods and no
        manifest that names one.
    """
    tables, manifest = _tables_folder(Path(folder))
    try:
        indices = pd.read_parquet(tables / "indices.parquet")
        noise = pd.read_parquet(tables / "noise.parquet")
        ranges = pd.read_parquet(tables / "ranges.parquet")
        points = pd.read_parquet(tables / "points.parquet")
    except (OSError, ValueError) as exc:
        raise SensitivityError.single(
            tables, "", f"cannot read the sensitivity tables: {exc}", "run the analysis again"
        ) from None
    method = "sobol" if "ST" in indices.columns else "morris"
    varied = list(dict.fromkeys(indices["factor"]))
    known = {
        d["name"]: d for d in (manifest.get("sensitivity") or {}).get("factors", []) if "name" in d
    }
    factors = []
    for name in varied:
        d = known.get(name)
        if d is None:  # no manifest: the factor's range from the sample
            low, high = float(points[name].min()), float(points[name].max())
            factors.append(Factor(name, low, high, (low + high) / 2, "set", (name,)))
        else:
            factors.append(
                Factor(
                    name,
                    float(d["low"]),
                    float(d["high"]),
                    float(d["central"]),
                    d.get("mode", "set"),
                    tuple(d.get("apply", ())) or (name,),
                    str(d.get("source", "")),
                )
            )
    first = indices.drop_duplicates("output").set_index("output")
    outputs = []
    for name in ranges["output"]:
        row = first.loc[name]
        a, _, b = str(row["route"]).partition(" − ")
        outputs.append(Output(str(row["flow"]), a, str(row["metric"]), b or None))
    timing = manifest.get("timing") or {}
    report = BatchReport(
        int(timing.get("runs_total", 0)),
        int(timing.get("runs_found_finished", 0)),
        int(timing.get("runs_done_now", 0)),
        float(timing.get("wall_s", 0.0)),
        str(timing.get("executor", "")),
    )
    return SensitivityResults(
        method=method,
        factors=tuple(factors),
        outputs=tuple(outputs),
        points=points,
        indices=indices,
        noise=noise,
        ranges=ranges,
        out=tables.parent,
        report=report,
        confidence=float(manifest.get("confidence", 0.95)),
        name=str(manifest.get("name", tables.parent.name)),
    )
