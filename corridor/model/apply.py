"""The one way to change a network: a scenario's additions and changes applied to it.

A scenario adds nodes and links (``add``: GeoJSON files or features, read and validated like
the network by :func:`corridor.inputs.network.load_additions`), changes processes (their
times, servers, fees; adds or removes some) and legs (enabled, length, speed or running time,
delay, service, tariff, emissions). Applying them gives a new
:class:`~corridor.inputs.network.Network`; the network passed in is unchanged. Problems (an
unknown node, a process that is not there) are added to the collector, so they are reported
together with every other problem of the scenario.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from corridor.errors import Problems, did_you_mean
from corridor.inputs.changes import LegChange, NodeChange, ProcessChange
from corridor.inputs.network import Leg, Network, Node
from corridor.inputs.pydantic_errors import pydantic_problems
from corridor.inputs.scenario import Scenario
from corridor.inputs.specs import ProcessSpec, ServiceSpec

__all__ = ["apply_changes"]

_SERVICE: TypeAdapter[ServiceSpec] = TypeAdapter(ServiceSpec)
# leg fields a change sets as they are given
_LEG_FIELDS = ("enabled", "length_km", "cost_usd_per_teu", "co2e_kg_per_teu_km", "delay_h")


def apply_changes(
    network: Network,
    scenario: Scenario,
    problems: Problems,
    additions: Sequence[Network] = (),
) -> Network:
    """The network with the nodes and links the scenario adds (``additions``, read from its
    ``add``), then its changes (``scenario.nodes``, ``scenario.legs``) applied."""
    for added in additions:
        network = Network(
            nodes={**network.nodes, **added.nodes},
            legs={**network.legs, **added.legs},
            source=network.source,
            extra=network.extra,
        )
    nodes = dict(network.nodes)
    for node_id, change in scenario.nodes.items():
        if node_id not in nodes:
            problems.add(
                ("nodes", node_id),
                f"unknown node {node_id!r}",
                did_you_mean(node_id, nodes) or "node ids are in the network file",
            )
            continue
        nodes[node_id] = _changed_node(nodes[node_id], change, problems)
    legs = dict(network.legs)
    for leg_id, leg_change in scenario.legs.items():
        if leg_id not in legs:
            problems.add(
                ("legs", leg_id),
                f"unknown leg {leg_id!r}",
                did_you_mean(leg_id, legs) or "leg ids are in the network file",
            )
            continue
        legs[leg_id] = _changed_leg(legs[leg_id], leg_change, problems)
    return Network(nodes=nodes, legs=legs, source=network.source, extra=network.extra)


def _changed_node(node: Node, change: NodeChange, problems: Problems) -> Node:
    if isinstance(change.processes, tuple):  # a whole new list of processes
        seen: set[str] = set()
        for i, p in enumerate(change.processes):
            if p.name in seen:
                problems.add(
                    ("nodes", node.id, "processes", i),
                    f"process name {p.name!r} is used twice",
                    "names must be unique",
                )
            seen.add(p.name)
        return dataclasses.replace(node, processes=tuple(change.processes))
    return dataclasses.replace(node, processes=_changed_processes(node, change.processes, problems))


def _changed_processes(
    node: Node, changes: Mapping[str, ProcessChange], problems: Problems
) -> tuple[ProcessSpec, ...]:
    procs = list(node.processes)
    names = [p.name for p in procs]
    for name, change in changes.items():
        loc = ("nodes", node.id, "processes", name)
        if name not in names:
            if change.remove:
                problems.add(
                    loc,
                    f"node {node.id!r} has no process {name!r} to remove",
                    did_you_mean(name, names),
                )
                continue
            if change.time_h is None:
                problems.add(
                    loc,
                    f"node {node.id!r} has no process {name!r}",
                    did_you_mean(name, names) or "to add a process, give at least time_h",
                )
                continue
            fields = change.model_dump(
                exclude_none=True, exclude={"remove", "time_factor", "extra_servers"}
            )
            try:
                procs.append(ProcessSpec.model_validate({"name": name, **fields}))
                names.append(name)
            except ValidationError as exc:
                problems.extend(pydantic_problems(exc, prefix=loc))
            continue
        i = names.index(name)
        if change.remove:
            procs.pop(i)
            names.pop(i)
            continue
        changed = _changed_process(node, procs[i], change, problems)
        if changed is not None:
            procs[i] = changed
    return tuple(procs)


def _changed_process(
    node: Node, spec: ProcessSpec, change: ProcessChange, problems: Problems
) -> ProcessSpec | None:
    """``spec`` with ``change`` applied, or None (with a problem) if it cannot be."""
    loc = ("nodes", node.id, "processes", spec.name)
    update: dict[str, Any] = {
        k: v
        for k, v in change.model_dump(exclude_none=True).items()
        if k not in {"remove", "time_factor", "extra_servers", "time_h"}
    }
    time_h = change.time_h if change.time_h is not None else spec.time_h
    if change.time_factor is not None:
        time_h = time_h.scaled(change.time_factor)
    update["time_h"] = time_h
    if change.extra_servers is not None:
        base = update.get("servers", spec.servers)
        if base is None:
            problems.add(
                loc,
                f"process {spec.name!r} at {node.id!r} is a pure delay (no servers)",
                "set servers instead of extra_servers",
            )
            return None
        if base + change.extra_servers < 1:
            problems.add(
                loc,
                f"extra_servers {change.extra_servers} leaves "
                f"{base + change.extra_servers} servers",
                "keep at least 1",
            )
            return None
        update["servers"] = base + change.extra_servers
    return spec.model_copy(update=update)


def _changed_leg(leg: Leg, change: LegChange, problems: Problems) -> Leg:
    update: dict[str, Any] = {}
    for key in _LEG_FIELDS:
        value = getattr(change, key)
        if value is not None:
            update[key] = value
    if change.cost_factor is not None:
        cost = update.get("cost_usd_per_teu", leg.cost_usd_per_teu)
        update["cost_usd_per_teu"] = cost * change.cost_factor
    if change.speed_kmh is not None:
        update["speed_kmh"], update["running_time_h"] = change.speed_kmh, None
    if change.running_time_h is not None:
        update["running_time_h"], update["speed_kmh"] = change.running_time_h, None
    if change.service is not None:
        base = leg.service.model_dump(exclude_none=True)
        new = dict(change.service)
        if new.get("type", base["type"]) == base["type"]:
            merged = {**base, **new}
            if isinstance(base.get("fleet"), dict) and isinstance(new.get("fleet"), dict):
                merged["fleet"] = {**base["fleet"], **new["fleet"]}
            # a timetable given one way replaces the other
            if "weekdays" in new and "headway_h" not in new:
                merged.pop("headway_h", None)
            if "headway_h" in new and "weekdays" not in new:
                merged.pop("weekdays", None)
            new = merged
        try:
            update["service"] = _SERVICE.validate_python(new)
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, prefix=("legs", leg.id, "service")))
    return dataclasses.replace(leg, **update) if update else leg
