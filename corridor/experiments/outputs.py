"""An experiment's results outside Python: tables, charts and an HTML page.

``corridor report`` and ``corridor export`` of a ``batch`` or ``compare`` folder come here
(a run's folder goes to :mod:`corridor.views.report` and :mod:`corridor.views.export`). What
they show is made from :class:`~corridor.experiments.results.ExperimentResults`:

- ``statistics``: per scenario, flow and route, each statistic's mean and confidence
  interval across replications (:func:`~corridor.experiments.analysis.summary_statistics`);
- ``comparison``: every scenario against the first, paired by replication, per flow (its
  routes pooled) and per route, with verdicts (:meth:`ExperimentResults.compare`);
- ``convergence``: the running mean and interval half-width as replications are added
  (:func:`~corridor.experiments.analysis.replication_convergence`);
- charts of the three: intervals, forest plots of the differences, convergence;
- ``diversion``, when the folder is a ``compare`` of scenarios whose flows choose their routes:
  the TEU a day that move to and from each route (:mod:`corridor.choice.diversion`), with a
  chart per flow.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from corridor import __version__
from corridor.choice.diversion import DIVERSION_FILE, diversion_lines
from corridor.experiments.analysis import MIN_EFFECT_DAYS, replication_convergence
from corridor.experiments.results import ExperimentResults, load_experiment
from corridor.results.files import write_table_atomic
from corridor.results.store import check_output_file, make_folder, write_text_atomic
from corridor.views.figures import save_figure
from corridor.views.plots import (
    plot_diversion,
    plot_intervals,
    plot_paired_differences,
    plot_replication_convergence,
)
from corridor.views.report_html import (
    FIGURE_FORMATS,
    Block,
    Section,
    figure,
    heading,
    note,
    render_experiment_report,
    table,
)

__all__ = [
    "EXPERIMENT_TABLE_FORMATS",
    "experiment_figures",
    "experiment_tables",
    "export_experiment",
    "write_experiment_report",
]

log = logging.getLogger(__name__)

EXPERIMENT_TABLE_FORMATS = ("csv", "parquet")
_CHART_METRICS = ("p50_days", "p95_days")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", text).strip("_")[:80] or "scenario"


def _comparisons(results: ExperimentResults, min_effect_days: float) -> pd.DataFrame:
    """Every scenario against the first, stacked, with columns ``a`` and ``b``."""
    labels = list(results.scenarios["scenario"]) if not results.scenarios.empty else []
    if len(labels) < 2 or results.runs.empty:
        return pd.DataFrame()
    parts = [
        results.compare(labels[0], b, min_effect_days).assign(a=labels[0], b=b) for b in labels[1:]
    ]
    out = pd.concat(parts, ignore_index=True)
    return out[["a", "b", *[c for c in out.columns if c not in ("a", "b")]]]


def experiment_tables(
    results: ExperimentResults, min_effect_days: float = MIN_EFFECT_DAYS
) -> dict[str, pd.DataFrame]:
    """The tables of an experiment, by file stem: ``statistics``, ``runs``, ``convergence``,
    ``scenarios`` and, with two scenarios or more, ``comparison`` (each against the first)."""
    tables = {
        "statistics": results.statistics,
        "runs": results.runs,
        "convergence": replication_convergence(results.runs, results.confidence)
        if not results.runs.empty
        else pd.DataFrame(),
        "scenarios": results.scenarios,
    }
    comparison = _comparisons(results, min_effect_days)
    if not comparison.empty:
        tables["comparison"] = comparison
    moved = _diversion(results)
    if not moved.empty:
        tables["diversion"] = moved
    return tables


def _diversion(results: ExperimentResults) -> pd.DataFrame:
    """The diversion a ``compare`` of choosing scenarios left in the folder, or nothing."""
    path = Path(results.directory) / DIVERSION_FILE
    return pd.read_parquet(path) if path.is_file() else pd.DataFrame()


def _moving_flows(moved: pd.DataFrame, min_teu_per_day: float = 0.5) -> list[str]:
    big = moved[moved["moved_teu_per_day"].abs() >= min_teu_per_day]
    return [str(f) for f in dict.fromkeys(big["flow"])]


def experiment_figures(
    results: ExperimentResults, min_effect_days: float = MIN_EFFECT_DAYS
) -> dict[str, Callable[[], Figure]]:
    """The charts of an experiment, by file stem, each a function that draws it."""
    charts: dict[str, Callable[[], Figure]] = {}
    if results.statistics.empty:
        return charts
    for metric in _CHART_METRICS:
        stem = metric.removesuffix("_days")
        charts[f"intervals-{stem}"] = partial(plot_intervals, results.statistics, metric)
    comparison = _comparisons(results, min_effect_days)
    for b in comparison["b"].unique() if not comparison.empty else []:
        rows = comparison[comparison["b"] == b]
        a = str(rows["a"].iloc[0])
        charts[f"differences-{_slug(str(b))}"] = partial(
            plot_paired_differences, rows, "p50_days", min_effect_days, title=f"{b} − {a}"
        )
    convergence = replication_convergence(results.runs, results.confidence)
    charts["convergence-p50"] = partial(plot_replication_convergence, convergence, "p50_days")
    moved = _diversion(results)
    for flow in _moving_flows(moved) if not moved.empty else []:
        charts[f"diversion-{_slug(flow)}"] = partial(plot_diversion, moved, flow)
    return charts


def export_experiment(
    results: ExperimentResults,
    directory: str | Path,
    formats: Iterable[str] = ("csv",),
    min_effect_days: float = MIN_EFFECT_DAYS,
) -> list[Path]:
    """Write an experiment's tables (CSV, Parquet) and charts (PNG, SVG) into ``directory``.

    Raises
    ------
    ValueError
        If a format is none of ``csv``, ``parquet``, ``png``, ``svg``.
    OutputError
        If the folder cannot be created or a file cannot be written.
    """
    chosen = [f.lower().lstrip(".") for f in formats]
    known = (*EXPERIMENT_TABLE_FORMATS, *FIGURE_FORMATS)
    bad = [f for f in chosen if f not in known]
    if bad:
        raise ValueError(f"format(s) {', '.join(bad)} not one of {', '.join(known)}")
    out = make_folder(directory)
    written = []
    tables = experiment_tables(results, min_effect_days)
    for name, frame in tables.items():
        for kind in chosen:
            if kind in EXPERIMENT_TABLE_FORMATS:
                written.append(write_table_atomic(out / f"{name}.{kind}", frame))
    kinds = [k for k in chosen if k in FIGURE_FORMATS]
    if kinds:
        for stem, draw in experiment_figures(results, min_effect_days).items():
            try:
                fig = draw()
            except ValueError as exc:  # documented "cannot draw this" errors
                log.info("chart %s left out: %s", stem, exc)
                continue
            written += [save_figure(fig, out / f"{stem}.{kind}") for kind in kinds]
    log.info("exported the experiment %s: %d files in %s", results.directory, len(written), out)
    return written


def _pm(mean: float, half: float, places: int) -> str:
    if mean != mean:
        return "-"
    return f"{mean:.{places}f}" if half != half else f"{mean:.{places}f} ± {half:.{places}f}"


def _statistics_table(statistics: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario, flow and route; each statistic as 'mean ± half-width'."""
    rows = []
    heads = {
        "mean_days": "mean (days)",
        "p50_days": "P50 (days)",
        "p90_days": "P90 (days)",
        "p95_days": "P95 (days)",
        "throughput_teu_per_day": "throughput (TEU/day delivered, created after warm-up)",
    }
    keys = ["scenario", "flow", "route"]
    for key, g in statistics.groupby(keys, sort=False, observed=True):
        by = g.set_index("metric")
        runs = int(by["runs"].iloc[0])
        row: dict[str, object] = {**dict(zip(keys, key, strict=True)), "replications": runs}
        for metric, head in heads.items():
            places = 1 if metric == "throughput_teu_per_day" else 2
            mean = by["mean"].astype(float).get(metric, math.nan)
            half = by["half_width"].astype(float).get(metric, math.nan)
            row[head] = _pm(float(mean), float(half), places)
        row["saturated runs"] = f"{int(by['saturated_runs'].iloc[0])}/{runs}"
        rows.append(row)
    return pd.DataFrame(rows)


