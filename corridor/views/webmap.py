"""The interactive map of a run (folium, Leaflet): the network, a layer per route, and nodes
with their KPIs in popups.

The map works offline: Leaflet itself (the BSD-licensed 1.9.4 build shipped in
``corridor/data``) and the land, coast and borders (:mod:`corridor.views.basemap`, Natural
Earth) are written into the HTML, and no other JavaScript library is used. Background tiles
from a tile server are an option (``tiles="osm"``), off by default; only they need the
network, and the map then credits them.
"""

from __future__ import annotations

import html
import json
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from corridor import kpis
from corridor.results.store import check_output_file, write_text_atomic
from corridor.views.basemap import (
    ATTRIBUTION,
    BORDER_COLOR,
    COAST_COLOR,
    LAND_COLOR,
    OUTSIDE_COLOR,
    SEA_COLOR,
    basemap_geojson,
)
from corridor.views.frames import network_frames, run_servers
from corridor.views.style import MODE_COLORS, hex_route_colors, route_label

if TYPE_CHECKING:
    from corridor.inputs.network import Network
    from corridor.results import Results

__all__ = ["TILES", "interactive_map", "interactive_map_html", "save_interactive_map"]

TILES = {"osm": "OpenStreetMap", "none": None}
"""Background tiles by their short name: ``osm`` (OpenStreetMap's tile server, needs the
network) or ``none`` (the shipped land layer only)."""

_LEAFLET_JS = "corridor-inline:leaflet.js"
_LEAFLET_CSS = "corridor-inline:leaflet.css"


def _route_leg_ids(results: Results) -> dict[str, list[str]]:
    chain = kpis.route_legs(results.stages, results.departures)
    return {str(r): g["leg"].tolist() for r, g in chain.groupby("route", sort=True)}


