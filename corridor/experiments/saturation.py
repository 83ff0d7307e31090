"""Saturation: the demand at which a flow's routes stop coping, found by bisection.

A demand level of flow F is *saturated* when, over the replications run at that level,

- at least half have a route of F whose backlog grows without bound (``status`` is
  ``saturated`` in :meth:`corridor.Results.summary`), or
- a P95 threshold is given and the mean over replications of F's P95 transit time (over all
  its routes, containers created after the warm-up) exceeds it.

The search starts from the flow's demand in the scenario (or ``low``), doubles (or halves)
until one level is saturated and one is not, then bisects between them on a logarithmic
scale (geometric midpoints) until the bracket is narrower than ``tolerance`` (relative). Every
level runs the same replications with the same seeds (common random numbers), so the
response to demand is as smooth as it can be. The answer is the bracket: the highest level
found not saturated and the lowest found saturated, with the evidence at each level tested.

Each level is a scenario of an experiment store (``out``), so a search that is interrupted
resumes without running a level again, and the store can be read with
:func:`corridor.load_experiment`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.experiments.analysis import run_summary, t_interval
from corridor.experiments.executors import Executor, open_executor
from corridor.experiments.runner import ProgressCallback, experiment_manifest, run_cases
from corridor.experiments.seeds import replication_seed
from corridor.experiments.spec import Case, ExperimentError, ExperimentSpec, variant_case
from corridor.experiments.store import (
    NetworkFile,
    read_run,
    remove_stale_temporaries,
    run_path,
    store_lock,
    write_manifest,
)
from corridor.inputs.network import load_network
from corridor.inputs.scenario import Scenario, load_scenario

__all__ = ["SaturationResult", "find_saturation"]

log = logging.getLogger(__name__)

MAX_DOUBLINGS = 12


@dataclass(frozen=True)
class SaturationResult:
    """Where a flow saturates.

    Attributes
    ----------
    flow
        The flow's id.
    low_teu_per_day
        The highest demand tested that is not saturated (None if every level tested was).
    high_teu_per_day
        The lowest demand tested that is saturated (None if none was).
    criterion
        The rule, in words.
    levels
        One row per demand level tested, in increasing order: ``teu_per_day``,
        ``replications``, ``saturated_runs``, ``p95_days`` (mean over replications) with
        ``p95_ci_low`` and ``p95_ci_high``, ``throughput_teu_per_day``, ``saturated``,
        ``saturated_routes`` (the flow's routes whose backlog grew, with the share of runs in
        which it did, most often first: ``"western (3/3), eastern (1/3)"``) and ``scenario``
        (its label in the store).
    out
        The store.
    """

    flow: str
    low_teu_per_day: float | None
    high_teu_per_day: float | None
    criterion: str
    levels: pd.DataFrame
    out: Path
    confidence: float = 0.95
    replications: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def first_saturated_routes(self) -> str:
        """The routes that saturate at the lowest saturated level (``saturated_routes`` of
        that level), or ``""``."""
        if self.high_teu_per_day is None or "saturated_routes" not in self.levels:
            return ""
        at = self.levels.loc[self.levels["teu_per_day"] == self.high_teu_per_day]
        return str(at["saturated_routes"].iloc[0]) if len(at) else ""

    def describe(self) -> str:
        """One sentence: the bracket, the route that saturates first and the rule."""
        lo, hi = self.low_teu_per_day, self.high_teu_per_day
        first = self.first_saturated_routes
        routes = f"; first to saturate: {first}" if first else ""
        if lo is not None and hi is not None:
            mid = math.sqrt(lo * hi)
            return (
                f"flow {self.flow} saturates between {lo:.4g} and {hi:.4g} TEU/day "
                f"(about {mid:.4g} TEU/day ± {(hi - lo) / 2:.2g}){routes}; {self.criterion}"
            )
        if hi is None:
            return f"flow {self.flow} is not saturated at {lo:.4g} TEU/day; {self.criterion}"
        return f"flow {self.flow} is saturated even at {hi:.4g} TEU/day{routes}; {self.criterion}"


def _flow_index(scenario: Scenario, flow: str) -> int:
    for i, f in enumerate(scenario.flows):
        if f.id == flow:
            return i
    known = ", ".join(repr(f.id) for f in scenario.flows)
    raise ExperimentError.single(
        scenario.source,
        "--flow",
        f"no flow {flow!r} in scenario {scenario.name!r}",
        f"flows: {known}",
    )


@dataclass
class _Search:
    scenario: Scenario
    flow: str
    path: str
    p95_days: float | None
    replications: int
    seed: int
    out: Path
    executor: Executor
    progress: ProgressCallback | None
    warmup_days: float | None
    network_file: NetworkFile
    confidence: float
    cases: dict[float, Case] = field(default_factory=dict)
    rows: dict[float, dict[str, object]] = field(default_factory=dict)

    def test(self, level: float) -> bool:
        level = float(f"{level:.6g}")
        if level in self.rows:
            return bool(self.rows[level]["saturated"])
        network = load_network(self.network_file.path)
        case = variant_case(
            self.scenario,
            network,
            self.network_file,
            {self.path: level},
            {self.path: "teu_per_day"},
        )
        self.cases[level] = case
        run_cases([case], self.replications, self.seed, self.out, self.executor, self.progress)
        row = self._evaluate(case, level)
        self.rows[level] = row
        log.info(
            "%s at %g TEU/day: %s (%d of %d runs saturated, P95 %.2f d)",
            self.flow,
            level,
            "saturated" if row["saturated"] else "ok",
            row["saturated_runs"],
            row["replications"],
            row["p95_days"],
        )
        return bool(row["saturated"])

    def _evaluate(self, case: Case, level: float) -> dict[str, object]:
        horizon_h = case.scenario.horizon_h
        warmup_h = case.scenario.warmup_h if self.warmup_days is None else self.warmup_days * 24.0
        saturated_runs = 0
        route_runs: dict[str, int] = {}  # runs in which each route saturated
        p95s, throughputs = [], []
        for r in range(self.replications):
            table = read_run(run_path(self.out, case.key, r, replication_seed(self.seed, r)))
            table = table[table["flow"].astype(str) == self.flow]
            summary = run_summary(table, warmup_h, horizon_h)
            if (summary["status"] == "saturated").any():
                saturated_runs += 1
            for route in summary.loc[summary["status"] == "saturated", "route"].astype(str):
                route_runs[route] = route_runs.get(route, 0) + 1
            measured = table[(table["created_h"] >= warmup_h) & table["delivered_h"].notna()]
            transit = (measured["delivered_h"] - measured["created_h"]).to_numpy() / 24.0
            p95s.append(float(np.quantile(transit, 0.95)) if transit.size else math.nan)
            throughputs.append(float(summary["throughput_teu_per_day"].sum()))
        ci = t_interval(p95s, self.confidence)
        too_slow = self.p95_days is not None and (
            ci.estimate != ci.estimate or ci.estimate > self.p95_days
        )
        return {
            "teu_per_day": level,
            "replications": self.replications,
            "saturated_runs": saturated_runs,
            "p95_days": ci.estimate,
            "p95_ci_low": ci.low,
            "p95_ci_high": ci.high,
            "throughput_teu_per_day": float(np.mean(throughputs)),
            "saturated": saturated_runs * 2 >= self.replications or too_slow,
            "saturated_routes": ", ".join(
                f"{route} ({n}/{self.replications})"
                for route, n in sorted(route_runs.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            "scenario": case.label,
        }


def find_saturation(
    scenario: Scenario | str | Path,
    flow: str,
    *,
    p95_days: float | None = None,
    replications: int = 5,
    seed: int = 0,
    low: float | None = None,
    high: float | None = None,
    tolerance: float = 0.05,
    warmup_days: float | None = None,
    out: str | Path | None = None,
    executor: Executor | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    confidence: float = 0.95,
) -> SaturationResult:
    """Find the demand of ``flow`` at which it saturates (see the module docstring).

    Parameters
    ----------
    scenario
        The scenario, or its file.
    flow
        The id of the flow whose ``teu_per_day`` is varied (the other flows keep theirs).
    p95_days
        Also call a level saturated when the flow's mean P95 transit exceeds this, days.
    replications
        Runs per level.
    seed
        Root seed (replication r runs with the same seed at every level).
    low, high
        A starting bracket, TEU/day; by default from the scenario's demand, doubling or
        halving.
    tolerance
        Stop when ``high / low - 1`` is at most this.
    warmup_days
        Warm-up for the statistics; default the scenario's.
    out
        The store; default ``results/saturation-<scenario>-<flow>``.
    executor, jobs, progress
        As for :func:`corridor.run_experiment`.

    Raises
    ------
    ExperimentError
        If the flow does not exist, the bracket is invalid, or no saturated (or no
        unsaturated) level is found within 12 doublings (halvings).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    if not tolerance > 0:
        raise ValueError(f"tolerance must be > 0, got {tolerance}")
    index = _flow_index(scenario, flow)
    assert scenario.network_path is not None
    network_file = NetworkFile.read(scenario.network_path)
    store = Path(out) if out is not None else Path("results") / f"saturation-{scenario.name}-{flow}"
    own = executor is None
    runner = executor if executor is not None else open_executor(jobs)
    search = _Search(
        scenario,
        flow,
        f"flows[{index}].teu_per_day",
        p95_days,
        replications,
        seed,
        store,
        runner,
        progress,
        warmup_days,
        network_file,
        confidence,
    )
    rule = "saturated = a growing backlog in at least half of the replications"
    if p95_days is not None:
        rule += f", or mean P95 transit above {p95_days:g} d"
    try:
        with store_lock(store):
            remove_stale_temporaries(store)
            try:
                lo, hi = _bracket(search, low, high, scenario.flows[index].teu_per_day)
                while hi / lo - 1.0 > tolerance:
                    mid = math.sqrt(lo * hi)
                    if search.test(mid):
                        hi = mid
                    else:
                        lo = mid
            finally:
                _write(search, rule)
    finally:
        if own:
            runner.close()
    levels = pd.DataFrame([search.rows[level] for level in sorted(search.rows)])
    ok = levels.loc[~levels["saturated"], "teu_per_day"]
    bad = levels.loc[levels["saturated"], "teu_per_day"]
    return SaturationResult(
        flow=flow,
        low_teu_per_day=float(ok.max()) if len(ok) else None,
        high_teu_per_day=float(bad.min()) if len(bad) else None,
        criterion=f"{rule} ({replications} replications per level)",
        levels=levels.reset_index(drop=True),
        out=store,
        confidence=confidence,
        replications=replications,
    )


