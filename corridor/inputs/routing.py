"""Routes on the network graph: the k shortest by free-flow time, and checks of leg chains.

The graph has one directed edge per enabled leg. Its weights are free-flow estimates, with no
queueing and no waiting for departures:

- ``time_h``: the leg's mean running time, plus its mean delay, plus the expected time of the
  processes at the leg's to-node for containers in transit there (each process's mean time
  weighted by its probability);
- ``cost_usd_per_teu``: the leg's cost plus the expected cost of those same processes;
- ``length_km``: the leg's length.

A route's ``time_h`` therefore counts the transit processes at every node it enters, its
destination included, and none at its origin. That is the right yardstick for ranking routes,
not a prediction of transit times: the simulation gives those.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx

from corridor.errors import Problem, RoutingError, did_you_mean
from corridor.inputs.network import Leg, Network, Node

__all__ = [
    "WEIGHTS",
    "Route",
    "k_shortest_routes",
    "network_graph",
    "route_legs_connect",
]

WEIGHTS = ("time_h", "length_km", "cost_usd_per_teu")
"""What a route can be ranked by; see the module docstring."""


@dataclass(frozen=True, slots=True)
class Route:
    """A chain of legs from ``nodes[0]`` to ``nodes[-1]``, with its free-flow totals.

    ``nodes`` has one more entry than ``legs``. ``time_h`` and ``cost_usd_per_teu`` are the
    sums of the graph's edge weights (see :func:`network_graph`).
    """

    legs: tuple[str, ...]
    nodes: tuple[str, ...]
    length_km: float
    time_h: float
    cost_usd_per_teu: float = 0.0


def _transit_processing(node: Node | None) -> tuple[float, float]:
    """Expected (time_h, cost_usd_per_teu) of a node's processes for containers in transit."""
    if node is None:
        return 0.0, 0.0
    time_h = cost = 0.0
    for process in node.processes:
        if "transit" in process.at:
            time_h += process.probability * process.time_h.mean
            cost += process.probability * process.cost_usd_per_teu
    return time_h, cost


def _edge_attributes(leg: Leg, to_node: Node | None) -> dict[str, Any]:
    process_h, process_usd = _transit_processing(to_node)
    delay_h = leg.delay_h.mean if leg.delay_h is not None else 0.0
    return {
        "leg": leg.id,
        "mode": leg.mode,
        "length_km": leg.length_km,
        "time_h": leg.mean_running_h + delay_h + process_h,
        "cost_usd_per_teu": leg.cost_usd_per_teu + process_usd,
    }


def network_graph(network: Network) -> networkx.MultiDiGraph:
    """The network as a directed multigraph over its enabled legs.

    Parameters
    ----------
    network
        The network.

    Returns
    -------
    networkx.MultiDiGraph
        Every node (attributes ``name``, ``country``, ``kind``, ``lon``, ``lat``), and one edge
        per enabled leg, keyed by leg id, with attributes ``leg``, ``mode``, ``length_km``,
        ``time_h`` (free-flow hours) and ``cost_usd_per_teu``; see the module docstring.
    """
    graph = networkx.MultiDiGraph()
    for node in network.nodes.values():
        graph.add_node(
            node.id, name=node.name, country=node.country, kind=node.kind, lon=node.lon,
            lat=node.lat,
        )  # fmt: skip
    for leg in network.legs.values():
        if leg.enabled:
            attributes = _edge_attributes(leg, network.nodes.get(leg.to_node))
            graph.add_edge(leg.from_node, leg.to_node, key=leg.id, **attributes)
    return graph


def _best_edges(graph: networkx.MultiDiGraph, weight: str) -> networkx.DiGraph:
    """Collapse parallel legs to the best one by ``weight`` (ties: the smallest leg id)."""
    simple = networkx.DiGraph()
    simple.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        if simple.has_edge(u, v):
            kept = simple.edges[u, v]
            if (kept[weight], kept["leg"]) <= (data[weight], data["leg"]):
                continue
        simple.add_edge(u, v, **data)
    return simple


def _node_problem(network: Network, role: str, node_id: str) -> Problem:
    hint = did_you_mean(node_id, network.nodes) or "node ids are the id of Point features"
    return Problem(role, f"no node {node_id!r} in the network", hint)


