"""The corridor network: nodes and legs read from GeoJSON.

Point features are nodes (ports, terminals, borders, gauge-change stations) with the processes
containers pass through there; LineString features are directed legs between two nodes with a
mode, a length, a running speed or time, and the service that carries containers on them.

The feature properties are validated by :class:`NodeProperties` and :class:`LegProperties`;
:func:`load_network` collects every problem of a file and raises one :class:`NetworkError`.
Inside corridor the network is plain frozen data (:class:`Network`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from corridor.distributions import DistSpec
from corridor.specs import ProcessSpec, ServiceSpec

__all__ = ["Leg", "Network", "Node", "load_network"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Node:
    """A place where containers are handled: its processes run in the order given."""

    id: str
    name: str
    country: str
    kind: str
    lon: float
    lat: float
    processes: tuple[ProcessSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class Leg:
    """A directed link ``from_node`` -> ``to_node`` run by one service.

    Running time is ``length_km / speed_kmh`` (or a draw of ``running_time_h``) plus a draw of
    ``delay_h``. ``coords`` is the geometry as (lon, lat) pairs in EPSG:4326, for maps.
    """

    id: str
    from_node: str
    to_node: str
    mode: str
    length_km: float
    service: ServiceSpec
    name: str = ""
    speed_kmh: float | None = None
    running_time_h: DistSpec | None = None
    delay_h: DistSpec | None = None
    cost_usd_per_teu: float = 0.0
    co2e_kg_per_teu_km: float | None = None
    enabled: bool = True
    coords: tuple[tuple[float, float], ...] = ()

    @property
    def mean_running_h(self) -> float:
        """Mean running time without delays, hours."""
        if self.running_time_h is not None:
            return self.running_time_h.compile().mean
        assert self.speed_kmh is not None
        return self.length_km / self.speed_kmh


@dataclass(frozen=True)
class Network:
    """Nodes and legs by id, with the file they came from."""

    nodes: Mapping[str, Node]
    legs: Mapping[str, Leg]
    source: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", MappingProxyType(dict(self.nodes)))
        object.__setattr__(self, "legs", MappingProxyType(dict(self.legs)))


def load_network(path: str | Path) -> Network:
    """Read and validate a GeoJSON network."""
    raise NotImplementedError  # filled in by the network loader work
