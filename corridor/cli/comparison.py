"""What ``corridor compare`` prints and draws: the paired table, the verdicts and the
forest plot (the command itself is in :mod:`corridor.cli.experiments`)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from corridor.errors import InputError
from corridor.experiments.analysis import METRICS, MIN_EFFECT_DAYS
from corridor.kpis import ALL_ROUTES
from corridor.views.figures import save_figure
from corridor.views.plots import plot_paired_differences

__all__ = [
    "METRIC_CHOICES",
    "CompareView",
    "add_view_options",
    "days_at_least_zero",
    "print_paired",
    "view_of",
]

METRIC_CHOICES = {
    "mean": "mean_days",
    "p50": "p50_days",
    "p90": "p90_days",
    "p95": "p95_days",
    "throughput": "throughput_teu_per_day",
}


@dataclass(frozen=True)
class CompareView:
    """What the user asked to see of a comparison."""

    metric: str = "p50"
    min_effect_days: float = MIN_EFFECT_DAYS
    flows: list[str] | None = None
    routes: list[str] | None = None
    plot: Path | None = None


def days_at_least_zero(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 days or more")
    return value


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r} names nothing (give NAME[,NAME...])")
    return names


def add_view_options(p: argparse.ArgumentParser) -> None:
    """``--metric``, ``--min-effect``, ``--flows``, ``--routes`` and ``--plot``."""
    p.add_argument(
        "--metric",
        choices=(*METRIC_CHOICES, "all"),
        default="p50",
        help="the statistic of the verdict lines and the plot (default p50)",
    )
    p.add_argument(
        "--min-effect",
        type=days_at_least_zero,
        default=MIN_EFFECT_DAYS,
        metavar="DAYS",
        help="practical threshold: transit differences under DAYS are 'no practical "
        f"difference' (default {MIN_EFFECT_DAYS:g}; 0 to judge by the interval alone)",
    )
    p.add_argument(
        "--flows",
        type=_names,
        default=None,
        metavar="F[,F...]",
        help="only these flows (their whole-flow and per-route rows)",
    )
    p.add_argument(
        "--routes",
        type=_names,
        default=None,
        metavar="R[,R...]",
        help="only these routes (whole-flow rows only with --flows)",
    )
    p.add_argument(
        "--plot",
        type=Path,
        default=None,
        metavar="FILE",
        help="write a forest plot of the differences of --metric (p50 for all) to FILE "
        "(.png or .svg)",
    )


def view_of(args: argparse.Namespace) -> CompareView:
    if args.plot is not None and args.plot.suffix.lower() not in (".png", ".svg"):
        raise InputError.single(
            "--plot", "", f"{str(args.plot)!r} is not a .png or .svg file",
            f"name it {args.plot.with_suffix('.png').name}",
        )  # fmt: skip
    return CompareView(args.metric, args.min_effect, args.flows, args.routes, args.plot)


def _num(value: float, places: int) -> str:
    return "-" if value is None or value != value else f"{value:.{places}f}"


def print_paired(table: pd.DataFrame, a: str, b: str, view: CompareView, confidence: float) -> None:
    """The paired table, then the verdicts of ``view.metric`` (largest difference first)."""
    n = int(table["n"].max()) if len(table) else 0
    level = f"{confidence * 100:g} %"
    print(f"A  {a}")
    print(f"B  {b}")
    print(
        f"{n} paired replications (replication r of A and of B ran with the same seed: "
        "common random numbers)\n"
    )
    rows = []
    for _, r in table.iterrows():
        places = 1 if r["metric"] == "throughput_teu_per_day" else 2
        rows.append(
            {
                "flow": r["flow"],
                "route": r["route"],
                "statistic": f"{METRICS[r['metric']]} ({r['unit']})",
                "A": _num(r["mean_a"], places),
                "B": _num(r["mean_b"], places),
                "B − A": "-" if r["diff"] != r["diff"] else f"{r['diff']:+.{places}f}",
                f"{level} CI": "-"
                if r["ci_low"] != r["ci_low"]
                else f"{r['ci_low']:+.{places}f} to {r['ci_high']:+.{places}f}",
                "": "**" if r["practical"] else "*" if r["significant"] else "",
            }
        )
    print(pd.DataFrame(rows).to_string(index=False))
    pooled = (
        f"; route {ALL_ROUTES}: the flow's containers on every route pooled"
        if (table["level"] == "flow").any()
        else ""
    )
    print(
        "* the interval excludes 0: a significant difference; ** and the difference is at "
        f"least {view.min_effect_days:g} d (throughput: significant)\n"
        f"rows by statistic, then largest difference first{pooled}\n"
    )
    chosen = (
        table if view.metric == "all" else table[table["metric"] == METRIC_CHOICES[view.metric]]
    )
    for line in chosen["verdict"]:
        print(line)
    if view.plot is not None:
        metric = "p50_days" if view.metric == "all" else METRIC_CHOICES[view.metric]
        fig = plot_paired_differences(
            table, metric, view.min_effect_days, title=f"B − A: {b} − {a}"
        )
        print(f"wrote {save_figure(fig, view.plot)}", file=sys.stderr)
