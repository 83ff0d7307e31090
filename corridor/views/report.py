"""One self-contained HTML page with a run's results: tables, charts, map, methods.

The page embeds its charts as base64 PNG and the interactive map (with Leaflet and the
shipped land, coast and borders) in an ``<iframe srcdoc>``, so it opens offline and loads
nothing from the network; background tiles from a tile server are an option
(``tiles="osm"``). Everything on it comes from the run's tables: the map draws the network
as it ran (the ``nodes`` and ``legs`` tables) and utilisation uses the servers it had (the
``processes`` table), so a report can be written long after the scenario and network files
have changed or gone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from corridor import kpis
from corridor.inputs.network import Network, load_network
from corridor.results import Results
from corridor.results.store import check_output_file, write_text_atomic
from corridor.views import plots
from corridor.views.frames import has_network, missing_note, run_servers
from corridor.views.maps import plot_network_map
from corridor.views.report_html import (
    FIGURE_FORMATS,
    Block,
    Section,
    figure,
    frame,
    heading,
    note,
    render_report,
    table,
)
from corridor.views.report_sensitivity import SensitivityView, sensitivity_section
from corridor.views.webmap import interactive_map, interactive_map_html

__all__ = ["build_report", "write_report"]

log = logging.getLogger(__name__)

_IN_ROUTE_TABLE = {"mean_days", "p50_days", "p90_days", "p95_days", "max_days"}
_ESCAP_MAX_ROUTES = 5  # routes per time/cost-distance chart; more are unreadable

Servers = Mapping[tuple[str, str], float] | pd.DataFrame | Network | None


def build_report(
    results: Results,
    network: Network | None = None,
    *,
    promised_days: float | None = None,
    servers: Mapping[tuple[str, str], float] | pd.DataFrame | None = None,
    tiles: str | None = None,
    title: str | None = None,
    with_map: bool = True,
    figures: str = "png",
    progress: bool | None = False,
    sensitivity: SensitivityView | None = None,
) -> str:
    """The HTML page of a run's results.

    Parameters
    ----------
    results
        A run's results (from :func:`corridor.run.simulate` or
        :meth:`corridor.results.Results.load`).
    network
        A network to draw instead of the run's own (its ``nodes`` and ``legs`` tables), and
        whose tariffs the cost-distance chart uses when the stages have no costs.
    promised_days
        A promised transit time, for on-time shares.
    servers
        Servers per process for utilisation; defaults to the run's ``processes`` table.
    tiles
        ``None`` (the default): the map draws the shipped land layer and needs no network;
        ``"osm"`` (or a folium tile name): background tiles from a tile server.
    title
        Page title; defaults to the scenario's name.
    with_map
        Leave the maps out when false.
    figures
        How charts are embedded: ``"png"`` or ``"svg"`` (:data:`FIGURE_FORMATS`).
    progress
        Show a progress bar of the sections on standard error (tqdm; a widget in a
        notebook); ``None`` shows it only when standard error is a terminal.
    sensitivity
        A sensitivity analysis (:func:`corridor.run_sensitivity` or
        :func:`corridor.load_sensitivity`): a section after the summary gives its headline
        (the range of each route difference over the plausible inputs next to the
        replication CI), its ranked indices and their chart.

    Returns
    -------
    str
        A complete, self-contained HTML document.

    Raises
    ------
    ValueError
        If ``figures`` is not one of :data:`FIGURE_FORMATS`.
    """
    if figures not in FIGURE_FORMATS:
        raise ValueError(f"figures {figures!r} is not one of {', '.join(FIGURE_FORMATS)}")
    trips = results.trips
    chosen: Servers = run_servers(results, network) if servers is None else servers
    measured = kpis.measured_trips(trips)
    mapped = with_map and has_network(results, network)
    fig = partial(figure, fmt=figures)
    steps: list[Callable[[], Section]] = [
        lambda: _summary(results, promised_days, fig),
        lambda: _escap(results, measured, network, fig),
        lambda: _transit(results, promised_days, fig),
        lambda: _carec(results, network),
        lambda: _capacity(results, chosen, fig),
        lambda: _emissions(results),
    ]
    if sensitivity is not None:  # next to the summary: both uncertainties of the headline
        steps.insert(1, partial(sensitivity_section, sensitivity, fig))
    if mapped:
        steps.append(lambda: _map(results, network, promised_days, tiles, fig))
    notes = []
    if with_map and not mapped and missing_note(results, "nodes", "legs"):
        notes.append(f"No map: {missing_note(results, 'nodes', 'legs')}.")
    sections = [
        step() for step in tqdm(steps, desc="report", unit="section", disable=_disable(progress))
    ]
    return render_report(
        sections,
        notes,
        title=title or f"corridor results: {results.scenario_name}",
        scenario=results.scenario_name,
        seed=results.seed,
        start_date=f"{results.start_date:%Y-%m-%d}",
        horizon_days=f"{results.horizon_h / 24.0:g}",
        warmup_days=f"{results.warmup_h / 24.0:g}",
        created=int((~trips["in_warmup"]).sum()) if len(trips) else 0,
        delivered=len(measured),
        made=f"{dt.datetime.now():%Y-%m-%d %H:%M}",
        version=str(results.meta.get("corridor_version", "")),
    )


def _disable(progress: bool | None) -> bool | None:
    """tqdm's ``disable``: ``None`` leaves it to tqdm (off when not on a terminal)."""
    return None if progress is None else not progress


