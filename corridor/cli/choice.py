"""The ``corridor equilibrium`` command: route shares that settle with congestion."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

import pandas as pd

from corridor.choice import EquilibriumResults, calibrate_constants, run_equilibrium
from corridor.cli.experiments import add_execution_options, executor_of
from corridor.experiments.progress import progress_reporter
from corridor.inputs.scenario import load_scenario

__all__ = ["format_constants", "format_convergence", "format_shares", "register"]

_EXAMPLES = """\
examples:
  corridor equilibrium scenarios/instc-baseline.yaml -n 4 --out results/equilibrium
  corridor equilibrium scenarios/rasht-astara-rail.yaml -n 4 -j 2
  corridor equilibrium scenarios/instc-baseline.yaml --calibrate -n 4   # constants
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


def format_constants(table: pd.DataFrame) -> str:
    """Calibrated constants as a scenario's ``choice.constants_usd_per_teu``, ready to paste.

    Route names are unique across a scenario's flows as a rule; when two flows share a route,
    the constants are written as the flows' own ``choice:`` blocks instead.
    """
    shared = table["route"].duplicated().any()
    lines = ["flows:" if shared else "choice:"]
    for flow, rows in table.groupby("flow", sort=False):
        if shared:
            lines += [f"  - id: {flow}", "    choice:", "      constants_usd_per_teu:"]
            indent = " " * 8
        else:
            if len(lines) == 1:
                lines.append("  constants_usd_per_teu:")
            lines.append(f"    # {flow}")
            indent = " " * 4
        for route, value in zip(rows["route"], rows["constant_usd_per_teu"], strict=True):
            lines.append(f"{indent}{route}: {value:.0f}")
    return "\n".join(lines)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    with contextlib.ExitStack() as stack:
        out = args.out
        if out is None:
            out = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="corridor-cal-")))
        executor = stack.enter_context(executor_of(args))
        progress = stack.enter_context(progress_reporter(sys.stderr))
        table = calibrate_constants(
            scenario,
            replications=args.replications or 4,
            out=out,
            seed=args.seed,
            executor=executor,
            progress=progress,
        )
    shown = table.copy()
    shown["target_share"] = shown["target_share"].map(lambda v: f"{v:6.1%}")
    for c in ("cost_usd_per_teu", "constant_usd_per_teu", "ci_low", "ci_high"):
        shown[c] = shown[c].map(lambda v: f"{v:,.0f}")
    shown["path_size"] = shown["path_size"].map(lambda v: f"{v:.3f}")
    print(f"scenario  {scenario.name}: route constants that reproduce its stated shares")
    print(shown.to_string(index=False))
    print()
    print(format_constants(table))
    if args.out is not None:
        print(f"\ncalibration: {args.out / 'calibration.csv'}", file=sys.stderr)
    return 0


def _cmd_equilibrium(args: argparse.Namespace) -> int:
    if args.calibrate:
        return _cmd_calibrate(args)
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
    p.add_argument(
        "--calibrate",
        action="store_true",
        help="instead: run at the flows' stated shares and print the route constants that "
        "reproduce them (default 4 runs; docs/route-choice.md, 'Calibration')",
    )
    add_execution_options(p)
    p.set_defaults(func=_cmd_equilibrium)
