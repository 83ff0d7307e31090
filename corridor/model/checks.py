"""Cross-checks of a scenario against its (changed) network, before anything is built.

Each check adds what it finds to one :class:`~corridor.errors.Problems`, so a
user sees every problem of the scenario at once, each with its line in the file. The checks run
in the order the problems are listed: routes, flows, closures and storms, seasons, capacity
changes, vehicle capacities, timetables.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from corridor.errors import Problems, did_you_mean
from corridor.inputs.network import Leg, Network
from corridor.inputs.scenario import Scenario
from corridor.model.runtime import SeasonRT

__all__ = [
    "MAX_DEPARTURES_PER_LEG",
    "check_capacity_changes",
    "check_flows",
    "check_process_nodes",
    "check_routes",
    "check_timetables",
    "check_vehicle_capacities",
    "check_window_elements",
]

log = logging.getLogger(__name__)

# more departures than this on one leg is a units mistake, not a timetable (one a minute for
# two years is about 1 million)
MAX_DEPARTURES_PER_LEG = 1_000_000

Chain = tuple[str, ...]


def check_routes(scenario: Scenario, network: Network, problems: Problems) -> dict[str, Chain]:
    """The routes that are sound chains of enabled legs without loops, by name."""
    legs = network.legs
    good: dict[str, Chain] = {}
    for name, chain in scenario.routes.items():
        ok = True
        for pos, leg_id in enumerate(chain):
            loc = ("routes", name, pos)
            if leg_id not in legs:
                problems.add(loc, f"unknown leg {leg_id!r}", did_you_mean(leg_id, legs))
                ok = False
            elif not legs[leg_id].enabled:
                problems.add(
                    loc,
                    f"leg {leg_id!r} is disabled in this scenario",
                    f"enable it with legs: {{{leg_id}: {{enabled: true}}}}",
                )
                ok = False
        if not ok:
            continue
        for pos in range(1, len(chain)):
            prev, cur = legs[chain[pos - 1]], legs[chain[pos]]
            if prev.to_node == cur.to_node:  # the right link, run the wrong way
                problems.add(
                    ("routes", name, pos),
                    f"leg {cur.id!r} runs {cur.from_node} -> {cur.to_node}, against this "
                    f"route, which comes from {prev.to_node!r}",
                    _way_back_hint(cur),
                )
                ok = False
            elif prev.to_node != cur.from_node:
                problems.add(
                    ("routes", name, pos),
                    f"leg {cur.id!r} starts at {cur.from_node!r} but the previous leg "
                    f"{prev.id!r} ends at {prev.to_node!r}",
                    "a route is a chain of legs, each starting where the last one ended",
                )
                ok = False
        if not ok:
            continue
        visited = [legs[chain[0]].from_node, *(legs[leg_id].to_node for leg_id in chain)]
        if len(set(visited)) != len(visited):
            problems.add(("routes", name), "the route visits a node twice", "routes must not loop")
            continue
        good[name] = tuple(chain)
        first = legs[chain[0]]
        if first.service.type == "through":
            log.warning(
                "%s",
                scenario.problem(
                    ("routes", name, 0),
                    f"the route starts with the through leg {first.id!r}: its boxes leave one "
                    "by one as they are ready, with no train or ship formed",
                    "start the route with a leg whose service forms vehicles (scheduled, "
                    "when_full, continuous)",
                ).render(scenario.source or scenario.name),
            )
    return good


def _way_back_hint(leg: Leg) -> str:
    if leg.reverse is not None:
        return f"its way back is leg {leg.reverse!r}"
    return f"the link {leg.link or leg.id!r} runs one way only (directions: forward)"


def check_flows(
    scenario: Scenario,
    network: Network,
    routes: Mapping[str, Chain],
    problems: Problems,
) -> None:
    """Each flow's ends are nodes, and each of its routes runs from its origin to its end."""
    nodes, legs = network.nodes, network.legs
    for fi, flow in enumerate(scenario.flows):
        loc = ("flows", fi)
        bad = False
        for end in ("origin", "destination"):
            nid = getattr(flow, end)
            if nid not in nodes:
                problems.add((*loc, end), f"unknown node {nid!r}", did_you_mean(nid, nodes))
                bad = True
        for rname in flow.routes:  # the scenario has checked that each one is defined
            if rname not in routes:
                bad = True  # its own problem is reported under routes
                continue
            chain = routes[rname]
            first, last = legs[chain[0]].from_node, legs[chain[-1]].to_node
            if not bad and first != flow.origin:
                backwards = legs[chain[0]].to_node == flow.origin
                problems.add(
                    (*loc, "routes", rname),
                    f"route {rname!r} starts at {first!r}, not at the "
                    f"flow's origin {flow.origin!r}",
                    _way_back_hint(legs[chain[0]]) if backwards else "",
                )
                bad = True
            if not bad and last != flow.destination:
                problems.add(
                    (*loc, "routes", rname),
                    f"route {rname!r} ends at {last!r}, not at the "
                    f"flow's destination {flow.destination!r}",
                )
                bad = True


