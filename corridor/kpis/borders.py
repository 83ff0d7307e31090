"""CAREC CPMM TFI1: time to clear a border crossing point, both sides together.

The time is measured from the container's first stage at any node of the crossing to the end
of its last stage there, so both countries' posts and the link between them (waiting for the
shuttle train, the run across) are included, as CAREC counts them from entry to exit
(:func:`border_crossing_times`).

Border crossings by name
    A crossing is a set of node ids. By default (:func:`default_crossings`) the border nodes
    are grouped by :func:`crossing_name`: a node id ending in a separator (``-``, ``_`` or a
    space) and a 2 or 3 letter country code belongs to the crossing named by the rest, so
    ``AST-IR`` and ``AST-AZ`` form the crossing ``AST``; any other id is a crossing of its own.
    Pass an explicit mapping ``{crossing: [node ids]}`` to group differently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor.kpis.selection import _stages_of, _text, measured_trips

if TYPE_CHECKING:
    from corridor.inputs.network import Network

__all__ = ["border_crossing_times", "crossing_name", "default_crossings"]


_COUNTRY_SUFFIX = re.compile(r"^(?P<name>.+?)[-_ ](?P<cc>[A-Za-z]{2,3})$")


def crossing_name(node_id: str) -> str:
    """The crossing a border node belongs to, by the naming convention.

    ``AST-IR`` and ``AST-AZ`` belong to ``AST``; ``SAMUR_RU`` to ``SAMUR``; an id without a
    2 or 3 letter suffix after ``-``, ``_`` or a space is a crossing of its own.

    Parameters
    ----------
    node_id
        A node id.

    Returns
    -------
    str
        The crossing's name.
    """
    match = _COUNTRY_SUFFIX.match(node_id)
    return match.group("name") if match else node_id


def default_crossings(
    stages: pd.DataFrame, network: Network | pd.DataFrame | None = None
) -> dict[str, list[str]]:
    """Border crossings found in a run: border nodes grouped by :func:`crossing_name`.

    A node is a border node if the network gives it the kind ``border`` or if any of its
    processes has the activity ``border`` (seen in ``stages``). Other nodes whose id names
    the same crossing join it (``AST-AZ`` with a gauge change joins the border post
    ``AST-IR``), since CAREC counts gauge change at a crossing as part of its time.

    Parameters
    ----------
    stages
        The ``stages`` table.
    network
        The run's ``nodes`` table (``id`` and ``kind``) or the network, for node kinds;
        optional.

    Returns
    -------
    dict
        ``{crossing: [node ids]}``, sorted by name.
    """
    at_nodes = stages[_text(stages["element_type"]) == "node"]
    element = _text(at_nodes["element"])
    border = set(element[_text(at_nodes["activity"]) == "border"])
    every = set(element)
    if isinstance(network, pd.DataFrame):
        ids = network["id"].astype(str)
        border |= set(ids[network["kind"].astype(str) == "border"])
        every |= set(ids)
    elif network is not None:
        border |= {n.id for n in network.nodes.values() if n.kind == "border"}
        every |= set(network.nodes)
    names = {crossing_name(node) for node in border}
    groups: dict[str, list[str]] = {}
    for node in sorted(every):
        if node in border or crossing_name(node) in names:
            groups.setdefault(crossing_name(node), []).append(node)
    return dict(sorted(groups.items()))


def border_crossing_times(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    crossings: Mapping[str, Sequence[str]] | None = None,
    network: Network | pd.DataFrame | None = None,
    by_route: bool = False,
    include_warmup: bool = False,
) -> pd.DataFrame:
    """CAREC TFI1: time to clear each border crossing, both sides together.

    For each delivered container that passes a crossing, the time runs from the start of its
    first stage at any of the crossing's nodes to the end of its last stage at any of them,
    so queues, formalities on both sides, gauge change and the link between the two posts
    all count.

    Parameters
    ----------
    trips, stages
        The run's tables.
    crossings
        ``{crossing: [node ids]}``; defaults to :func:`default_crossings`.
    network
        The run's ``nodes`` table or the network, for :func:`default_crossings`.
    by_route
        One row per crossing and route instead of per crossing.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        ``crossing`` (and ``route``), ``nodes`` (joined by ``" + "``), ``containers``,
        ``mean_h``, ``p50_h``, ``p90_h``, ``p95_h``, ``max_h`` and ``mean_at_nodes_h`` (the
        part spent in the nodes' processes, hours).
    """
    groups = default_crossings(stages, network) if crossings is None else dict(crossings)
    t = measured_trips(trips, include_warmup)
    s = _stages_of(stages, t["container"])
    s = s[_text(s["element_type"]) == "node"]
    element = pd.Series(_text(s["element"]), index=s.index)
    keys = ["route"] if by_route else []
    columns = ["crossing", *keys, "nodes", "containers", "mean_h", "p50_h", "p90_h", "p95_h"]
    rows = []
    for name, nodes in groups.items():
        here = s[element.isin(list(nodes))]
        if here.empty:
            continue
        per = here.groupby("container").agg(
            start=("start_h", "min"), end=("end_h", "max"), at_nodes=("duration_h", "sum")
        )
        per["span"] = per["end"] - per["start"]
        per["route"] = t.set_index("container").loc[per.index, "route"].astype(str)
        for key, g in per.groupby(keys) if keys else [((), per)]:
            q = g["span"].quantile([0.5, 0.9, 0.95])
            row: dict[str, Any] = {"crossing": name}
            if keys:
                row["route"] = key[0] if isinstance(key, tuple) else key
            row |= {
                "nodes": " + ".join(nodes),
                "containers": len(g),
                "mean_h": g["span"].mean(),
                "p50_h": q.iloc[0],
                "p90_h": q.iloc[1],
                "p95_h": q.iloc[2],
                "max_h": g["span"].max(),
                "mean_at_nodes_h": g["at_nodes"].mean(),
            }
            rows.append(row)
    return pd.DataFrame(rows, columns=[*columns, "max_h", "mean_at_nodes_h"])
