"""Experiments: estimates with confidence intervals, paired differences, and how intervals
narrow as replications are added.

The tables come from :mod:`corridor.experiments` (``statistics``, ``compare``,
``replication_convergence``); these functions only draw them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from corridor.kpis import ALL_ROUTES
from corridor.views.style import axes

__all__ = ["plot_intervals", "plot_paired_differences", "plot_replication_convergence"]

_NAMES = {
    "mean_days": "mean transit",
    "p50_days": "P50 transit",
    "p90_days": "P90 transit",
    "p95_days": "P95 transit",
    "throughput_teu_per_day": "throughput",
}
_UNITS = {"d": "days", "TEU/day": "TEU/day"}


def _forest(
    ax: Axes,
    labels: Sequence[str],
    estimate: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    colors: Sequence[str],
) -> None:
    """Points with horizontal interval bars, the first row at the top."""
    y = np.arange(len(labels))[::-1]
    left = np.where(np.isnan(low), 0.0, estimate - low)
    right = np.where(np.isnan(high), 0.0, high - estimate)
    for yi, e, lo, hi, c in zip(y, estimate, left, right, colors, strict=True):
        ax.errorbar(e, yi, xerr=[[lo], [hi]], fmt="o", color=c, ms=5, capsize=3, lw=1.5)
    ax.set_yticks(list(y), list(labels))
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.grid(axis="x", alpha=0.3)


def _metric_rows(table: pd.DataFrame, metric: str, what: str) -> pd.DataFrame:
    rows = table[table["metric"] == metric]
    if rows.empty:
        have = ", ".join(dict.fromkeys(str(m) for m in table["metric"])) or "none"
        raise ValueError(f"no {what} rows for metric {metric!r} (metrics: {have})")
    return rows


def plot_paired_differences(
    comparison: pd.DataFrame,
    metric: str = "p50_days",
    min_effect_days: float | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Forest plot of paired differences B − A with their confidence intervals.

    One row per flow (all its routes pooled) and route, in the table's order (a comparison
    is sorted by the size of the difference); black: a practical difference, grey: not.

    Parameters
    ----------
    comparison
        The table of :meth:`corridor.experiments.ExperimentResults.compare` (or
        :func:`corridor.experiments.compare_runs`).
    metric
        The statistic to draw (``mean_days``, ``p50_days``, ``p90_days``, ``p95_days`` or
        ``throughput_teu_per_day``).
    min_effect_days
        The practical threshold, drawn as a shaded band around 0 for a transit statistic.
    title
        Title of the chart.
    ax
        Where to draw.

    Raises
    ------
    ValueError
        If the table has no row for ``metric``.
    """
    rows = _metric_rows(comparison, metric, "comparison")
    own = ax is None
    fig, ax = axes(ax, (8, 1.2 + 0.35 * len(rows)))
    if own:
        fig.set_layout_engine("constrained")  # long route names and titles stay inside
    labels = [
        f"{f} (all routes)" if r == ALL_ROUTES else f"{f} {r}"
        for f, r in zip(rows["flow"], rows["route"], strict=True)
    ]
    practical = rows["practical"] if "practical" in rows else rows["significant"]
    colors = ["black" if p else "0.6" for p in practical]
    _forest(
        ax,
        labels,
        rows["diff"].to_numpy(float),
        rows["ci_low"].to_numpy(float),
        rows["ci_high"].to_numpy(float),
        colors,
    )
    ax.axvline(0.0, color="black", lw=0.8)
    unit = str(rows["unit"].iloc[0])
    if min_effect_days and unit == "d":
        ax.axvspan(-min_effect_days, min_effect_days, color="0.9", zorder=0)
    ax.set_xlabel(f"B − A, {_NAMES.get(metric, metric)} ({_UNITS.get(unit, unit)}), with CI")
    shade = f"; shaded: ±{min_effect_days:g} d, no practical difference" if min_effect_days else ""
    text = title or f"paired differences (black: practical difference{shade})"
    if own:  # across the whole figure: the route names take much of its width
        fig.suptitle(textwrap.fill(text, 90), fontsize=9)
    else:
        ax.set_title(textwrap.fill(text, 80), fontsize=9)
    return fig


