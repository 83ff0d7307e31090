"""User-facing specifications shared by the network file and the scenario file.

These pydantic models describe what a node does to a container (:class:`ProcessSpec`) and how
containers leave on a leg (:class:`ServiceSpec`). They appear in the GeoJSON feature properties
(the network's defaults) and in a scenario's overrides. Unknown keys are errors, so a typo in a
file never becomes a silent default.

Units are in the field names: ``_h`` hours, ``_km`` kilometres, ``_kmh`` km per hour,
``_teu`` twenty-foot equivalent units, ``_usd`` US dollars, ``_kg`` kilograms.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from corridor.inputs.distributions import Dist, Fixed
from corridor.inputs.frozen import Items
from corridor.inputs.limits import (
    CapacityTeu,
    CostUsdPerTeu,
    HeadwayHours,
    HourOfDay,
    Hours,
    Servers,
    Share,
    SpeedKmh,
    Vehicles,
)

__all__ = [
    "ACTIVITIES",
    "MODES",
    "NODE_KINDS",
    "SERVICE_MODELS",
    "SERVICE_TYPES",
    "WEEKDAYS",
    "Activity",
    "ContinuousService",
    "DistField",
    "Flag",
    "FleetSpec",
    "Id",
    "ProcessSpec",
    "ScheduledService",
    "ServiceSpec",
    "Stage",
    "Strict",
    "ThroughService",
    "Weekday",
    "WhenFullService",
]

DistField = Dist
"""A field holding a distribution; a bare number means a fixed value."""

MODES = ("sea", "rail", "road")
NODE_KINDS = (
    "port",
    "rail_terminal",
    "dry_port",
    "border",
    "gauge_change",
    "road_terminal",
    "junction",
)
# What a node process does; the time breakdown of the results groups stages by it.
#   handling:     unloading, loading, transloading between vehicles
#   yard:         dwell in a port yard or terminal
#   customs:      customs clearance away from a border
#   border:       border crossing formalities (both sides may be separate processes)
#   inspection:   physical inspection, usually with a probability below 1
#   gauge_change: bogie exchange or transshipment between 1435 and 1520 mm
Activity = Literal["handling", "yard", "customs", "border", "inspection", "gauge_change", "other"]
ACTIVITIES: tuple[str, ...] = get_args(Activity)
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
Stage = Literal["origin", "transit", "destination"]
"""Where a container is at a node: where it starts, passes through, or ends."""

Id = Annotated[str, Field(min_length=1, max_length=200)]
"""The id of a node, leg, flow or route, or another name in a file."""
Flag = Annotated[bool, Field(strict=True)]
"""``true`` or ``false``; not 1, not ``'yes'`` (YAML reads an unquoted yes as true)."""


class Strict(BaseModel):
    """Base of every user-facing model: unknown keys are errors; objects are frozen.

    Lists are validated into tuples and mappings into read-only ones (:mod:`.frozen`), so that
    nothing inside a validated object can change either; booleans are only ``true`` and
    ``false`` (not 1, not ``'yes'``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


def _all_stages() -> tuple[Stage, ...]:
    return ("origin", "transit", "destination")


def _no_turnaround() -> Fixed:
    return Fixed(value=0.0)


class ProcessSpec(Strict):
    """One step that containers pass through at a node, in the order listed.

    A process with ``servers`` is capacity-limited: at most that many jobs are served at once,
    first come first served, and the rest queue. Without ``servers`` it is a pure delay (every
    container is served at once). A job is one container (``per: container``) or the whole
    group that arrived on one vehicle (``per: vehicle``: one draw of ``time_h`` for the group,
    which starts once all of its containers are there).
    """

    name: Annotated[str, Field(min_length=1, description="unique within the node")]
    activity: Activity = Field(
        default="other", description="what the process does; groups the time breakdown"
    )
    time_h: DistField = Field(description="service or dwell time per job, hours")
    servers: Servers | None = Field(
        default=None,
        description="parallel servers (berths, cranes, lanes, tracks); omitted = pure delay",
    )
    per: Literal["container", "vehicle"] = Field(
        default="container", description="a job is one container, or one vehicle's group"
    )
    probability: Share = Field(
        default=1.0, description="share of jobs that go through this process (inspections)"
    )
    at: Items[Stage] = Field(
        default_factory=_all_stages,
        description="for containers that start here, pass through, or end here",
        min_length=1,
    )
    cost_usd_per_teu: CostUsdPerTeu = Field(default=0.0, description="cost per TEU served, USD")
    arriving_from: Items[Id] | None = Field(
        default=None,
        description="only for containers arriving from one of these nodes (a border's entry)",
        min_length=1,
    )
    leaving_to: Items[Id] | None = Field(
        default=None,
        description="only for containers going on to one of these nodes (a border's exit)",
        min_length=1,
    )


class FleetSpec(Strict):
    """A fixed number of vehicles that must come back before they can leave again.

    A vehicle's cycle is: run out, ``turnaround_h`` at the far end, run back (same running time
    as out, unless ``return_speed_kmh`` is given), ``turnaround_h`` at home.
    """

    vehicles: Vehicles = Field(description="vehicles in the fleet, all at home at hour 0")
    turnaround_h: DistField = Field(
        default_factory=_no_turnaround, description="time at each end before the next run, hours"
    )
    return_speed_kmh: SpeedKmh | None = Field(
        default=None, description="speed of the empty run back; omitted = same time as out"
    )


class ContinuousService(Strict):
    """Each container leaves as soon as it is ready (one truck per container)."""

    type: Literal["continuous"]
    fleet: FleetSpec | None = Field(
        default=None, description="trucks that must come back before they leave again"
    )


class ScheduledService(Strict):
    """Departures on a timetable; what does not fit waits for the next departure.

    Give either ``headway_h`` (with ``offset_h``, the first departure after the start) or
    ``weekdays`` (with ``departure_time_h``, hours after midnight of the scenario's calendar).
    """

    type: Literal["scheduled"]
    capacity_teu: CapacityTeu = Field(description="TEU that fit on one departure")
    headway_h: HeadwayHours | None = Field(default=None, description="hours between departures")
    offset_h: Hours = Field(default=0.0, description="hour of the first departure (with headway_h)")
    weekdays: Items[Weekday] | None = Field(
        default=None, description="days with a departure (instead of headway_h)"
    )
    departure_time_h: HourOfDay = Field(
        default=0.0, description="hour of day of each departure (with weekdays)"
    )
    fleet: FleetSpec | None = Field(
        default=None, description="vehicles that must come back before they leave again"
    )

    @model_validator(mode="after")
    def _one_timetable(self) -> ScheduledService:
        if (self.headway_h is None) == (self.weekdays is None):
            raise ValueError("give either headway_h or weekdays, not both and not neither")
        if self.weekdays is not None:
            if not self.weekdays:
                raise ValueError("weekdays is empty; name at least one day, e.g. [mon, thu]")
            repeated = sorted({d for d in self.weekdays if self.weekdays.count(d) > 1})
            if repeated:
                raise ValueError(f"weekdays names {', '.join(repeated)} more than once")
        return self


class WhenFullService(Strict):
    """A vehicle leaves when its load reaches ``capacity_teu`` or ``max_wait_h`` has passed
    since its first container was ready (block trains, feeder ships)."""

    type: Literal["when_full"]
    capacity_teu: CapacityTeu = Field(description="TEU that fill a vehicle")
    max_wait_h: Hours = Field(
        description="longest wait after the first container, hours; then it leaves part-full"
    )
    fleet: FleetSpec | None = Field(
        default=None, description="vehicles that must come back before they leave again"
    )


class ThroughService(Strict):
    """Containers go on with the vehicle they arrived on: a train passing a junction or a
    border station. The vehicle leaves once every container of its group that takes this leg
    has cleared the node's processes; it has no timetable and no capacity of its own."""

    type: Literal["through"]


ServiceSpec = Annotated[
    Union[ContinuousService, ScheduledService, WhenFullService, ThroughService],
    Field(discriminator="type"),
]
"""How containers leave on a leg, told apart by its ``type`` key."""

SERVICE_MODELS: dict[str, type[Strict]] = {
    "continuous": ContinuousService,
    "scheduled": ScheduledService,
    "when_full": WhenFullService,
    "through": ThroughService,
}
"""The model of each service ``type``, in the order of :data:`ServiceSpec`."""
SERVICE_TYPES: tuple[str, ...] = tuple(SERVICE_MODELS)