class _Script(MacroElement):  # type: ignore[misc]
    """JavaScript run on its parent element, written as ``{parent}.<js>``."""

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this._parent.get_name() }}.{{ this.js }}{% endmacro %}"
    )

    def __init__(self, js: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CorridorScript"
        self.js = js


def _script(parent: Any, js: str) -> None:
    """Add JavaScript run on ``parent`` (a folium element), written as ``{parent}.<js>``."""
    parent.add_child(_Script(js))


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
    network: Network | None = None,
    results: Results | None = None,
    *,
    promised_days: float | None = None,
    tiles: str | None = None,
) -> folium.Map:
    """An interactive map: one layer per route, the whole network, and nodes with their KPIs.

    Parameters
    ----------
    network
        The network to draw; defaults to the run's (its ``nodes`` and ``legs`` tables).
    results
        A run's results: route layers with route KPIs in their popups, and node popups with
        the time spent there and the utilisation of their processes.
    promised_days
        For the on-time share in the route popups.
    tiles
        ``None`` (the default): no tiles; the land, coast and borders shipped with corridor
        are drawn and the map needs no network at all. Else background tiles from a tile
        server: a name of :data:`TILES` (``"osm"``) or a folium tile name; the map then
        loads them from the network, and credits them.

    Returns
    -------
    folium.Map
        Write it with :func:`save_interactive_map` (self-contained) or get its HTML with
        :func:`interactive_map_html`.
    """
    nodes, legs = network_frames(results, network)
    tiles = TILES.get(tiles, tiles) if tiles is not None else None
    m = folium.Map(tiles=tiles, control_scale=True, zoom_snap=0.25)
    m.default_js = [("leaflet", _LEAFLET_JS)]
    m.default_css = [("leaflet_css", _LEAFLET_CSS)]
    _basemap(m, with_land=tiles is None)
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
            ("name", html.escape(str(row.name))),
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
        route_table = kpis.route_kpis(
            results.trips, results.stages, results.horizon_h, results.warmup_h, promised_days
        )
        colors = hex_route_colors([str(r) for r in route_table.index], results.trips["route"])
        labels = results.route_labels
        geoms = {row.id: row.geometry for row in legs.itertuples(index=False)}
        for route, leg_ids in _route_leg_ids(results).items():
            group = folium.FeatureGroup(
                name=f"route: {route_label(route, labels)}", show=True
            ).add_to(m)
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
                title = f"route {route_label(route, labels)}"
                _popup(line, _table(title, [("leg", html.escape(leg_id)), *info]))
                line.add_to(group)

    node_group = folium.FeatureGroup(name="nodes", show=True).add_to(m)
    delays = (
        kpis.node_kpis(results.trips, results.stages, results.departures)
        if results is not None and len(results.stages)
        else pd.DataFrame()
    )
    util = (
        kpis.utilisation(
            results.resources, run_servers(results, network), results.horizon_h, results.warmup_h
        )
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
        _popup(
            marker, _table(f"{row.name} ({row.id})" if row.name != row.id else f"{row.id}", info)
        )
        folium.Tooltip(html.escape(f"{row.id}: {row.name}")).add_to(marker)
        marker.add_to(node_group)
    layers = 2 + (len(_route_leg_ids(results)) if results is not None else 0)
    folium.LayerControl(collapsed=layers > 6).add_to(m)  # a long list would hide the map
    return m


def _basemap(m: folium.Map, with_land: bool) -> None:
    """The shipped land (filled, SVG class ``corridor-land``) and borders
    (``corridor-border``) under everything else, the sea inside the basemap's extent and grey
    outside it (no data there); over tiles, only the borders."""
    data = basemap_geojson()
    features = [f for f in data["features"] if with_land or f["properties"]["layer"] == "borders"]
    styles = {
        "land": {"className": "corridor-land", "color": COAST_COLOR, "weight": 0.8,
                 "fillColor": LAND_COLOR, "fillOpacity": 1.0},
        "borders": {"className": "corridor-border", "color": BORDER_COLOR, "weight": 0.8,
                    "dashArray": "4 3", "fill": False},
    }  # fmt: skip
    # JSON objects, with "</" broken so that they cannot end the <script> element
    layer = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    layer = layer.replace("</", "<\\/")
    name = m.get_name()
    js = [
        "createPane('corridorBase').style.zIndex = 250;",  # above tiles (200), below lines (400)
        f"L.geoJSON({layer}, {{pane: 'corridorBase', interactive: false,"
        f" style: function (f) {{ return {json.dumps(styles)}[f.properties.layer]; }}}})"
        f".addTo({name});",
    ]
    if with_land:
        x0, y0, x1, y1 = data["bbox"]
        sea = {"pane": "corridorBase", "stroke": False, "fillColor": SEA_COLOR,
               "fillOpacity": 1.0, "interactive": False}  # fmt: skip
        js.insert(1, f"L.rectangle([[{y0}, {x0}], [{y1}, {x1}]], {json.dumps(sea)}).addTo({name});")
        _script(m, f"getContainer().style.background = {json.dumps(OUTSIDE_COLOR)};")
    _script(m, f"attributionControl.addAttribution({json.dumps(ATTRIBUTION)});")
    _script(m, " ".join(js))


def _route_rows(r: pd.Series) -> list[tuple[str, str]]:
    rows = [
        ("delivered", _fmt(r.get("delivered"), "{:,.0f}")),
        (
            "throughput",
            f"{_fmt(r.get(kpis.THROUGHPUT))} TEU/day (delivered, created after warm-up)",
        ),
        ("transit P50 / P95", f"{_fmt(r.get('p50_days'))} / {_fmt(r.get('p95_days'))} days"),
        ("distance", f"{_fmt(r.get('km'), '{:,.0f}')} km"),
        ("SWOD / SWD", f"{_fmt(r.get('swod_kmh'))} / {_fmt(r.get('swd_kmh'))} km/h"),
        ("cost", f"{_fmt(r.get('usd_per_teu'), '{:,.0f}')} USD/TEU"),
        ("CO2e", f"{_fmt(r.get('co2e_kg_per_teu'), '{:,.0f}')} kg/TEU"),
    ]
    if "on_time_share" in r:
        rows.insert(3, ("on time", _fmt(r.get("on_time_share"), "{:.0%}")))
    return rows


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
        The ``.html`` file to write, in a folder that exists.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        If ``path`` is a folder, its folder does not exist, or it cannot be written (the
        message says why: permission denied, the disk is full, ...).
    """
    check_output_file(path)
    return write_text_atomic(path, interactive_map_html(m))