def plot_intervals(
    statistics: pd.DataFrame,
    metric: str = "p50_days",
    flow: str | None = None,
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Each scenario's and route's estimate of a statistic with its confidence interval.

    Parameters
    ----------
    statistics
        The ``statistics`` table of an experiment (one row per scenario, flow, route and
        metric, with ``mean``, ``ci_low`` and ``ci_high``).
    metric
        The statistic to draw.
    flow
        Only this flow's routes (default: every flow).
    labels
        Readable route names (a scenario's ``route_labels``).
    ax
        Where to draw.

    Raises
    ------
    ValueError
        If the table has no row for ``metric`` (or for ``flow``).
    """
    rows = _metric_rows(statistics, metric, "statistics")
    if flow is not None:
        rows = rows[rows["flow"] == flow]
        if rows.empty:
            raise ValueError(f"no statistics rows for flow {flow!r}")
    rows = rows.sort_values("mean", kind="stable")
    several = rows["scenario"].nunique() > 1
    own = ax is None
    names = labels or {}
    text = [
        (f"{s}: " if several else "") + (f"{f} " if flow is None else "") + names.get(r, r)
        for s, f, r in zip(rows["scenario"], rows["flow"], rows["route"].astype(str), strict=True)
    ]
    fig, ax = axes(ax, (8, 1.2 + 0.35 * len(rows)))
    if own:
        fig.set_layout_engine("constrained")
    _forest(
        ax,
        text,
        rows["mean"].to_numpy(float),
        rows["ci_low"].to_numpy(float),
        rows["ci_high"].to_numpy(float),
        ["black"] * len(rows),
    )
    unit = str(rows["unit"].iloc[0])
    ax.set_xlabel(f"{_NAMES.get(metric, metric)} ({_UNITS.get(unit, unit)}), with CI")
    ax.set_title(f"{_NAMES.get(metric, metric)} per route, over the replications", fontsize=9)
    return fig


def plot_replication_convergence(
    convergence: pd.DataFrame, metric: str = "p50_days", axs: Sequence[Axes] | None = None
) -> Figure:
    """Running mean (top) and CI half-width (bottom) against the number of replications.

    Parameters
    ----------
    convergence
        The table of :func:`corridor.experiments.replication_convergence`.
    metric
        The statistic to draw.
    axs
        Two axes to draw on (mean, half-width); default a new figure.

    Raises
    ------
    ValueError
        If the table has no row for ``metric``.
    """
    rows = _metric_rows(convergence, metric, "convergence")
    if axs is None:
        fig = Figure(figsize=(9, 6), layout="constrained")  # room for the legend outside
        top, bottom = fig.subplots(2, 1, sharex=True)
    else:
        top, bottom = axs
        fig = top.get_figure()  # type: ignore[assignment]
    several = rows["scenario"].nunique() > 1
    for (scenario, flow, route), g in rows.groupby(
        ["scenario", "flow", "route"], sort=False, observed=True
    ):
        name = (f"{scenario}: " if several else "") + f"{flow} {route}"
        top.plot(g["replications"], g["mean"], marker="o", ms=3, label=name)
        bottom.plot(g["replications"], g["half_width"], marker="o", ms=3, label=name)
    unit = _UNITS.get(str(rows["unit"].iloc[0]), str(rows["unit"].iloc[0]))
    top.set_ylabel(f"running mean ({unit})")
    bottom.set_ylabel(f"CI half-width ({unit})")
    bottom.set_xlabel("replications")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    top.set_title(f"{_NAMES.get(metric, metric)}: as replications are added", fontsize=9)
    top.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    for a in (top, bottom):
        a.grid(alpha=0.3)
    return fig
