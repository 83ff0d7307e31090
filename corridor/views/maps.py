"""Maps of the network and its results.

The static map (:func:`plot_network_map`, matplotlib) is here; the interactive one (folium,
Leaflet) is in :mod:`corridor.views.webmap`, whose functions this module also offers. Both
draw the network as the run had it (its ``nodes`` and ``legs`` tables), or a network given,
on the shipped land, coast and borders (:mod:`corridor.views.basemap`), with no download.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import geopandas
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredText
from matplotlib.patches import Rectangle
from matplotlib.patheffects import withStroke
from pyproj import Transformer

from corridor import kpis
from corridor.views.basemap import (
    ATTRIBUTION,
    BORDER_COLOR,
    COAST_COLOR,
    LAND_COLOR,
    MAP_CRS,
    SEA_COLOR,
    Basemap,
    load_basemap,
)
from corridor.views.frames import network_frames
from corridor.views.style import MODE_COLORS, axes
from corridor.views.webmap import interactive_map, interactive_map_html, save_interactive_map

if TYPE_CHECKING:
    from corridor.inputs.network import Network
    from corridor.results import Results

__all__ = [
    "interactive_map",
    "interactive_map_html",
    "node_kpis",
    "node_label",
    "plot_network_map",
    "route_kpis",
    "save_interactive_map",
]


def node_kpis(results: Results) -> pd.DataFrame:
    """Per node: time spent there, indexed by node id (:func:`corridor.kpis.node_kpis`)."""
    return kpis.node_kpis(results.trips, results.stages, results.departures)


def route_kpis(results: Results, promised_days: float | None = None) -> pd.DataFrame:
    """Per route: transit days, reliability, CAREC speeds, cost and CO2e per TEU, indexed by
    route (:func:`corridor.kpis.route_kpis` of the run's tables)."""
    return kpis.route_kpis(
        results.trips, results.stages, results.horizon_h, results.warmup_h, promised_days
    )


def plot_network_map(
    network: Network | None = None,
    results: Results | None = None,
    *,
    annotate: bool = True,
    extent: str = "nodes",
    inset: bool = True,
    ax: Axes | None = None,
) -> Figure:
    """A static map on land, coast and borders: legs by mode, nodes sized by the mean time
    spent there and named.

    Drawn in :data:`~corridor.views.basemap.MAP_CRS` (a Lambert conformal conic centred on
    the corridor) over the shipped Natural Earth basemap, with a graticule every 10 degrees.

    Parameters
    ----------
    network
        The network to draw; defaults to the run's (its ``nodes`` and ``legs`` tables).
    results
        A run's results, for the node sizes (mean hours per visiting container at the node,
        :func:`corridor.kpis.node_delays`); without them nodes are drawn small.
    annotate
        Write node names next to the nodes (the busiest first, leaving out names that would
        overlap one already written).
    extent
        ``"nodes"`` frames the nodes (long sea legs run off the edge, and an inset shows the
        whole network), ``"all"`` every leg.
    inset
        With ``extent="nodes"``, add a small map of every leg (the whole Suez route) with the
        main map's frame on it, when some leg runs off the main map.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If there is no network to draw (none given, and the run has no ``nodes`` table), or
        ``extent`` is unknown.
    """
    if extent not in ("nodes", "all"):
        raise ValueError(f"extent {extent!r} is not one of 'nodes', 'all'")
    nodes, legs = network_frames(results, network)
    nodes, legs = nodes.to_crs(MAP_CRS), legs.to_crs(MAP_CRS)
    base = load_basemap().to_crs(MAP_CRS)
    fig, ax = axes(ax, (10, 8.5))
    delay = pd.Series(0.0, index=nodes["id"])
    if results is not None and len(results.stages):
        known = node_kpis(results)["mean_delay_h"]
        delay = known.reindex(nodes["id"]).fillna(0.0)
    frame = _bounds(nodes if extent == "nodes" and len(nodes) else legs, pad=0.06)
    _draw_base(ax, base, frame)
    _draw_legs(ax, legs, lw=2.0)
    node_x, node_y = nodes.geometry.x.to_numpy(), nodes.geometry.y.to_numpy()
    ax.scatter(
        node_x, node_y, s=_marker_area(delay.to_numpy()), c="#fee08b", edgecolors="black",
        linewidths=0.8, zorder=4, alpha=0.9,
    )  # fmt: skip
    _graticule(ax, frame)
    ax.set_xlabel("")
    ax.set_ylabel("")
    if annotate:
        _annotate_nodes(ax, nodes, delay)
    ax.legend(handles=_legend(legs, delay if results is not None else None), loc="upper right",
              fontsize=8, labelspacing=1.2, borderpad=0.8, framealpha=0.9)  # fmt: skip
    credit = AnchoredText(
        ATTRIBUTION, loc="lower right", frameon=False, pad=0.1, borderpad=0.2,
        prop={"fontsize": 6, "color": "0.35"},
    )  # fmt: skip
    credit.set_zorder(6)
    ax.add_artist(credit)
    title = "Network: legs by mode"
    if results is not None:
        title += ", nodes sized by mean time spent there"
    ax.set_title(title)
    whole = _bounds(legs, pad=0.04) if len(legs) else frame
    if inset and extent == "nodes" and _sticks_out(whole, frame):
        _inset(ax, base, legs, nodes, whole, frame)
    return fig


Bounds = tuple[float, float, float, float]


def _bounds(frame: geopandas.GeoDataFrame, pad: float) -> Bounds:
    """The frame's bounds (x0, y0, x1, y1) with ``pad`` of its size added on each side."""
    x0, y0, x1, y1 = (float(v) for v in frame.total_bounds)
    px, py = max(pad * (x1 - x0), 50.0), max(pad * (y1 - y0), 50.0)  # km
    return x0 - px, y0 - py, x1 + px, y1 + py


def _sticks_out(whole: Bounds, frame: Bounds) -> bool:
    return whole[0] < frame[0] or whole[1] < frame[1] or whole[2] > frame[2] or whole[3] > frame[3]


def _draw_base(ax: Axes, base: Basemap, frame: Bounds) -> None:
    """Sea, land, coast and borders, framed on ``frame``."""
    ax.set_facecolor(SEA_COLOR)
    base.land.plot(ax=ax, color=LAND_COLOR, edgecolor=COAST_COLOR, linewidth=0.5, zorder=0)
    base.borders.plot(ax=ax, color=BORDER_COLOR, linewidth=0.5, linestyle=(0, (4, 2)), zorder=0.5)
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[1], frame[3])
    ax.set_aspect("equal")


