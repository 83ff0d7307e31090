"""Running an experiment: plan the runs, skip finished ones, execute the rest, store each.

:func:`run_experiment` is the library's entry point (``corridor batch`` calls it). Runs are
planned replication by replication (replication 0 of every scenario, then replication 1, ...),
so a batch stopped early already holds complete pairs for comparisons. Each finished run is
written to the store at once (see :mod:`corridor.experiments.store`); the same call again
skips every run whose file exists, so an interrupted experiment resumes where it stopped, and
ends with the same tables as a batch that was never interrupted (each run depends only on its
scenario and its seed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor.errors import OutputError
from corridor.experiments.executors import Executor, RunStream, open_executor
from corridor.experiments.results import ExperimentResults, load_experiment
from corridor.experiments.runs import RunOutput, RunTask, execute_run
from corridor.experiments.seeds import replication_seed
from corridor.experiments.spec import Case, ExperimentSpec, load_experiment_spec
from corridor.experiments.store import (
    package_versions,
    read_run_metadata,
    remove_stale_temporaries,
    run_path,
    store_lock,
    write_manifest,
    write_run,
    write_statistics,
)

__all__ = [
    "BatchReport",
    "ExperimentInterrupted",
    "RunEvent",
    "run_cases",
    "run_experiment",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunEvent:
    """Progress of a batch, sent after every stored run (and once at the start).

    Attributes
    ----------
    done
        Runs finished, counting those found already finished.
    total
        Runs in the experiment.
    skipped
        Runs found already finished when the batch started.
    label, replication, wall_s
        The run just stored and how long it took on its worker (None at the start).
    elapsed_s
        Seconds since the batch started.
    eta_s
        Estimated seconds left (None until a run has finished).
    executor
        Where the runs execute.
    """

    done: int
    total: int
    skipped: int
    label: str | None
    replication: int | None
    wall_s: float | None
    elapsed_s: float
    eta_s: float | None
    executor: str


ProgressCallback = Callable[[RunEvent], None]


class ExperimentInterrupted(KeyboardInterrupt):
    """A batch was interrupted (Ctrl-C); finished runs are kept in the store.

    Attributes
    ----------
    kept, total
        Runs in the store now, and in the experiment.
    out
        The output folder.
    """

    def __init__(self, kept: int, total: int, out: Path) -> None:
        self.kept, self.total, self.out = kept, total, out
        super().__init__(
            f"interrupted: kept {kept} of {total} runs in {out} (every finished run is saved); "
            f"run the same command again to do the other {total - kept}"
        )


@dataclass(frozen=True)
class BatchReport:
    """What one call of :func:`run_cases` did.

    Attributes
    ----------
    total, skipped, ran
        Runs planned, found finished, and run now.
    wall_s
        Seconds the call took.
    executor
        Where the runs executed.
    """

    total: int
    skipped: int
    ran: int
    wall_s: float
    executor: str


def _log_progress(event: RunEvent) -> None:
    if event.label is None:
        log.info(
            "%d runs, %d already done; running on %s", event.total, event.skipped, event.executor
        )
        return
    log.info(
        "run %d/%d: %s, replication %d (%.1f s)%s",
        event.done,
        event.total,
        event.label,
        event.replication,
        event.wall_s or 0.0,
        f"; about {event.eta_s:.0f} s left" if event.eta_s is not None else "",
    )


def _tasks(cases: Sequence[Case], replications: int, seed: int, out: Path) -> list[RunTask]:
    tasks = []
    for r in range(replications):
        run_seed = replication_seed(seed, r)
        for case in cases:
            if not run_path(out, case.key, r, run_seed).is_file():
                tasks.append(
                    RunTask(case.label, case.key, case.scenario, case.network, r, run_seed)
                )
    return tasks


def _store(out: Path, result: RunOutput) -> None:
    task = result.task
    write_run(
        run_path(out, task.key, task.replication, task.seed),
        result.table,
        {
            "scenario": task.label,
            "key": task.key,
            "replication": task.replication,
            "seed": task.seed,
            "horizon_h": result.horizon_h,
            "warmup_h": result.warmup_h,
            "wall_s": round(result.wall_s, 4),
            "host": result.host,
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    )


def run_cases(
    cases: Sequence[Case],
    replications: int,
    seed: int,
    out: Path,
    executor: Executor,
    progress: ProgressCallback | None = None,
) -> BatchReport:
    """Run every replication of every case that is not yet in the store at ``out``.

    The caller holds the store's lock. See :func:`run_experiment`.

    Raises
    ------
    ExperimentInterrupted
        On Ctrl-C, after cancelling what has not finished.
    """
    notify = progress or _log_progress
    start = time.perf_counter()
    total = len(cases) * replications
    tasks = _tasks(cases, replications, seed, out)
    skipped = total - len(tasks)
    notify(RunEvent(skipped, total, skipped, None, None, None, 0.0, None, executor.description))
    done = skipped

    def store(result: RunOutput) -> None:
        nonlocal done
        _store(out, result)
        done += 1
        elapsed = time.perf_counter() - start
        eta = elapsed / (done - skipped) * (total - done)
        notify(
            RunEvent(
                done,
                total,
                skipped,
                result.task.label,
                result.task.replication,
                result.wall_s,
                elapsed,
                eta,
                executor.description,
            )
        )

    stream = executor.map(execute_run, tasks)
    try:
        for _, result in stream:
            store(result)
    except BaseException as exc:
        _finish_running(stream, store, interrupted=isinstance(exc, KeyboardInterrupt))
        if isinstance(exc, KeyboardInterrupt):
            # count the files: an interrupt may land between a file's rename and the count
            kept = total - len(_tasks(cases, replications, seed, out))
            raise ExperimentInterrupted(kept, total, out) from None
        raise
    return BatchReport(
        total, skipped, done - skipped, time.perf_counter() - start, executor.description
    )


def _finish_running(
    stream: RunStream[RunTask, RunOutput],
    store: Callable[[RunOutput], None],
    interrupted: bool,
) -> None:
    """After an interrupt or a failed run: keep the runs under way, unless interrupted again."""
    if interrupted:
        log.warning("stopping: finishing the runs under way (Ctrl-C again to abandon them)")
    try:
        for _, result in stream.finish_running():
            store(result)
    except KeyboardInterrupt:
        stream.abandon()
    except Exception as exc:  # another run failed too: the first error is the one reported
        log.warning("while stopping: %s", exc)
        stream.abandon()


def _run_entries(spec: ExperimentSpec) -> list[dict[str, Any]]:
    entries = []
    for r in range(spec.replications):
        run_seed = replication_seed(spec.seed, r)
        for case in spec.cases:
            path = run_path(spec.out, case.key, r, run_seed)
            entry: dict[str, Any] = {
                "scenario": case.label,
                "replication": r,
                "seed": run_seed,
                "file": str(path.relative_to(spec.out)),
                "finished": path.is_file(),
            }
            if path.is_file():
                meta = read_run_metadata(path)
                entry.update({k: meta.get(k) for k in ("wall_s", "host", "finished_at")})
            entries.append(entry)
    return entries


def experiment_manifest(
    spec: ExperimentSpec, status: str, report: BatchReport | None = None
) -> dict[str, Any]:
    """The manifest of ``spec``'s store (see :mod:`corridor.experiments.store`)."""
    return {
        "name": spec.name,
        "description": spec.description,
        "experiment_file": spec.source,
        "status": status,
        "root_seed": spec.seed,
        "replications": spec.replications,
        "warmup": spec.warmup,
        "confidence": spec.confidence,
        "settings_paths": list(spec.settings_paths),
        "seeding": "seed of replication r = first 63 bits of "
        "SeedSequence(root_seed, spawn_key=(r,)).generate_state(1, uint64)",
        "versions": package_versions(),
        "timing": None
        if report is None
        else {
            "executor": report.executor,
            "wall_s": round(report.wall_s, 3),
            "runs_total": report.total,
            "runs_found_finished": report.skipped,
            "runs_done_now": report.ran,
        },
        "scenarios": [case.describe() for case in spec.cases],
        "runs": _run_entries(spec),
    }


