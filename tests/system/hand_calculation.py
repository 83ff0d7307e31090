"""The hand calculation of a route's mean door-to-door time, from the network's figures.

What docs/validation.md calls *hand*: for each node, the mean of every process that applies
to the container there (by ``at``, ``arriving_from`` and ``leaving_to``, times its
probability); for each leg, its mean running time plus its mean delay, and the mean wait for a
departure: half a headway (a weekly sailing: 84 h), or half the time a train or ship takes to
fill at the scenario's demand on that leg (all flows), capped at half its maximum wait. No
queueing, no season, no storm, no fleet: the model's excess over it is queueing, the wait of a
group for its slowest box, the Caspian winter and ships that are not back in time.
"""

from __future__ import annotations

from collections import defaultdict

from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario
from corridor.inputs.specs import ProcessSpec

_WEEK_H = 168.0


def leg_demand_teu_h(scenario: Scenario) -> dict[str, float]:
    """TEU an hour that board each leg, over all flows and their route shares."""
    rate: dict[str, float] = defaultdict(float)
    for flow in scenario.flows:
        total = sum(flow.routes.values())
        for name, share in flow.routes.items():
            for leg in scenario.routes[name]:
                rate[leg] += flow.teu_per_day * share / total / 24.0
    return rate


def _applies(process: ProcessSpec, pos: int, nodes: list[str]) -> bool:
    last = len(nodes) - 1
    where = "origin" if pos == 0 else "destination" if pos == last else "transit"
    if where not in process.at:
        return False
    if process.arriving_from is not None and (
        pos == 0 or nodes[pos - 1] not in process.arriving_from
    ):
        return False
    return process.leaving_to is None or (pos < last and nodes[pos + 1] in process.leaving_to)


def hand_parts(scenario: Scenario, network: Network, route: str) -> list[tuple[str, float]]:
    """The route's hours, in order: ``(node, process hours)``, then for each leg
    ``("wait <leg>", hours)`` and ``("run <leg>", hours)``."""
    legs = [network.legs[leg] for leg in scenario.routes[route]]
    nodes = [legs[0].from_node, *(leg.to_node for leg in legs)]
    rate = leg_demand_teu_h(scenario)
    parts: list[tuple[str, float]] = []
    for pos, node_id in enumerate(nodes):
        processes = network.nodes[node_id].processes
        hours = sum(p.time_h.mean * p.probability for p in processes if _applies(p, pos, nodes))
        parts.append((node_id, hours))
        if pos == len(legs):
            break
        leg = legs[pos]
        service = leg.service
        wait = 0.0
        if service.type == "scheduled":
            wait = (service.headway_h or _WEEK_H) / 2
        elif service.type == "when_full":
            fill_h = service.capacity_teu / max(rate[leg.id], 1e-9)
            wait = min(fill_h, service.max_wait_h) / 2
        delay = leg.delay_h.mean if leg.delay_h is not None else 0.0
        parts += [(f"wait {leg.id}", wait), (f"run {leg.id}", leg.mean_running_h + delay)]
    return parts


def hand_days(scenario: Scenario, network: Network, route: str) -> float:
    """The route's mean door-to-door days by hand."""
    return sum(hours for _, hours in hand_parts(scenario, network, route)) / 24.0
