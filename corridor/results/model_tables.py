"""Tables that describe the model as it ran, so that views never reload its files.

``routes``     one row per leg of each route, in order
``processes``  servers of every capacity-limited process over time, capacity changes included
``nodes``      every node with its place and kind
``legs``       every leg, disabled ones included, with its figures and its line

They are built from the runtime model, after the scenario's changes to the network: a map or
a report drawn from them shows the network that was simulated, even when the scenario or the
network file has changed or gone since.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.model.runtime import LegRT, Model

__all__ = [
    "LEG_COLUMNS",
    "MODEL_TABLES",
    "NODE_COLUMNS",
    "PROCESS_COLUMNS",
    "ROUTE_COLUMNS",
    "describe_model",
    "legs_table",
    "nodes_table",
    "processes_table",
    "routes_table",
]

MODEL_TABLES = ("routes", "processes", "nodes", "legs")

ROUTE_COLUMNS = [
    "route",
    "label",
    "seq",
    "leg",
    "from_node",
    "to_node",
    "mode",
    "length_km",
    "km_start",
    "km_end",
    "cost_usd_per_teu",
]
PROCESS_COLUMNS = ["node", "process", "activity", "per", "from_h", "until_h", "servers"]
NODE_COLUMNS = ["id", "name", "country", "kind", "lon", "lat", "processes"]
LEG_COLUMNS = [
    "id",
    "name",
    "from_node",
    "to_node",
    "mode",
    "length_km",
    "speed_kmh",
    "mean_running_h",
    "service",
    "capacity_teu",
    "cost_usd_per_teu",
    "co2e_kg_per_teu_km",
    "enabled",
    "link",
    "reverse",
    "rotation",
    "geometry_wkt",
]


def describe_model(model: Model) -> dict[str, pd.DataFrame]:
    """The tables ``routes``, ``processes``, ``nodes`` and ``legs`` of ``model``."""
    return {
        "routes": routes_table(model),
        "processes": processes_table(model),
        "nodes": nodes_table(model),
        "legs": legs_table(model),
    }


def routes_table(model: Model) -> pd.DataFrame:
    """The legs of each route, in order, with the km at their ends."""
    rows = [
        {
            "route": r.name,
            "label": r.label or r.name,
            "seq": pos,
            "leg": model.legs[li].id,
            "from_node": model.nodes[r.nodes[pos]].id,
            "to_node": model.nodes[r.nodes[pos + 1]].id,
            "mode": model.legs[li].mode,
            "length_km": model.legs[li].length_km,
            "km_start": r.cum_km[pos],
            "km_end": r.cum_km[pos + 1],
            "cost_usd_per_teu": model.legs[li].cost_usd_per_teu,
        }
        for r in model.routes
        for pos, li in enumerate(r.legs)
    ]
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS)


def processes_table(model: Model) -> pd.DataFrame:
    """Servers of every capacity-limited process over time.

    One row per process at ``from_h`` 0 with the servers it starts with, then one row per
    capacity change, in time order (the scenario's ``capacity_changes``). Each row holds from
    ``from_h`` until ``until_h``: the next row of the same process, or the horizon. Pure delays
    (no servers) have no row.

    Columns: ``node``, ``process``, ``activity``, ``per`` (``"container"`` or ``"vehicle"``:
    what one server serves at a time), ``from_h``, ``until_h`` and ``servers``.
    """
    rows: list[tuple[int, int, float, int]] = []  # (node, process, from_h, servers)
    for node in model.nodes:
        for p in node.processes:
            if p.servers is not None:
                rows.append((node.index, p.index, 0.0, p.servers))
    # the model keeps its changes sorted by time; a stable sort keeps that order at ties
    changes = sorted(model.capacity_changes, key=lambda c: c[0])
    rows += [(ni, pi, t, servers) for t, ni, pi, servers in changes]
    from_h = np.array([r[2] for r in rows], dtype=np.float64)
    until_h = np.full(len(rows), model.horizon_h)
    last: dict[tuple[int, int], int] = {}
    for i, (ni, pi, _, _) in enumerate(rows):
        if (ni, pi) in last:
            until_h[last[(ni, pi)]] = from_h[i]
        last[(ni, pi)] = i
    procs = [model.nodes[ni].processes[pi] for ni, pi, _, _ in rows]
    return pd.DataFrame(
        {
            "node": pd.Series([model.nodes[r[0]].id for r in rows], dtype="str"),
            "process": pd.Series([p.name for p in procs], dtype="str"),
            "activity": pd.Series([p.activity for p in procs], dtype="str"),
            "per": pd.Series(
                ["vehicle" if p.per_vehicle else "container" for p in procs], dtype="str"
            ),
            "from_h": from_h,
            "until_h": until_h,
            "servers": np.array([r[3] for r in rows], dtype=np.int64),
        },
        columns=PROCESS_COLUMNS,
    )


def nodes_table(model: Model) -> pd.DataFrame:
    """Every node: ``id``, ``name``, ``country``, ``kind``, ``lon``, ``lat`` (EPSG:4326) and
    ``processes`` (their names joined by ``", "``, in the order containers pass them)."""
    rows = [
        (n.id, n.name, n.country, n.kind, n.lon, n.lat, ", ".join(p.name for p in n.processes))
        for n in model.nodes
    ]
    return pd.DataFrame(rows, columns=NODE_COLUMNS).astype({"lon": float, "lat": float})


def _wkt(model: Model, leg: LegRT) -> str:
    """The leg's line as WKT in EPSG:4326; a straight line between its nodes when the
    network gives it no coordinates. Numbers are written in full (``repr``), so the line
    reads back exactly."""
    coords = leg.coords
    if len(coords) < 2:
        ends = (model.nodes[leg.from_node], model.nodes[leg.to_node])
        coords = tuple((n.lon, n.lat) for n in ends)
    return "LINESTRING (" + ", ".join(f"{lon!r} {lat!r}" for lon, lat in coords) + ")"


def legs_table(model: Model) -> pd.DataFrame:
    """Every leg of the network as run, disabled ones included (they carry no traffic).

    Columns: ``id``, ``name``, ``from_node``, ``to_node``, ``mode``, ``length_km``,
    ``speed_kmh`` (empty when the leg has a running-time distribution instead),
    ``mean_running_h`` (without delays), ``service`` (its type: continuous, scheduled,
    when_full), ``capacity_teu`` (per departure; infinite for continuous services),
    ``cost_usd_per_teu``, ``co2e_kg_per_teu_km`` (empty without the leg's own factor),
    ``enabled``, ``link`` (the physical link it runs one way of), ``reverse`` (the leg
    running the other way, empty for a one-way leg), ``rotation`` (its fleet serves both ways)
    and ``geometry_wkt`` (its line as WKT, EPSG:4326).
    """
    rows = [
        (
            leg.id,
            leg.name,
            model.nodes[leg.from_node].id,
            model.nodes[leg.to_node].id,
            leg.mode,
            leg.length_km,
            leg.speed_kmh,
            leg.running.mean
            if leg.running is not None
            else leg.length_km / leg.speed_kmh
            if leg.speed_kmh
            else np.nan,
            leg.kind,
            leg.capacity_teu,
            leg.cost_usd_per_teu,
            leg.co2e_kg_per_teu_km,
            leg.enabled,
            leg.link or leg.id,
            model.legs[leg.reverse].id if leg.reverse is not None else None,
            leg.rotation,
            _wkt(model, leg),
        )
        for leg in model.legs
    ]
    floats = ("length_km", "speed_kmh", "mean_running_h", "capacity_teu", "cost_usd_per_teu")
    types = dict.fromkeys((*floats, "co2e_kg_per_teu_km"), float)
    return pd.DataFrame(rows, columns=LEG_COLUMNS).astype(
        {**types, "enabled": bool, "rotation": bool}
    )
