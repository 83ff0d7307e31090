"""Probes: a few boxes a day on every route of a flow that chooses, to time each route.

A flow that chooses its routes (``choice:``) needs the cost of every route, also of those it
hardly uses at the moment: a route with no traffic has no measured transit time. So every route
of a choosing flow also carries ``probe_teu_per_day`` of evenly spaced probe boxes
(``<flow>:probe:<route>``), which travel and queue like the flow's own and are left out of
shippers' statistics (``trips.kind == "probe"``). They draw from random streams of their own.
"""

from __future__ import annotations

from corridor.inputs.choice import choice_of
from corridor.inputs.flows import FlowSpec
from corridor.inputs.scenario import Scenario

__all__ = ["PROBE_INFIX", "probe_flows"]

PROBE_INFIX = ":probe:"  # a probe flow's id is <flow><PROBE_INFIX><route>


def probe_flows(scenario: Scenario) -> list[FlowSpec]:
    """The probe flows of the scenario's choosing flows (none without choice)."""
    if scenario.choice is None and all(f.choice is None for f in scenario.flows):
        return []
    rate = scenario.choice.probe_teu_per_day if scenario.choice is not None else 1.0
    out: list[FlowSpec] = []
    for flow in scenario.flows:
        if choice_of(scenario.choice, flow.choice) is None:
            continue
        for route in flow.routes:
            out.append(
                FlowSpec.model_validate(
                    {
                        "id": f"{flow.id}{PROBE_INFIX}{route}",
                        "origin": flow.origin,
                        "destination": flow.destination,
                        "teu_per_day": rate,
                        "arrival": "fixed",
                        "share_40ft": flow.share_40ft,
                        "routes": {route: 1.0},
                        "choice": "fixed",
                    }
                )
            )
    return out
