"""Global sensitivity analysis: which uncertain inputs drive each route's transit times.

:func:`run_sensitivity` (``corridor sensitivity SPEC``) samples the factors of a sensitivity
file (:mod:`corridor.experiments.sensitivity_spec`) with Morris or Sobol
(:mod:`corridor.experiments.sensitivity_methods`), turns every sample point into a scenario
(the base with each factor's value written to its fields) and runs them all as one experiment:
on the experiment executors, into the resumable store, with progress. Then it computes, per
output (a route's P50 or P90, or the difference of two routes in the same run), the indices
of every factor, and for each difference its range over the plausible inputs.

**Common random numbers.** Replication ``r`` of every sample point runs with the same seed
(:func:`corridor.experiments.seeds.replication_seed`), and every stochastic element draws from
its own stream, so two points differ only by their inputs, not by their luck: what changes
between them is a parameter effect.

**The stochastic part.** The *central point* (every factor at its central value) is run
``noise_replications`` times: the t interval of each output there is the replication CI that
the headline gives next to the range over the inputs. Under common random numbers the noise
that can masquerade as an effect is not that spread but the noise of a *paired* difference
between points, which is much smaller. Two more points, the *step pair* (every varied factor
at ``1/2 ∓ Δ/2`` of its range, ``Δ`` the Morris step: 1/6 and 5/6 with 4 levels), are run
``noise_replications`` times with the same seeds; ``step_sd``, the standard deviation of
their run-by-run difference, gives each index a noise level, and indices at or below it are
marked (:func:`~corridor.experiments.sensitivity_methods.morris_noise`,
:func:`~corridor.experiments.sensitivity_methods.sobol_noise`). The pair is farther apart
than a Morris step in one factor, and than two random points of a Sobol sample on average
(1/3 of each range), so the levels err on the side of calling an effect noise.

Everything goes into the store: the runs (``runs/``), the manifest, and the analysis in
``sensitivity-<method>/`` (the points with their outputs, the indices, the noise and the
ranges as CSV and Parquet). Running the same analysis again runs nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.errors import OutputError
from corridor.experiments.analysis import t_interval
from corridor.experiments.executors import Executor, open_executor
from corridor.experiments.factors import Factor, point_case
from corridor.experiments.results import load_experiment
from corridor.experiments.runner import (
    BatchReport,
    ProgressCallback,
    RunEvent,
    experiment_manifest,
    run_cases,
)
from corridor.experiments.seeds import replication_seed
from corridor.experiments.sensitivity_methods import (
    morris_indices,
    morris_noise,
    morris_step,
    sample,
    sobol_indices,
    sobol_noise,
)
from corridor.experiments.sensitivity_spec import (
    METRIC_COLUMNS,
    SensitivityError,
    SensitivitySpec,
    load_sensitivity_spec,
)
from corridor.experiments.spec import Case, ExperimentSpec
from corridor.experiments.store import (
    remove_stale_temporaries,
    run_path,
    store_lock,
    write_manifest,
)
from corridor.results.files import make_folder, write_table_atomic

__all__ = ["Output", "SensitivityResults", "range_sentence", "run_sensitivity"]

log = logging.getLogger(__name__)

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


def _outputs(spec: SensitivitySpec) -> list[Output]:
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


# ----------------------------------------------------------------------------- the design
@dataclass(frozen=True)
class _Design:
    x: np.ndarray  # sample rows x varied factors
    labels: list[str]  # the case label of each row
    cases: list[Case]  # unique sample cases
    central: Case
    step: tuple[Case, Case]  # two points a Morris step apart in every factor, for the noise

    @property
    def noise_cases(self) -> list[Case]:
        """The cases run ``noise_replications`` times: the central point, the step pair."""
        return list({c.key: c for c in (self.central, *self.step)}.values())


def _design(spec: SensitivitySpec) -> _Design:
    varied = spec.varied
    x = sample(
        spec.method,
        varied,
        trajectories=spec.trajectories,
        levels=spec.levels,
        base_samples=spec.base_samples,
        seed=spec.seed,
    )
    centrals = {f.name: f.central for f in spec.factors}

    def case_of(row: Sequence[float]) -> Case:
        values = dict(centrals) | {f.name: float(v) for f, v in zip(varied, row, strict=True)}
        return point_case(
            spec.base,
            spec.network,
            spec.network_file,
            spec.factors,
            [values[f.name] for f in spec.factors],
        )

    central = case_of([f.central for f in varied])
    half = morris_step(spec.levels) / 2
    step = (
        case_of([f.low + (0.5 - half) * (f.high - f.low) for f in varied]),
        case_of([f.low + (0.5 + half) * (f.high - f.low) for f in varied]),
    )
    by_key: dict[str, Case] = {}
    keys_of_label: dict[str, str] = {}
    labels = []
    for row in x:
        case = case_of(row)
        if keys_of_label.setdefault(case.label, case.key) != case.key:
            raise SensitivityError.single(  # values that differ past 6 significant digits
                spec.source, "factors", f"two sample points share the label {case.label!r}"
            )
        by_key.setdefault(case.key, case)
        labels.append(case.label)
    noise_keys = {c.key for c in (central, *step)}
    cases = [c for k, c in by_key.items() if k not in noise_keys]
    return _Design(x, labels, cases, central, step)


# ----------------------------------------------------------------------------- running
class _Progress:
    """One progress stream over the batches of an analysis (central point, then samples)."""

    def __init__(self, notify: ProgressCallback | None, total: int, skipped: int) -> None:
        self.notify = notify
        self.total, self.skipped, self.ran = total, skipped, 0
        self.start = time.perf_counter()

    def begin(self, executor: str) -> None:
        if self.notify is not None:
            n = self.skipped
            self.notify(RunEvent(n, self.total, n, None, None, None, 0.0, None, executor))

    def __call__(self, event: RunEvent) -> None:
        if event.label is None:
            return
        self.ran += 1
        if self.notify is None:
            return
        done = self.skipped + self.ran
        elapsed = time.perf_counter() - self.start
        eta = elapsed / self.ran * (self.total - done)
        self.notify(
            dataclasses.replace(
                event,
                done=done,
                total=self.total,
                skipped=self.skipped,
                elapsed_s=elapsed,
                eta_s=eta,
            )
        )


def _planned(design: _Design, spec: SensitivitySpec) -> list[tuple[Case, int]]:
    noise_reps = max(spec.noise_replications, spec.replications)
    return [(c, r) for c in design.noise_cases for r in range(noise_reps)] + [
        (c, r) for c in design.cases for r in range(spec.replications)
    ]


def _manifest(
    spec: SensitivitySpec, design: _Design, status: str, report: BatchReport | None
) -> dict[str, Any]:
    experiment = ExperimentSpec(
        name=spec.name,
        cases=(*design.noise_cases, *design.cases),
        replications=max(spec.replications, spec.noise_replications),
        seed=spec.seed,
        out=spec.out,
        warmup=spec.warmup,
        confidence=spec.confidence,
        source=spec.source,
        description=spec.description,
        settings_paths=tuple(p for f in spec.factors for p in f.apply),
    )
    manifest = experiment_manifest(experiment, status, report)
    planned = {(c.label, r) for c, r in _planned(design, spec)}
    manifest["runs"] = [e for e in manifest["runs"] if (e["scenario"], e["replication"]) in planned]
    manifest["sensitivity"] = {
        "method": spec.method,
        "factors": [dataclasses.asdict(f) for f in spec.factors],
        "varied": [f.name for f in spec.varied],
        "central": design.central.label,
        "step_pair": [c.label for c in design.step],
        "replications": spec.replications,
        "noise_replications": spec.noise_replications,
        "points": len(design.labels),
        "unique_points": len(design.cases) + len(design.noise_cases),
        "tables": f"sensitivity-{spec.method}",
    }
    return manifest


def _run(
    spec: SensitivitySpec, design: _Design, runner: Executor, progress: ProgressCallback | None
) -> BatchReport:
    out = spec.out
    start = time.perf_counter()
    planned = _planned(design, spec)
    with store_lock(out):
        remove_stale_temporaries(out)
        found = sum(
            run_path(out, c.key, r, replication_seed(spec.seed, r)).is_file() for c, r in planned
        )
        phases = _Progress(progress, len(planned), found)
        phases.begin(runner.description)
        write_manifest(out, _manifest(spec, design, "running", None))
        try:
            noise_reps = max(spec.noise_replications, spec.replications)
            run_cases(design.noise_cases, noise_reps, spec.seed, out, runner, phases)
            run_cases(design.cases, spec.replications, spec.seed, out, runner, phases)
        except BaseException:
            with contextlib.suppress(OutputError):  # the disk may be what failed
                write_manifest(out, _manifest(spec, design, "interrupted", None))
            raise
        report = BatchReport(
            len(planned), found, phases.ran, time.perf_counter() - start, runner.description
        )
        write_manifest(out, _manifest(spec, design, "complete", report))
    return report


# ----------------------------------------------------------------------------- outputs
def _per_run(runs: pd.DataFrame, outputs: Sequence[Output]) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def _check_values(points: pd.DataFrame, outputs: Sequence[Output], source: str | None) -> None:
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


def _noise(
    spec: SensitivitySpec,
    outputs: Sequence[Output],
    per_run: pd.DataFrame,
    saturated: pd.DataFrame,
    design: _Design,
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


def _indices(
    spec: SensitivitySpec,
    outputs: Sequence[Output],
    design: _Design,
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


def _ranges(
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


def _save(folder: Path, results: SensitivityResults) -> None:
    make_folder(folder)
    write_table_atomic(folder / "points.parquet", results.points)
    for name in ("indices", "noise", "ranges"):
        table: pd.DataFrame = getattr(results, name)
        write_table_atomic(folder / f"{name}.parquet", table)
        write_table_atomic(folder / f"{name}.csv", table)


def run_sensitivity(
    spec: SensitivitySpec | str | Path,
    *,
    method: str | None = None,
    factors: Sequence[str] | None = None,
    executor: Executor | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    **options: Any,
) -> SensitivityResults:
    """Run a global sensitivity analysis (see the module docstring).

    Parameters
    ----------
    spec
        A :class:`SensitivitySpec`, or the path of a sensitivity file.
    method
        ``morris`` or ``sobol``, instead of the file's.
    factors
        Names of the factors that vary (the others stay central); default all.
    executor, jobs, progress
        As for :func:`corridor.run_experiment`.
    **options
        Other options of :meth:`SensitivitySpec.with_options` (``replications``,
        ``noise_replications``, ``seed``, ``out``, ``trajectories``, ``base_samples``).

    Raises
    ------
    SensitivityError
        If the file is invalid, the design is too large, or an output has no value at a point.
    StoreBusyError, ExperimentInterrupted, RunFailedError
        As for :func:`corridor.run_experiment`; finished runs are kept.
    """
    if not isinstance(spec, SensitivitySpec):
        spec = load_sensitivity_spec(spec)
    if method not in (None, "morris", "sobol"):
        raise ValueError(f"method {method!r} is not 'morris' or 'sobol'")
    spec = spec.with_options(method=method, factors=factors, **options)  # type: ignore[arg-type]
    spec.check_size()
    design = _design(spec)
    own = executor is None
    runner = executor if executor is not None else open_executor(jobs)
    try:
        report = _run(spec, design, runner, progress)
    finally:
        if own:
            runner.close()
    outputs = _outputs(spec)
    stored = load_experiment(spec.out, warmup=spec.warmup, confidence=spec.confidence)
    per_run, saturated = _per_run(stored.runs, outputs)
    in_sample = per_run[per_run.index.get_level_values("replication") < spec.replications]
    means = in_sample.groupby(level="scenario").mean()
    points = pd.DataFrame({"point": np.arange(len(design.labels)), "scenario": design.labels})
    for j, f in enumerate(spec.varied):
        points[f.name] = design.x[:, j]
    points = points.join(means, on="scenario")
    _check_values(points, outputs, spec.source)
    noise = _noise(spec, outputs, per_run, saturated, design)
    results = SensitivityResults(
        method=spec.method,
        factors=spec.varied,
        outputs=tuple(outputs),
        points=points,
        indices=_indices(spec, outputs, design, points, noise),
        noise=noise,
        ranges=_ranges(spec, outputs, points, noise),
        out=spec.out,
        report=report,
        confidence=spec.confidence,
    )
    _save(results.folder, results)
    log.info(
        "sensitivity %r (%s): %d factors, %d points, %d runs (%d run now); tables in %s",
        spec.name,
        spec.method,
        len(spec.varied),
        len(design.labels),
        report.total,
        report.ran,
        results.folder,
    )
    return results
