"""Transit times: their distribution (ECDF, histogram) and where the time goes (breakdown)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from corridor import kpis
from corridor.views.style import (
    CATEGORY_COLORS,
    SCENARIO_STYLES,
    axes,
    by_scenario,
    label,
    route_colors,
    route_label,
    time_scale,
)

__all__ = ["plot_time_breakdown", "plot_transit_ecdf", "plot_transit_histogram"]


def _transit_groups(
    trips: pd.DataFrame | Mapping[str, pd.DataFrame],
    by: str,
    include_warmup: bool,
    labels: Mapping[str, str] | None = None,
) -> list[tuple[str, np.ndarray, dict[str, Any]]]:
    """(label, sorted transit days, line style) per scenario and group."""
    sets = by_scenario(trips)
    first = next(iter(sets.values()), None)
    universe = first[by] if first is not None and by in first else None
    groups = []
    for i, (scenario, t) in enumerate(sets.items()):
        done = kpis.measured_trips(t, include_warmup)
        for key, g in done.groupby(by, observed=True, sort=True):
            days = np.sort(g["transit_days"].to_numpy())
            groups.append((scenario, str(key), days, SCENARIO_STYLES[i % len(SCENARIO_STYLES)]))
    colors = route_colors([key for _, key, _, _ in groups], universe)
    return [
        (label(scenario, route_label(key, labels)), days, {"color": colors[key], "ls": ls})
        for scenario, key, days, ls in groups
    ]


def plot_transit_ecdf(
    trips: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    by: str = "route",
    promised_days: float | None = None,
    include_warmup: bool = False,
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Empirical distribution of transit times: share of containers delivered within x days.

    Parameters
    ----------
    trips
        The ``trips`` table, or ``{scenario: trips}`` to compare scenarios.
    by
        Column of ``trips`` that makes one line each (``"route"`` or ``"flow"``).
    promised_days
        Draw the promised transit time as a vertical line.
    include_warmup
        Count containers created during the warm-up too.
    labels
        Readable labels of routes for the legend (``Results.route_labels``).
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = axes(ax, (8, 4.5))
    for name, days, style in _transit_groups(trips, by, include_warmup, labels):
        if not len(days):
            continue
        share = np.arange(1, len(days) + 1) / len(days)
        p50, p95 = np.quantile(days, [0.5, 0.95])
        ax.step(
            days,
            share,
            where="post",
            lw=1.8,
            **style,
            label=f"{name}: P50 {p50:.1f} d, P95 {p95:.1f} d (n={len(days):,})",
        )
    if promised_days is not None:
        ax.axvline(promised_days, color="0.2", ls="--", lw=1, label=f"promise {promised_days:g} d")
    for level in (0.5, 0.95):
        ax.axhline(level, color="0.7", lw=0.8, ls=":")
    ax.set_xlabel("transit time (days)")
    ax.set_ylabel("share of containers delivered")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.set_title("Transit time distribution (ECDF)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_transit_histogram(
    trips: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    by: str = "route",
    bin_days: float | None = None,
    include_warmup: bool = False,
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Histogram of transit times, one outline per route (and scenario).

    Parameters
    ----------
    trips
        The ``trips`` table, or ``{scenario: trips}`` to compare scenarios.
    by
        Column of ``trips`` that makes one histogram each.
    bin_days
        Width of the bins in days; by default about 40 bins over the whole range.
    include_warmup
        Count containers created during the warm-up too.
    labels
        Readable labels of routes for the legend (``Results.route_labels``).
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = axes(ax, (8, 4.5))
    groups = [g for g in _transit_groups(trips, by, include_warmup, labels) if len(g[1])]
    if groups:
        lo = min(float(d[0]) for _, d, _ in groups)
        hi = max(float(d[-1]) for _, d, _ in groups)
        width = bin_days or max((hi - lo) / 40.0, 1.0 / 24.0)
        edges = np.arange(np.floor(lo / width) * width, hi + width, width)
        if len(edges) < 2:
            edges = np.array([lo - width / 2, lo + width / 2])
        for name, days, style in groups:
            weights = np.full(len(days), 1.0 / len(days))
            ax.hist(
                days,
                bins=list(edges),
                weights=weights,
                histtype="step",
                lw=1.8,
                label=name,
                **style,
            )
            ax.hist(
                days,
                bins=list(edges),
                weights=weights,
                histtype="stepfilled",
                alpha=0.12,
                color=style["color"],
            )
    ax.set_xlabel("transit time (days)")
    ax.set_ylabel("share of containers")
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.set_title("Transit time histogram")
    ax.grid(True, alpha=0.3)
    if groups:
        ax.legend(fontsize=8)
    return fig


def plot_time_breakdown(
    trips: pd.DataFrame | Mapping[str, pd.DataFrame],
    stages: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    by: str = "route",
    time_unit: str = "auto",
    include_warmup: bool = False,
    ax: Axes | None = None,
) -> Figure:
    """Where the time goes: a stacked bar of mean hours per category for each route.

    Parameters
    ----------
    trips, stages
        The run's tables, or ``{scenario: table}`` for several scenarios (same keys).
    by
        Column of ``trips`` with one bar each.
    time_unit
        ``"auto"``, ``"h"`` or ``"days"``.
    include_warmup
        Count containers created during the warm-up too.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
    """
    trip_sets = by_scenario(trips)
    stage_sets = by_scenario(stages)
    tables = []
    for scenario, t in trip_sets.items():
        b = kpis.time_breakdown(t, stage_sets[scenario], by=by, include_warmup=include_warmup)
        b["label"] = [label(scenario, str(k)) for k in b[by]]
        tables.append(b)
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    n = len(table)
    fig, ax = axes(ax, (9, 1.2 + 0.55 * max(n, 1)))
    if n:
        scale, word = time_scale(float(table["total_h"].max()), time_unit)
        left = np.zeros(n)
        y = np.arange(n)
        for cat in kpis.TIME_CATEGORIES:
            width = table[f"{cat}_h"].to_numpy() / scale
            if not width.any():
                continue
            ax.barh(
                y,
                width,
                left=left,
                color=CATEGORY_COLORS[cat],
                height=0.6,
                label=kpis.TIME_CATEGORY_LABELS[cat],
                edgecolor="white",
                lw=0.5,
            )
            left += width
        for yi, total in zip(y, left, strict=True):
            ax.annotate(
                f"{total:,.1f}",
                (total, yi),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        ax.set_yticks(y, table["label"].tolist())
        ax.invert_yaxis()
        ax.set_xlabel(f"mean time per container ({word})")
        ax.set_xlim(0, left.max() * 1.12)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    ax.set_title("Where the time goes")
    ax.grid(True, axis="x", alpha=0.3)
    return fig
