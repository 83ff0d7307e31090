"""Maps of the network and its results: a static map (matplotlib, geopandas) and an
interactive one (folium, Leaflet).

The interactive map works offline apart from its background tiles: Leaflet itself (the
BSD-licensed 1.9.4 build shipped in ``corridor/data``) is written into the HTML, and no other
JavaScript library is used. Without tiles (``tiles=None``) it needs no network at all.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor import kpis
from corridor.views.plots import MODE_COLORS

if TYPE_CHECKING:
    import folium
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor.inputs.network import Network
    from corridor.results.tables import Results

__all__ = [
    "interactive_map",
    "interactive_map_html",
    "node_kpis",
    "plot_network_map",
    "route_kpis",
    "save_interactive_map",
]

_LEAFLET_JS = "corridor-inline:leaflet.js"
_LEAFLET_CSS = "corridor-inline:leaflet.css"
_NODE_KIND_MARKERS = {"port": "s", "border": "D", "gauge_change": "D"}


# --------------------------------------------------------------------------- KPI tables


def node_kpis(results: Results) -> pd.DataFrame:
    """Per node: time spent there (:func:`corridor.kpis.node_delays`), indexed by node id."""
    return kpis.node_delays(results.trips, results.stages, results.departures).set_index("node")


def route_kpis(results: Results, promised_days: float | None = None) -> pd.DataFrame:
    """Per route: transit days, reliability, CAREC speeds, cost and CO2e per TEU.

    Parameters
    ----------
    results
        A run's results.
    promised_days
        For the on-time share; without it the share is left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by route: ``delivered``, ``mean_days``, ``p50_days``, ``p90_days``,
        ``p95_days``, ``spread_p95_p50_days``, ``on_time_share`` (with a promise), ``km``,
        ``swod_kmh``, ``swd_kmh``, ``usd_per_teu``, ``co2e_kg_per_teu``, ``teu_per_day``.
    """
    trips, stages = results.trips, results.stages
    rel = kpis.reliability(trips, promised_days if promised_days else np.nan, results.horizon_h)
    rel = rel.set_index("route")
    speeds = kpis.route_speeds(trips, stages).set_index("route")
    cost = kpis.cost_per_teu(trips).set_index("route")
    out = pd.DataFrame(index=rel.index.astype(str))
    delivered = kpis.measured_trips(trips).groupby("route", observed=True).size()
    out["delivered"] = delivered.reindex(rel.index).fillna(0).astype(int).to_numpy()
    for col in ("mean_days", "p50_days", "p90_days", "p95_days", "spread_p95_p50_days"):
        out[col] = rel[col].to_numpy()
    if promised_days:
        out["on_time_share"] = rel["on_time_share"].to_numpy()
    out = out.join(speeds[["km", "swod_kmh", "swd_kmh"]].set_axis(speeds.index.astype(str)))
    out = out.join(cost[["usd_per_teu"]].set_axis(cost.index.astype(str)))
    try:
        co2 = kpis.co2e_per_teu(trips, stages).set_index("route")
        out = out.join(co2[["co2e_kg_per_teu"]])
    except ValueError:  # a leg with a mode/fuel that has no default factor
        out["co2e_kg_per_teu"] = np.nan
    tp = kpis.throughput(trips, results.horizon_h, results.warmup_h).set_index("route")
    out = out.join(tp[["teu_per_day"]].set_axis(tp.index.astype(str)))
    out.index.name = "route"
    return out


def _route_leg_ids(results: Results) -> dict[str, list[str]]:
    chain = kpis.route_legs(results.stages, results.departures)
    return {str(r): g["leg"].tolist() for r, g in chain.groupby("route", sort=True)}


# --------------------------------------------------------------------------- static map


def plot_network_map(
    network: Network,
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
        The network.
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
    """
    from matplotlib.lines import Line2D

    from corridor.views.plots import _axes

    fig, ax = _axes(ax, (9, 8))
    legs = network.legs_frame()
    nodes = network.nodes_frame()
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


# --------------------------------------------------------------------------- interactive map


def _script(parent: Any, js: str) -> None:
    """Add JavaScript run on ``parent`` (a folium element), written as ``{parent}.<js>``."""
    from branca.element import MacroElement
    from jinja2 import Template

    class _Script(MacroElement):  # type: ignore[misc]
        _template = Template(
            "{% macro script(this, kwargs) %}{{ this._parent.get_name() }}.{{ this.js }}"
            "{% endmacro %}"
        )

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self._name = "CorridorScript"
            self.js = js

    parent.add_child(_Script())


