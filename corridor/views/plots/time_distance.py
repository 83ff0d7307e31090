"""The ESCAP time/cost-distance chart: cumulative time or cost against distance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from corridor import kpis
from corridor.views.style import axes, route_colors, route_label, time_scale

if TYPE_CHECKING:
    from corridor.inputs.network import Network

__all__ = ["plot_time_distance"]


def plot_time_distance(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    routes: Sequence[str] | None = None,
    *,
    flow: str | None = None,
    metric: str = "time",
    network: Network | None = None,
    departures: pd.DataFrame | None = None,
    band: tuple[float, float] | None = (0.1, 0.9),
    time_unit: str = "auto",
    node_labels: bool = True,
    include_warmup: bool = False,
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The ESCAP time/cost-distance chart: cumulative time or cost against distance.

    For each route the line is the median over delivered containers of the time (or cost)
    at which they reach and leave every node: it slopes along legs (the flatter, the
    faster) and rises vertically at nodes (handling, waiting for departures, borders, gauge
    change). The shaded band spans the given quantiles (P10–P90 by default).

    Parameters
    ----------
    trips, stages
        The run's tables.
    routes
        Routes to draw, in this order; defaults to all, the busiest first.
    flow
        Draw only this flow's containers (routes of different flows may run in opposite
        directions, so compare routes within one flow).
    metric
        ``"time"`` (hours or days since the container was created) or ``"cost"`` (USD per
        TEU, which needs ``network`` for tariffs unless the stages carry ``cost_usd``).
    network
        For the tariffs of the cost chart.
    departures
        For node names along the route (labels of the vertical steps).
    band
        Lower and upper quantile of the band, or ``None`` for no band.
    time_unit
        ``"auto"`` (days if longer than 72 h), ``"h"`` or ``"days"``.
    node_labels
        Write node names at the big steps (at least 4 % of the height of the chart) and at
        the destinations (needs ``departures``).
    include_warmup
        Count containers created during the warm-up too.
    labels
        Readable labels of routes for the legend (``Results.route_labels``).
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``metric`` is unknown, or the cost chart has no tariffs.
    """
    if metric not in ("time", "cost"):
        raise ValueError(f"metric {metric!r} is not one of 'time', 'cost'")
    colors = route_colors(trips["route"])
    if flow is not None:
        trips = trips[trips["flow"].astype(str) == flow]
    costs = kpis.stage_costs(stages, trips, network) if metric == "cost" else None
    points = kpis.time_distance_points(trips, stages, costs, include_warmup)
    if routes is None:
        busiest = points.groupby("route")["container"].nunique().sort_values(ascending=False)
        names = [str(r) for r in busiest.index]
    else:
        names = [str(r) for r in routes]
    fig, ax = axes(ax, (9 if len(names) <= 4 else 11.5, 5.5))
    a_col, d_col = (
        ("arrive_h", "depart_h")
        if metric == "time"
        else ("arrive_usd_per_teu", "depart_usd_per_teu")
    )
    scale, word = 1.0, "USD per TEU"
    if metric == "time":
        top = points[d_col].max() if len(points) else 0.0
        scale, word = time_scale(float(top) if top == top else 0.0, time_unit)
    chain = kpis.route_legs(stages, departures) if node_labels and departures is not None else None
    steps: list[tuple[float, str, float, float, Any]] = []  # (step, node, km, y, colour)
    for name in names:
        p = points[points["route"] == name]
        if p.empty:
            continue
        g = p.groupby("node_seq", sort=True)
        km = g["km"].first().to_numpy()
        x = np.repeat(km, 2)

        def path(q: float, g: Any = g) -> np.ndarray:
            a = g[a_col].quantile(q).to_numpy()
            d = g[d_col].quantile(q).to_numpy()
            return np.column_stack([a, d]).ravel() / scale

        median = path(0.5)
        n = p["container"].nunique()
        legend = f"{route_label(name, labels)} (median, n={n:,})"
        ax.plot(x, median, color=colors[name], lw=2.2, label=legend)
        if band is not None:
            ax.fill_between(x, path(band[0]), path(band[1]), color=colors[name], alpha=0.18, lw=0)
        ax.plot(km, median[1::2], "o", color=colors[name], ms=3.5)
        if chain is not None:
            legs = chain[chain["route"] == name]
            nodes = [legs["from_node"].iloc[0], *legs["to_node"]] if len(legs) else []
            for i, node in enumerate(nodes[: len(km)]):
                if node is not None:
                    step = np.inf if i == len(km) - 1 else median[2 * i + 1] - median[2 * i]
                    steps.append((float(step), str(node), km[i], median[2 * i + 1], colors[name]))
    _label_steps(ax, steps)
    if band is not None:
        handles, texts = ax.get_legend_handles_labels()
        handles.append(Patch(color="0.6", alpha=0.35, lw=0))
        texts.append(f"P{band[0] * 100:.0f}–P{band[1] * 100:.0f} of containers")
    else:
        handles, texts = ax.get_legend_handles_labels()
    if len(names) > 4:  # beside the chart, not over the lines
        ax.legend(
            handles, texts, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
            frameon=False,
        )  # fmt: skip
    else:
        ax.legend(handles, texts, loc="upper left", fontsize=8)
    ax.set_xlabel("cumulative distance (km)")
    what = "time since arrival at the origin" if metric == "time" else "cost"
    ax.set_ylabel(f"cumulative {what} ({word})")
    ax.set_title(f"{'Time' if metric == 'time' else 'Cost'}–distance (ESCAP method)")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.xaxis.set_major_formatter("{x:,.0f}")
    if metric == "cost":
        ax.yaxis.set_major_formatter("{x:,.0f}")
    return fig


def _label_steps(ax: Axes, labels: list[tuple[float, str, float, float, Any]]) -> None:
    """Name the nodes with big steps (and the destinations), biggest first, skipping a name
    already written close by (routes share nodes)."""
    if not labels:
        return
    top = max(y for _, _, _, y, _ in labels) or 1.0
    right = max(x for _, _, x, _, _ in labels) or 1.0
    placed: list[tuple[str, float, float]] = []
    for step, node, x, y, color in sorted(labels, key=lambda item: -item[0]):
        if step < 0.04 * top:
            break
        if any(
            n == node and abs(px - x) < 0.03 * right and abs(py - y) < 0.06 * top
            for n, px, py in placed
        ):
            continue
        placed.append((node, x, y))
        ax.annotate(
            node, (x, y), xytext=(-3, 3), textcoords="offset points", ha="right", va="bottom",
            fontsize=7, color=color,
        )  # fmt: skip
