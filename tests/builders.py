"""Small in-memory networks and scenarios for engine tests (no files needed)."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import TypeAdapter

from corridor.inputs.network import Leg, Network, Node
from corridor.inputs.scenario import Scenario
from corridor.inputs.specs import DistField, ProcessSpec, ServiceSpec

_SERVICE = TypeAdapter(ServiceSpec)
_DIST = TypeAdapter(DistField)


def proc(name: str, time_h: Any, **kw: Any) -> ProcessSpec:
    """A node process; ``time_h`` is a number (fixed) or a distribution mapping."""
    return ProcessSpec.model_validate({"name": name, "time_h": time_h, **kw})


def node(node_id: str, *processes: ProcessSpec, lon: float = 0.0, lat: float = 0.0) -> Node:
    return Node(node_id, node_id, "XX", "rail_terminal", lon, lat, tuple(processes))


def leg(
    leg_id: str,
    a: str,
    b: str,
    length_km: float,
    speed_kmh: float | None = None,
    service: dict[str, Any] | None = None,
    mode: str = "rail",
    **kw: Any,
) -> Leg:
    svc = _SERVICE.validate_python(service or {"type": "continuous"})
    for key in ("delay_h", "running_time_h"):
        if key in kw and kw[key] is not None:
            kw[key] = _DIST.validate_python(kw[key])
    return Leg(leg_id, a, b, mode, length_km, svc, speed_kmh=speed_kmh, **kw)


def two_way(
    leg_id: str,
    a: str,
    b: str,
    length_km: float,
    speed_kmh: float | None = None,
    service: dict[str, Any] | None = None,
    back_service: dict[str, Any] | None = None,
    **kw: Any,
) -> list[Leg]:
    """A link run both ways, as the network loader makes it: ``leg_id`` a -> b and
    ``<leg_id>-rev`` b -> a; the way back takes ``back_service`` (or ``service``) with the way
    out's fleet, which then serves both ways."""
    out = leg(leg_id, a, b, length_km, speed_kmh, service, **kw)
    back_spec = dict(back_service or service or {"type": "continuous"})
    if service is not None and "fleet" in service and back_service is not None:
        back_spec["fleet"] = service["fleet"]
    back = leg(f"{leg_id}-rev", b, a, length_km, speed_kmh, back_spec, **kw)
    return [
        dataclasses.replace(out, link=leg_id, reverse=back.id),
        dataclasses.replace(back, link=leg_id, reverse=leg_id),
    ]


def network(nodes: list[Node], legs: list[Leg]) -> Network:
    return Network({n.id: n for n in nodes}, {x.id: x for x in legs})


def scenario(
    flows: list[dict[str, Any]],
    routes: dict[str, list[str]],
    horizon_days: float = 100,
    warmup_days: float = 0,
    seed: int = 1,
    **kw: Any,
) -> Scenario:
    data = {
        "name": "test",
        "network": "in-memory",
        "start_date": "2024-01-01",
        "horizon_days": horizon_days,
        "warmup_days": warmup_days,
        "seed": seed,
        "flows": flows,
        "routes": routes,
        **kw,
    }
    return Scenario.model_validate(data)


def flow(
    fid: str, origin: str, dest: str, teu_per_day: float, routes: Any, **kw: Any
) -> dict[str, Any]:
    return {
        "id": fid,
        "origin": origin,
        "destination": dest,
        "teu_per_day": teu_per_day,
        "routes": routes,
        "share_40ft": kw.pop("share_40ft", 0.0),
        **kw,
    }
