"""The ``corridor report`` and ``corridor export`` commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corridor.cli.comparison import days_at_least_zero as _days_at_least_zero
from corridor.errors import InputError
from corridor.experiments.analysis import MIN_EFFECT_DAYS
from corridor.experiments.outputs import (
    EXPERIMENT_TABLE_FORMATS,
    export_experiment,
    write_experiment_report,
)
from corridor.experiments.results import load_experiment
from corridor.experiments.sensitivity_analysis import load_sensitivity
from corridor.experiments.store import MANIFEST_NAME
from corridor.inputs.network import load_network
from corridor.results import Results
from corridor.results.store import check_output_folder
from corridor.views.export import GIS_FORMATS, TABLE_FORMATS, export_gis, export_tables
from corridor.views.figures import FIGURE_FORMATS, export_figures
from corridor.views.frames import has_network, missing_note
from corridor.views.report import write_report
from corridor.views.webmap import TILES

__all__ = ["register"]

_REPORT_EXAMPLES = """\
examples:
  corridor run scenarios/instc-baseline.yaml --out results/baseline
  corridor report results/baseline -o report.html
  corridor report results/baseline -o report.html --promised-days 25 --figures svg
  corridor report results/baseline -o online.html --tiles osm
  corridor batch experiments/border-lanes.yaml --out results/border-lanes
  corridor report results/border-lanes -o lanes.html --min-effect 0.25
  corridor report results/baseline -o report.html --sensitivity results/sensitivity-baseline
"""
_EXPORT_EXAMPLES = """\
examples:
  corridor run scenarios/instc-baseline.yaml --out results/baseline
  corridor export results/baseline -o gis/
  corridor export results/baseline -o tables/ --format csv --stages
  corridor export results/baseline -o out/ --format gpkg,geojson,parquet
  corridor export results/baseline -o charts/ --format png,svg
  (open gis/corridor.gpkg in QGIS: layers nodes, legs, routes)
  corridor export results/border-lanes -o stats/ --format csv,parquet,svg
"""


def _positive_days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 days")
    return value


def _is_experiment(folder: Path) -> bool:
    return (folder / MANIFEST_NAME).is_file()


def _refuse_run_options(args: argparse.Namespace, names: tuple[str, ...]) -> None:
    """Options about one run's network make no sense for an experiment folder: say so."""
    given = [n for n in names if getattr(args, n.lstrip("-").replace("-", "_"), None)]
    if given:
        raise InputError.single(
            args.results, "", f"{', '.join(given)} apply to one run's folder, and this is an "
            "experiment's (batch or compare)", f"leave out {', '.join(given)}",
        )  # fmt: skip


def _cmd_report(args: argparse.Namespace) -> int:
    if _is_experiment(args.results):
        _refuse_run_options(args, ("--network", "--promised-days", "--sensitivity"))
        out = write_experiment_report(
            args.results, args.output, min_effect_days=args.min_effect, figures=args.figures
        )
        print(f"wrote {out}", file=sys.stderr)
        return 0
    sensitivity = load_sensitivity(args.sensitivity) if args.sensitivity is not None else None
    out = write_report(
        args.results,
        args.output,
        network_path=args.network,
        promised_days=args.promised_days,
        tiles=None if args.tiles == "none" else args.tiles,
        with_map=not args.no_map,
        figures=args.figures,
        progress=None,  # a bar on a terminal only
        sensitivity=sensitivity,
    )
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _export_experiment(args: argparse.Namespace) -> int:
    _refuse_run_options(args, ("--network", "--promised-days", "--stages"))
    text = args.format or "csv,png"
    chosen = [f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()]
    known = (*EXPERIMENT_TABLE_FORMATS, *FIGURE_FORMATS)
    bad = [f for f in chosen if f not in known]
    if bad or not chosen:
        raise InputError.single(
            "--format", "", f"{text!r} names no known format" if not chosen
            else f"format(s) {', '.join(bad)} do not apply to an experiment folder (it has "
            "statistics and charts, no map layers)", f"choose from {', '.join(known)}",
        )  # fmt: skip
    check_output_folder(args.output, flag="-o", whole=False)
    written = export_experiment(
        load_experiment(args.results), args.output, chosen, min_effect_days=args.min_effect
    )
    print(f"wrote {len(written)} files to {args.output}/", file=sys.stderr)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    if _is_experiment(args.results):
        return _export_experiment(args)
    explicit = args.format is not None
    text = args.format if explicit else "csv,gpkg"
    chosen = [f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()]
    known = (*TABLE_FORMATS, *GIS_FORMATS, *FIGURE_FORMATS)
    bad = [f for f in chosen if f not in known]
    if bad or not chosen:
        raise InputError.single(
            "--format", "", f"{text!r} names no known format" if not chosen
            else f"unknown format(s) {', '.join(bad)}", f"choose from {', '.join(known)}",
        )  # fmt: skip
    check_output_folder(args.output, flag="-o", whole=False)
    results = Results.load(args.results)
    network = load_network(args.network) if args.network is not None else None
    written = []
    tables = [f for f in chosen if f in TABLE_FORMATS]
    if tables:
        written += export_tables(
            results, args.output, tables, network, stages_csv=args.stages, progress=None
        )
        if "csv" in tables and not args.stages:
            print("stages.csv left out (it is large): add --stages to write it", file=sys.stderr)
    figures = [f for f in chosen if f in FIGURE_FORMATS]
    if figures:
        written += export_figures(results, args.output, figures, network, progress=None)
    gis = [f for f in chosen if f in GIS_FORMATS]
    if gis:
        why = missing_note(results, "nodes", "legs") or "the run has no nodes"
        if not has_network(results, network) and not explicit:
            print(f"no GIS files: {why}; give --network PATH", file=sys.stderr)
        elif not has_network(results, network):
            raise InputError.single(
                args.results, "", f"GIS export needs the run's network, and {why}",
                "give --network PATH",
            )  # fmt: skip
        else:
            written += export_gis(network, results, args.output, gis, args.promised_days)
    print(f"wrote {len(written)} files to {args.output}/", file=sys.stderr)
    return 0


