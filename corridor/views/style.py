"""The look shared by every chart and map: colours, labels, axes and time units.

A route has the same colour on every chart and map of a report (:func:`route_colors`), a mode
the same colour on charts and maps (:data:`MODE_COLORS`).
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


def route_colors(names: Sequence[str]) -> dict[str, Any]:
    """A colour (RGBA) per route, by the route's place in alphabetical order, so that a route
    has the same colour on every chart of a report."""
    unique = sorted(set(names))
    cmap = colormaps["tab10" if len(unique) <= 10 else "tab20"]
    return {name: cmap(i % cmap.N) for i, name in enumerate(unique)}


def hex_route_colors(names: Sequence[str]) -> dict[str, str]:
    """:func:`route_colors` as ``#rrggbb``, for HTML maps."""
    return {k: to_hex(v) for k, v in route_colors(names).items()}


def by_scenario(tables: pd.DataFrame | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``{scenario: table}``; one table is the unnamed scenario ``""``."""
    if isinstance(tables, pd.DataFrame):
        return {"": tables}
    return dict(tables)


def label(scenario: str, route: str) -> str:
    """The legend label of a route of a scenario (the route alone for the unnamed one)."""
    return f"{scenario} · {route}" if scenario else route
