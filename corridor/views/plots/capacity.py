"""Capacity: queues over time, utilisation of capacity-limited processes, load factors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from corridor import kpis
from corridor.views.style import MODE_COLORS, axes, time_scale

if TYPE_CHECKING:
    from corridor.inputs.network import Network

__all__ = ["plot_load_factors", "plot_queue_length", "plot_utilisation"]


def plot_queue_length(
    resources: pd.DataFrame,
    node: str,
    process: str | None = None,
    *,
    containers: bool = True,
    show_busy: bool = True,
    time_unit: str = "days",
    start_date: pd.Timestamp | str | None = None,
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
    start_date
        The run's start (``Results.start_date``): the time axis then shows calendar dates
        and ``time_unit`` is not used.
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
    scale, word = time_scale(float(series["time_h"].max()), time_unit)
    start = pd.Timestamp(start_date) if start_date is not None else None

    def when(hours: np.ndarray) -> np.ndarray:
        """Hours since the start as the axis's x: dates, or days or hours."""
        if start is None:
            return hours / scale
        return np.asarray(start + pd.to_timedelta(hours, unit="h"), dtype="datetime64[ns]")

    fig, ax = axes(ax, (9, 3.8))
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
            when(t),
            q,
            where="post",
            color=color,
            lw=0.6 if dense else 1.3,
            alpha=0.45 if dense else 1.0,
            label=f"{proc}: queue",
        )
        if dense:  # a daily mean reads better than thousands of steps
            mid, mean_q = _daily_mean(t, q, end_h)
            handles += ax.plot(when(mid), mean_q, color=color, lw=2, label=f"{proc}: daily mean")
        if busy_ax is not None:
            mid, mean_b = _daily_mean(t, s["busy"].to_numpy(dtype=float), end_h)
            handles += busy_ax.plot(
                when(mid),
                mean_b,
                color="0.45" if i == 0 else color,
                lw=1,
                ls="--",
                label=f"{proc}: busy servers, daily mean (right)",
            )
    if busy_ax is not None:
        busy_ax.set_ylabel("busy servers")
        busy_ax.set_ylim(bottom=0)
    if start is None:
        ax.set_xlabel(f"time since start ({word})")
        ax.set_xlim(left=0)
    else:
        locator = AutoDateLocator()  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        ax.set_xlim(left=start)  # type: ignore[arg-type]  # matplotlib converts dates
    ax.set_ylabel("containers waiting" if containers else "jobs waiting")
    ax.set_ylim(bottom=0)
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
    servers: Mapping[tuple[str, str], float] | pd.DataFrame | Network | None,
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
        Servers per process, as for :func:`corridor.kpis.utilisation`: best the run's
        ``processes`` table.
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
    fig, ax = axes(ax, (8, 1.2 + 0.4 * max(n, 1)))
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
    fig, ax = axes(ax, (8, 1.2 + 0.45 * max(n, 1)))
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
