"""One self-contained HTML page with a run's results: tables, charts, map, methods.

The page embeds its charts as base64 PNG and the interactive map (with Leaflet) in an
``<iframe srcdoc>``, so it opens offline; only the map's background tiles come from the
network (leave them out with ``tiles=None``).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import logging
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor import kpis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from corridor.inputs.network import Network
    from corridor.results.tables import Results

__all__ = ["build_report", "servers_for", "write_report"]

log = logging.getLogger(__name__)

_IN_ROUTE_TABLE = {"mean_days", "p50_days", "p90_days", "p95_days", "max_days"}
_ESCAP_MAX_ROUTES = 5  # routes per time/cost-distance chart; more are unreadable

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
main { max-width: 1150px; margin: 0 auto; padding: 1.5em 2em 4em; background: white; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 2px solid #ddd; }
.meta { color: #555; margin-top: 0; }
table.kpi { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0 1.2em; }
table.kpi th, table.kpi td { border-bottom: 1px solid #e2e2e2; padding: 3px 8px; }
table.kpi th { background: #f2f2f2; vertical-align: bottom; }
table.kpi .num { text-align: right; } table.kpi .text { text-align: left; white-space: nowrap; }
div.scroll { overflow-x: auto; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9em; }
iframe.map { width: 100%; height: 620px; border: 1px solid #ccc; }
.note { color: #666; font-size: 0.9em; }
nav a { margin-right: 1em; }
"""


# --------------------------------------------------------------------------- pieces


