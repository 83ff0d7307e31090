"""The ``batch``, ``compare`` and ``saturation`` commands (registered by :func:`register`).

Thin wrappers over :mod:`corridor.experiments`: they parse options, choose the executor (local
processes, this process, or Dask), show progress on stderr, and print tables on stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.choice import (
    DIVERSION_FILE,
    choosing_flows,
    diversion,
    diversion_lines,
    run_equilibrium,
)
from corridor.cli.comparison import add_view_options, print_paired, view_of
from corridor.experiments.analysis import METRICS
from corridor.experiments.executors import Executor, open_executor
from corridor.experiments.progress import progress_reporter
from corridor.experiments.results import ExperimentResults, load_experiment
from corridor.experiments.runner import ExperimentInterrupted, run_experiment
from corridor.experiments.saturation import find_saturation
from corridor.experiments.spec import (
    ExperimentSpec,
    experiment_from_scenarios,
    experiment_of,
    is_experiment_file,
    load_experiment_spec,
    parse_warmup,
)
from corridor.inputs.scenario import Scenario, load_scenario
from corridor.results.files import write_table_atomic

__all__ = ["add_execution_options", "executor_of", "register"]

EXIT_INTERRUPTED = 130

_BATCH_EXAMPLES = """\
examples:
  corridor batch experiments/border-lanes.yaml
  corridor batch scenarios/instc-baseline.yaml scenarios/rasht-astara-rail.yaml -n 30
  corridor batch experiments/border-lanes.yaml --dask local
  corridor batch experiments/border-lanes.yaml --scheduler tcp://10.0.0.5:8786
  corridor batch experiments/border-lanes.yaml --target-halfwidth 0.25

Running the same command again skips the runs already in the output folder.
"""
_COMPARE_EXAMPLES = """\
examples:
  corridor compare scenarios/instc-baseline.yaml scenarios/border-reform.yaml -n 30
  corridor compare docs/examples/mini-scenario.yaml docs/examples/mini-faster-border.yaml
  corridor batch experiments/border-lanes.yaml
  corridor compare --results results/border-lanes \\
      "mini-baseline[servers=1]" "mini-baseline[servers=2]"
"""
_SATURATION_EXAMPLES = """\
examples:
  corridor saturation scenarios/instc-baseline.yaml --flow nsa-mow
  corridor saturation scenarios/instc-baseline.yaml --flow nsa-mow --p95-days 30 -n 10
"""


# ----------------------------------------------------------------------------- options
def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def add_execution_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("where runs execute (default: local processes on every core)")
    g.add_argument(
        "-j",
        "--jobs",
        type=_at_least_one,
        default=None,
        help="local processes (1: run in this process)",
    )
    x = g.add_mutually_exclusive_group()
    x.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:port)",
    )
    x.add_argument(
        "--dask",
        choices=("local",),
        default=None,
        help="'local': start a Dask LocalCluster on this machine (--jobs workers)",
    )


def _add_run_options(
    p: argparse.ArgumentParser, replications_default: str, warmup: bool = True
) -> None:
    p.add_argument(
        "-n",
        "--replications",
        type=_at_least_one,
        default=None,
        help=f"runs of each scenario ({replications_default})",
    )
    p.add_argument("--seed", type=int, default=None, help="root seed of the run seeds (default 0)")
    p.add_argument("--out", type=Path, default=None, help="output folder (the result store)")
    if not warmup:
        p.add_argument(
            "--warmup",
            type=float,
            default=None,
            metavar="DAYS",
            help="warm-up cut from the statistics, days (default: the scenario's warmup_days)",
        )
        return
    p.add_argument(
        "--warmup",
        type=parse_warmup,
        default=None,
        metavar="scenario|mser5|DAYS",
        help="warm-up cut from the statistics (default: the experiment's, else each "
        "scenario's warmup_days)",
    )


def executor_of(args: argparse.Namespace) -> Executor:
    if args.scheduler is not None or args.dask is not None:
        # Dask sets up its own loggers at INFO when imported; follow corridor's -v instead.
        # Imported here, not at the top: a heavy dependency that only these options need.
        import distributed  # noqa: F401, PLC0415

        level = logging.getLogger().getEffectiveLevel()
        for name in ("distributed", "bokeh", "tornado"):
            logging.getLogger(name).setLevel(level)
    return open_executor(args.jobs, args.scheduler, args.dask == "local")


# ----------------------------------------------------------------------------- formatting
def _num(value: float, places: int) -> str:
    return "-" if value is None or value != value else f"{value:.{places}f}"


def _pm(mean: float, half: float, places: int) -> str:
    if mean != mean:
        return "-"
    if half != half:
        return f"{mean:.{places}f}"
    return f"{mean:.{places}f} ± {half:.{places}f}"


def format_statistics(results: ExperimentResults) -> str:
    """Per scenario, flow and route: each statistic's mean ± half-width, and saturated runs."""
    stats = results.statistics
    if stats.empty:
        return "(no finished runs)"
    rows = []
    for (scenario, flow, route), g in stats.groupby(
        ["scenario", "flow", "route"], sort=False, observed=True
    ):
        by = g.set_index("metric")
        sat, runs = int(by["saturated_runs"].iloc[0]), int(by["runs"].iloc[0])
        row: dict[str, Any] = {"scenario": scenario, "flow": flow, "route": route, "runs": runs}
        for metric, head in (
            ("mean_days", "mean d"),
            ("p50_days", "P50 d"),
            ("p90_days", "P90 d"),
            ("p95_days", "P95 d"),
        ):
            row[head] = _pm(float(by["mean"].loc[metric]), float(by["half_width"].loc[metric]), 2)
        t = "throughput_teu_per_day"
        row["throughput TEU/day"] = _pm(float(by["mean"].loc[t]), float(by["half_width"].loc[t]), 1)
        row["status"] = "ok" if sat == 0 else f"saturated {sat}/{runs}"
        rows.append(row)
    level = f"{results.confidence * 100:g} %"
    text = pd.DataFrame(rows).to_string(index=False)
    note = (
        f"mean ± half-width of the {level} confidence interval across replications "
        "(t interval over the replications' values)"
    )
    if any(r["status"] != "ok" for r in rows):
        note += (
            "\nsaturated k/n: in k of n runs the route's backlog grows; its days describe only "
            "the containers that got through"
        )
    return f"{note}\n{text}"


