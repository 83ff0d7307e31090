"""The ``run``, ``validate``, ``routes`` and ``schema`` commands (registered by
:func:`register`): one scenario, its network, and the scenario file format."""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
from pathlib import Path

import pandas as pd

from corridor import kpis
from corridor.choice import choosing_flows, run_equilibrium
from corridor.inputs.network import describe_legs, load_network
from corridor.inputs.routing import k_shortest_routes
from corridor.inputs.scenario import load_scenario, scenario_json_schema
from corridor.model.size import estimate_size
from corridor.results.store import check_output_folder
from corridor.run import load_model, refuse_oversized, simulate

__all__ = ["format_balance", "format_summary", "register"]

_RUN_EXAMPLES = """\
examples:
  corridor run scenarios/instc-baseline.yaml
  corridor run scenarios/caspian-winter.yaml --seed 7 --out results/winter
"""
_VALIDATE_EXAMPLES = """\
examples:
  corridor validate scenarios/instc-baseline.yaml
"""
_ROUTES_EXAMPLES = """\
examples:
  corridor routes seeds/instc.geojson NSA MOW -k 3
"""
_SCHEMA_EXAMPLES = """\
examples:
  corridor schema > scenario.schema.json
  (then in a YAML file: # yaml-language-server: $schema=scenario.schema.json)
"""


def _fmt_days(value: float) -> str:
    return (
        "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f}"
    )


def format_summary(summary: pd.DataFrame) -> str:
    """The per-route summary as an aligned text table."""
    if summary.empty:
        return "(no containers were created after the warm-up)"
    shares = [c for c in summary.columns if c.startswith("share_")]
    rows = []
    # flows and routes in alphabetical order, as batch and compare list them
    ordered = summary.assign(_f=summary["flow"].astype(str), _r=summary["route"].astype(str))
    for _, r in ordered.sort_values(["_f", "_r"], kind="stable").iterrows():
        top = sorted(
            ((r[c], c.removeprefix("share_")) for c in shares if r[c] == r[c]), reverse=True
        )[:3]
        rows.append(
            {
                "flow": r["flow"],
                "route": r["route"],
                "share": f"{r['share']:.1%}",
                "delivered boxes": int(r["delivered"]),
                "in transit boxes": int(r["in_transit"]),
                "throughput TEU/day": f"{r[kpis.THROUGHPUT]:.1f}",
                "mean d": _fmt_days(r["mean_days"]),
                "P50 d": _fmt_days(r["p50_days"]),
                "P90 d": _fmt_days(r["p90_days"]),
                "P95 d": _fmt_days(r["p95_days"]),
                "time goes to": ", ".join(f"{k} {v:.0%}" for v, k in top if v > 0),
                "status": r["status"],
            }
        )
    text = pd.DataFrame(rows).to_string(index=False)
    text += (
        "\n\ndays (mean, P50, P90, P95): transit times of the containers created after the "
        "warm-up and delivered by the end; those still in transit are not in them."
        f"\n{kpis.THROUGHPUT_TITLE}: TEU of those containers per day from the end of the "
        "warm-up to the end of the run."
    )
    if (summary["status"] != "ok").any():
        text += (
            "\n\nsaturated: the route cannot carry its demand and its backlog grows; the days "
            "above describe only the containers that got through and understate the delay."
        )
    return text


def format_balance(balance: pd.DataFrame, top: int = 10) -> str:
    """Both directions of the links that vehicles serve both ways, the most idle first."""
    both = balance[balance["imbalance_teu_per_day"].notna()]
    pairs = both.groupby("link", observed=True).filter(lambda g: len(g) == 2)
    if pairs.empty:
        return ""
    idle = pairs.groupby("link", observed=True)["idle_teu_per_day"].sum()
    lines = [
        "both ways (vehicles of a fixed capacity; load factor, and TEU a day left idle):",
    ]
    for link in idle.sort_values(ascending=False).index[:top]:
        ways = pairs[pairs["link"] == link].sort_values("carried_teu_per_day", ascending=False)
        text = "   ".join(
            f"{w.from_node}->{w.to_node} {w.load_factor:4.0%} ({w.idle_teu_per_day:,.0f} idle)"
            for w in ways.itertuples()
        )
        lines.append(f"  {link:<22} {text}")
    if len(idle) > top:
        lines.append(f"  ... {len(idle) - top} more links: corridor.kpis.direction_balance")
    return "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if args.out is not None:
        check_output_folder(args.out)  # before a long run, not after it
    args.interrupted = "the run stopped before it finished; nothing was written"
    choice_line = ""
    if choosing_flows(scenario):  # shippers choose: first let the shares settle
        equilibrium = run_equilibrium(scenario, seed=args.seed)
        scenario = equilibrium.scenario
        state = "settled" if equilibrium.converged else "did NOT settle (see corridor equilibrium)"
        choice_line = (
            f"choice    route shares {state} after {equilibrium.iterations} rounds of "
            f"{scenario.choice.replications if scenario.choice else 1} run(s) "
            f"(largest gap {equilibrium.gap:.3f})"
        )
    results = simulate(
        scenario,
        seed=args.seed,
        check_size=not args.no_size_check,
        max_in_system=args.max_in_system,
    )
    s = results.summary()
    if args.format == "csv":
        sys.stdout.write(s.to_csv(index=False))
    elif args.format == "json":
        sys.stdout.write(s.to_json(orient="records", indent=2) + "\n")
    else:
        trips = results.trips
        print(f"scenario  {scenario.name}")
        print(
            f"period    {scenario.start_date:%Y-%m-%d}, {scenario.horizon_days:g} days "
            f"(first {scenario.warmup_days:g} days are warm-up, left out below)"
        )
        print(f"seed      {results.seed}")
        if choice_line:
            print(choice_line)
        print(
            f"containers {len(trips):,} created, "
            f"{int(trips['delivered_h'].notna().sum()):,} delivered, "
            f"simulated in {results.meta.get('wall_s', 0):.1f} s"
        )
        print()
        print(format_summary(s))
        balance = format_balance(
            kpis.direction_balance(
                results.departures, results.legs, results.warmup_h, results.horizon_h
            )
        )
        if balance:
            print()
            print(balance)
    if args.out:
        args.interrupted = (
            f"stopped while saving to {args.out}: it holds its previous results or this "
            "run's, complete (a save replaces the folder whole, never file by file)"
        )
        out = results.save(args.out)
        print(f"\nsaved tables to {out}/", file=sys.stderr)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    assert scenario.network_path is not None
    network = load_network(scenario.network_path)
    model = load_model(scenario, network)
    size = (
        estimate_size(model) if args.no_size_check else refuse_oversized(model, str(args.scenario))
    )
    print(
        f"ok: {args.scenario}: scenario {scenario.name!r} with {len(model.flows)} flows, "
        f"{len(model.routes)} routes, {len(model.closure_records)} closure windows"
    )
    print(f"ok: {scenario.network_path}: {len(network.nodes)} nodes, {describe_legs(network.legs)}")
    print(f"size: a run takes {size.describe()}")
    return 0