def _sections(results: ExperimentResults, min_effect_days: float, fmt: str) -> list[Section]:
    fig = partial(figure, fmt=fmt)
    level = f"{results.confidence * 100:g} %"
    charts = experiment_figures(results, min_effect_days)
    stats_blocks: list[Block] = [
        table(_statistics_table(results.statistics), {"replications": "{:,.0f}"}),
        note(
            f"mean ± half-width of the {level} t interval across replications; each "
            "replication's statistic is over its containers created after the warm-up and "
            "delivered by the end."
        ),
    ]
    for metric in _CHART_METRICS:
        stem = f"intervals-{metric.removesuffix('_days')}"
        stats_blocks.append(
            fig(charts[stem], f"{metric} per route", f"{level} intervals, smallest on top.")
        )
    sections = [Section("statistics", "Statistics per scenario and route", stats_blocks)]
    comparison = _comparisons(results, min_effect_days)
    if not comparison.empty:
        blocks: list[Block] = []
        for b, rows in comparison.groupby("b", sort=False):
            a = str(rows["a"].iloc[0])
            blocks.append(heading(f"{b} against {a}"))
            blocks.append(
                fig(
                    charts[f"differences-{_slug(str(b))}"],
                    f"paired differences {b} − {a}",
                    f"P50 transit, B − A per flow (all routes pooled) and route, {level} "
                    f"intervals over paired replications; shaded: under {min_effect_days:g} "
                    "d, no practical difference.",
                )
            )
            p50 = rows[rows["metric"] == "p50_days"]
            blocks.append(table(p50[["verdict"]]))
        sections.append(Section("comparison", "Paired comparisons", blocks, nav="Comparisons"))
    moved = _diversion(results)
    if not moved.empty:
        change = str(moved["b"].iloc[0])
        lines = diversion_lines(moved, change, confidence=results.confidence)
        blocks = [
            table(pd.DataFrame({"what moves (B − A, TEU a day shipped on each route)": lines})),
            note(
                "Both scenarios' flows choose their routes; each ran to its equilibrium and then "
                f"at its settled shares with the same seeds. {level} intervals over the paired "
                "replications; routes that move less than 0.5 TEU a day are left out of the "
                "sentences."
            ),
        ]
        for flow in _moving_flows(moved):
            blocks.append(
                fig(
                    charts[f"diversion-{_slug(flow)}"],
                    f"diversion of flow {flow}",
                    f"TEU a day gained (right) or lost (left) by each route of {flow}, {level} "
                    "intervals.",
                )
            )
        sections.append(Section("diversion", "Cargo that moves", blocks, nav="Diversion"))
    sections.append(
        Section(
            "convergence",
            "Convergence of replications",
            [
                fig(
                    charts["convergence-p50"],
                    "convergence of P50",
                    "Running mean and confidence-interval half-width of P50 transit as "
                    "replications are added: the mean settles and the half-width falls "
                    "about as 1/√n; more replications help while it still falls.",
                )
            ],
            nav="Convergence",
        )
    )
    return sections