def _add_min_effect(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--min-effect", type=_days_at_least_zero, default=MIN_EFFECT_DAYS, metavar="DAYS",
        help="experiment folders: practical threshold of the paired comparisons, days "
        f"(default {MIN_EFFECT_DAYS:g})",
    )  # fmt: skip


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` and ``export`` commands to the ``corridor`` command line."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser(
        "report",
        help="write an HTML report of a saved run or experiment",
        description="Write one self-contained HTML page with a saved run's summary, "
        "time/cost-distance charts, transit-time distributions, CAREC indicators, "
        "utilisation, load factors, cost, CO2e and an interactive map on land, coast and "
        "borders shipped with corridor (Natural Earth). It opens offline and loads nothing "
        "from the network, unless --tiles osm puts OpenStreetMap's tiles under the map. "
        "Of an experiment's folder (batch, compare): statistics per scenario and route with "
        "confidence intervals, paired comparisons with forest plots, and the convergence of "
        "replications.",
        epilog=_REPORT_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument(
        "results", type=Path,
        help="folder written by 'corridor run ... --out', or by 'corridor batch' or 'compare'",
    )  # fmt: skip
    p.add_argument(
        "-o", "--output", type=Path, default=Path("report.html"),
        help="HTML file to write (default: report.html); its folder must exist",
    )  # fmt: skip
    p.add_argument(
        "--network", type=Path, default=None,
        help="a GeoJSON network to draw instead of the run's own (needed only for folders "
        "saved by an older corridor, without nodes and legs tables)",
    )  # fmt: skip
    p.add_argument(
        "--promised-days", type=_positive_days, default=None, metavar="DAYS",
        help="promised transit time, for on-time shares",
    )  # fmt: skip
    p.add_argument(
        "--tiles", choices=sorted(TILES), default="none",
        help="background tiles of the interactive map: none (default: the shipped land "
        "layer, works offline) or osm (OpenStreetMap's tile server, needs the internet)",
    )  # fmt: skip
    p.add_argument("--no-tiles", action="store_true", help=argparse.SUPPRESS)  # the default now
    p.add_argument("--no-map", action="store_true", help="leave the maps out")
    _add_min_effect(p)
    p.add_argument(
        "--figures", choices=FIGURE_FORMATS, default="png",
        help="embed the charts as png (default, smaller) or svg (sharp at any zoom)",
    )  # fmt: skip
    p.add_argument(
        "--sensitivity", type=Path, default=None, metavar="FOLDER",
        help="a folder written by 'corridor sensitivity' (its out:): add its headline (the "
        "range of each route difference over the plausible inputs, next to the replication "
        "CI), the ranked factors and their chart",
    )  # fmt: skip
    p.set_defaults(func=_cmd_report)

    p = subparsers.add_parser(
        "export",
        help="export a saved run's tables and KPIs for spreadsheets and GIS, or an "
        "experiment's statistics",
        description="Export a saved run: the tables and KPI tables as CSV or Parquet "
        "(columns: docs/results-reference.md), nodes, legs and routes with their KPIs as a "
        "GeoPackage or GeoJSON for QGIS, and the report's charts as PNG or SVG. Of an "
        "experiment's folder: its statistics, comparisons, runs and convergence as CSV or "
        "Parquet and its charts as PNG or SVG (default csv,png).",
        epilog=_EXPORT_EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument(
        "results", type=Path,
        help="folder written by 'corridor run ... --out', or by 'corridor batch' or 'compare'",
    )  # fmt: skip
    p.add_argument(
        "-o", "--output", type=Path, required=True, help="folder to write into (created)"
    )
    p.add_argument(
        "--format", default=None,
        help="comma-separated: csv, parquet (tables), gpkg, geojson (GIS layers), png, svg "
        "(charts) (default: csv, and gpkg when the run's network is known)",
    )  # fmt: skip
    p.add_argument(
        "--stages", action="store_true",
        help="also write stages.csv, one row per container and stage (large: 261 MB for the "
        "baseline year); stages.parquet is always written with --format parquet",
    )  # fmt: skip
    p.add_argument(
        "--network", type=Path, default=None,
        help="a GeoJSON network for the GIS files instead of the run's own (needed only for "
        "folders saved by an older corridor, without nodes and legs tables)",
    )  # fmt: skip
    p.add_argument(
        "--promised-days", type=_positive_days, default=None, metavar="DAYS",
        help="promised transit time, for the routes' on-time share",
    )  # fmt: skip
    _add_min_effect(p)
    p.set_defaults(func=_cmd_export)
