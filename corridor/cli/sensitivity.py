"""The ``corridor sensitivity`` command (registered by :func:`register`).

A thin wrapper over :func:`corridor.experiments.run_sensitivity`: it parses options, chooses
the executor (the same options as ``corridor batch``), shows progress on stderr, prints the
ranking of the factors for every output and the headline of every route difference, and can
save the chart.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.cli.experiments import (
    _at_least_one,
    _interrupted,
    add_execution_options,
    executor_of,
)
from corridor.experiments.progress import progress_reporter
from corridor.experiments.sensitivity import SensitivityResults, run_sensitivity
from corridor.experiments.sensitivity_spec import SensitivitySpec, load_sensitivity_spec
from corridor.results.files import check_output_file, write_atomic
from corridor.views.plots.sensitivity import plot_sensitivity

__all__ = ["format_ranking", "register"]

_EXAMPLES = """\
examples:
  corridor sensitivity experiments/sensitivity-baseline.yaml
  corridor sensitivity experiments/sensitivity-baseline.yaml --chart morris.png
  corridor sensitivity experiments/sensitivity-baseline.yaml --method sobol \\
      --factors suez_port_calls,suez_headway,bandar_abbas_dwell --base-samples 64 --chart sobol.png
  corridor report results/base -o report.html --sensitivity results/sensitivity-baseline

