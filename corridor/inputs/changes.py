"""What a scenario changes in its network: node processes, legs, their services and fleets.

Unset fields keep the network's value. The changes are checked here for what can be checked
without the network (a key a service type lacks, speed and running time both given); the model
applies them to the network and reports what does not fit it (an unknown node or leg).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
    with_config,
)
from typing_extensions import TypedDict

from corridor.inputs.distributions import Dist
from corridor.inputs.frozen import FrozenDict, Items, Table, deep_freeze
from corridor.inputs.limits import (
    CapacityTeu,
    Co2eKgPerTeuKm,
    CostUsdPerTeu,
    ExtraServers,
    Factor,
    HeadwayHours,
    HourOfDay,
    Hours,
    LengthKm,
    Servers,
    Share,
    SpeedKmh,
    Vehicles,
)
from corridor.inputs.pydantic_errors import CheckedAs, Issue, located_error
from corridor.inputs.specs import (
    SERVICE_MODELS,
    Activity,
    Flag,
    Id,
    ProcessSpec,
    Stage,
    Strict,
    Weekday,
)

__all__ = [
    "FleetChange",
    "LegChange",
    "NodeChange",
    "ProcessChange",
    "ServiceChange",
    "ServiceChangeDict",
]


class ProcessChange(Strict):
    """Changes to one named process of a node; unset fields keep the network's value.

    A name the node does not have adds a new process at the end (then ``time_h`` is needed).
    ``time_h`` is set before ``time_factor`` scales it; ``servers`` is set before
    ``extra_servers`` is added. ``remove: true`` removes the process whatever else is given.
    """

    activity: Activity | None = None
    time_h: Dist | None = Field(default=None, description="new service or dwell time, hours")
    time_factor: Factor | None = Field(
        default=None, description="multiply every service or dwell time (0.5 halves it)"
    )
    servers: Servers | None = Field(default=None, description="new servers")
    extra_servers: ExtraServers | None = Field(
        default=None, description="add servers (negative removes; at least 1 must stay)"
    )
    per: Literal["container", "vehicle"] | None = None
    probability: Share | None = None
    at: Annotated[Items[Stage], Field(min_length=1)] | None = None
    cost_usd_per_teu: CostUsdPerTeu | None = None
    arriving_from: Annotated[Items[Id], Field(min_length=1)] | None = None
    leaving_to: Annotated[Items[Id], Field(min_length=1)] | None = None
    remove: Flag = Field(default=False, description="remove the process from the node")


def _list_or_mapping(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return None


class NodeChange(Strict):
    """Changes to a node: a list replaces its processes; a mapping changes them by name."""

    processes: Annotated[
        Union[
            Annotated[Items[ProcessSpec], Tag("list")],
            Annotated[Table[Id, ProcessChange], Tag("dict")],
        ],
        Discriminator(
            _list_or_mapping,
            custom_error_type="corridor_processes",
            custom_error_message="expected a list of processes (replaces the node's processes) "
            "or a mapping of process name -> changes",
        ),
    ] = Field(default_factory=FrozenDict)

    @model_validator(mode="after")
    def _unique_names(self) -> NodeChange:
        if isinstance(self.processes, tuple):
            names = [p.name for p in self.processes]
            issues = [
                (("processes", i, "name"), f"{name!r} is used by an earlier process", name)
                for i, name in enumerate(names)
                if name in names[:i]
            ]
            if issues:
                raise located_error("NodeChange", issues)
        return self


@with_config(ConfigDict(extra="forbid"))
class FleetChange(TypedDict, total=False):
    """Changes to a service's fleet (all keys optional); merged over the network's fleet."""

    vehicles: Vehicles
    turnaround_h: Dist
    return_speed_kmh: SpeedKmh | None


@with_config(ConfigDict(extra="forbid"))
class ServiceChange(TypedDict, total=False):
    """Changes to a leg's service (all keys optional); see :class:`LegChange`."""

    type: Literal["continuous", "scheduled", "when_full", "through"]
    capacity_teu: CapacityTeu
    headway_h: HeadwayHours | None
    offset_h: Hours
    weekdays: Items[Weekday] | None
    departure_time_h: HourOfDay
    max_wait_h: Hours
    fleet: FleetChange | None


# ServiceChange's type must list SERVICE_TYPES (a test checks that it does).
_SERVICE_FIELDS = {kind: frozenset(model.model_fields) for kind, model in SERVICE_MODELS.items()}
_FIELD_ORDER = {kind: list(model.model_fields) for kind, model in SERVICE_MODELS.items()}

# Static type: a read-only dict (merged over the network's service); checked as ServiceChange.
ServiceChangeDict = Annotated[
    Mapping[str, Any], CheckedAs(ServiceChange), AfterValidator(deep_freeze)
]


class LegChange(Strict):
    """Changes to a leg; unset fields keep the network's value.

    ``service`` is merged over the network's service when its ``type`` is unchanged, so
    ``service: {headway_h: 84}`` changes only the headway. Giving ``speed_kmh`` or
    ``running_time_h`` replaces whichever of the two the network gives.
    """

    enabled: Flag | None = Field(default=None, description="false removes the leg")
    length_km: LengthKm | None = None
    speed_kmh: SpeedKmh | None = None
    running_time_h: Dist | None = None
    delay_h: Dist | None = None
    service: ServiceChangeDict | None = None
    cost_usd_per_teu: CostUsdPerTeu | None = None
    cost_factor: Factor | None = Field(
        default=None,
        description="multiply the leg's cost per TEU (after cost_usd_per_teu; 0.6 is a 40 % "
        "discount)",
    )
    co2e_kg_per_teu_km: Co2eKgPerTeuKm | None = None

    @model_validator(mode="after")
    def _coherent(self) -> LegChange:
        issues: list[Issue] = []
        if self.speed_kmh is not None and self.running_time_h is not None:
            issues.append((("running_time_h",), "give speed_kmh or running_time_h, not both", None))
        kind = (self.service or {}).get("type")
        if kind is not None:
            for key in self.service or {}:
                if key not in _SERVICE_FIELDS[kind]:
                    takes = ", ".join(sorted(_SERVICE_FIELDS[kind], key=_FIELD_ORDER[kind].index))
                    issues.append(
                        (
                            ("service", key),
                            f"a {kind} service has no field {key!r}",
                            None,
                            f"it takes {takes}",
                        )
                    )
        if issues:
            raise located_error("LegChange", issues)
        return self