def _warmup_lines(results: ExperimentResults) -> list[str]:
    sc = results.scenarios
    if sc.empty:
        return []
    methods = set(sc["warmup_method"])
    if methods == {"scenario"}:
        days = ", ".join(sorted({f"{d:g}" for d in sc["warmup_days"]}))
        return [f"warm-up     each scenario's warmup_days ({days} d)"]
    if methods == {"fixed"}:
        return [f"warm-up     {sc['warmup_days'].iloc[0]:g} d for every scenario"]
    lines = ["warm-up     MSER-5 on the daily transit-time series (latest route cut):"]
    for _, r in sc.iterrows():
        flag = "" if r["warmup_reliable"] else "  (no clear steady state: check the series)"
        lines.append(f"            {r['scenario']}: {r['warmup_days']:g} d{flag}")
    return lines


def _print_results(spec: ExperimentSpec, results: ExperimentResults) -> None:
    timing = results.manifest.get("timing") or {}
    print(
        f"experiment  {spec.name}: {len(spec.cases)} scenario{'s' if len(spec.cases) != 1 else ''}"
        f" x {spec.replications} replications, root seed {spec.seed}"
    )
    print(
        f"store       {spec.out} ({timing.get('runs_total', spec.runs)} runs: "
        f"{timing.get('runs_done_now', 0)} run now, {timing.get('runs_found_finished', 0)} "
        f"found finished; {timing.get('wall_s', 0):.1f} s on {timing.get('executor', '?')})"
    )
    for line in _warmup_lines(results):
        print(line)
    print()
    print(format_statistics(results))


def _print_advice(results: ExperimentResults, half: float | None, rel: float | None) -> None:
    advice = results.advise(half_width=half, relative=rel)
    transit = advice[advice["metric"] != "throughput_teu_per_day"] if rel is None else advice
    if transit.empty or transit["needed"].isna().all():
        print("\nreplications advice: at least 2 replications are needed to estimate it")
        return
    worst = transit.sort_values("needed", ascending=False).iloc[0]
    target = (
        f"± {half:g} d"
        if half is not None and rel is None
        else f"± {rel:.0%} of the mean"
        if half is None
        else f"± {half:g} d or {rel:.0%} of the mean, whichever is smaller"
    )
    n_now = int(worst["n"])
    needed = int(worst["needed"])
    print(
        f"\nreplications advice: for {target} on every transit statistic"
        f"{' and throughput' if rel is not None else ''}, about {needed} replications "
        f"(now {n_now}; widest: {worst['scenario']} {worst['route']} "
        f"{METRICS[str(worst['metric'])]}, ± {worst['half_width']:.3g} {worst['unit']})"
    )
    if needed > n_now:
        print(f"  run again with -n {needed}: the {n_now} finished replications are kept")