def _draw_legs(ax: Axes, legs: geopandas.GeoDataFrame, lw: float) -> None:
    for mode, g in legs.groupby("mode", sort=True):
        on = g[g["enabled"].astype(bool)]
        off = g[~g["enabled"].astype(bool)]
        color = MODE_COLORS.get(str(mode), "0.4")
        if len(on):
            on.plot(ax=ax, color=color, linewidth=lw, zorder=2)
        if len(off):
            off.plot(ax=ax, color=color, linewidth=0.6 * lw, linestyle=(0, (3, 3)), zorder=1,
                     alpha=0.7)  # fmt: skip


def _graticule(ax: Axes, frame: Bounds, step_deg: int = 10) -> None:
    """Meridians and parallels every ``step_deg``, labelled where they cross the left and
    bottom edges."""
    to_map = Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)
    xticks: list[tuple[float, str]] = []
    yticks: list[tuple[float, str]] = []
    lats = np.linspace(-10.0, 80.0, 181)
    lons = np.linspace(-40.0, 130.0, 341)
    for lon in range(-40, 131, step_deg):
        x, y = to_map.transform(np.full_like(lats, lon), lats)
        ax.plot(x, y, color="white", lw=0.6, alpha=0.8, zorder=0.2)
        if y[0] < frame[1] < y[-1]:
            at = float(np.interp(frame[1], y, x))
            if frame[0] < at < frame[2]:
                xticks.append((at, f"{abs(lon)}°{'E' if lon >= 0 else 'W'}"))
    for lat in range(-10, 81, step_deg):
        x, y = to_map.transform(lons, np.full_like(lons, lat))
        ax.plot(x, y, color="white", lw=0.6, alpha=0.8, zorder=0.2)
        if x[0] < frame[0] < x[-1]:
            at = float(np.interp(frame[0], x, y))
            if frame[1] < at < frame[3]:
                yticks.append((at, f"{abs(lat)}°{'N' if lat >= 0 else 'S'}"))
    ax.set_xticks([t for t, _ in xticks], [s for _, s in xticks], fontsize=8)
    ax.set_yticks([t for t, _ in yticks], [s for _, s in yticks], fontsize=8)
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[1], frame[3])