def run_experiment(
    spec: ExperimentSpec | str | Path,
    *,
    executor: Executor | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    load: bool = True,
) -> ExperimentResults | None:
    """Run an experiment (or the rest of it) and return its results.

    Parameters
    ----------
    spec
        An :class:`ExperimentSpec`, or the path of an experiment file.
    executor
        Where to run (:mod:`corridor.experiments.executors`); default ``jobs`` local
        processes. An executor passed in is left open for reuse.
    jobs
        Local processes when no executor is given (default all cores; 1 runs here).
    progress
        Called after every stored run with a :class:`RunEvent`; default INFO log lines.
    load
        Read the results back (:func:`corridor.load_experiment`) and write their
        statistics table into the store (``statistics.parquet`` and ``statistics.csv``);
        otherwise return None.

    Raises
    ------
    ExperimentError
        If the experiment file is invalid (before anything runs).
    StoreBusyError
        If another process is writing to the same output folder.
    ExperimentInterrupted
        On Ctrl-C; the runs finished so far are kept, and the manifest says so.
    RunFailedError
        If a run stops with an error; the runs finished before it are kept.
    """
    if not isinstance(spec, ExperimentSpec):
        spec = load_experiment_spec(spec)
    spec.check_warmup()
    out = spec.out
    own = executor is None
    runner = executor if executor is not None else open_executor(jobs)
    try:
        with store_lock(out):
            stale = remove_stale_temporaries(out)
            if stale:
                log.info("removed %d unfinished temporary files in %s", stale, out)
            write_manifest(out, experiment_manifest(spec, "running"))
            try:
                report = run_cases(spec.cases, spec.replications, spec.seed, out, runner, progress)
            except BaseException:
                with contextlib.suppress(OutputError):  # the disk may be what failed
                    write_manifest(out, experiment_manifest(spec, "interrupted"))
                raise
            write_manifest(out, experiment_manifest(spec, "complete", report))
            results = load_experiment(out) if load else None
            if results is not None and not results.statistics.empty:
                write_statistics(out, results.statistics)
    finally:
        if own:
            runner.close()
    log.info(
        "experiment %r: %d runs (%d done now, %d found done) in %.1f s on %s; results in %s",
        spec.name,
        report.total,
        report.ran,
        report.skipped,
        report.wall_s,
        report.executor,
        out,
    )
    return results