Fig = Callable[..., Block]


def _summary(results: Results, promised_days: float | None, fig: Fig) -> Section:
    trips, stages = results.trips, results.stages
    route_table = kpis.route_kpis(
        trips, stages, results.horizon_h, results.warmup_h, promised_days
    ).reset_index()
    labels = results.route_labels
    if any(labels.get(str(r), str(r)) != str(r) for r in route_table["route"]):
        route_table.insert(1, "label", [labels.get(str(r), str(r)) for r in route_table["route"]])
    summary = results.summary()
    return Section(
        "summary",
        "Summary per route",
        [
            table(
                route_table,
                {
                    "delivered": "{:,.0f}",
                    "km": "{:,.0f}",
                    "on_time_share": "{:.0%}",
                    "usd_per_teu": "{:,.0f}",
                    "co2e_kg_per_teu": "{:,.0f}",
                },
            ),
            note(
                "Days are transit times of delivered containers (created after the warm-up); "
                "containers still in transit at the end are not in them. SWOD: speed without "
                "delay (km / moving hours); SWD: speed with delay (km / total hours)."
            ),
            heading("Demand and throughput"),
            table(
                summary[
                    [
                        c
                        for c in summary.columns
                        if str(c) not in _IN_ROUTE_TABLE and not str(c).startswith("share_")
                    ]
                ]
            ),
            fig(
                lambda: plots.plot_time_breakdown(trips, stages),
                "time breakdown",
                "Mean time per container by category: moving, waiting for a departure, "
                "queueing at capacity-limited processes, handling, yard dwell, border and "
                "customs, gauge change, held by closures.",
            ),
        ],
        nav="Summary",
    )


def _escap(results: Results, measured: pd.DataFrame, network: Network | None, fig: Fig) -> Section:
    """One time-distance (and cost-distance) chart per flow: routes of different flows may
    run opposite ways."""
    trips, stages, deps = results.trips, results.stages, results.departures
    blocks: list[Block] = []
    with_costs = network is not None or "cost_usd" in stages
    for flow in [str(f) for f in measured["flow"].unique()]:
        counts = measured.loc[measured["flow"] == flow, "route"].value_counts()
        busiest = [str(r) for r, n in counts.items() if n > 0]
        shown, left_out = busiest[:_ESCAP_MAX_ROUTES], busiest[_ESCAP_MAX_ROUTES:]
        more = (
            f" Left out for legibility (fewer containers): {', '.join(left_out)}."
            if left_out
            else ""
        )
        blocks.append(heading(f"Flow {flow}"))
        blocks.append(
            fig(
                partial(plots.plot_time_distance, trips, stages, shown, flow=flow, departures=deps),
                f"time-distance chart of {flow}",
                "ESCAP time–distance chart: the line is the median container, the band spans "
                "P10–P90; slopes are legs, vertical steps are nodes (handling, waits, borders), "
                f"named where they are big.{more}",
            )
        )
        if with_costs:
            blocks.append(
                fig(
                    partial(
                        plots.plot_time_distance,
                        trips,
                        stages,
                        shown,
                        flow=flow,
                        metric="cost",
                        network=network,
                        departures=deps,
                    ),
                    f"cost-distance chart of {flow}",
                    "ESCAP cost–distance chart, USD per TEU: leg tariffs on the slopes, node "
                    f"charges as steps.{more}",
                )
            )
    return Section("escap", "Time/cost–distance (ESCAP)", blocks, nav="Time/cost–distance")


