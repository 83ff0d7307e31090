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
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.errors import OutputError
from corridor.experiments.executors import Executor, open_executor
from corridor.experiments.factors import point_case
from corridor.experiments.results import load_experiment
from corridor.experiments.runner import (
    BatchReport,
    ProgressCallback,
    RunEvent,
    experiment_manifest,
    run_cases,
)
from corridor.experiments.seeds import replication_seed
from corridor.experiments.sensitivity_analysis import (
    Design,
    Output,
    SensitivityResults,
    check_values,
    index_table,
    load_sensitivity,
    noise_levels,
    outputs_of,
    range_sentence,
    range_table,
    values_per_run,
)
from corridor.experiments.sensitivity_methods import (
    morris_step,
    sample,
)
from corridor.experiments.sensitivity_spec import (
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

__all__ = [
    "Output",
    "SensitivityResults",
    "load_sensitivity",
    "range_sentence",
    "run_sensitivity",
]

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- the design
def _design(spec: SensitivitySpec) -> Design:
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
    return Design(x, labels, cases, central, step)


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


def _planned(design: Design, spec: SensitivitySpec) -> list[tuple[Case, int]]:
    noise_reps = max(spec.noise_replications, spec.replications)
    return [(c, r) for c in design.noise_cases for r in range(noise_reps)] + [
        (c, r) for c in design.cases for r in range(spec.replications)
    ]


def _manifest(
    spec: SensitivitySpec, design: Design, status: str, report: BatchReport | None
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
    spec: SensitivitySpec, design: Design, runner: Executor, progress: ProgressCallback | None
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
    outputs = outputs_of(spec)
    stored = load_experiment(spec.out, warmup=spec.warmup, confidence=spec.confidence)
    per_run, saturated = values_per_run(stored.runs, outputs)
    in_sample = per_run[per_run.index.get_level_values("replication") < spec.replications]
    means = in_sample.groupby(level="scenario").mean()
    points = pd.DataFrame({"point": np.arange(len(design.labels)), "scenario": design.labels})
    for j, f in enumerate(spec.varied):
        points[f.name] = design.x[:, j]
    points = points.join(means, on="scenario")
    check_values(points, outputs, spec.source)
    noise = noise_levels(spec, outputs, per_run, saturated, design)
    results = SensitivityResults(
        method=spec.method,
        factors=spec.varied,
        outputs=tuple(outputs),
        points=points,
        indices=index_table(spec, outputs, design, points, noise),
        noise=noise,
        ranges=range_table(spec, outputs, points, noise),
        out=spec.out,
        report=report,
        confidence=spec.confidence,
        name=spec.name,
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
