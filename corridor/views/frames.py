"""What views take from a run besides its tables of events: its network as GeoDataFrames and
its servers, from the ``nodes``, ``legs`` and ``processes`` tables.

A :class:`~corridor.inputs.network.Network` a caller passes is used instead of the tables
(its own figures, without the scenario's changes); nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import geopandas
import pandas as pd
import shapely

if TYPE_CHECKING:
    from corridor.inputs.network import Network
    from corridor.results import Results

__all__ = ["has_network", "missing_note", "network_frames", "run_servers"]

_LEG_FRAME_COLUMNS = [
    "id", "name", "from_node", "to_node", "mode", "length_km", "speed_kmh", "mean_running_h",
    "service", "cost_usd_per_teu", "co2e_kg_per_teu_km", "enabled",
]  # fmt: skip
_NODE_FRAME_COLUMNS = ["id", "name", "country", "kind", "lon", "lat", "processes"]


def has_network(results: Results | None, network: Network | None = None) -> bool:
    """Whether a map can be drawn: a network is given, or the run has its nodes table."""
    return network is not None or (results is not None and len(results.nodes) > 0)


def missing_note(results: Results, *tables: str) -> str:
    """Why ``tables`` of a loaded run are empty, or ``""`` when they are not missing."""
    missing = [t for t in tables if t in results.meta.get("missing_tables", ())]
    if not missing:
        return ""
    return (
        f"the results folder has no {', '.join(missing)} table(s): it was saved by an older "
        "corridor; run the scenario again to get them"
    )


def network_frames(
    results: Results | None, network: Network | None = None
) -> tuple[geopandas.GeoDataFrame, geopandas.GeoDataFrame]:
    """The nodes (points) and legs (lines) of a run, as GeoDataFrames in EPSG:4326.

    The columns are those of :meth:`~corridor.inputs.network.Network.nodes_frame` and
    :meth:`~corridor.inputs.network.Network.legs_frame`, whichever the source.

    Parameters
    ----------
    results
        The run, whose ``nodes`` and ``legs`` tables describe the network as it ran.
    network
        Use this network instead.

    Raises
    ------
    ValueError
        If no network is given and the run has no ``nodes`` table.
    """
    if network is not None:
        return network.nodes_frame(), network.legs_frame()
    if results is None or not len(results.nodes):
        note = missing_note(results, "nodes", "legs") if results is not None else ""
        raise ValueError(
            "no network to draw: " + (note or "the run has no nodes") + "; or pass network="
        )
    nodes = results.nodes[_NODE_FRAME_COLUMNS].reset_index(drop=True)
    points = shapely.points(nodes["lon"].to_numpy(float), nodes["lat"].to_numpy(float))
    node_frame = geopandas.GeoDataFrame(nodes, geometry=points, crs="EPSG:4326")
    legs = results.legs.reset_index(drop=True)
    lines = shapely.from_wkt(legs["geometry_wkt"].to_numpy(dtype=object))
    leg_frame = geopandas.GeoDataFrame(
        legs[_LEG_FRAME_COLUMNS].astype({"enabled": bool}), geometry=lines, crs="EPSG:4326"
    )
    return node_frame, leg_frame


def run_servers(
    results: Results, network: Network | None = None
) -> pd.DataFrame | Network | Mapping[tuple[str, str], float] | None:
    """Servers per capacity-limited process, for :func:`corridor.kpis.utilisation`.

    The run's ``processes`` table (exact, with capacity changes); for a folder saved before
    it existed, the given network's servers; else ``None`` (servers unknown).
    """
    if "processes" not in results.meta.get("missing_tables", ()):
        return results.processes
    return network