def _transit(results: Results, promised_days: float | None, fig: Fig) -> Section:
    trips = results.trips
    rel = kpis.reliability(trips, promised_days, results.horizon_h) if promised_days else None
    blocks = [
        fig(
            lambda: plots.plot_transit_ecdf(
                trips, promised_days=promised_days, labels=results.route_labels
            ),
            "transit time ECDF",
            "Share of containers delivered within a given number of days.",
        ),
        fig(
            lambda: plots.plot_transit_histogram(trips), "transit time histogram", "Transit times."
        ),
    ]
    if rel is not None:
        blocks.append(
            table(
                rel,
                {
                    "counted": "{:,.0f}",
                    "on_time": "{:,.0f}",
                    "on_time_share": "{:.1%}",
                    "late_in_transit": "{:,.0f}",
                },
            )
        )
    return Section("transit", "Transit times and reliability", blocks, nav="Transit times")


def _carec(results: Results, network: Network | None) -> Section:
    trips, stages, deps = results.trips, results.stages, results.departures
    nodes = network if network is not None else results.nodes if len(results.nodes) else None
    borders = kpis.border_crossing_times(trips, stages, network=nodes)
    speeds = kpis.route_speeds(trips, stages)
    blocks = [
        heading("Time to clear border crossings (TFI1), hours"),
        table(borders, {"containers": "{:,.0f}"}),
        note(
            "From the first stage at any post of the crossing to the end of the last, both "
            "sides and the link between them together."
        ),
        heading("Speeds (TFI4)"),
        table(speeds, {"containers": "{:,.0f}", "km": "{:,.0f}", "delay_share": "{:.0%}"}),
        heading("Time at nodes"),
        table(
            kpis.node_delays(trips, stages, deps).sort_values("mean_delay_h", ascending=False),
            {"containers": "{:,.0f}"},
        ),
    ]
    return Section("carec", "CAREC corridor indicators", blocks, nav="CAREC indicators")


