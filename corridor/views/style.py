"""The look shared by every chart and map: colours, labels, axes and time units.

A route has the same colour on every chart and map of a run (:func:`route_colors`, by its
place among the scenario's routes), a mode the same colour on charts and maps
(:data:`MODE_COLORS`); routes are shown by their labels (:func:`route_label`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

__all__ = [
    "AUTO_DAYS_ABOVE_H",
    "CATEGORY_COLORS",
    "FIGURE_FORMATS",
    "MODE_COLORS",
    "SCENARIO_STYLES",
    "axes",
    "by_scenario",
    "hex_route_colors",
    "label",
    "route_colors",
    "route_label",
    "route_order",
    "time_scale",
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

AUTO_DAYS_ABOVE_H = 72.0
"""``time_unit="auto"`` draws in days when the longest time shown exceeds this, in hours."""

FIGURE_FORMATS = ("png", "svg")
"""Formats of charts in reports and exports: PNG (raster, the default) or SVG (vector: sharp
at any zoom, larger)."""

SCENARIO_STYLES = ("-", "--", ":", "-.")
"""Line style of each scenario when several are drawn on one chart, in order."""


def axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure of ``ax``, or a new plain figure (not pyplot's: no global state) and axes."""
    if ax is not None:
        return ax.get_figure(root=True), ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def time_scale(max_h: float, unit: str) -> tuple[float, str]:
    """Divisor and axis word for hours shown in ``unit`` (``"auto"``, ``"h"`` or ``"days"``).

    Raises
    ------
    ValueError
        If ``unit`` is not one of those.
    """
    if unit not in ("auto", "h", "days"):
        raise ValueError(f"time_unit {unit!r} is not one of 'auto', 'h', 'days'")
    days = unit == "days" or (unit == "auto" and max_h > AUTO_DAYS_ABOVE_H)
    return (24.0, "days") if days else (1.0, "hours")


def _palette() -> list[Any]:
    """20 colours: tab10's strong ones first, then tab20's light ones, so that up to ten
    routes are told apart at a glance."""
    strong = [colormaps["tab10"](i) for i in range(10)]
    light = [colormaps["tab20"](2 * i + 1) for i in range(10)]
    return strong + light


def route_order(
    routes: Sequence[str] | pd.Series, universe: Sequence[str] | pd.Series | None = None
) -> list[str]:
    """Every route a colour may be needed for, in the order colours are given.

    The order is that of ``universe``: the categories of a categorical column such as
    ``trips["route"]`` (all the routes of the scenario in the order it defines them, even in a
    table filtered to some of them), or a sequence as given (``list(scenario.routes)``).
    Without a universe, the categories of ``routes`` if it is categorical, else alphabetical.
    Routes outside it come after, alphabetically.
    """
    source = universe if universe is not None else routes
    if isinstance(source, pd.Series) and isinstance(source.dtype, pd.CategoricalDtype):
        order = [str(c) for c in source.cat.categories]
    elif universe is not None:
        order = list(dict.fromkeys(str(r) for r in universe))
    else:
        order = sorted({str(r) for r in source})
    known = set(order)
    return order + sorted({str(r) for r in routes} - known)


def route_colors(
    routes: Sequence[str] | pd.Series, universe: Sequence[str] | pd.Series | None = None
) -> dict[str, Any]:
    """A colour (RGBA) per route, by its place in :func:`route_order`.

    Pass the run's ``trips["route"]`` (a categorical column) as ``routes`` or ``universe`` and a
    route has the same colour on every chart and map of the run, whichever routes a chart
    shows: the report, the notebooks and the maps all colour ``western`` alike.
    """
    order = route_order(routes, universe)
    palette = _palette()
    return {name: palette[i % len(palette)] for i, name in enumerate(order)}


def hex_route_colors(
    routes: Sequence[str] | pd.Series, universe: Sequence[str] | pd.Series | None = None
) -> dict[str, str]:
    """:func:`route_colors` as ``#rrggbb``, for HTML maps."""
    return {k: to_hex(v) for k, v in route_colors(routes, universe).items()}


def route_label(route: str, labels: Mapping[str, str] | None) -> str:
    """The readable label of a route (the scenario's ``route_labels``), else its name."""
    return str((labels or {}).get(route) or route)


def by_scenario(tables: pd.DataFrame | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``{scenario: table}``; one table is the unnamed scenario ``""``."""
    if isinstance(tables, pd.DataFrame):
        return {"": tables}
    return dict(tables)


def label(scenario: str, route: str) -> str:
    """The legend label of a route of a scenario (the route alone for the unnamed one)."""
    return f"{scenario} · {route}" if scenario else route