def _bracket(
    search: _Search, low: float | None, high: float | None, start: float
) -> tuple[float, float]:
    for name, value in (("low", low), ("high", high)):
        if value is not None and not value > 0:
            raise ExperimentError.single(None, f"--{name}", f"{value:g} must be > 0 TEU/day")
    if low is not None and high is not None and not low < high:
        raise ExperimentError.single(None, "--low", f"{low:g} must be below --high {high:g}")
    lo = low if low is not None else (start if high is None or start < high else high / 2)
    for _ in range(MAX_DOUBLINGS):
        if not search.test(lo):
            break
        lo /= 2
    else:
        raise ExperimentError.single(
            None,
            "--low",
            f"flow {search.flow} is saturated even at {lo * 2:.4g} TEU/day",
            "check the scenario: a route may be unable to carry any demand",
        )
    hi = high if high is not None and high > lo else lo * 2
    for _ in range(MAX_DOUBLINGS):
        if search.test(hi):
            break
        lo, hi = hi, hi * 2
    else:
        raise ExperimentError.single(
            None,
            "--high",
            f"flow {search.flow} is not saturated up to {lo:.4g} TEU/day",
            "give --high, or check that the horizon is long enough for a backlog to show",
        )
    return lo, hi


def _write(search: _Search, rule: str) -> None:
    cases = tuple(search.cases[level] for level in sorted(search.cases))
    if not cases:
        return
    spec = ExperimentSpec(
        name=f"saturation-{search.scenario.name}-{search.flow}",
        cases=cases,
        replications=search.replications,
        seed=search.seed,
        out=search.out,
        warmup="scenario" if search.warmup_days is None else search.warmup_days,
        confidence=search.confidence,
        source=search.scenario.source,
        settings_paths=(search.path,),
    )
    manifest = experiment_manifest(spec, "complete")
    manifest["saturation"] = {
        "flow": search.flow,
        "rule": rule,
        "levels": [search.rows[level] for level in sorted(search.rows)],
    }
    write_manifest(search.out, manifest)
