"""The runtime model: what a run executes, as plain frozen data.

These types are all the engine sees. They hold numbers, names and samplers, never a pydantic
object, a YAML place or a geometry library's type, so the engine depends on nothing of the
input side (``corridor.model.compile`` builds them from a scenario and its network).

Indices tie them together: a route names its legs and nodes by position in ``Model.legs`` and
``Model.nodes``; every node process and every leg has a *place*, its position in
``Model.places``, which is what the stage and resource records refer to.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corridor.model.samplers import Sampler

__all__ = [
    "AT_ALL",
    "AT_DESTINATION",
    "AT_ORIGIN",
    "AT_TRANSIT",
    "ClosureRecord",
    "FleetRT",
    "FlowRT",
    "LegRT",
    "Model",
    "NodeRT",
    "OpenTimes",
    "Place",
    "ProcessRT",
    "RouteRT",
    "SeasonRT",
    "Window",
    "merge_windows",
]

# Where on its route a container must be for a node process to apply to it (bits of a mask).
AT_ORIGIN, AT_TRANSIT, AT_DESTINATION = 1, 2, 4
AT_ALL = AT_ORIGIN | AT_TRANSIT | AT_DESTINATION

Window = tuple[float, float]  # (start_h, end_h)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a stage happens: a node process, or a leg (its service and its running)."""

    element_type: str  # "node" or "leg"
    element: str
    process: str
    activity: str  # a node process's activity, or the leg's mode


@dataclass(frozen=True, slots=True)
class ProcessRT:
    """One process of a node: a pure delay (``servers`` None) or a capacity-limited service."""

    index: int  # position within its node
    place: int
    name: str
    activity: str
    sampler: Sampler  # its duration, hours
    servers: int | None
    per_vehicle: bool  # one job per vehicle load, not per container
    probability: float  # share of containers (or vehicles) that go through it
    at_mask: int  # AT_* bits: where on their route containers must be
    cost_usd_per_teu: float
    stream: str  # name of its random stream
    # only for containers coming from / going on to these nodes (None: any); a border
    # station's exit and entry formalities differ by the direction of travel
    arriving_from: frozenset[int] | None = None
    leaving_to: frozenset[int] | None = None
    # derived: the process applies to every container that reaches it (before its probability)
    for_all: bool = field(init=False)

    def __post_init__(self) -> None:
        every = self.at_mask == AT_ALL and self.arriving_from is None and self.leaving_to is None
        object.__setattr__(self, "for_all", every)


@dataclass(frozen=True, slots=True)
class NodeRT:
    index: int
    id: str
    processes: tuple[ProcessRT, ...]
    name: str = ""
    country: str = ""
    kind: str = ""
    lon: float = 0.0
    lat: float = 0.0


@dataclass(frozen=True, slots=True)
class FleetRT:
    """Vehicles that must come back before they can leave again."""

    vehicles: int
    turnaround: Sampler  # hours at each end
    return_speed_kmh: float | None


@dataclass(frozen=True, slots=True)
class LegRT:
    index: int
    id: str
    from_node: int
    to_node: int
    mode: str
    length_km: float
    speed_kmh: float | None
    running: Sampler | None  # running time, hours (when not length / speed)
    delay: Sampler | None  # added to the running time, hours
    kind: str  # the service: continuous, scheduled, when_full, through
    capacity_teu: float
    headway_h: float | None
    offset_h: float
    weekdays: tuple[int, ...]  # Monday = 0
    departure_time_h: float
    max_wait_h: float
    fleet: FleetRT | None
    cost_usd_per_teu: float
    co2e_kg_per_teu_km: float | None
    place: int
    name: str = ""
    coords: tuple[tuple[float, float], ...] = ()  # (lon, lat) in EPSG:4326, for maps
    enabled: bool = True  # a disabled leg is in the model (for maps) but on no route
    link: str = ""  # the physical link (a railway, road or sea lane) it runs one way of
    reverse: int | None = None  # the leg running the other way on the same link
    # its fleet is shared with ``reverse``: a vehicle arriving at the far end takes the cargo
    # waiting there back (or runs empty), so each direction's capacity follows from the fleet
    rotation: bool = False


@dataclass(frozen=True, slots=True)
class RouteRT:
    index: int
    name: str
    legs: tuple[int, ...]
    nodes: tuple[int, ...]  # len(legs) + 1
    cum_km: tuple[float, ...]  # km travelled on arrival at each node
    label: str = ""  # the scenario's route_labels entry, for reports (the engine ignores it)

    @property
    def length_km(self) -> float:
        return self.cum_km[-1]


@dataclass(frozen=True, slots=True)
class FlowRT:
    index: int
    id: str
    origin: int
    destination: int
    containers_per_h: float  # at hour 0
    arrival: str  # "poisson" or "fixed"
    growth_per_year: float  # multiplicative factor per 8,760 h (1.15 for 15 %)
    share_40ft: float
    routes: tuple[int, ...]
    route_cum: tuple[float, ...]  # cumulative route shares, the last one 1.0
    # "loaded" (shippers' boxes), "empty" (sent back to balance the directions) or "probe"
    # (a few boxes that time every route of a flow that chooses)
    kind: str = "loaded"


@dataclass(frozen=True, slots=True)
class SeasonRT:
    name: str
    start_h: float
    end_h: float
    speed_factor: float
    capacity_factor: float
    headway_factor: float
    extra_delay: Sampler | None


@dataclass(frozen=True, slots=True)
class ClosureRecord:
    """One closure of one element, for the output table."""

    element: str
    start_h: float
    end_h: float
    reason: str


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    """Sorted, non-overlapping windows covering the same time (touching windows joined)."""
    merged: list[list[float]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


class OpenTimes:
    """When an element is open: the merged closure windows of one element."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, windows: Sequence[Window]) -> None:
        merged = merge_windows(windows)
        self._starts = [a for a, _ in merged]
        self._ends = [b for _, b in merged]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def open_at(self, t: float) -> float:
        """The first moment at or after ``t`` when the element is open."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self._ends[i]:
            return self._ends[i]
        return t

    def closed_between(self, a: float, b: float) -> float:
        """Hours of closure inside [a, b]."""
        if not self._starts or b <= a:
            return 0.0
        total = 0.0
        i = max(0, bisect.bisect_right(self._starts, a) - 1)
        while i < len(self._starts) and self._starts[i] < b:
            total += max(0.0, min(b, self._ends[i]) - max(a, self._starts[i]))
            i += 1
        return total


@dataclass(frozen=True)
class Model:
    """Everything a run needs, as plain frozen data."""

    name: str  # the scenario's name
    start_date: dt.datetime  # the calendar moment of hour 0
    horizon_h: float
    warmup_h: float
    keep_stages: bool  # record the stages table
    keep_resources: bool  # record the resources table
    seed: int
    nodes: tuple[NodeRT, ...]
    legs: tuple[LegRT, ...]
    routes: tuple[RouteRT, ...]
    flows: tuple[FlowRT, ...]
    places: tuple[Place, ...]
    node_closures: tuple[OpenTimes, ...]
    leg_closures: tuple[OpenTimes, ...]
    closure_records: tuple[ClosureRecord, ...]
    seasons: tuple[tuple[SeasonRT, ...], ...]  # per leg
    capacity_changes: tuple[tuple[float, int, int, int], ...]  # (t_h, node, process, servers)
    # a run stops with an error when more containers than this are in the system at once (a
    # backlog that grows without end would otherwise take all the memory there is)
    max_in_system: int = 2_000_000