def _capacity(results: Results, servers: Servers, fig: Fig) -> Section:
    res, deps = results.resources, results.departures
    util = kpis.utilisation(res, servers, results.horizon_h, results.warmup_h)
    blocks = [
        fig(
            lambda: plots.plot_utilisation(res, servers, results.horizon_h, results.warmup_h),
            "utilisation",
            "Mean busy servers over servers, after the warm-up.",
        )
    ]
    if servers is None and missing_note(results, "processes"):
        blocks.append(
            note(
                f"Servers unknown, so busy servers are shown: {missing_note(results, 'processes')}."
            )
        )
    if len(util):
        blocks.append(
            table(
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
        )
        worst = util.sort_values("mean_queue", ascending=False).head(2)
        for node, process in zip(worst["node"], worst["process"], strict=True):
            blocks.append(
                fig(
                    partial(
                        plots.plot_queue_length, res, node, process, start_date=results.start_date
                    ),
                    f"queue at {node}",
                    f"Containers waiting for {process} at {node}.",
                )
            )
    blocks.append(
        fig(
            lambda: plots.plot_load_factors(deps),
            "load factors",
            "Load factors of the departures on each leg (boxes: quartiles; whiskers: 1.5 IQR).",
        )
    )
    blocks.append(
        table(
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
    )
    return Section(
        "capacity", "Capacity: utilisation, queues, load factors", blocks, nav="Capacity"
    )


def _emissions(results: Results) -> Section:
    trips, stages = results.trips, results.stages
    blocks = [
        heading("Cost per TEU"),
        table(
            kpis.cost_per_teu(trips),
            {
                "containers": "{:,.0f}",
                "teu": "{:,.0f}",
                "cost_usd": "{:,.0f}",
                "usd_per_teu": "{:,.0f}",
                "usd_per_teu_km": "{:.3f}",
            },
        ),
    ]
    try:
        blocks += [heading("CO2e per TEU"), table(kpis.co2e_per_teu(trips, stages))]
    except ValueError as exc:
        blocks.append(note(f"CO2e not computed: {exc}"))
    blocks += [
        heading("Emission factors used"),
        table(kpis.emission_factors(), {"kg_co2e_per_teu_km": "{:.3f}"}),
        note(
            "Well-to-wheel, kg CO2e per TEU-km. Values marked 'assumption' are not from a "
            "published table and must be replaced before emissions are quoted."
        ),
    ]
    return Section("emissions", "Cost and emissions", blocks, nav="Cost and CO2e")


def _map(
    results: Results,
    network: Network | None,
    promised_days: float | None,
    tiles: str | None,
    fig: Fig,
) -> Section:
    m = interactive_map(network, results, promised_days=promised_days, tiles=tiles)
    credit = (
        "Land, coast and borders: Natural Earth (public domain), shipped with corridor; the "
        "map loads nothing from the network."
        if tiles is None
        else "Background tiles are loaded from the tile server named in the map's corner."
    )
    blocks = [
        frame(interactive_map_html(m), "interactive map"),
        note(
            "Click legs, routes and nodes for their figures; the layer control switches "
            f"routes on and off. {credit}"
        ),
        fig(
            lambda: plot_network_map(network, results),
            "network map",
            "Legs by mode; nodes sized by the mean time containers spend there; the inset "
            "shows the whole network.",
        ),
    ]
    return Section("map", "Map", blocks)


def write_report(
    results_dir: str | Path,
    out_path: str | Path,
    *,
    network_path: str | Path | None = None,
    promised_days: float | None = None,
    tiles: str | None = None,
    with_map: bool = True,
    figures: str = "png",
    progress: bool | None = False,
    sensitivity: SensitivityView | None = None,
) -> Path:
    """Read a results folder and write its HTML report, atomically.

    Parameters
    ----------
    results_dir
        A folder written by :meth:`corridor.results.Results.save`.
    out_path
        The ``.html`` file to write, in a folder that exists.
    network_path
        A network file to draw instead of the run's own network (its ``nodes`` and ``legs``
        tables); needed only for a folder saved before those tables existed.
    promised_days
        A promised transit time, for on-time shares.
    tiles
        ``None`` (the default) for a map that needs no network access, or ``"osm"`` for
        OpenStreetMap's tiles under it.
    with_map
        Leave the maps out when false.
    figures
        How charts are embedded: ``"png"`` or ``"svg"``.
    progress
        Show a progress bar of the sections (``None``: only on a terminal).
    sensitivity
        A sensitivity analysis (:func:`corridor.load_sensitivity`): adds its section (see
        :func:`build_report`).

    Returns
    -------
    pathlib.Path
        ``out_path``.

    Raises
    ------
    OutputError
        Before any work, if ``out_path`` is a folder, its folder does not exist (it is not
        created: create it first) or cannot be written; after, if the write fails (the disk
        is full ...). The message names the path, what is wrong and a hint.
    ResultsFolderError
        If the folder is not a readable results folder, or its files do not belong together.
    NetworkError
        If ``network_path`` is given and cannot be loaded.
    """
    check_output_file(out_path)
    results = Results.load(results_dir)
    network = load_network(network_path) if with_map and network_path is not None else None
    if with_map and not has_network(results, network):
        log.warning(
            "no map in the report of %s: %s (give --network PATH)",
            results_dir,
            missing_note(results, "nodes", "legs") or "the run has no nodes",
        )
    page = build_report(
        results, network, promised_days=promised_days, tiles=tiles, with_map=with_map,
        figures=figures, progress=progress, sensitivity=sensitivity,
    )  # fmt: skip
    out = write_text_atomic(out_path, page)
    log.info("wrote report %s (%.1f MB)", out, len(page) / 1e6)
    return out