def write_experiment_report(
    directory: str | Path,
    out_path: str | Path,
    *,
    min_effect_days: float = MIN_EFFECT_DAYS,
    figures: str = "png",
) -> Path:
    """Read an experiment's folder and write its HTML report, atomically.

    Raises
    ------
    OutputError
        Before any work, if ``out_path`` cannot be written.
    CorridorError
        If the folder holds no experiment.
    ValueError
        If ``figures`` is not ``"png"`` or ``"svg"``.
    """
    if figures not in FIGURE_FORMATS:
        raise ValueError(f"figures {figures!r} is not one of {', '.join(FIGURE_FORMATS)}")
    check_output_file(out_path)
    results = load_experiment(directory)
    sc = results.scenarios
    page = render_experiment_report(
        _sections(results, min_effect_days, figures),
        title=f"corridor experiment: {results.manifest.get('name', Path(directory).name)}",
        scenarios=len(sc),
        replications=int(results.manifest.get("replications", 0)),
        seed=results.manifest.get("root_seed", 0),
        warmup=", ".join(f"{r.scenario}: {r.warmup_days:g} d" for r in sc.itertuples()) or "-",
        confidence=f"{results.confidence * 100:g} %",
        min_effect=f"{min_effect_days:g}",
        made=f"{dt.datetime.now():%Y-%m-%d %H:%M}",
        version=__version__,
    )
    out = write_text_atomic(out_path, page)
    log.info("wrote the experiment report %s (%.1f MB)", out, len(page) / 1e6)
    return out
