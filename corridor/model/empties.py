"""Empty containers: the imbalance between directions, sent back along the heavier flow's routes.

With ``empties: {share: s}`` in a scenario, for every pair of nodes the TEU a day of loaded
flows one way are compared with those the other way; ``s`` times the difference goes back empty
from the heavier flows' destination to their origin, split over each heavier flow in proportion
to its demand and over its routes by its route shares, on each route's legs run back (the ways
back of its links). The empty flows grow as the loaded flow they balance, and draw from random
streams of their own (``<flow>:empty``), so the loaded flows see the same draws with or without
empties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from corridor.errors import Problems
from corridor.inputs.flows import FlowSpec
from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario

__all__ = ["EMPTY_FLOW_SUFFIX", "EMPTY_ROUTE_SUFFIX", "EmptyPlan", "plan_empties"]

EMPTY_FLOW_SUFFIX = ":empty"  # the id of the empty flow that balances flow <id>
EMPTY_ROUTE_SUFFIX = ":back"  # the route <name> run back
_SMALLEST_TEU_PER_DAY = 0.001  # less than this is no flow (the bound of a scenario's flows)

Chain = tuple[str, ...]


@dataclass(frozen=True)
class EmptyPlan:
    """The empty flows and the routes they take back."""

    flows: tuple[FlowSpec, ...] = ()
    routes: Mapping[str, Chain] = field(default_factory=dict)


def plan_empties(
    scenario: Scenario, network: Network, routes: Mapping[str, Chain], problems: Problems
) -> EmptyPlan:
    """The empty flows ``scenario.empties`` asks for (none without it).

    A route one of whose legs has no way back cannot return empties: a problem says which.
    """
    spec = scenario.empties
    if spec is None or spec.share == 0:
        return EmptyPlan()
    loaded: dict[tuple[str, str], float] = defaultdict(float)
    for flow in scenario.flows:
        loaded[(flow.origin, flow.destination)] += flow.teu_per_day
    flows: list[FlowSpec] = []
    back_routes: dict[str, Chain] = {}
    for flow in scenario.flows:
        pair = loaded[(flow.origin, flow.destination)]
        imbalance = pair - loaded.get((flow.destination, flow.origin), 0.0)
        teu = spec.share * imbalance * flow.teu_per_day / pair
        if teu < _SMALLEST_TEU_PER_DAY:
            continue
        shares: dict[str, float] = {}
        for name, share in flow.routes.items():
            chain = routes.get(name)
            if chain is None:
                continue  # its own problem is reported under routes
            back = [network.legs[leg_id].reverse for leg_id in reversed(chain)]
            if None in back:
                one_way = next(x for x, b in zip(reversed(chain), back, strict=True) if b is None)
                problems.add(
                    ("empties",),
                    f"flow {flow.id!r} sends its empties back on route {name!r}, but its leg "
                    f"{one_way!r} runs one way only",
                    f"give the link of {one_way!r} a way back, or leave empties out",
                )
                continue
            back_name = name + EMPTY_ROUTE_SUFFIX
            back_routes[back_name] = tuple(b for b in back if b is not None)
            shares[back_name] = share
        if not shares:
            continue
        flows.append(
            FlowSpec.model_validate(
                {
                    "id": flow.id + EMPTY_FLOW_SUFFIX,
                    "origin": flow.destination,
                    "destination": flow.origin,
                    "teu_per_day": teu,
                    "arrival": flow.arrival,
                    "growth_pct_per_year": flow.growth_pct_per_year,
                    "share_40ft": flow.share_40ft,
                    "routes": shares,
                }
            )
        )
    return EmptyPlan(tuple(flows), back_routes)
