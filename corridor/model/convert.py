"""Checked scenario and network to runtime objects: nodes, legs, routes, flows, places.

Nothing here can fail on user input: :mod:`corridor.model.checks` has looked at everything
first. Every stochastic element gets the name of its own random stream here
(``node:<id>:<process>``; the engine names leg and flow streams the same way).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from corridor.inputs.flows import FlowSpec
from corridor.inputs.network import Network
from corridor.inputs.specs import WEEKDAYS
from corridor.model.runtime import (
    AT_DESTINATION,
    AT_ORIGIN,
    AT_TRANSIT,
    FleetRT,
    FlowRT,
    LegRT,
    NodeRT,
    Place,
    ProcessRT,
    RouteRT,
)
from corridor.model.samplers import sampler_of

__all__ = ["runtime_flows", "runtime_network", "runtime_routes"]

_AT_BITS = {"origin": AT_ORIGIN, "transit": AT_TRANSIT, "destination": AT_DESTINATION}


def runtime_network(network: Network) -> tuple[list[NodeRT], list[LegRT], list[Place]]:
    """The nodes with their processes and the legs with their services, and their places.

    Places are numbered node processes first (node by node), then legs.
    """
    node_index = {nid: i for i, nid in enumerate(network.nodes)}
    places: list[Place] = []
    nodes: list[NodeRT] = []
    for nid, node in network.nodes.items():
        procs = []
        for pi, p in enumerate(node.processes):
            mask = 0
            for at in p.at:
                mask |= _AT_BITS[at]
            places.append(Place("node", nid, p.name, p.activity))
            procs.append(
                ProcessRT(
                    index=pi,
                    place=len(places) - 1,
                    name=p.name,
                    activity=p.activity,
                    sampler=sampler_of(p.time_h),
                    servers=p.servers,
                    per_vehicle=p.per == "vehicle",
                    probability=p.probability,
                    at_mask=mask,
                    cost_usd_per_teu=p.cost_usd_per_teu,
                    stream=f"node:{nid}:{p.name}",
                    arriving_from=_node_set(p.arriving_from, node_index),
                    leaving_to=_node_set(p.leaving_to, node_index),
                )
            )
        nodes.append(
            NodeRT(
                node_index[nid],
                nid,
                tuple(procs),
                name=node.name,
                country=node.country,
                kind=node.kind,
                lon=node.lon,
                lat=node.lat,
            )
        )
    legs: list[LegRT] = []
    leg_index = {lid: i for i, lid in enumerate(network.legs)}
    for li, (lid, leg) in enumerate(network.legs.items()):
        places.append(Place("leg", lid, leg.service.type, leg.mode))
        svc = leg.service
        fleet = None
        spec_fleet = getattr(svc, "fleet", None)
        if spec_fleet is not None:
            fleet = FleetRT(
                spec_fleet.vehicles,
                sampler_of(spec_fleet.turnaround_h),
                spec_fleet.return_speed_kmh,
            )
        weekdays = getattr(svc, "weekdays", None) or []
        legs.append(
            LegRT(
                index=li,
                id=lid,
                from_node=node_index[leg.from_node],
                to_node=node_index[leg.to_node],
                mode=leg.mode,
                length_km=leg.length_km,
                speed_kmh=leg.speed_kmh,
                running=None if leg.running_time_h is None else sampler_of(leg.running_time_h),
                delay=None if leg.delay_h is None else sampler_of(leg.delay_h),
                kind=svc.type,
                capacity_teu=float(getattr(svc, "capacity_teu", math.inf)),
                headway_h=getattr(svc, "headway_h", None),
                offset_h=float(getattr(svc, "offset_h", 0.0)),
                weekdays=tuple(WEEKDAYS.index(d) for d in weekdays),
                departure_time_h=float(getattr(svc, "departure_time_h", 0.0)),
                max_wait_h=float(getattr(svc, "max_wait_h", 0.0)),
                fleet=fleet,
                cost_usd_per_teu=leg.cost_usd_per_teu,
                co2e_kg_per_teu_km=leg.co2e_kg_per_teu_km,
                place=len(places) - 1,
                name=leg.name,
                coords=leg.coords,
                enabled=leg.enabled,
                link=leg.link or lid,
                reverse=leg_index.get(leg.reverse) if leg.reverse is not None else None,
                rotation=_rotates(network, lid),
            )
        )
    return nodes, legs, places


def _node_set(ids: Sequence[str] | None, node_index: Mapping[str, int]) -> frozenset[int] | None:
    return None if ids is None else frozenset(node_index[i] for i in ids if i in node_index)


_TIMETABLED = ("scheduled", "when_full")


def _rotates(network: Network, leg_id: str) -> bool:
    """Whether the leg shares its fleet with the leg running the other way on its link.

    It does when both ways are enabled and have a fleet and a timetabled or when-full service:
    a ship or a shuttle train then serves the way back. A truck fleet (continuous service) is
    kept per direction, each truck coming back empty.
    """
    leg = network.legs[leg_id]
    back = network.legs.get(leg.reverse) if leg.reverse is not None else None
    if back is None:
        return False
    return all(
        x.enabled and x.service.type in _TIMETABLED and getattr(x.service, "fleet", None)
        for x in (leg, back)
    )


def runtime_routes(
    routes: Mapping[str, Sequence[str]],
    legs: Sequence[LegRT],
    labels: Mapping[str, str] | None = None,
) -> list[RouteRT]:
    """Each route as leg and node indices with the km travelled on reaching each node, and
    its label (``labels``, else its name)."""
    leg_by_id = {leg.id: leg for leg in legs}
    out = []
    for i, (name, chain) in enumerate(routes.items()):
        first = leg_by_id[chain[0]]
        node_seq = [first.from_node]
        cum = [0.0]
        for leg_id in chain:
            leg = leg_by_id[leg_id]
            node_seq.append(leg.to_node)
            cum.append(cum[-1] + leg.length_km)
        out.append(
            RouteRT(
                i,
                name,
                tuple(leg_by_id[x].index for x in chain),
                tuple(node_seq),
                tuple(cum),
                (labels or {}).get(name, name),
            )
        )
    return out


def runtime_flows(
    flows: Sequence[FlowSpec],
    nodes: Sequence[NodeRT],
    routes: Sequence[RouteRT],
    kinds: Mapping[str, str] | None = None,
) -> list[FlowRT]:
    """Each flow with its arrival rate and the cumulative shares of its routes.

    ``kinds`` gives the kind of flows that are not shippers' loaded containers: ``empty``
    (:mod:`corridor.model.empties`) and ``probe`` (:mod:`corridor.model.probes`).
    """
    kinds = kinds or {}
    node_index = {n.id: n.index for n in nodes}
    route_index = {r.name: r.index for r in routes}
    out: list[FlowRT] = []
    for flow in flows:
        shares = [flow.routes[name] for name in flow.routes]
        total = sum(shares)
        cum_share, acc = [], 0.0
        for s in shares:
            acc += s / total
            cum_share.append(acc)
        cum_share[-1] = 1.0
        mean_teu = 1.0 + flow.share_40ft
        out.append(
            FlowRT(
                index=len(out),
                id=flow.id,
                origin=node_index[flow.origin],
                destination=node_index[flow.destination],
                containers_per_h=flow.teu_per_day / 24.0 / mean_teu,
                arrival=flow.arrival,
                growth_per_year=1.0 + flow.growth_pct_per_year / 100.0,
                share_40ft=flow.share_40ft,
                routes=tuple(route_index[name] for name in flow.routes),
                route_cum=tuple(cum_share),
                kind=kinds.get(flow.id, "loaded"),
            )
        )
    return out
