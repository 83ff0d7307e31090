"""Charts of a run's results (matplotlib).

Every function takes result tables, draws on ``ax`` when given (or on a new figure), and
returns the :class:`matplotlib.figure.Figure`. Nothing is shown and nothing is written: save
with ``fig.savefig(path)``. New figures are plain :class:`~matplotlib.figure.Figure` objects,
not pyplot figures, so drawing leaves no global state behind.

Times of long journeys are drawn in days, short ones in hours (``time_unit="auto"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor import kpis

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor.inputs.network import Network
    from corridor.model.runtime import Model

__all__ = [
    "CATEGORY_COLORS",
    "MODE_COLORS",
    "plot_load_factors",
    "plot_queue_length",
    "plot_time_breakdown",
    "plot_time_distance",
    "plot_transit_ecdf",
    "plot_transit_histogram",
    "plot_utilisation",
]

MODE_COLORS: Mapping[str, str] = {"sea": "#1f78b4", "rail": "#b2182b", "road": "#e08214"}
"""Colour of each mode, on charts and maps."""

CATEGORY_COLORS: Mapping[str, str] = {
    "moving": "#4daf4a",
    "waiting": "#fdb462",
    "queueing": "#e41a1c",
    "handling": "#80b1d3",
    "yard_dwell": "#bebada",
    "border": "#984ea3",
    "gauge_change": "#a65628",
    "closure": "#525252",
}
"""Colour of each time category (:data:`corridor.kpis.TIME_CATEGORIES`)."""

_AUTO_DAYS_ABOVE_H = 72.0  # draw in days when the longest time shown exceeds this


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.get_figure(root=True), ax  # type: ignore[return-value]
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _time_scale(max_h: float, unit: str) -> tuple[float, str]:
    """Divisor and axis word for hours shown in ``unit`` ("auto", "h" or "days")."""
    if unit not in ("auto", "h", "days"):
        raise ValueError(f"time_unit {unit!r} is not one of 'auto', 'h', 'days'")
    days = unit == "days" or (unit == "auto" and max_h > _AUTO_DAYS_ABOVE_H)
    return (24.0, "days") if days else (1.0, "hours")


def _route_colors(names: Sequence[str]) -> dict[str, Any]:
    """A colour per route, by the route's place in alphabetical order, so that a route has
    the same colour on every chart of a report."""
    from matplotlib import colormaps

    unique = sorted(set(names))
    cmap = colormaps["tab10" if len(unique) <= 10 else "tab20"]
    return {name: cmap(i % cmap.N) for i, name in enumerate(unique)}


_SCENARIO_STYLES = ("-", "--", ":", "-.")


def _by_scenario(trips: pd.DataFrame | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    if isinstance(trips, pd.DataFrame):
        return {"": trips}
    return dict(trips)


def _label(scenario: str, route: str) -> str:
    return f"{scenario} · {route}" if scenario else route


# --------------------------------------------------------------------------- ESCAP chart


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
    colors = _route_colors([str(r) for r in trips["route"].unique()])
    if flow is not None:
        trips = trips[trips["flow"].astype(str) == flow]
    costs = kpis.stage_costs(stages, trips, network) if metric == "cost" else None
    points = kpis.time_distance_points(trips, stages, costs, include_warmup)
    if routes is None:
        busiest = points.groupby("route")["container"].nunique().sort_values(ascending=False)
        names = [str(r) for r in busiest.index]
    else:
        names = [str(r) for r in routes]
    fig, ax = _axes(ax, (9 if len(names) <= 4 else 11.5, 5.5))
    a_col, d_col = (
        ("arrive_h", "depart_h")
        if metric == "time"
        else ("arrive_usd_per_teu", "depart_usd_per_teu")
    )
    scale, word = 1.0, "USD per TEU"
    if metric == "time":
        top = points[d_col].max() if len(points) else 0.0
        scale, word = _time_scale(float(top) if top == top else 0.0, time_unit)
    chain = kpis.route_legs(stages, departures) if node_labels and departures is not None else None
    labels: list[tuple[float, str, float, float, Any]] = []  # (step, node, km, y, colour)
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
        ax.plot(x, median, color=colors[name], lw=2.2, label=f"{name} (median, n={n:,})")
        if band is not None:
            ax.fill_between(x, path(band[0]), path(band[1]), color=colors[name], alpha=0.18, lw=0)
        ax.plot(km, median[1::2], "o", color=colors[name], ms=3.5)
        if chain is not None:
            legs = chain[chain["route"] == name]
            nodes = [legs["from_node"].iloc[0], *legs["to_node"]] if len(legs) else []
            for i, node in enumerate(nodes[: len(km)]):
                if node is not None:
                    step = np.inf if i == len(km) - 1 else median[2 * i + 1] - median[2 * i]
                    labels.append((float(step), str(node), km[i], median[2 * i + 1], colors[name]))
    _label_steps(ax, labels)
    if band is not None:
        from matplotlib.patches import Patch

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


# --------------------------------------------------------------------------- transit times


def _transit_groups(
    trips: pd.DataFrame | Mapping[str, pd.DataFrame], by: str, include_warmup: bool
) -> list[tuple[str, np.ndarray, dict[str, Any]]]:
    """(label, sorted transit days, line style) per scenario and group."""
    sets = _by_scenario(trips)
    groups = []
    for i, (scenario, t) in enumerate(sets.items()):
        done = kpis.measured_trips(t, include_warmup)
        for key, g in done.groupby(by, observed=True, sort=True):
            days = np.sort(g["transit_days"].to_numpy())
            groups.append((scenario, str(key), days, _SCENARIO_STYLES[i % len(_SCENARIO_STYLES)]))
    colors = _route_colors([key for _, key, _, _ in groups])
    return [
        (_label(scenario, key), days, {"color": colors[key], "ls": ls})
        for scenario, key, days, ls in groups
    ]


def plot_transit_ecdf(
    trips: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    by: str = "route",
    promised_days: float | None = None,
    include_warmup: bool = False,
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
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes(ax, (8, 4.5))
    for label, days, style in _transit_groups(trips, by, include_warmup):
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
            label=f"{label}: P50 {p50:.1f} d, P95 {p95:.1f} d (n={len(days):,})",
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
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes(ax, (8, 4.5))
    groups = [g for g in _transit_groups(trips, by, include_warmup) if len(g[1])]
    if groups:
        lo = min(float(d[0]) for _, d, _ in groups)
        hi = max(float(d[-1]) for _, d, _ in groups)
        width = bin_days or max((hi - lo) / 40.0, 1.0 / 24.0)
        edges = np.arange(np.floor(lo / width) * width, hi + width, width)
        if len(edges) < 2:
            edges = np.array([lo - width / 2, lo + width / 2])
        for label, days, style in groups:
            weights = np.full(len(days), 1.0 / len(days))
            ax.hist(
                days,
                bins=list(edges),
                weights=weights,
                histtype="step",
                lw=1.8,
                label=label,
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


# --------------------------------------------------------------------------- breakdown


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
    trip_sets = _by_scenario(trips)
    stage_sets = _by_scenario(stages)
    tables = []
    for scenario, t in trip_sets.items():
        b = kpis.time_breakdown(t, stage_sets[scenario], by=by, include_warmup=include_warmup)
        b["label"] = [_label(scenario, str(k)) for k in b[by]]
        tables.append(b)
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    n = len(table)
    fig, ax = _axes(ax, (9, 1.2 + 0.55 * max(n, 1)))
    if n:
        scale, word = _time_scale(float(table["total_h"].max()), time_unit)
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


# --------------------------------------------------------------------------- resources


def plot_queue_length(
    resources: pd.DataFrame,
    node: str,
    process: str | None = None,
    *,
    containers: bool = True,
    show_busy: bool = True,
    time_unit: str = "days",
    ax: Axes | None = None,
) -> Figure:
    """Queue length over time at a node's capacity-limited processes.

    Parameters
    ----------
    resources
        The ``resources`` table.
    node
        The node.
    process
        One of its processes; defaults to all of them (one line each).
    containers
        Count waiting containers (default) or jobs (a job is a vehicle's group for processes
        that serve per vehicle).
    show_busy
        Also draw the busy servers (their daily mean), on a second axis at the right.
    time_unit
        ``"days"`` (default) or ``"h"`` since the start of the run.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the node (or process) has no capacity-limited jobs in the table.
    """
    series = kpis.resource_series(resources, node, process)
    if series.empty:
        known = sorted(
            {f"{n}/{p}" for n, p in zip(resources["node"], resources["process"], strict=True)}
        )
        raise ValueError(
            f"no jobs at {node!r}{'/' + process if process else ''} in the resources table; "
            f"capacity-limited processes with jobs: {', '.join(known) or 'none'}"
        )
    scale, word = _time_scale(float(series["time_h"].max()), time_unit)
    fig, ax = _axes(ax, (9, 3.8))
    from matplotlib.ticker import MaxNLocator

    col = "queue_containers" if containers else "queue"
    busy_ax = ax.twinx() if show_busy else None
    handles = []
    end_h = float(series["time_h"].max())
    for i, (proc, s) in enumerate(series.groupby("process", sort=True)):
        color = f"C{i}"
        t = s["time_h"].to_numpy()
        q = s[col].to_numpy(dtype=float)
        dense = len(t) > 400
        handles += ax.step(
            t / scale,
            q,
            where="post",
            color=color,
            lw=0.6 if dense else 1.3,
            alpha=0.45 if dense else 1.0,
            label=f"{proc}: queue",
        )
        if dense:  # a daily mean reads better than thousands of steps
            mid, mean_q = _daily_mean(t, q, end_h)
            handles += ax.plot(mid / scale, mean_q, color=color, lw=2, label=f"{proc}: daily mean")
        if busy_ax is not None:
            mid, mean_b = _daily_mean(t, s["busy"].to_numpy(dtype=float), end_h)
            handles += busy_ax.plot(
                mid / scale,
                mean_b,
                color="0.45" if i == 0 else color,
                lw=1,
                ls="--",
                label=f"{proc}: busy servers, daily mean (right)",
            )
    if busy_ax is not None:
        busy_ax.set_ylabel("busy servers")
        busy_ax.set_ylim(bottom=0)
    ax.set_xlabel(f"time since start ({word})")
    ax.set_ylabel("containers waiting" if containers else "jobs waiting")
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    ax.legend(
        handles,
        [str(h.get_label()) for h in handles],
        fontsize=8,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=3,
        frameon=False,
    )
    ax.set_title(f"Queue at {node}", pad=22)
    return fig


def _daily_mean(
    times: np.ndarray, values: np.ndarray, end_h: float
) -> tuple[np.ndarray, np.ndarray]:
    """Time-weighted mean of a step function per day: (mid-day hours, means)."""
    edges = np.arange(0.0, end_h + 24.0, 24.0)
    t = np.append(times, end_h)
    # area under the steps up to each edge, by linear interpolation of the running integral
    area = np.concatenate([[0.0], np.cumsum(values * np.diff(t))])
    at_edges = np.interp(edges, t, area, left=0.0)
    return edges[:-1] + 12.0, np.diff(at_edges) / 24.0


def plot_utilisation(
    resources: pd.DataFrame,
    servers: Mapping[tuple[str, str], float] | Model | Network | None,
    end_h: float,
    start_h: float = 0.0,
    *,
    ax: Axes | None = None,
) -> Figure:
    """Utilisation of every capacity-limited process (busy servers over servers).

    Bars above 85 % are drawn red: queues grow quickly there. Processes whose number of
    servers is unknown show their mean number of busy servers instead, hatched.

    Parameters
    ----------
    resources
        The ``resources`` table.
    servers
        Servers per process, as for :func:`corridor.kpis.utilisation`.
    end_h, start_h
        The period to average over, hours.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
    """
    u = kpis.utilisation(resources, servers, end_h, start_h)
    n = len(u)
    fig, ax = _axes(ax, (8, 1.2 + 0.4 * max(n, 1)))
    if n:
        labels = [f"{a} / {b}" for a, b in zip(u["node"], u["process"], strict=True)]
        known = u["utilisation"].notna().to_numpy()
        value = np.where(known, u["utilisation"].to_numpy(), u["mean_busy"].to_numpy())
        colors = [
            "#d7301f" if k and v > 0.85 else "#4292c6" for k, v in zip(known, value, strict=True)
        ]
        bars = ax.barh(np.arange(n), value, color=colors, height=0.6)
        for bar, k in zip(bars, known, strict=True):
            if not k:
                bar.set_hatch("//")
                bar.set_facecolor("0.8")
        for i, (v, k) in enumerate(zip(value, known, strict=True)):
            text = f"{v:.0%}" if k else f"{v:.2f} busy (servers unknown)"
            ax.annotate(
                text, (v, i), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8
            )
        ax.set_yticks(np.arange(n), labels)
        ax.invert_yaxis()
        ax.axvline(0.85, color="0.3", ls=":", lw=1)
        ax.annotate(
            "85 %",
            (0.85, 0),
            xycoords=("data", "axes fraction"),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=7,
            color="0.3",
        )
        ax.set_xlim(0, max(1.1, float(np.nanmax(value)) * 1.25))
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.set_xlabel("utilisation (mean busy servers / servers)")
    ax.set_title("Utilisation of capacity-limited processes")
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def plot_load_factors(
    departures: pd.DataFrame, *, include_returns: bool = False, ax: Axes | None = None
) -> Figure:
    """Load factors of the vehicles leaving on each leg: box plots with the mean marked.

    Parameters
    ----------
    departures
        The ``departures`` table.
    include_returns
        Include empty return runs of fleets.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = departures if include_returns else departures[departures["direction"].astype(str) == "out"]
    summary = kpis.load_factors(departures, include_returns)
    summary = summary[summary["load_factor"].notna()].reset_index(drop=True)  # legs with vehicles
    n = len(summary)
    fig, ax = _axes(ax, (8, 1.2 + 0.45 * max(n, 1)))
    if n:
        data = [
            d.loc[d["leg"].astype(str) == str(leg), "load_factor"].dropna().to_numpy()
            for leg in summary["leg"]
        ]
        box = ax.boxplot(
            data,
            orientation="horizontal",
            widths=0.6,
            patch_artist=True,
            showfliers=False,
            medianprops={"color": "black"},
        )
        for patch, mode in zip(box["boxes"], summary["mode"], strict=True):
            patch.set_facecolor(MODE_COLORS.get(str(mode), "0.7"))
            patch.set_alpha(0.6)
        y = np.arange(1, n + 1)
        ax.plot(summary["load_factor"], y, "D", color="black", ms=4)
        labels = [
            f"{leg} ({mode}, {k:,} dep.)"
            for leg, mode, k in zip(
                summary["leg"], summary["mode"], summary["departures"], strict=True
            )
        ]
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.set_xlabel("load factor (TEU on board / capacity; ◆ = TEU carried / TEU offered)")
    ax.set_title("Vehicle load factors by leg")
    ax.grid(True, axis="x", alpha=0.3)
    return fig