# ----------------------------------------------------------------------------- commands
def _interrupted(exc: KeyboardInterrupt, out: Path | None) -> int:
    if isinstance(exc, ExperimentInterrupted):
        print(f"\n{exc}", file=sys.stderr)
    else:
        where = f" in {out}" if out is not None else ""
        print(f"\ninterrupted: finished runs{where} are kept", file=sys.stderr)
    return EXIT_INTERRUPTED


def _batch_spec(args: argparse.Namespace) -> ExperimentSpec:
    files: list[Path] = args.files
    if len(files) == 1 and files[0].is_file() and is_experiment_file(files[0]):
        spec = load_experiment_spec(files[0])
        return spec.with_options(
            replications=args.replications, seed=args.seed, out=args.out, warmup=args.warmup
        )
    return experiment_from_scenarios(
        files,
        replications=args.replications or 10,
        seed=args.seed or 0,
        out=args.out,
        warmup=args.warmup or "scenario",
    )


def _cmd_batch(args: argparse.Namespace) -> int:
    spec: ExperimentSpec | None = None
    try:
        # the workers start while the experiment is read and checked
        with executor_of(args) as executor:
            spec = _batch_spec(args)
            with progress_reporter(sys.stderr) as progress:
                results = run_experiment(spec, executor=executor, progress=progress)
    except KeyboardInterrupt as exc:
        return _interrupted(exc, spec.out if spec is not None else None)
    assert results is not None
    _print_results(spec, results)
    if args.target_halfwidth is not None or args.target_relative is not None:
        _print_advice(results, args.target_halfwidth, args.target_relative)
    print(f"\ntables: corridor.load_experiment({str(spec.out)!r})", file=sys.stderr)
    return 0


def _print_comparison(results: ExperimentResults, a: str, b: str, args: argparse.Namespace) -> None:
    view = view_of(args)
    table = results.compare(a, b, view.min_effect_days, view.flows, view.routes)
    print_paired(table, a, b, view, results.confidence)


def _cmd_compare(args: argparse.Namespace) -> int:
    view_of(args)  # a bad --plot file is refused before any run
    if args.results is not None:
        stored = load_experiment(args.results, warmup=args.warmup)
        _print_comparison(stored, args.a, args.b, args)
        return 0
    files = [Path(args.a), Path(args.b)]
    name = f"compare-{files[0].stem}-{files[1].stem}"
    scenarios = [load_scenario(f) for f in files]
    if any(choosing_flows(sc) for sc in scenarios):
        return _compare_choices(args, scenarios, args.out or Path("results") / name)
    spec = experiment_from_scenarios(
        files,
        replications=args.replications or 30,
        seed=args.seed or 0,
        out=args.out or Path("results") / name,
        warmup=args.warmup or "scenario",
        name=name,
    )
    try:
        with executor_of(args) as executor, progress_reporter(sys.stderr) as progress:
            results = run_experiment(spec, executor=executor, progress=progress)
    except KeyboardInterrupt as exc:
        return _interrupted(exc, spec.out)
    assert results is not None
    a, b = (case.label for case in spec.cases)
    _print_comparison(results, a, b, args)
    return 0


def _compare_choices(args: argparse.Namespace, scenarios: list[Scenario], out: Path) -> int:
    """compare for scenarios whose flows choose: both equilibria, then what moved.

    The equilibria are stored in ``out/a`` and ``out/b``; the two scenarios at their settled
    shares then run as an ordinary paired experiment in ``out`` (the same seeds), which the
    comparison, the diversion (``out/diversion.parquet``) and ``corridor report out`` use.
    """
    replications = args.replications or 4
    seed = args.seed or 0
    try:
        with executor_of(args) as executor, progress_reporter(sys.stderr) as progress:
            equilibria = [
                run_equilibrium(scenario, replications=replications, out=out / tag, seed=seed,
                                executor=executor, progress=progress)
                for tag, scenario in zip("ab", scenarios, strict=True)
            ]  # fmt: skip
            spec = experiment_of(
                [eq.scenario for eq in equilibria], replications=replications, seed=seed,
                out=out, name=out.name,
            )  # fmt: skip
            results = run_experiment(spec, executor=executor, progress=progress)
    except KeyboardInterrupt as exc:
        return _interrupted(exc, out)
    assert results is not None
    a, b = (case.label for case in spec.cases)
    for name, eq in zip((a, b), equilibria, strict=True):
        state = "settled" if eq.converged else "did NOT settle"
        print(f"route choice in {name}: shares {state} after {eq.iterations} rounds")
    runs = results.runs
    moved = diversion(runs[runs["scenario"] == a], runs[runs["scenario"] == b], results.confidence)
    write_table_atomic(out / DIVERSION_FILE, moved.assign(a=a, b=b))
    print("\ncargo that moves (B - A, TEU a day shipped on each route, paired replications):")
    for line in diversion_lines(moved, b, confidence=results.confidence):
        print(line)
    print()
    _print_comparison(results, a, b, args)
    return 0


