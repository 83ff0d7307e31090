"""A run's charts as files, PNG and/or SVG, for slides and papers (``corridor export
--format png,svg``).

The charts are the report's: the network map, the time breakdown, the transit-time ECDF and
histogram, utilisation, load factors, and a time-distance chart per flow. A chart that cannot
be drawn for this run (say, no capacity-limited process) is left out with a log line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from tqdm.auto import tqdm

from corridor import kpis
from corridor.results import Results
from corridor.results.store import make_folder, write_atomic
from corridor.views import plots
from corridor.views.frames import has_network, run_servers
from corridor.views.maps import plot_network_map
from corridor.views.style import FIGURE_FORMATS

if TYPE_CHECKING:
    from corridor.inputs.network import Network

__all__ = ["FIGURE_FORMATS", "export_figures", "run_figures", "save_figure"]

log = logging.getLogger(__name__)

_DPI = 150


def run_figures(
    results: Results, network: Network | None = None
) -> dict[str, Callable[[], Figure]]:
    """The charts of a run, by file stem, each a function that draws it."""
    trips, stages, deps = results.trips, results.stages, results.departures
    charts: dict[str, Callable[[], Figure]] = {}
    if has_network(results, network):
        charts["network-map"] = partial(plot_network_map, network, results)
    charts["time-breakdown"] = partial(plots.plot_time_breakdown, trips, stages)
    charts["transit-ecdf"] = partial(plots.plot_transit_ecdf, trips)
    charts["transit-histogram"] = partial(plots.plot_transit_histogram, trips)
    charts["utilisation"] = partial(
        plots.plot_utilisation,
        results.resources,
        run_servers(results, network),
        results.horizon_h,
        results.warmup_h,
    )
    charts["load-factors"] = partial(plots.plot_load_factors, deps)
    measured = kpis.measured_trips(trips)
    for flow in sorted(str(f) for f in measured["flow"].unique()):
        routes = measured.loc[measured["flow"] == flow, "route"].value_counts()
        shown = [str(r) for r in routes.index[:5]]
        stem = "time-distance-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", flow)
        charts[stem] = partial(
            plots.plot_time_distance, trips, stages, shown, flow=flow, departures=deps
        )
    return charts


def _save(fig: Figure, fmt: str, path: str) -> None:
    fig.savefig(path, format=fmt, dpi=_DPI, metadata={"Date": None} if fmt == "svg" else None)


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write one chart to ``path``, as PNG or SVG by its suffix (atomically).

    Raises
    ------
    ValueError
        If the suffix is not ``.png`` or ``.svg``.
    OutputError
        If the file cannot be written.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        raise ValueError(
            f"{target}: a chart is written as {' or '.join(FIGURE_FORMATS)}; "
            f"name the file with one of those suffixes, e.g. {target.with_suffix('.png').name}"
        )
    if target.parent != Path():
        make_folder(target.parent)
    return write_atomic(target, partial(_save, fig, fmt), suffix=f".{fmt}")


def export_figures(
    results: Results,
    directory: str | Path,
    formats: Iterable[str] = ("png",),
    network: Network | None = None,
    *,
    progress: bool | None = False,
) -> list[Path]:
    """Write the run's charts (:func:`run_figures`) into ``directory``, one file per chart
    and format (``time-breakdown.png``, ``time-breakdown.svg`` ...).

    Parameters
    ----------
    results
        A run's results.
    directory
        The folder to write into (created if needed).
    formats
        ``"png"`` and/or ``"svg"``.
    network
        A network to draw instead of the run's own.
    progress
        Show a progress bar (tqdm) of the charts; ``None``: only on a terminal.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        If a format is unknown.
    OutputError
        If the folder cannot be created or a file cannot be written.
    """
    chosen = [f.lower().lstrip(".") for f in formats]
    bad = [f for f in chosen if f not in FIGURE_FORMATS]
    if bad:
        raise ValueError(f"figure format(s) {', '.join(bad)} not one of png, svg")
    out = make_folder(directory)
    written = []
    charts = run_figures(results, network)
    disable = None if progress is None else not progress
    for stem, draw in tqdm(charts.items(), desc="charts", unit="chart", disable=disable):
        try:
            fig = draw()
        except ValueError as exc:  # documented "cannot draw this" errors
            log.info("chart %s left out: %s", stem, exc)
            continue
        for fmt in chosen:
            written.append(
                write_atomic(out / f"{stem}.{fmt}", partial(_save, fig, fmt), suffix=f".{fmt}")
            )
    log.info("exported %d charts as %s to %s", len(written), " and ".join(chosen), out)
    return written