def k_shortest_routes(
    network: Network,
    origin: str,
    destination: str,
    k: int = 3,
    weight: str = "time_h",
) -> list[Route]:
    """The ``k`` shortest loopless routes from ``origin`` to ``destination``, best first.

    Parallel legs between two nodes are collapsed to the best one by ``weight``, so two routes
    never differ only in a parallel leg.

    Parameters
    ----------
    network
        The network; only enabled legs are used.
    origin, destination
        Node ids.
    k
        How many routes at most (fewer when fewer exist).
    weight
        What to minimise: ``"time_h"`` (free-flow hours), ``"length_km"`` or
        ``"cost_usd_per_teu"``.

    Returns
    -------
    list of Route
        At least one route, in order of increasing ``weight``.

    Raises
    ------
    RoutingError
        If ``k`` < 1, ``origin`` or ``destination`` is not a node, they are the same node, or
        no chain of enabled legs leads from one to the other.
    ValueError
        If ``weight`` is not one of :data:`WEIGHTS`.
    """
    source = network.source or "network"
    if k < 1:  # from the user (corridor routes -k 0): a RoutingError, which is a ValueError
        raise RoutingError.single(source, "", f"k must be >= 1, got {k}", "ask for 1 route or more")
    if weight not in WEIGHTS:
        raise ValueError(f"weight {weight!r} is not one of {', '.join(map(repr, WEIGHTS))}")
    problems = [
        _node_problem(network, role, node_id)
        for role, node_id in (("origin", origin), ("destination", destination))
        if node_id not in network.nodes
    ]
    if problems:
        raise RoutingError(source, problems)
    if origin == destination:
        raise RoutingError.single(
            source, "destination", f"is the origin {origin!r}", "a route joins two different nodes"
        )
    graph = _best_edges(network_graph(network), weight)
    paths = networkx.shortest_simple_paths(graph, origin, destination, weight=weight)
    try:
        node_paths = list(itertools.islice(paths, k))
    except networkx.NetworkXNoPath:
        disabled = sum(not leg.enabled for leg in network.legs.values())
        hint = "legs are one-way: check the direction of from/to"
        if disabled:
            verb = "leg is" if disabled == 1 else "legs are"
            hint += f"; {disabled} {verb} disabled (enabled: false)"
        raise RoutingError.single(
            source, "", f"no route from {origin!r} to {destination!r} over enabled legs", hint
        ) from None
    routes = []
    for path in node_paths:
        edges = [graph.edges[u, v] for u, v in itertools.pairwise(path)]
        routes.append(
            Route(
                legs=tuple(e["leg"] for e in edges),
                nodes=tuple(path),
                length_km=sum(e["length_km"] for e in edges),
                time_h=sum(e["time_h"] for e in edges),
                cost_usd_per_teu=sum(e["cost_usd_per_teu"] for e in edges),
            )
        )
    return routes


def route_legs_connect(
    network: Network, legs: Sequence[str], where: str = "route"
) -> list[Problem]:
    """Check that ``legs`` is a chain: each leg exists and starts where the one before ends.

    Parameters
    ----------
    network
        The network the leg ids refer to.
    legs
        Leg ids in travel order.
    where
        The place of the chain in its file, e.g. ``"routes.western"``; problems are located at
        ``where[i]``.

    Returns
    -------
    list of Problem
        Empty when the chain is fine. Unknown legs, legs repeated, and breaks between
        consecutive legs, each naming the legs and their positions. Whether legs are enabled
        is not checked (a scenario may enable them).
    """
    problems: list[Problem] = []
    if not legs:
        return [Problem(where, "the route has no legs", "list its leg ids in travel order")]
    first_at: dict[str, int] = {}
    previous: tuple[int, Leg] | None = None
    for i, leg_id in enumerate(legs):
        place = f"{where}[{i}]"
        leg = network.legs.get(leg_id)
        if leg_id in first_at:
            problems.append(
                Problem(
                    place,
                    f"leg {leg_id!r} is already at position {first_at[leg_id]}",
                    "a route passes each leg once",
                )
            )
        first_at.setdefault(leg_id, i)
        if leg is None:
            hint = did_you_mean(leg_id, network.legs) or "leg ids are the id of LineStrings"
            problems.append(Problem(place, f"no leg {leg_id!r} in the network", hint))
            previous = None
            continue
        if previous is not None and previous[1].to_node != leg.from_node:
            j, before = previous
            problems.append(
                Problem(
                    place,
                    f"leg {leg_id!r} starts at {leg.from_node!r}, but the leg before it "
                    f"({before.id!r}, position {j}) ends at {before.to_node!r}",
                    "each leg must start at the node where the previous one ends",
                )
            )
        previous = (i, leg)
    return problems