def _png(fig: Figure, dpi: int = 110) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(make: Callable[[], Figure], alt: str, caption: str) -> str:
    try:
        fig = make()
    except ValueError as exc:  # documented "cannot draw this" errors, e.g. no tariffs
        return f"<p class='note'>{html.escape(alt)}: not drawn ({html.escape(str(exc))}).</p>"
    data = _png(fig)
    return (
        f"<figure><img alt='{html.escape(alt, quote=True)}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _cell(value: object, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if fmt is not None:
        return fmt.format(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _table(frame: pd.DataFrame, formats: Mapping[str, str] | None = None) -> str:
    """An HTML table: numbers right-aligned and formatted, text left-aligned, all escaped."""
    if frame.empty:
        return "<p class='note'>(nothing to show)</p>"
    fmts = dict(formats or {})
    columns = [str(c) for c in frame.columns]
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    chosen = [
        fmts.get(c) or ("{:,.1f}" if pd.api.types.is_float_dtype(frame[c]) else None)
        for c in columns
    ]
    head = "".join(
        f"<th class='{'num' if n else 'text'}'>{html.escape(c.replace('_', ' '))}</th>"
        for c, n in zip(columns, numeric, strict=True)
    )
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(
            f"<td class='{'num' if n else 'text'}'>{html.escape(_cell(v, f))}</td>"
            for v, n, f in zip(values, numeric, chosen, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<div class='scroll'><table class='kpi'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _section(anchor: str, title: str, body: str) -> str:
    return f"<section id='{anchor}'><h2>{html.escape(title)}</h2>{body}</section>"


def servers_for(
    results: Results, network: Network | None
) -> Mapping[tuple[str, str], float] | None:
    """Servers per capacity-limited process for the utilisation of a saved run.

    Rebuilds the run's model from the scenario file named in ``run.json`` when it can still
    be read (exact, with the scenario's changes and capacity changes); else takes the
    servers the network gives; else ``None``.
    """
    from corridor.errors import CorridorError

    scenario_file = results.meta.get("scenario_file")
    if network is not None and scenario_file and Path(str(scenario_file)).is_file():
        try:
            from corridor.inputs.scenario import load_scenario
            from corridor.model.compile import build_model

            model = build_model(load_scenario(str(scenario_file)), network, results.seed)
            return kpis.servers_of(model, results.horizon_h)
        except CorridorError as exc:
            log.warning("scenario %s not usable for server counts: %s", scenario_file, exc)
    if network is not None:
        return {
            (n.id, p.name): float(p.servers)
            for n in network.nodes.values()
            for p in n.processes
            if p.servers is not None
        }
    return None


# --------------------------------------------------------------------------- the page


def build_report(
    results: Results,
    network: Network | None = None,
    *,
    promised_days: float | None = None,
    servers: Mapping[tuple[str, str], float] | None = None,
    tiles: str | None = "OpenStreetMap",
    title: str | None = None,
) -> str:
    """The HTML page of a run's results.

    Parameters
    ----------
    results
        A run's results (from :func:`corridor.run.simulate` or
        :func:`corridor.views.export.read_results`).
    network
        The run's network, for the maps and the cost-distance chart; without it those are
        left out.
    promised_days
        A promised transit time, for on-time shares.
    servers
        Servers per process for utilisation; defaults to :func:`servers_for`.
    tiles
        Map background tiles (a folium tile name), or ``None``.
    title
        Page title; defaults to the scenario's name.

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    from corridor import maps, plots

    trips, stages, deps, res = results.trips, results.stages, results.departures, results.resources
    if servers is None:
        servers = servers_for(results, network)
    name = title or f"corridor results: {results.scenario_name}"
    measured = kpis.measured_trips(trips)
    created = int((~trips["in_warmup"]).sum()) if len(trips) else 0
    horizon_days = results.horizon_h / 24.0
    warmup_days = results.warmup_h / 24.0
    head = (
        f"<h1>{html.escape(name)}</h1><p class='meta'>scenario "
        f"<b>{html.escape(results.scenario_name)}</b>, seed {results.seed}, from "
        f"{results.start_date:%Y-%m-%d} for {horizon_days:g} days (first {warmup_days:g} days "
        f"warm-up, left out of the statistics); {created:,} containers created after the "
        f"warm-up, {len(measured):,} delivered. Report made "
        f"{dt.datetime.now():%Y-%m-%d %H:%M} by corridor "
        f"{html.escape(str(results.meta.get('corridor_version', '')))}.</p>"
    )
    nav = (
        "<nav><a href='#summary'>Summary</a><a href='#escap'>Time/cost–distance</a>"
        "<a href='#transit'>Transit times</a><a href='#carec'>CAREC indicators</a>"
        "<a href='#capacity'>Capacity</a><a href='#emissions'>Cost and CO2e</a>"
        + ("<a href='#map'>Map</a>" if network is not None else "")
        + "<a href='#methods'>Methods</a></nav>"
    )
    parts = [head, nav]

    # --- summary
    route_table = maps.route_kpis(results, promised_days).reset_index()
    summary = results.summary()
    parts.append(
        _section(
            "summary",
            "Summary per route",
            _table(
                route_table,
                {
                    "delivered": "{:,.0f}",
                    "km": "{:,.0f}",
                    "on_time_share": "{:.0%}",
                    "usd_per_teu": "{:,.0f}",
                    "co2e_kg_per_teu": "{:,.0f}",
                },
            )
            + "<p class='note'>Days are transit times of delivered containers (created after "
            "the warm-up). SWOD: speed without delay (km / moving hours); SWD: speed with "
            "delay (km / total hours).</p>"
            + "<h3>Demand and throughput</h3>"
            + _table(
                summary[
                    [
                        c
                        for c in summary.columns
                        if str(c) not in _IN_ROUTE_TABLE and not str(c).startswith("share_")
                    ]
                ]
            )
            + _figure(
                lambda: plots.plot_time_breakdown(trips, stages),
                "time breakdown",
                "Mean time per container by category: moving, waiting for a departure, "
                "queueing at capacity-limited processes, handling, yard dwell, border and "
                "customs, gauge change, held by closures.",
            ),
        )
    )

    # --- ESCAP: one chart per flow (routes of different flows may run opposite ways)
    escap = ""
    with_costs = network is not None or "cost_usd" in stages
    for flow in [str(f) for f in measured["flow"].unique()]:
        counts = measured.loc[measured["flow"] == flow, "route"].value_counts()
        busiest = [str(r) for r, n in counts.items() if n > 0]
        shown, left_out = busiest[:_ESCAP_MAX_ROUTES], busiest[_ESCAP_MAX_ROUTES:]
        more = (
            f" Left out for legibility (fewer containers): {html.escape(', '.join(left_out))}."
            if left_out
            else ""
        )
        escap += f"<h3>Flow {html.escape(flow)}</h3>" + _figure(
            partial(plots.plot_time_distance, trips, stages, shown, flow=flow, departures=deps),
            f"time-distance chart of {flow}",
            "ESCAP time–distance chart: the line is the median container, the band spans "
            "P10–P90; slopes are legs, vertical steps are nodes (handling, waits, borders), "
            f"named where they are big.{more}",
        )
        if with_costs:
            escap += _figure(
                partial(
                    plots.plot_time_distance, trips, stages, shown, flow=flow, metric="cost",
                    network=network, departures=deps,
                ),
                f"cost-distance chart of {flow}",
                "ESCAP cost–distance chart, USD per TEU: leg tariffs on the slopes, node "
                f"charges as steps.{more}",
            )  # fmt: skip
    parts.append(_section("escap", "Time/cost–distance (ESCAP)", escap))

    # --- transit times
    rel = kpis.reliability(trips, promised_days, results.horizon_h) if promised_days else None
    transit = _figure(
        lambda: plots.plot_transit_ecdf(trips, promised_days=promised_days),
        "transit time ECDF",
        "Share of containers delivered within a given number of days.",
    ) + _figure(
        lambda: plots.plot_transit_histogram(trips), "transit time histogram", "Transit times."
    )
    if rel is not None:
        transit += _table(
            rel,
            {
                "counted": "{:,.0f}",
                "on_time": "{:,.0f}",
                "on_time_share": "{:.1%}",
                "late_in_transit": "{:,.0f}",
            },
        )
    parts.append(_section("transit", "Transit times and reliability", transit))

    # --- CAREC
    borders = kpis.border_crossing_times(trips, stages, network=network)
    speeds = kpis.route_speeds(trips, stages)
    carec = (
        "<h3>Time to clear border crossings (TFI1), hours</h3>"
        + _table(borders, {"containers": "{:,.0f}"})
        + "<p class='note'>From the first stage at any post of the crossing to the end of the "
        "last, both sides and the link between them together.</p>"
        + "<h3>Speeds (TFI4)</h3>"
        + _table(speeds, {"containers": "{:,.0f}", "km": "{:,.0f}", "delay_share": "{:.0%}"})
        + "<h3>Time at nodes</h3>"
        + _table(
            kpis.node_delays(trips, stages, deps).sort_values("mean_delay_h", ascending=False),
            {"containers": "{:,.0f}"},
        )
    )
    parts.append(_section("carec", "CAREC corridor indicators", carec))

    # --- capacity
    util = kpis.utilisation(res, servers, results.horizon_h, results.warmup_h)
    capacity = _figure(
        lambda: plots.plot_utilisation(res, servers, results.horizon_h, results.warmup_h),
        "utilisation",
        "Mean busy servers over servers, after the warm-up.",
    )
    if len(util):
        capacity += _table(
            util,
            {
                "servers": "{:g}",
                "jobs": "{:,.0f}",
                "containers": "{:,.0f}",
                "utilisation": "{:.0%}",
                "max_queue": "{:,.0f}",
                "busy_h": "{:,.0f}",
            },
        )
        worst = util.sort_values("mean_queue", ascending=False).head(2)
        for node, process in zip(worst["node"], worst["process"], strict=True):
            capacity += _figure(
                partial(plots.plot_queue_length, res, node, process),
                f"queue at {node}",
                f"Containers waiting for {html.escape(process)} at {html.escape(node)}.",
            )
    capacity += _figure(
        lambda: plots.plot_load_factors(deps),
        "load factors",
        "Load factors of the departures on each leg (boxes: quartiles; whiskers: 1.5 IQR).",
    )
    capacity += _table(
        kpis.load_factors(deps),
        {
            "departures": "{:,.0f}",
            "teu_carried": "{:,.0f}",
            "capacity_teu": "{:,.0f}",
            "load_factor": "{:.0%}",
            "mean_load_factor": "{:.0%}",
            "p10_load_factor": "{:.0%}",
            "p50_load_factor": "{:.0%}",
            "p90_load_factor": "{:.0%}",
            "share_full": "{:.0%}",
            "share_empty": "{:.0%}",
        },
    )
    parts.append(_section("capacity", "Capacity: utilisation, queues, load factors", capacity))

    # --- cost and emissions
    factors = kpis.emission_factors()
    emissions = "<h3>Cost per TEU</h3>" + _table(
        kpis.cost_per_teu(trips),
        {
            "containers": "{:,.0f}",
            "teu": "{:,.0f}",
            "cost_usd": "{:,.0f}",
            "usd_per_teu": "{:,.0f}",
            "usd_per_teu_km": "{:.3f}",
        },
    )
    try:
        emissions += "<h3>CO2e per TEU</h3>" + _table(kpis.co2e_per_teu(trips, stages))
    except ValueError as exc:
        emissions += f"<p class='note'>CO2e not computed: {html.escape(str(exc))}</p>"
    emissions += (
        "<h3>Emission factors used</h3>"
        + _table(factors, {"kg_co2e_per_teu_km": "{:.3f}"})
        + "<p class='note'>Well-to-wheel, kg CO2e per TEU-km. Values marked 'assumption' are "
        "not from a published table and must be replaced before emissions are quoted.</p>"
    )
    parts.append(_section("emissions", "Cost and emissions", emissions))

    # --- map
    if network is not None:
        m = maps.interactive_map(network, results, promised_days=promised_days, tiles=tiles)
        srcdoc = html.escape(maps.interactive_map_html(m), quote=True)
        body = (
            f"<iframe class='map' title='interactive map' srcdoc=\"{srcdoc}\"></iframe>"
            "<p class='note'>Click legs, routes and nodes for their figures; the layer control "
            "switches routes on and off.</p>"
            + _figure(
                lambda: maps.plot_network_map(network, results),
                "network map",
                "Legs by mode; nodes sized by the mean time containers spend there.",
            )
        )
        parts.append(_section("map", "Map", body))

    parts.append(_section("methods", "Methods", _METHODS))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(name)}</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>"
    )


_METHODS = """
<p>Statistics are over containers created after the warm-up and delivered before the end of
the horizon, unless a table says otherwise. On-time shares also count containers still in
transit whose age already exceeds the promise.</p>
<p><b>Time/cost–distance</b> (UNESCAP, 2004): cumulative time or cost against cumulative
distance; slopes are legs, vertical steps are nodes.
<b>CAREC CPMM</b>: TFI1, time to clear a border crossing point (entry to exit, both sides);
TFI4, speed without delay (distance over moving time) and with delay (distance over total
time). Border posts of one crossing are grouped by node id: <code>AST-IR</code> and
<code>AST-AZ</code> form the crossing <code>AST</code>.</p>
<p><b>CO2e</b>: distance times a well-to-wheel factor per mode and fuel (GLEC Framework /
ISO 14083 approach); see the factor table for each value's status and basis.</p>
"""


def write_report(
    results_dir: str | Path,
    out_path: str | Path,
    *,
    network_path: str | Path | None = None,
    promised_days: float | None = None,
    tiles: str | None = "OpenStreetMap",
    with_map: bool = True,
) -> Path:
    """Read a results folder and write its HTML report, atomically.

    Parameters
    ----------
    results_dir
        A folder written by :meth:`~corridor.results.tables.Results.save`.
    out_path
        The ``.html`` file to write.
    network_path
        The run's network; defaults to the ``network_file`` named in ``run.json``. Without
        a readable network the report has no map and no cost-distance chart.
    promised_days
        A promised transit time, for on-time shares.
    tiles
        Map tiles, or ``None`` for a map that needs no network access.
    with_map
        Leave the network (maps) out when false.

    Returns
    -------
    pathlib.Path
        ``out_path``.

    Raises
    ------
    ResultsFolderError
        If the folder is not a readable results folder.
    NetworkError
        If ``network_path`` is given and cannot be loaded.
    """
    from corridor.views.export import network_for, read_results
    from corridor.views.maps import write_text_atomic

    results = read_results(results_dir)
    network = network_for(results, network_path) if with_map else None
    if with_map and network is None:
        log.warning(
            "no network for %s (give --network PATH): the report has no map and no "
            "cost-distance chart",
            results_dir,
        )
    page = build_report(results, network, promised_days=promised_days, tiles=tiles)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, page)
    log.info("wrote report %s (%.1f MB)", out, len(page) / 1e6)
    return out
