"""Route choice that reacts to congestion: shares and simulated costs brought to an equilibrium.

Transit times depend on how much traffic takes each route (queues at borders and cranes, full
ships, trains waiting to fill), and shares depend on transit times. Rounds of the simulation
look for the shares that reproduce themselves:

1. run the scenario with the current shares ``s`` (``replications`` runs, the same run seeds in
   every round: common random numbers, so that a difference between rounds is the shares'
   doing, not chance);
2. measure each route's generalised cost from the runs (:mod:`corridor.choice.costs`) and the
   shares ``y`` shippers would choose at those costs (:mod:`corridor.choice.logit`);
3. stop when no flow would move more than ``tolerance`` of its containers (the gap: half the
   sum over routes of ``|y - s|``, the largest over flows), or after ``iterations`` rounds;
   otherwise move the shares by the method of successive averages, ``s += (y - s) / (k + 1)``
   after round ``k`` (so the first step goes all the way to the shares chosen at the costs of
   the scenario's own shares): steps that shrink as the rounds go on average out the noise of
   the simulated costs, and the fixed point of a logit with continuous costs is reached
   (Sheffi, *Urban Transportation Networks*, 1985, ch. 12).

Each round is an experiment (:mod:`corridor.experiments`): it runs on the executors (local
processes or Dask) and is stored in ``out/round-NNN``, so an interrupted equilibrium resumes
where it stopped and gives the same shares. The final shares come with confidence intervals
over the replications of the last round (the shares each replication's costs would give).
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.choice.costs import route_costs
from corridor.choice.logit import logit_shares, path_sizes
from corridor.experiments.analysis import t_interval
from corridor.experiments.executors import Executor, Serial
from corridor.experiments.results import ExperimentResults
from corridor.experiments.runner import ProgressCallback, run_experiment
from corridor.experiments.spec import experiment_of
from corridor.experiments.store import read_run
from corridor.inputs.choice import choice_of
from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario, load_scenario
from corridor.results.files import text_writer, write_atomic
from corridor.run import load_model

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "EquilibriumResults",
    "choosing_flows",
    "flow_path_sizes",
    "pooled_runs",
    "require_choosing_flows",
    "run_equilibrium",
]

log = logging.getLogger(__name__)

ASSIGNMENT_COLUMNS = [
    "iteration",
    "flow",
    "route",
    "share",
    "cost_usd_per_teu",
    "logit_share",
    "gap",
    "mean_days",
    "p50_days",
    "p90_days",
    "tariff_usd_per_teu",
    "co2e_t_per_teu",
    "containers",
]
_RUN_COLUMNS = ["replication", "flow", "kind", "route", "teu", "created_h", "delivered_h",
                "cost_usd", "co2e_kg"]  # fmt: skip


@dataclass
class EquilibriumResults:
    """What :func:`run_equilibrium` found.

    Attributes
    ----------
    scenario
        The scenario with the final shares (``flows[i].routes``).
    assignment
        One row per round, flow and route (:data:`ASSIGNMENT_COLUMNS`): the ``share`` the round
        ran with, the route's generalised ``cost_usd_per_teu`` and its parts, the
        ``logit_share`` shippers would choose at that cost, and the flow's ``gap``.
    shares
        One row per flow and route: the final ``share``, and ``logit_share`` with its
        confidence interval (``ci_low``, ``ci_high``) over the last round's replications.
    converged
        Whether the gap fell below the tolerance.
    final
        The last round's experiment (per-route statistics over its replications).
    """

    scenario: Scenario
    assignment: pd.DataFrame
    shares: pd.DataFrame
    converged: bool
    final: ExperimentResults

    @property
    def iterations(self) -> int:
        """Rounds run."""
        return int(self.assignment["iteration"].max()) + 1 if len(self.assignment) else 0

    @property
    def gap(self) -> float:
        """The gap of the last round."""
        last = self.assignment[self.assignment["iteration"] == self.iterations - 1]
        return float(last["gap"].max()) if len(last) else float("nan")


def choosing_flows(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Flow id -> its choice parameters, for the flows of ``scenario`` that choose."""
    out = {}
    for flow in scenario.flows:
        params = choice_of(scenario.choice, flow.choice)
        if params is not None and len(flow.routes) > 1:
            out[flow.id] = params
    return out


