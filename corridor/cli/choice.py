"""The ``corridor equilibrium`` command: route shares that settle with congestion."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from corridor.choice import EquilibriumResults, run_equilibrium
from corridor.cli.experiments import add_execution_options, executor_of
from corridor.experiments.progress import progress_reporter
from corridor.inputs.scenario import load_scenario

__all__ = ["format_convergence", "format_shares", "register"]

_EXAMPLES = """\
examples:
  corridor equilibrium scenarios/instc-baseline.yaml -n 4 --out results/equilibrium
  corridor equilibrium scenarios/rasht-astara-rail.yaml -n 4 -j 2
"""


def format_convergence(result: EquilibriumResults) -> str:
    """The gap of every round, and whether it fell below the tolerance."""
    gaps = result.assignment.groupby("iteration")["gap"].max()
    lines = ["round  gap (largest share of a flow that would move)"]
    lines += [f"{k:5d}  {g:.4f}" for k, g in gaps.items()]
    state = "converged" if result.converged else "NOT converged (raise choice.iterations)"
    lines.append(f"{state} after {result.iterations} rounds")
    return "\n".join(lines)


def format_shares(result: EquilibriumResults) -> str:
    """The final shares, with the confidence interval over the last round's replications."""
    s = result.shares.sort_values(["flow", "share"], ascending=[True, False])
    last = result.assignment[result.assignment["iteration"] == result.iterations - 1]
    cost = {
        (str(f), str(r)): float(c)
        for f, r, c in zip(last["flow"], last["route"], last["cost_usd_per_teu"], strict=True)
    }
    rows = []
    for flow, route, share, low, high in zip(
        s["flow"], s["route"], s["share"], s["ci_low"], s["ci_high"], strict=True
    ):
        ci = "" if low != low else f"{low:6.1%} - {high:6.1%}"  # NaN with one replication
        rows.append(
            {
                "flow": flow,
                "route": route,
                "share": f"{share:6.1%}",
                "95 % CI": ci,
                "cost USD/TEU": f"{cost[(str(flow), str(route))]:,.0f}",
            }
        )
    return pd.DataFrame(rows).to_string(index=False)


def _cmd_equilibrium(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    with executor_of(args) as executor, progress_reporter(sys.stderr) as progress:
        result = run_equilibrium(
            scenario,
            replications=args.replications,
            out=args.out,
            seed=args.seed,
            executor=executor,
            progress=progress,
        )
    print(f"scenario  {scenario.name}")
    print(format_convergence(result))
    print()
    print(format_shares(result))
    if args.out is not None:
        print(f"\nassignment: {args.out / 'assignment.parquet'}", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``equilibrium`` command."""
    p = subparsers.add_parser(
        "equilibrium",
        help="let a scenario's flows choose their routes until the shares settle",
        description="Rounds of runs: the route shares of flows that choose (choice:) move "
        "towards the logit shares of the simulated generalised costs until no flow would move "
        "more than the tolerance (docs/route-choice.md).",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file with choice:")
    p.add_argument(
        "-n",
        "--replications",
        type=int,
        default=None,
        help="runs per round (default: the scenario's choice.replications)",
    )
    p.add_argument("--seed", type=int, default=None, help="root of the run seeds")
    p.add_argument(
        "--out", type=Path, default=None, help="store of the rounds (resumable); default: none"
    )
    add_execution_options(p)
    p.set_defaults(func=_cmd_equilibrium)
