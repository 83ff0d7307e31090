"""Maps of the network and its results.

The static map (:func:`plot_network_map`, matplotlib) is here; the interactive one (folium,
Leaflet) is in :mod:`corridor.views.webmap`, whose functions this module also offers. Both
draw the network as the run had it (its ``nodes`` and ``legs`` tables), or a network given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from corridor import kpis
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
    ax: Axes | None = None,
) -> Figure:
    """A static map: legs coloured by mode, nodes sized by the mean time spent there.

    Parameters
    ----------
    network
        The network to draw; defaults to the run's (its ``nodes`` and ``legs`` tables).
    results
        A run's results, for the node sizes (mean hours per visiting container at the node,
        :func:`corridor.kpis.node_delays`); without them nodes are drawn small.
    annotate
        Write node ids next to the nodes (the busiest first, leaving out ids that would
        overlap one already written).
    extent
        ``"nodes"`` frames the nodes (long sea legs run off the edge), ``"all"`` every leg.
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
    nodes, legs = network_frames(results, network)
    fig, ax = axes(ax, (9, 8))
    for mode, g in legs.groupby("mode", sort=True):
        on = g[g["enabled"].astype(bool)]
        off = g[~g["enabled"].astype(bool)]
        color = MODE_COLORS.get(str(mode), "0.4")
        if len(on):
            on.plot(ax=ax, color=color, linewidth=2.0, zorder=2)
        if len(off):
            off.plot(ax=ax, color=color, linewidth=1.2, linestyle=(0, (3, 3)), zorder=1, alpha=0.7)
    delay = pd.Series(0.0, index=nodes["id"])
    if results is not None and len(results.stages):
        known = node_kpis(results)["mean_delay_h"]
        delay = known.reindex(nodes["id"]).fillna(0.0)
    size = _marker_area(delay.to_numpy())
    ax.scatter(
        nodes["lon"],
        nodes["lat"],
        s=size,
        c="#fee08b",
        edgecolors="black",
        linewidths=0.8,
        zorder=3,
        alpha=0.9,
    )
    if extent not in ("nodes", "all"):
        raise ValueError(f"extent {extent!r} is not one of 'nodes', 'all'")
    if extent == "nodes" and len(nodes):
        lon0, lon1 = float(nodes["lon"].min()), float(nodes["lon"].max())
        lat0, lat1 = float(nodes["lat"].min()), float(nodes["lat"].max())
        pad_lon, pad_lat = max(0.08 * (lon1 - lon0), 0.5), max(0.08 * (lat1 - lat0), 0.5)
        ax.set_xlim(lon0 - pad_lon, lon1 + pad_lon)
        ax.set_ylim(lat0 - pad_lat, lat1 + pad_lat)
    if annotate:
        _annotate_nodes(ax, nodes, delay)
    handles: list[Any] = [
        Line2D([], [], color=c, lw=2, label=m)
        for m, c in MODE_COLORS.items()
        if m in set(legs["mode"])
    ]
    if (~legs["enabled"].astype(bool)).any():
        handles.append(Line2D([], [], color="0.4", lw=1.2, ls=(0, (3, 3)), label="disabled leg"))
    if results is not None and float(delay.max()) > 0:
        for hours in _size_steps(float(delay.max())):
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker="o",
                    markerfacecolor="#fee08b",
                    markeredgecolor="black",
                    markersize=float(np.sqrt(_marker_area(np.array([hours]))[0])),
                    label=f"{hours:g} h at node",
                )
            )
    ax.legend(handles=handles, loc="best", fontsize=8, labelspacing=1.2, borderpad=0.8)
    mean_lat = float(np.nanmean(nodes["lat"])) if len(nodes) else 0.0
    ax.set_aspect(1.0 / max(np.cos(np.radians(mean_lat)), 0.2))
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    title = "Network: legs by mode"
    if results is not None:
        title += ", nodes sized by mean time spent there"
    ax.set_title(title)
    ax.grid(True, alpha=0.25)
    return fig


def _annotate_nodes(ax: Axes, nodes: pd.DataFrame, delay: pd.Series) -> None:
    """Write node ids, the longest delays first, skipping any that would overlap."""
    span_x = np.subtract(*ax.get_xlim()[::-1]) or 1.0
    span_y = np.subtract(*ax.get_ylim()[::-1]) or 1.0
    order = np.argsort(-delay.to_numpy(), kind="stable")
    placed: list[tuple[float, float]] = []
    for i in order:
        nid, lon, lat = (
            nodes["id"].iloc[i],
            float(nodes["lon"].iloc[i]),
            float(nodes["lat"].iloc[i]),
        )
        x, y = lon / span_x, lat / span_y
        if any(abs(x - px) < 0.045 and abs(y - py) < 0.022 for px, py in placed):
            continue
        placed.append((x, y))
        ax.annotate(
            str(nid), (lon, lat), xytext=(5, 4), textcoords="offset points", fontsize=7,
            zorder=4,
        )  # fmt: skip


def _marker_area(hours: np.ndarray) -> np.ndarray:
    """Marker area in points² for hours at a node (area grows with hours)."""
    return np.asarray(15.0 + 30.0 * np.sqrt(np.maximum(hours, 0.0)), dtype=float)


def _size_steps(top: float) -> list[float]:
    steps = [float(s) for s in (1, 6, 12, 24, 48, 96, 168, 336) if s <= top]
    return steps[-3:] if steps else [round(top, 1)]