def require_choosing_flows(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """:func:`choosing_flows`, refusing a scenario in which no flow chooses.

    Raises
    ------
    ValueError
        If no flow of the scenario chooses its routes.
    """
    params = choosing_flows(scenario)
    if not params:
        raise ValueError(
            f"scenario {scenario.name!r}: no flow chooses its routes (give choice: to the "
            "scenario or to a flow with two routes or more)"
        )
    return params


def run_equilibrium(
    scenario: Scenario | str | Path,
    *,
    replications: int | None = None,
    out: str | Path | None = None,
    seed: int | None = None,
    network: Network | None = None,
    executor: Executor | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> EquilibriumResults:
    """Find the route shares that the simulated costs reproduce (see the module's text).

    Parameters
    ----------
    scenario
        A scenario whose flows choose (``choice:``), or its file.
    replications
        Runs per round (default the scenario's ``choice.replications``).
    out
        The store: ``out/round-NNN`` per round, ``out/assignment.parquet`` and
        ``out/shares.csv`` at the end. Default: a temporary folder, removed afterwards.
    seed
        Root of the run seeds (default the scenario's seed); the same in every round.
    network
        The network instead of the scenario's file (to check the routes).
    executor, jobs, progress
        As for :func:`corridor.run_experiment`.

    Raises
    ------
    ValueError
        If no flow of the scenario chooses its routes.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    params = require_choosing_flows(scenario)
    settings = scenario.choice
    replications = replications or (settings.replications if settings is not None else 1)
    iterations = settings.iterations if settings is not None else 30
    tolerance = settings.tolerance if settings is not None else 0.01
    root = scenario.seed if seed is None else seed
    sizes = flow_path_sizes(scenario, network, params)
    if out is None:
        with tempfile.TemporaryDirectory(prefix="corridor-choice-") as tmp:
            return _rounds(scenario, params, sizes, replications, iterations, tolerance, root,
                           Path(tmp), executor or Serial(), jobs, progress)  # fmt: skip
    return _rounds(scenario, params, sizes, replications, iterations, tolerance, root, Path(out),
                   executor, jobs, progress)  # fmt: skip


def flow_path_sizes(
    scenario: Scenario, network: Network | None, params: Mapping[str, Any]
) -> dict[str, dict[str, float]]:
    model = load_model(scenario, network)
    routes = {r.name: r for r in model.routes}
    out = {}
    for flow in scenario.flows:
        if flow.id in params:
            legs = {
                name: [(model.legs[i].id, model.legs[i].length_km) for i in routes[name].legs]
                for name in flow.routes
            }
            out[flow.id] = path_sizes(legs)
    return out


def _rounds(
    scenario: Scenario,
    params: Mapping[str, Mapping[str, Any]],
    sizes: Mapping[str, Mapping[str, float]],
    replications: int,
    iterations: int,
    tolerance: float,
    root: int,
    out: Path,
    executor: Executor | None,
    jobs: int | None,
    progress: ProgressCallback | None,
) -> EquilibriumResults:
    shares = {
        f.id: {r: s / sum(f.routes.values()) for r, s in f.routes.items()}
        for f in scenario.flows
        if f.id in params
    }
    rows: list[dict[str, Any]] = []
    converged = False
    results: ExperimentResults | None = None
    for k in range(iterations):
        variant = _with_shares(scenario, shares, f"{scenario.name} [round {k}]")
        spec = experiment_of(
            [variant], replications=replications, seed=root, out=out / f"round-{k:03d}",
            name=f"{scenario.name} round {k}",
        )  # fmt: skip
        results = run_experiment(spec, executor=executor, jobs=jobs, progress=progress)
        assert results is not None
        runs = pooled_runs(results, variant.name)
        costs = route_costs(runs, params, variant.warmup_h, variant.horizon_h)
        gap = 0.0
        new: dict[str, dict[str, float]] = {}
        for fid, current in shares.items():
            mine = costs[costs["flow"] == fid].set_index("route")
            chosen = logit_shares(
                {str(r): float(c) for r, c in mine["cost_usd_per_teu"].items()},
                float(params[fid]["scale_per_usd"]),
                dict(params[fid]["constants_usd_per_teu"]),
                sizes[fid] if params[fid]["path_size"] else None,
            )
            flow_gap = sum(abs(chosen[r] - current[r]) for r in current) / 2.0
            gap = max(gap, flow_gap)
            for route, share in current.items():
                rows.append(
                    {"iteration": k, "flow": fid, "route": route, "share": share,
                     "logit_share": chosen[route], "gap": flow_gap,
                     **{str(c): v for c, v in mine.loc[route].items() if c != "flow"}}
                )  # fmt: skip
            new[fid] = {r: current[r] + (chosen[r] - current[r]) / (k + 1) for r in current}
        log.info("round %d: largest gap %.4f (tolerance %g)", k, gap, tolerance)
        if gap < tolerance:
            converged = True
            break
        if k + 1 < iterations:
            shares = new
    assert results is not None  # at least one round ran
    assignment = pd.DataFrame(rows)[ASSIGNMENT_COLUMNS]
    final_shares = _final_shares(runs, params, sizes, shares, variant)
    equilibrium = _with_shares(scenario, shares, scenario.name)
    _save(out, assignment, final_shares, converged)
    return EquilibriumResults(equilibrium, assignment, final_shares, converged, results)


def _with_shares(
    scenario: Scenario, shares: Mapping[str, Mapping[str, float]], name: str
) -> Scenario:
    flows = []
    for flow in scenario.model_dump(mode="python", by_alias=True)["flows"]:
        if flow["id"] in shares:
            flow = {**flow, "routes": dict(shares[flow["id"]])}
        flows.append(flow)
    return scenario.with_changes(flows=flows, name=name)


def pooled_runs(results: ExperimentResults, label: str) -> pd.DataFrame:
    tables = [read_run(path, _RUN_COLUMNS) for path in results.run_files(label)]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=_RUN_COLUMNS)


def _final_shares(
    runs: pd.DataFrame,
    params: Mapping[str, Mapping[str, Any]],
    sizes: Mapping[str, Mapping[str, float]],
    shares: Mapping[str, Mapping[str, float]],
    scenario: Scenario,
) -> pd.DataFrame:
    """The final shares, and the logit shares each replication's costs give, with a CI."""
    per_rep: dict[tuple[str, str], list[float]] = {}
    for _, one in runs.groupby("replication", sort=True):
        costs = route_costs(one, params, scenario.warmup_h, scenario.horizon_h)
        for fid in shares:
            mine = costs[costs["flow"] == fid].set_index("route")["cost_usd_per_teu"]
            chosen = logit_shares(
                {str(r): float(c) for r, c in mine.items()},
                float(params[fid]["scale_per_usd"]),
                dict(params[fid]["constants_usd_per_teu"]),
                sizes[fid] if params[fid]["path_size"] else None,
            )
            for route, value in chosen.items():
                per_rep.setdefault((fid, route), []).append(value)
    rows = []
    for (fid, route), values in per_rep.items():
        ci = t_interval(values)
        rows.append(
            {"flow": fid, "route": route, "share": shares[fid][route],
             "logit_share": ci.estimate, "ci_low": ci.low, "ci_high": ci.high,
             "replications": len(values)}
        )  # fmt: skip
    return pd.DataFrame(rows)


def _save(out: Path, assignment: pd.DataFrame, shares: pd.DataFrame, converged: bool) -> None:
    write_atomic(out / "assignment.parquet", lambda tmp: assignment.to_parquet(tmp, index=False))
    write_atomic(out / "shares.csv", lambda tmp: shares.to_csv(tmp, index=False))
    summary = {"converged": converged, "rounds": int(assignment["iteration"].max()) + 1}
    write_atomic(out / "equilibrium.json", lambda tmp: text_writer(json.dumps(summary), tmp))
