"""Route constants that make a choosing scenario reproduce observed (or stated) shares.

A logit with generalised costs alone rarely reproduces the shares a corridor carries: shippers
weigh things no cost figure holds (a forwarder's contract, sanctions risk, a line's habits). The
constants, in USD per TEU, carry that preference. They are calibrated the usual way (alternative-
specific constants of a discrete-choice model): run the scenario **at the target shares** (its
flows' ``routes:`` read as shares), measure every route's generalised cost under that load, and
solve the logit for the constants that give back exactly those shares::

    K_r = (GC_r - GC_ref) + (ln s_r - ln s_ref - ln PS_r + ln PS_ref) / scale

with ``K_ref = 0`` for the flow's reference route (its largest share). At these constants the
target shares are a fixed point of the equilibrium (the costs were measured at them), so a
calibrated scenario starts settled; a what-if then moves the shares from there. The constants are
estimates: they carry the noise of the runs they were measured on, reported per route as a
confidence interval over the replications.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.choice.costs import route_costs
from corridor.choice.equilibrium import flow_path_sizes, pooled_runs, require_choosing_flows
from corridor.experiments.analysis import t_interval
from corridor.experiments.executors import Executor
from corridor.experiments.runner import ProgressCallback, run_experiment
from corridor.experiments.spec import experiment_of
from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario, load_scenario
from corridor.results.files import write_atomic

__all__ = ["CALIBRATION_COLUMNS", "calibrate_constants", "constants_for"]

CALIBRATION_COLUMNS = [
    "flow",
    "route",
    "target_share",
    "cost_usd_per_teu",
    "path_size",
    "constant_usd_per_teu",
    "ci_low",
    "ci_high",
    "replications",
]


def constants_for(
    costs: Mapping[str, float],
    targets: Mapping[str, float],
    scale_per_usd: float,
    sizes: Mapping[str, float] | None = None,
    reference: str | None = None,
) -> dict[str, float]:
    """The route constants (USD per TEU) at which the logit gives ``targets`` at ``costs``.

    ``reference`` (default: the route with the largest target share) gets 0. Every target must
    be above 0: a route nobody takes has no finite constant.
    """
    missing = sorted(set(targets) - set(costs))
    if missing:
        raise ValueError(f"no cost for route(s) {', '.join(missing)}")
    zero = sorted(r for r, s in targets.items() if not s > 0)
    if zero:
        raise ValueError(
            f"route(s) {', '.join(zero)}: a target share of 0 has no constant (leave the route "
            "out of the flow, or give it a share)"
        )
    total = sum(targets.values())
    share = {r: s / total for r, s in targets.items()}
    ref = reference if reference is not None else max(share, key=lambda r: (share[r], r))
    if ref not in share:
        raise ValueError(f"reference route {ref!r} is not one of {', '.join(sorted(share))}")

    def ln_ps(r: str) -> float:
        return math.log(sizes[r]) if sizes is not None else 0.0

    return {
        r: (costs[r] - costs[ref])
        + (math.log(share[r]) - math.log(share[ref]) - ln_ps(r) + ln_ps(ref)) / scale_per_usd
        for r in share
    }


def calibrate_constants(
    scenario: Scenario | str | Path,
    *,
    replications: int = 4,
    out: str | Path,
    seed: int | None = None,
    network: Network | None = None,
    executor: Executor | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> pd.DataFrame:
    """Calibrate every choosing flow's route constants to its stated shares.

    Runs ``scenario`` at the shares of its flows' ``routes:`` (``replications`` runs, stored in
    ``out/calibration-runs``, resumable), and returns one row per flow and route
    (:data:`CALIBRATION_COLUMNS`): the target share, the generalised cost measured at it
    (without constants), the path size, and the constant with its interval over the
    replications (each replication's costs calibrated alone). The table is also written to
    ``out/calibration.csv``. Constants already in the scenario are ignored: the result replaces
    them.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    params = require_choosing_flows(scenario)
    out = Path(out)
    sizes = flow_path_sizes(scenario, network, params)
    spec = experiment_of(
        [scenario], replications=replications, seed=scenario.seed if seed is None else seed,
        out=out / "calibration-runs", name=f"{scenario.name} calibration",
    )  # fmt: skip
    results = run_experiment(spec, executor=executor, jobs=jobs, progress=progress)
    assert results is not None
    runs = pooled_runs(results, scenario.name)
    targets = {f.id: dict(f.routes) for f in scenario.flows if f.id in params}

    def calibrated(one: pd.DataFrame) -> tuple[dict[str, dict[str, float]], pd.DataFrame]:
        costs = route_costs(one, params, scenario.warmup_h, scenario.horizon_h)
        out_k = {}
        for fid, target in targets.items():
            mine = costs[costs["flow"] == fid].set_index("route")["cost_usd_per_teu"]
            out_k[fid] = constants_for(
                {str(r): float(c) for r, c in mine.items()},
                target,
                float(params[fid]["scale_per_usd"]),
                sizes[fid] if params[fid]["path_size"] else None,
            )
        return out_k, costs

    pooled, costs = calibrated(runs)
    per_rep: dict[tuple[str, str], list[float]] = {}
    for _, one in runs.groupby("replication", sort=True):
        constants, _ = calibrated(one)
        for fid, by_route in constants.items():
            for route, value in by_route.items():
                per_rep.setdefault((fid, route), []).append(value)
    rows: list[dict[str, Any]] = []
    for fid, target in targets.items():
        total = sum(target.values())
        mine = costs[costs["flow"] == fid].set_index("route")["cost_usd_per_teu"]
        for route, value in target.items():
            values = per_rep[(fid, route)]
            ci = t_interval(values) if len(values) > 1 else None
            rows.append(
                {"flow": fid, "route": route, "target_share": value / total,
                 "cost_usd_per_teu": float(mine[route]),
                 "path_size": sizes[fid][route] if params[fid]["path_size"] else 1.0,
                 "constant_usd_per_teu": pooled[fid][route],
                 "ci_low": ci.low if ci else math.nan, "ci_high": ci.high if ci else math.nan,
                 "replications": len(values)}
            )  # fmt: skip
    table = pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)
    write_atomic(out / "calibration.csv", lambda tmp: table.to_csv(tmp, index=False))
    return table
