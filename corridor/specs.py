"""User-facing specifications shared by the network file and the scenario file.

These pydantic models describe what a node does to a container (:class:`ProcessSpec`) and how
containers leave on a leg (:class:`ServiceSpec`). They appear in the GeoJSON feature properties
(the network's defaults) and in a scenario's overrides. Unknown keys are errors, so a typo in a
file never becomes a silent default.

Units are in the field names: ``_h`` hours, ``_km`` kilometres, ``_kmh`` km per hour,
``_teu`` twenty-foot equivalent units, ``_usd`` US dollars, ``_kg`` kilograms.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from corridor.distributions import DistSpec, as_dist

__all__ = [
    "ACTIVITIES",
    "MODES",
    "NODE_KINDS",
    "WEEKDAYS",
    "ContinuousService",
    "DistField",
    "FleetSpec",
    "ProcessSpec",
    "ScheduledService",
    "ServiceSpec",
    "Strict",
    "WhenFullService",
]

DistField = Annotated[DistSpec, BeforeValidator(as_dist)]

MODES = ("sea", "rail", "road")
NODE_KINDS = (
    "port", "rail_terminal", "dry_port", "border", "gauge_change", "road_terminal", "junction",
)
# What a node process does; the time breakdown of the results groups stages by it.
ACTIVITIES = (
    "handling",      # unloading, loading, transloading between vehicles
    "yard",          # dwell in a port yard or terminal
    "customs",       # customs clearance away from a border
    "border",        # border crossing formalities (both sides may be separate processes)
    "inspection",    # physical inspection, usually with a probability below 1
    "gauge_change",  # bogie exchange or transshipment between 1435 and 1520 mm
    "other",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base of every user-facing model: unknown keys are errors; objects are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcessSpec(Strict):
    """One step that containers pass through at a node, in the order listed.

    A process with ``servers`` is capacity-limited: at most that many jobs are served at once,
    first come first served, and the rest queue. Without ``servers`` it is a pure delay (every
    container is served at once). A job is one container (``per: container``) or the whole
    group that arrived on one vehicle (``per: vehicle``: one draw of ``time_h`` for the group,
    which starts once all of its containers are there).
    """

    name: Annotated[str, Field(min_length=1, description="unique within the node")]
    activity: Literal[
        "handling", "yard", "customs", "border", "inspection", "gauge_change", "other"
    ] = "other"
    time_h: DistField = Field(description="service or dwell time per job, hours")
    servers: PositiveInt | None = Field(
        default=None, description="parallel servers (berths, cranes, lanes, tracks); none = delay"
    )
    per: Literal["container", "vehicle"] = "container"
    probability: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        default=1.0, description="share of jobs that go through this process (inspections)"
    )
    at: list[Literal["origin", "transit", "destination"]] = Field(
        default_factory=lambda: ["origin", "transit", "destination"],
        description="for containers that start here, pass through, or end here",
        min_length=1,
    )
    cost_usd_per_teu: NonNegFloat = 0.0


class FleetSpec(Strict):
    """A fixed number of vehicles that must come back before they can leave again.

    A vehicle's cycle is: run out, ``turnaround_h`` at the far end, run back (same running time
    as out, unless ``return_speed_kmh`` is given), ``turnaround_h`` at home.
    """

    vehicles: PositiveInt
    turnaround_h: DistField = Field(default_factory=lambda: as_dist(0.0))  # type: ignore[arg-type]
    return_speed_kmh: PositiveFloat | None = None


class ContinuousService(Strict):
    """Each container leaves as soon as it is ready (one truck per container)."""

    type: Literal["continuous"]
    fleet: FleetSpec | None = None


class ScheduledService(Strict):
    """Departures on a timetable; what does not fit waits for the next departure.

    Give either ``headway_h`` (with ``offset_h``, the first departure after the start) or
    ``weekdays`` (with ``departure_time_h``, hours after midnight of the scenario's calendar).
    """

    type: Literal["scheduled"]
    capacity_teu: PositiveFloat
    headway_h: PositiveFloat | None = None
    offset_h: NonNegFloat = 0.0
    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = None
    departure_time_h: Annotated[float, Field(ge=0, lt=24, allow_inf_nan=False)] = 0.0
    fleet: FleetSpec | None = None

    @model_validator(mode="after")
    def _one_timetable(self) -> ScheduledService:
        if (self.headway_h is None) == (self.weekdays is None):
            raise ValueError("give either headway_h or weekdays, not both and not neither")
        if self.weekdays is not None and not self.weekdays:
            raise ValueError("weekdays is empty; name at least one day, e.g. [mon, thu]")
        return self


class WhenFullService(Strict):
    """A vehicle leaves when its load reaches ``capacity_teu`` or ``max_wait_h`` has passed
    since its first container was ready (block trains, feeder ships)."""

    type: Literal["when_full"]
    capacity_teu: PositiveFloat
    max_wait_h: NonNegFloat
    fleet: FleetSpec | None = None


ServiceSpec = Annotated[
    Union[ContinuousService, ScheduledService, WhenFullService], Field(discriminator="type")
]