def _cmd_routes(args: argparse.Namespace) -> int:
    network = load_network(args.network)
    routes = k_shortest_routes(network, args.origin, args.destination, k=args.k, weight=args.by)
    by = "free-flow time" if args.by == "time_h" else "distance"
    print(f"{len(routes)} shortest route(s) {args.origin} -> {args.destination} by {by}:")
    for i, r in enumerate(routes, 1):
        print(
            f"\n{i}. {r.length_km:,.0f} km, {r.time_h:,.1f} h ({r.time_h / 24:.1f} d) "
            f"free-flow, {len(r.legs)} legs"
        )
        nodes = " > ".join(r.nodes)
        print("   " + textwrap.fill(nodes, width=96, subsequent_indent="   "))
        legs = "[" + ", ".join(r.legs) + "]"
        print("   route legs (for a scenario's routes:):")
        print(
            "   " + textwrap.fill(legs, width=96, subsequent_indent="    ", break_on_hyphens=False)
        )

    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(scenario_json_schema(), indent=2))
    return 0


def _seed(text: str) -> int:
    """A seed from the command line: a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{value} is out of range: seeds go from 0 to 2**63 - 1")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_size_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-size-check",
        action="store_true",
        help="run even if the estimated size does not fit in this machine's memory",
    )
    p.add_argument(
        "--max-in-system",
        type=_positive_int,
        default=None,
        metavar="N",
        help="stop the run when more than N containers are in the system at once "
        "(default 2,000,000: a backlog that grows without end)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``run``, ``validate``, ``routes`` and ``schema`` commands."""
    fmt = argparse.RawDescriptionHelpFormatter

    p = subparsers.add_parser(
        "run",
        help="run a scenario and print its per-route summary",
        description="Run one replication of a scenario and print, per flow and "
        "route, delivered containers and transit days (mean, P50, P90, P95).",
        epilog=_RUN_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument("--seed", type=_seed, default=None, help="override the scenario's seed")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="save the tables (Parquet) and summary.csv to this folder",
    )
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="how to print the summary (default: table)",
    )
    _add_size_options(p)
    p.set_defaults(func=_cmd_run)

    p = subparsers.add_parser(
        "validate",
        help="check a scenario and its network without simulating",
        description="Load and check a scenario and its network; report every "
        "problem found, or 'ok'.",
        epilog=_VALIDATE_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument(
        "--no-size-check",
        action="store_true",
        help="do not refuse a scenario whose run would not fit in this machine's memory",
    )
    p.set_defaults(func=_cmd_validate)

    p = subparsers.add_parser(
        "routes",
        help="list the k shortest routes between two nodes",
        description="List the k shortest routes between two nodes of a network "
        "by free-flow time (running time plus mean node process times, no "
        "queueing) or by distance.",
        epilog=_ROUTES_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("network", type=Path, help="GeoJSON network file")
    p.add_argument("origin", help="node id to start from")
    p.add_argument("destination", help="node id to end at")
    p.add_argument("-k", type=int, default=3, help="how many routes (default 3)")
    p.add_argument(
        "--by",
        choices=("time_h", "length_km"),
        default="time_h",
        help="rank by free-flow time (default) or by distance",
    )
    p.set_defaults(func=_cmd_routes)

    p = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema of scenario files, for editors' "
        "autocompletion and checks.",
        epilog=_SCHEMA_EXAMPLES,
        formatter_class=fmt,
    )
    p.set_defaults(func=_cmd_schema)
