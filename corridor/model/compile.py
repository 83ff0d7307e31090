"""From a validated scenario and its network to the frozen model the engine runs.

The steps, each in a module of its own: apply the scenario's changes to the network
(:mod:`~corridor.model.apply`), check the scenario against the changed network and report
every problem at once (:mod:`~corridor.model.checks`), turn windows into hours and generate the
storms (:mod:`~corridor.model.calendar`), and convert everything into runtime objects
(:mod:`~corridor.model.convert`).
"""

from __future__ import annotations

from collections.abc import Sequence

from corridor.errors import Problems, ScenarioError
from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario
from corridor.model.apply import apply_changes
from corridor.model.calendar import closure_records, seasons_by_leg
from corridor.model.checks import (
    check_capacity_changes,
    check_flows,
    check_process_nodes,
    check_routes,
    check_timetables,
    check_vehicle_capacities,
    check_window_elements,
)
from corridor.model.convert import runtime_flows, runtime_network, runtime_routes
from corridor.model.empties import plan_empties
from corridor.model.probes import probe_flows
from corridor.model.runtime import Model, OpenTimes

__all__ = ["build_model"]


def build_model(
    scenario: Scenario,
    network: Network,
    seed: int | None = None,
    additions: Sequence[Network] = (),
) -> Model:
    """Check ``scenario`` against ``network`` and build the model a run executes.

    Parameters
    ----------
    scenario, network
        Validated inputs; ``network`` is the network before the scenario's changes.
    seed
        Overrides the scenario's seed.
    additions
        The nodes and links the scenario adds, read from its ``add``
        (:func:`corridor.inputs.network.load_additions`).

    Raises
    ------
    ScenarioError
        Listing every way the scenario does not fit the network.
    """
    run_seed = scenario.seed if seed is None else seed
    problems = Problems(locate=scenario.problem)
    network = apply_changes(network, scenario, problems, additions)
    routes = check_routes(scenario, network, problems)
    check_flows(scenario, network, routes, problems)
    check_window_elements(scenario, network, problems)
    check_process_nodes(scenario, network, problems)
    check_capacity_changes(scenario, network, problems)
    check_vehicle_capacities(scenario, network, routes, problems)
    seasons = seasons_by_leg(scenario, list(network.legs))
    check_timetables(scenario, list(network.legs.values()), seasons, problems)
    empties = plan_empties(scenario, network, routes, problems)
    problems.raise_if_any(ScenarioError, scenario.source or scenario.name)

    nodes, legs, places = runtime_network(network)
    route_rts = runtime_routes({**routes, **empties.routes}, legs, scenario.route_labels)
    probes = probe_flows(scenario)
    flows = [*scenario.flows, *empties.flows, *probes]
    kinds = {f.id: "empty" for f in empties.flows} | {f.id: "probe" for f in probes}
    records = closure_records(scenario, run_seed)
    by_elem: dict[str, list[tuple[float, float]]] = {}
    for rec in records:
        by_elem.setdefault(rec.element, []).append((rec.start_h, rec.end_h))
    node_index = {n.id: n.index for n in nodes}
    changes = []
    for cc in scenario.capacity_changes:
        t = scenario.hours_since_start(cc.at) if cc.at is not None else (cc.at_day or 0.0) * 24.0
        node = nodes[node_index[cc.node]]
        pi = next(p.index for p in node.processes if p.name == cc.process)
        changes.append((t, node.index, pi, cc.servers))
    return Model(
        name=scenario.name,
        start_date=scenario.start_date,
        horizon_h=scenario.horizon_h,
        warmup_h=scenario.warmup_h,
        keep_stages=scenario.outputs.stages,
        keep_resources=scenario.outputs.resources,
        seed=run_seed,
        nodes=tuple(nodes),
        legs=tuple(legs),
        routes=tuple(route_rts),
        flows=tuple(runtime_flows(flows, nodes, route_rts, kinds)),
        places=tuple(places),
        node_closures=tuple(OpenTimes(by_elem.get(n.id, [])) for n in nodes),
        leg_closures=tuple(OpenTimes(by_elem.get(leg.id, [])) for leg in legs),
        closure_records=tuple(sorted(records, key=lambda r: r.start_h)),
        seasons=tuple(tuple(s) for s in seasons),
        capacity_changes=tuple(sorted(changes)),
    )