def _legend(legs: geopandas.GeoDataFrame, delay: pd.Series | None) -> list[Any]:
    handles: list[Any] = [
        Line2D([], [], color=c, lw=2, label=m)
        for m, c in MODE_COLORS.items()
        if m in set(legs["mode"])
    ]
    if (~legs["enabled"].astype(bool)).any():
        handles.append(Line2D([], [], color="0.4", lw=1.2, ls=(0, (3, 3)), label="disabled leg"))
    handles.append(Line2D([], [], color=BORDER_COLOR, lw=0.8, ls=(0, (4, 2)), label="border"))
    if delay is not None and float(delay.max()) > 0:
        for hours in _size_steps(float(delay.max())):
            handles.append(
                Line2D(
                    [], [], ls="", marker="o", markerfacecolor="#fee08b",
                    markeredgecolor="black",
                    markersize=float(np.sqrt(_marker_area(np.array([hours]))[0])),
                    label=f"{hours:g} h at node",
                )
            )  # fmt: skip
    return handles


def _inset(
    ax: Axes,
    base: Basemap,
    legs: geopandas.GeoDataFrame,
    nodes: geopandas.GeoDataFrame,
    whole: Bounds,
    frame: Bounds,
) -> None:
    """A small map of every leg in the lower right corner, the main frame drawn on it."""
    width = 0.36
    height = width * (whole[3] - whole[1]) / (whole[2] - whole[0]) * _axes_ratio(ax, frame)
    sub = ax.inset_axes((0.01, 0.01, width, min(height, 0.45)), zorder=5)
    _draw_base(sub, base, whole)
    _draw_legs(sub, legs, lw=0.9)
    sub.scatter(nodes.geometry.x, nodes.geometry.y, s=4, c="black", zorder=3)
    sub.add_patch(
        Rectangle((frame[0], frame[1]), frame[2] - frame[0], frame[3] - frame[1], fill=False,
                  edgecolor="black", lw=0.9, zorder=4)
    )  # fmt: skip
    sub.set_xticks([])
    sub.set_yticks([])
    sub.set_xlabel("")
    sub.set_ylabel("")
    sub.set_title("whole network", fontsize=7, pad=2)


def _axes_ratio(ax: Axes, frame: Bounds) -> float:
    """Width over height of the main map's frame (its axes have an equal aspect)."""
    return (frame[2] - frame[0]) / max(frame[3] - frame[1], 1e-9)


def node_label(node_id: str, name: str) -> str:
    """A node's name for a map, without what its parentheses add ("Moscow (container
    terminals)" is "Moscow"); its id when it has no name of its own."""
    short = re.sub(r"\s*\([^)]*\)", "", name).strip(" ,")
    return short if short and name != node_id else node_id


def _annotate_nodes(ax: Axes, nodes: geopandas.GeoDataFrame, delay: pd.Series) -> None:
    """Write node names, the longest delays first, skipping any that would overlap."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span_x, span_y = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    order = np.argsort(-delay.to_numpy(), kind="stable")
    placed: list[tuple[float, float, float]] = []
    for i in order:
        row = nodes.iloc[i]
        px, py = float(row.geometry.x), float(row.geometry.y)
        if not (x0 <= px <= x1 and y0 <= py <= y1):
            continue
        text = node_label(str(row["id"]), str(row["name"]))
        x, y = (px - x0) / span_x, (py - y0) / span_y
        width = 0.009 * len(text)
        left = x + width > 0.98  # near the right edge: write it on the left of the node
        if left:
            x -= width
        if any(abs(y - qy) < 0.022 and x < qx + qw and qx < x + width for qx, qy, qw in placed):
            continue
        placed.append((x, y, width))
        ax.annotate(
            text, (px, py), xytext=(-5 if left else 5, 4), textcoords="offset points",
            ha="right" if left else "left", fontsize=7, zorder=5,
            path_effects=[withStroke(linewidth=2.2, foreground="white")],
        )  # fmt: skip


def _marker_area(hours: np.ndarray) -> np.ndarray:
    """Marker area in points² for hours at a node (area grows with hours)."""
    return np.asarray(15.0 + 30.0 * np.sqrt(np.maximum(hours, 0.0)), dtype=float)


def _size_steps(top: float) -> list[float]:
    steps = [float(s) for s in (1, 6, 12, 24, 48, 96, 168, 336) if s <= top]
    return steps[-3:] if steps else [round(top, 1)]