def _popup(parent: Any, content: str, max_width: int = 360) -> None:
    """Bind an HTML popup to a folium layer without folium's jQuery-based Popup."""
    # a JSON string, with "</" broken so that it cannot end the <script> element
    text = json.dumps(content).replace("</", "<\\/")
    _script(parent, f"bindPopup({text}, {{maxWidth: {int(max_width)}}});")


def _fmt(value: Any, fmt: str = "{:,.1f}") -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return fmt.format(value)
    return html.escape(str(value))


def _table(title: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:8px'>{html.escape(k)}</th><td>{v}</td></tr>"
        for k, v in rows
    )
    return f"<b>{html.escape(title)}</b><table style='font-size:12px'>{body}</table>"


def interactive_map(
    network: Network,
    results: Results | None = None,
    *,
    promised_days: float | None = None,
    tiles: str | None = "OpenStreetMap",
) -> folium.Map:
    """An interactive map: one layer per route, the whole network, and nodes with their KPIs.

    Parameters
    ----------
    network
        The network.
    results
        A run's results: route layers with route KPIs in their popups, and node popups with
        the time spent there and the utilisation of their processes.
    promised_days
        For the on-time share in the route popups.
    tiles
        Background tiles (a folium tile name), or ``None`` for none (then the map needs no
        network access at all).

    Returns
    -------
    folium.Map
        Write it with :func:`save_interactive_map` (self-contained) or get its HTML with
        :func:`interactive_map_html`.
    """
    import folium

    nodes = network.nodes_frame()
    legs = network.legs_frame()
    m = folium.Map(tiles=tiles, control_scale=True, zoom_snap=0.25)
    m.default_js = [("leaflet", _LEAFLET_JS)]
    m.default_css = [("leaflet_css", _LEAFLET_CSS)]
    if len(nodes):
        bounds = [
            [float(nodes["lat"].min()), float(nodes["lon"].min())],
            [float(nodes["lat"].max()), float(nodes["lon"].max())],
        ]
        # no animation: a page (or a screenshot) taken at once shows the fitted view
        _script(m, f"fitBounds({json.dumps(bounds)}, {{animate: false, padding: [20, 20]}});")

    base = folium.FeatureGroup(name="network (all legs)", show=True).add_to(m)
    lf = (
        kpis.load_factors(results.departures).set_index("leg")
        if results is not None and len(results.departures)
        else pd.DataFrame()
    )
    for row in legs.itertuples(index=False):
        if row.geometry is None:
            continue
        coords = [(lat, lon) for lon, lat in row.geometry.coords]
        color = MODE_COLORS.get(str(row.mode), "#555555")
        line = folium.PolyLine(  # type: ignore[no-untyped-call]
            coords,
            color=color,
            weight=3,
            opacity=0.8 if row.enabled else 0.4,
            dash_array=None if row.enabled else "6 6",
        )
        info = [
            ("mode", html.escape(str(row.mode))),
            ("from → to", html.escape(f"{row.from_node} → {row.to_node}")),
            ("length", f"{_fmt(row.length_km, '{:,.0f}')} km"),
            ("service", html.escape(str(row.service))),
            ("tariff", f"{_fmt(row.cost_usd_per_teu, '{:,.0f}')} USD/TEU"),
        ]
        if row.id in lf.index:
            r = lf.loc[row.id]
            info += [
                ("departures", _fmt(r["departures"], "{:,.0f}")),
                ("load factor", _fmt(r["load_factor"], "{:.0%}")),
            ]
        if not row.enabled:
            info.append(("status", "disabled"))
        _popup(line, _table(f"leg {row.id}", info))
        line.add_to(base)

    if results is not None:
        route_table = route_kpis(results, promised_days)
        colors = _hex_route_colors(list(route_table.index))
        geoms = {row.id: row.geometry for row in legs.itertuples(index=False)}
        for route, leg_ids in _route_leg_ids(results).items():
            group = folium.FeatureGroup(name=f"route: {route}", show=True).add_to(m)
            info = (
                _route_rows(route_table.loc[[route]].iloc[0]) if route in route_table.index else []
            )
            for leg_id in leg_ids:
                geom = geoms.get(leg_id)
                if geom is None:
                    continue
                line = folium.PolyLine(  # type: ignore[no-untyped-call]
                    [(lat, lon) for lon, lat in geom.coords],
                    color=colors.get(route, "#000"),
                    weight=6,
                    opacity=0.55,
                )
                _popup(line, _table(f"route {route}", [("leg", html.escape(leg_id)), *info]))
                line.add_to(group)

    node_group = folium.FeatureGroup(name="nodes", show=True).add_to(m)
    delays = node_kpis(results) if results is not None and len(results.stages) else pd.DataFrame()
    util = (
        kpis.utilisation(results.resources, network, results.horizon_h, results.warmup_h)
        if results is not None and len(results.resources)
        else pd.DataFrame(columns=["node", "process", "utilisation", "mean_wait_h"])
    )
    for row in nodes.itertuples(index=False):
        delay = float(delays.loc[row.id, "mean_delay_h"]) if row.id in delays.index else 0.0
        radius = 3.0 + 1.3 * float(np.sqrt(max(delay, 0.0)))  # pixels; 100 h -> 16 px
        marker = folium.CircleMarker(
            (row.lat, row.lon),
            radius=radius,
            color="#333333",
            weight=1,
            fill=True,
            fill_color="#fee08b",
            fill_opacity=0.9,
        )
        info = [
            ("name", html.escape(str(row.name))),
            ("kind", html.escape(str(row.kind))),
            ("country", html.escape(str(row.country))),
        ]
        if row.id in delays.index:
            d = delays.loc[row.id]
            info += [
                ("containers", _fmt(d["containers"], "{:,.0f}")),
                ("mean time here", f"{_fmt(d['mean_delay_h'])} h"),
                ("P90 time here", f"{_fmt(d['p90_delay_h'])} h"),
            ]
            for cat in kpis.TIME_CATEGORIES:
                col = f"{cat}_h"
                if col in d and float(d[col]) > 0.05:
                    info.append((f"  {kpis.TIME_CATEGORY_LABELS[cat]}", f"{_fmt(d[col])} h"))
        for u in util[util["node"] == row.id].itertuples(index=False):
            info.append(
                (
                    f"{u.process}",
                    f"utilisation {_fmt(u.utilisation, '{:.0%}')}, "
                    f"mean wait {_fmt(u.mean_wait_h)} h",
                )
            )
        _popup(marker, _table(f"{row.id}", info))
        folium.Tooltip(html.escape(f"{row.id}: {row.name}")).add_to(marker)
        marker.add_to(node_group)
    layers = 2 + (len(_route_leg_ids(results)) if results is not None else 0)
    folium.LayerControl(collapsed=layers > 6).add_to(m)  # a long list would hide the map
    return m