def check_window_elements(scenario: Scenario, network: Network, problems: Problems) -> None:
    """Closures and storms name nodes or legs; seasons name legs."""
    known = set(network.nodes) | set(network.legs)
    for ci, closure in enumerate(scenario.closures):
        for ei, elem in enumerate(closure.elements):
            if elem not in known:
                problems.add(
                    ("closures", ci, "elements", ei),
                    f"unknown node or leg {elem!r}",
                    did_you_mean(elem, sorted(known)),
                )
    for si, storm in enumerate(scenario.storms):
        for elem in storm.elements:
            if elem not in known:
                problems.add(
                    ("storms", si, "elements"),
                    f"unknown node or leg {elem!r}",
                    did_you_mean(elem, sorted(known)),
                )
    for si, season in enumerate(scenario.seasons):
        for li, leg_id in enumerate(season.legs):
            if leg_id not in network.legs:
                problems.add(
                    ("seasons", si, "legs", li),
                    f"unknown leg {leg_id!r}",
                    did_you_mean(leg_id, network.legs),
                )


def check_process_nodes(scenario: Scenario, network: Network, problems: Problems) -> None:
    """The nodes that processes changed by the scenario name (arriving_from, leaving_to) exist."""
    for node_id, change in scenario.nodes.items():
        node = network.nodes.get(node_id)
        if node is None:
            continue  # reported by the change itself
        for process in node.processes:
            for key in ("arriving_from", "leaving_to"):
                for k, other in enumerate(getattr(process, key) or ()):
                    if other not in network.nodes:
                        loc: tuple[str, ...] = ("nodes", node_id, "processes")
                        if not isinstance(change.processes, tuple):
                            loc = (*loc, process.name)
                        problems.add(
                            (*loc, key, k),
                            f"no node {other!r} in the network",
                            did_you_mean(other, network.nodes),
                        )


def check_capacity_changes(scenario: Scenario, network: Network, problems: Problems) -> None:
    """Each capacity change names a capacity-limited process of a node."""
    nodes = network.nodes
    for ci, cc in enumerate(scenario.capacity_changes):
        loc = ("capacity_changes", ci)
        if cc.node not in nodes:
            problems.add((*loc, "node"), f"unknown node {cc.node!r}", did_you_mean(cc.node, nodes))
            continue
        processes = {p.name: p for p in nodes[cc.node].processes}
        if cc.process not in processes:
            problems.add(
                (*loc, "process"),
                f"node {cc.node!r} has no process {cc.process!r}",
                did_you_mean(cc.process, list(processes)),
            )
            continue
        if processes[cc.process].servers is None:
            problems.add(
                (*loc, "process"),
                f"process {cc.process!r} at {cc.node!r} has no servers (a pure delay)",
                "give it servers in the network or scenario",
            )


def check_vehicle_capacities(
    scenario: Scenario,
    network: Network,
    routes: Mapping[str, Chain],
    problems: Problems,
) -> None:
    """Every vehicle on a route's legs takes a 40' container if the flows send any."""
    order = {leg_id: i for i, leg_id in enumerate(network.legs)}
    used = sorted({leg_id for chain in routes.values() for leg_id in chain}, key=order.__getitem__)
    max_teu = 2.0 if any(f.share_40ft > 0 for f in scenario.flows) else 1.0
    for leg_id in used:
        cap = getattr(network.legs[leg_id].service, "capacity_teu", None)
        if cap is not None and cap < max_teu:
            problems.add(
                ("legs", leg_id, "service", "capacity_teu"),
                f"capacity {cap} TEU cannot carry a 40' container (2 TEU)",
                "raise capacity_teu or set share_40ft: 0",
            )


def check_timetables(
    scenario: Scenario,
    legs: Sequence[Leg],
    seasons: Sequence[Sequence[SeasonRT]],
    problems: Problems,
) -> None:
    """No timetable so dense that a run would never end (a headway meant in days, in hours?).

    ``seasons`` are the seasons of each leg (in the order of ``legs``) that fall inside the
    horizon: a season's ``headway_factor`` makes departures denser.
    """
    for leg, leg_seasons in zip(legs, seasons, strict=True):
        headway = getattr(leg.service, "headway_h", None)
        if headway is None:
            continue
        factor = min([1.0] + [s.headway_factor for s in leg_seasons])
        departures = scenario.horizon_h / (headway * factor)
        if departures > MAX_DEPARTURES_PER_LEG:
            problems.add(
                ("legs", leg.id, "service", "headway_h"),
                f"a departure every {headway * factor:g} h means {departures:,.0f} departures "
                f"in {scenario.horizon_days:g} days (more than {MAX_DEPARTURES_PER_LEG:,})",
                "headway_h is in hours; check the network's or this scenario's value and any "
                "season's headway_factor",
            )