Morris screening first; then Sobol indices for the few factors that matter (the others stay
at their central values). Running the same command again runs nothing: the runs are stored.
The file's keys, the cost in runs and how to read the headline: docs/experiments.md.
"""


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give factor names separated by commas")
    return names


def _design_line(spec: SensitivitySpec, results: SensitivityResults) -> str:
    k = len(results.factors)
    if spec.method == "morris":
        how = f"Morris screening of {k} factors ({spec.trajectories} trajectories, "
        how += f"{spec.levels} levels)"
    else:
        how = f"Sobol indices of {k} factors ({spec.base_samples} base samples)"
    held = len(spec.factors) - k
    if held:
        how += f"; {held} other factor{'s' if held > 1 else ''} at the central value"
    reps = spec.replications
    return (
        f"{how}: {len(results.points)} points, {reps} replication{'s' if reps > 1 else ''} "
        "each, the same seeds at every point (common random numbers)"
    )


def format_ranking(results: SensitivityResults, output: str) -> str:
    """The factors of one output, largest effect first, with intervals and noise marks."""
    table = results.ranking(output)
    at_centre = results.noise[results.noise["output"] == output].iloc[0]
    noise: dict[str, Any] = {str(k): v for k, v in at_centre.items()}
    level = f"{results.confidence * 100:g} %"
    rows = []
    for _, r in table.iterrows():
        row: dict[str, Any] = {"rank": int(r["rank"]), "factor": r["factor"]}
        if results.method == "morris":
            row["mu* d"] = f"{r['mu_star']:.3f} ± {r['mu_star_conf']:.3f}"
            row["mu d"] = f"{r['mu']:+.3f}"
            row["sigma d"] = f"{r['sigma']:.3f}"
        else:
            row["ST"] = f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"
            row["S1"] = f"{r['S1']:.3f} ± {r['S1_conf']:.3f}"
        row[""] = "~" if r["below_noise"] else ""
        rows.append(row)
    half = noise["half_width"]
    central = f"{noise['mean']:.2f} d" + ("" if half != half else f" ± {half:.2f}")
    threshold = float(table["noise"].iloc[0])
    shown = (
        f"{threshold:.3g} d" if results.method == "morris" else f"{threshold:.1%} of the variance"
    )
    head = f"{output}  (central point {central}, {level} CI over {int(noise['n'])} runs)"
    lines = [head, pd.DataFrame(rows).to_string(index=False)]
    if table["below_noise"].any():
        lines.append(
            f"~ at or below the noise level ({shown}): may be noise"
            if threshold > 0
            else "~ no effect: the output does not change with this factor"
        )
    sat = int(noise["saturated_points"])
    if sat:
        lines.append(
            f"saturated at {sat} of {len(results.points)} points: there its days describe "
            "only the containers that got through"
        )
    return "\n".join(lines)


def _print(spec: SensitivitySpec, results: SensitivityResults) -> None:
    rep = results.report
    print(f"sensitivity  {spec.name}: {_design_line(spec, results)}")
    print(
        f"store        {results.out} ({rep.total} runs: {rep.ran} run now, {rep.skipped} found "
        f"finished; {rep.wall_s:.1f} s on {rep.executor})"
    )
    print(f"tables       {results.folder}")
    print(
        f"noise        {spec.noise_replications} runs of the central point (the replication CI) "
        "and of a step pair (paired: the noise level ~)"
    )
    if results.method == "morris":
        print(
            "\nmu*: mean absolute elementary effect, about the change of the output over the "
            "factor's range (days);\nsigma: large for interactions or curvature; "
            "± the bootstrap half-width"
        )
    else:
        print(
            "\nST: share of the output's variance the factor takes part in (alone or with "
            "others); S1: alone;\n± the bootstrap half-width"
        )
    for output in results.outputs:
        print()
        print(format_ranking(results, output.name))
    lines = results.headlines()
    if lines:
        print()
        for line in lines:
            print(line)


def _save_chart(results: SensitivityResults, path: Path) -> None:
    fig = plot_sensitivity(results.indices)
    kind = path.suffix.lstrip(".").lower() or "png"
    write_atomic(path, partial(fig.savefig, format=kind, dpi=150), suffix=path.suffix or ".png")
    print(f"wrote {path}", file=sys.stderr)


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    if args.chart is not None:
        check_output_file(args.chart)
    spec: SensitivitySpec | None = None
    try:
        with executor_of(args) as executor:  # the workers start while the file is checked
            spec = load_sensitivity_spec(args.spec).with_options(
                method=args.method,
                factors=args.factors,
                replications=args.replications,
                noise_replications=args.noise_replications,
                seed=args.seed,
                out=args.out,
                trajectories=args.trajectories,
                base_samples=args.base_samples,
            )
            with progress_reporter(sys.stderr) as progress:
                results = run_sensitivity(spec, executor=executor, progress=progress)
    except KeyboardInterrupt as exc:
        return _interrupted(exc, spec.out if spec is not None else None)
    _print(spec, results)
    if args.chart is not None:
        _save_chart(results, args.chart)
    return 0


def register(subparsers: Any) -> None:
    """Add ``sensitivity`` to the ``corridor`` command."""
    p = subparsers.add_parser(
        "sensitivity",
        help="global sensitivity analysis: which uncertain inputs drive each route's times",
        description="Vary the uncertain inputs of a sensitivity file over their ranges (Morris "
        "screening or Sobol indices, with SALib), with the same seeds at every sample point "
        "(common random numbers), and report which inputs drive each route's P50 and P90 and "
        "the difference between two routes, with that difference's range over the inputs "
        "next to the replication CI of the central point.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("spec", type=Path, metavar="SPEC", help="sensitivity YAML file")
    p.add_argument("--method", choices=("morris", "sobol"), default=None, help="(default: SPEC's)")
    p.add_argument(
        "--factors",
        type=_names,
        default=None,
        metavar="A,B,...",
        help="vary only these factors (the others stay at their central values)",
    )
    p.add_argument(
        "-n",
        "--replications",
        type=_at_least_one,
        default=None,
        help="runs per sample point, with the same seeds at every point (default: SPEC's, 1)",
    )
    p.add_argument(
        "--noise-replications",
        type=_at_least_one,
        default=None,
        metavar="N",
        help="runs of the central point and of the step pair (the noise; at least 5, default 10)",
    )
    p.add_argument("--trajectories", type=_at_least_one, default=None, help="Morris trajectories")
    p.add_argument(
        "--base-samples", type=_at_least_one, default=None, metavar="N", help="Sobol N (2^k)"
    )
    p.add_argument("--seed", type=int, default=None, help="root seed (sample and runs)")
    p.add_argument("--out", type=Path, default=None, help="output folder (the result store)")
    p.add_argument(
        "--chart", type=Path, default=None, metavar="FILE", help="save the bar chart (.png, .svg)"
    )
    add_execution_options(p)
    p.set_defaults(func=_cmd_sensitivity)