def _route_rows(r: pd.Series) -> list[tuple[str, str]]:
    rows = [
        ("delivered", _fmt(r.get("delivered"), "{:,.0f}")),
        ("transit P50 / P95", f"{_fmt(r.get('p50_days'))} / {_fmt(r.get('p95_days'))} days"),
        ("distance", f"{_fmt(r.get('km'), '{:,.0f}')} km"),
        ("SWOD / SWD", f"{_fmt(r.get('swod_kmh'))} / {_fmt(r.get('swd_kmh'))} km/h"),
        ("cost", f"{_fmt(r.get('usd_per_teu'), '{:,.0f}')} USD/TEU"),
        ("CO2e", f"{_fmt(r.get('co2e_kg_per_teu'), '{:,.0f}')} kg/TEU"),
    ]
    if "on_time_share" in r:
        rows.insert(2, ("on time", _fmt(r.get("on_time_share"), "{:.0%}")))
    return rows


def _hex_route_colors(names: list[str]) -> dict[str, str]:
    from matplotlib.colors import to_hex

    from corridor.views.plots import _route_colors

    return {k: to_hex(v) for k, v in _route_colors(names).items()}


def interactive_map_html(m: folium.Map) -> str:
    """The map as one HTML page with Leaflet written into it (no CDN needed).

    Parameters
    ----------
    m
        A map from :func:`interactive_map`.

    Returns
    -------
    str
        A complete HTML document.
    """
    page: str = m.get_root().render()
    data = importlib_resources.files("corridor") / "data"
    js = (data / "leaflet.js").read_text(encoding="utf-8")
    css = (data / "leaflet.css").read_text(encoding="utf-8")
    page = page.replace(f'<script src="{_LEAFLET_JS}"></script>', f"<script>{js}</script>")
    page = page.replace(f'<link rel="stylesheet" href="{_LEAFLET_CSS}"/>', f"<style>{css}</style>")
    if _LEAFLET_JS in page or _LEAFLET_CSS in page:  # folium changed how it writes links
        raise RuntimeError("could not write Leaflet into the map's HTML")
    return page


def save_interactive_map(m: folium.Map, path: str | Path) -> Path:
    """Write the map as a self-contained HTML file, atomically (temporary file, then rename).

    Parameters
    ----------
    m
        A map from :func:`interactive_map`.
    path
        The ``.html`` file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return write_text_atomic(path, interactive_map_html(m))


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary file in the same folder and a rename,
    so that a reader never sees half a file."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
