"""Route choice: how the shares settled, round by round, and how much cargo moved."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from corridor.views.style import axes, route_colors

__all__ = ["plot_convergence", "plot_diversion"]


def plot_convergence(
    assignment: pd.DataFrame, flow: str | None = None, ax: Axes | None = None
) -> Figure:
    """The shares of a flow's routes in every round of an equilibrium, and the gap.

    Parameters
    ----------
    assignment
        The assignment table of :func:`corridor.choice.run_equilibrium`.
    flow
        The flow to draw (default: the first).
    ax
        Where to draw the shares; the gap goes on a second axis, on a log scale.
    """
    fig, ax = axes(ax, (8, 4.5))
    flow = flow or str(assignment["flow"].iloc[0])
    mine = assignment[assignment["flow"] == flow]
    routes = list(dict.fromkeys(mine["route"]))
    colors = route_colors(routes)
    for route in routes:
        r = mine[mine["route"] == route]
        ax.plot(r["iteration"], r["share"], marker="o", ms=3, color=colors[route], label=route)
    ax.set_xlabel("round")
    ax.set_ylabel("share of the flow's containers")
    ax.set_ylim(0, 1)
    gap = mine.groupby("iteration")["gap"].max()
    twin = ax.twinx()
    twin.plot(gap.index, gap.to_numpy(), color="black", ls="--", label="gap")
    twin.set_yscale("log")
    twin.set_ylabel("gap (share that would still move)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.12, 1.0))
    ax.set_title(f"route choice: flow {flow}")
    return fig


def plot_diversion(moved: pd.DataFrame, flow: str | None = None, ax: Axes | None = None) -> Figure:
    """TEU a day gained (right) or lost (left) by every route of a flow, with intervals.

    ``moved`` is the table of :func:`corridor.choice.diversion`.
    """
    fig, ax = axes(ax, (7, 4))
    flow = flow or str(moved["flow"].iloc[0])
    mine = moved[moved["flow"] == flow].sort_values("moved_teu_per_day")
    y = range(len(mine))
    value = mine["moved_teu_per_day"].to_numpy()
    err = [value - mine["ci_low"].to_numpy(), mine["ci_high"].to_numpy() - value]
    colors = route_colors(list(mine["route"]))
    ax.barh(list(y), value, xerr=err, color=[colors[r] for r in mine["route"]], capsize=3)
    ax.set_yticks(list(y), list(mine["route"]))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("TEU a day shipped on the route, B - A (95 % interval)")
    ax.set_title(f"diversion: flow {flow}")
    return fig