def _cmd_saturation(args: argparse.Namespace) -> int:
    warmup = args.warmup
    try:
        with executor_of(args) as executor, progress_reporter(sys.stderr) as progress:
            result = find_saturation(
                args.scenario,
                args.flow,
                p95_days=args.p95_days,
                replications=args.replications or 5,
                seed=args.seed or 0,
                low=args.low,
                high=args.high,
                tolerance=args.tolerance,
                warmup_days=warmup,
                out=args.out,
                executor=executor,
                progress=progress,
            )
    except KeyboardInterrupt as exc:
        return _interrupted(exc, args.out)
    level = f"{result.confidence * 100:g} %"
    rows = [
        {
            "demand TEU/day": f"{r['teu_per_day']:.4g}",
            "saturated runs": f"{r['saturated_runs']}/{r['replications']}",
            f"P95 d ({level} CI)": "-"
            if r["p95_days"] != r["p95_days"]
            else f"{r['p95_days']:.2f} ({_num(r['p95_ci_low'], 2)} to {_num(r['p95_ci_high'], 2)})",
            "throughput TEU/day": f"{r['throughput_teu_per_day']:.1f}",
            "verdict": "saturated" if r["saturated"] else "ok",
            "saturated routes (runs)": r.get("saturated_routes") or "-",
        }
        for _, r in result.levels.iterrows()
    ]
    print(f"demand levels tested for flow {result.flow} (store: {result.out})")
    print(pd.DataFrame(rows).to_string(index=False))
    print()
    print(result.describe())
    return 0


# ----------------------------------------------------------------------------- parser
def register(subparsers: Any) -> None:
    """Add ``batch``, ``compare`` and ``saturation`` to the ``corridor`` command."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser(
        "batch",
        help="run an experiment: scenarios x replications, with confidence intervals",
        description="Run an experiment file (scenarios and/or a sweep over a base scenario), "
        "or scenario files as they are, each for N replications with seeds from one root "
        "seed. Each finished run is saved at once; the same command again resumes.",
        epilog=_BATCH_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="one experiment YAML, or one or more scenario YAML files",
    )
    _add_run_options(p, "default: the experiment's, or 10")
    p.add_argument(
        "--target-halfwidth",
        type=float,
        default=None,
        metavar="DAYS",
        help="advise how many replications give confidence intervals of ± DAYS",
    )
    p.add_argument(
        "--target-relative",
        type=float,
        default=None,
        metavar="SHARE",
        help="advise replications for intervals of ± SHARE of the mean (0.05 for 5 %%)",
    )
    add_execution_options(p)
    p.set_defaults(func=_cmd_batch)

    p = subparsers.add_parser(
        "compare",
        help="paired comparison of two scenarios, with confidence intervals and a verdict",
        description="Run two scenarios with the same seeds (common random numbers) and report, "
        "per flow (all its routes pooled) and per route, the paired differences B − A of "
        "mean, P50, P90, P95 transit and throughput with confidence intervals, and one-line "
        "verdicts, largest difference first; differences under --min-effect days are 'no "
        "practical difference'.",
        epilog=_COMPARE_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("a", metavar="A", help="scenario file (or, with --results, its label)")
    p.add_argument("b", metavar="B", help="scenario file (or, with --results, its label)")
    _add_run_options(p, "default 30")
    p.add_argument(
        "--results",
        type=Path,
        default=None,
        metavar="DIR",
        help="compare two scenarios of an experiment already in DIR (no runs)",
    )
    add_view_options(p)
    add_execution_options(p)
    p.set_defaults(func=_cmd_compare)

    p = subparsers.add_parser(
        "saturation",
        help="find the demand at which a flow saturates, by bisection",
        description="Vary one flow's teu_per_day and find, by bisection with replications, "
        "the level at which its backlog grows without bound (or its P95 transit exceeds "
        "--p95-days). Reports the bracketing interval.",
        epilog=_SATURATION_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument("--flow", required=True, help="id of the flow whose demand varies")
    p.add_argument(
        "--p95-days",
        type=float,
        default=None,
        help="also saturated when the mean P95 transit exceeds this many days",
    )
    _add_run_options(p, "per level, default 5", warmup=False)
    p.add_argument("--low", type=float, default=None, help="lower end of the first bracket")
    p.add_argument("--high", type=float, default=None, help="upper end of the first bracket")
    p.add_argument(
        "--tolerance",
        type=float,
        default=0.05,
        help="stop when high/low - 1 is at most this (default 0.05)",
    )
    add_execution_options(p)
    p.set_defaults(func=_cmd_saturation)
