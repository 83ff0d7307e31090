"""What a scenario changes in its network: node processes, legs, their services and fleets.

Unset fields keep the network's value. The changes are checked here for what can be checked
without the network (a key a service type lacks, speed and running time both given); the model
applies them to the network and reports what does not fit it (an unknown node or leg).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    GetPydanticSchema,
    Tag,
    model_validator,
    with_config,
)
from typing_extensions import TypedDict

from corridor.inputs.distributions import Dist
from corridor.inputs.pydantic_errors import located_error
from corridor.inputs.specs import (
    SERVICE_MODELS,
    Activity,
    Id,
    NonNegFloat,
    PositiveFloat,
    ProcessSpec,
    Share,
    Stage,
    Strict,
    Weekday,
)
from corridor.inputs.yamlio import Loc

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
    time_factor: PositiveFloat | None = Field(
        default=None, description="multiply every service or dwell time (0.5 halves it)"
    )
    servers: Annotated[int, Field(gt=0)] | None = Field(default=None, description="new servers")
    extra_servers: int | None = Field(
        default=None, description="add servers (negative removes; at least 1 must stay)"
    )
    per: Literal["container", "vehicle"] | None = None
    probability: Share | None = None
    at: Annotated[list[Stage], Field(min_length=1)] | None = None
    cost_usd_per_teu: NonNegFloat | None = None
    remove: bool = Field(default=False, description="remove the process from the node")


def _list_or_mapping(value: Any) -> str | None:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return None


class NodeChange(Strict):
    """Changes to a node: a list replaces its processes; a mapping changes them by name."""

    processes: Annotated[
        Union[
            Annotated[list[ProcessSpec], Tag("list")],
            Annotated[dict[Id, ProcessChange], Tag("dict")],
        ],
        Discriminator(
            _list_or_mapping,
            custom_error_type="corridor_processes",
            custom_error_message="expected a list of processes (replaces the node's processes) "
            "or a mapping of process name -> changes",
        ),
    ] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_names(self) -> NodeChange:
        if isinstance(self.processes, list):
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

    vehicles: Annotated[int, Field(gt=0)]
    turnaround_h: Dist
    return_speed_kmh: PositiveFloat | None


@with_config(ConfigDict(extra="forbid"))
class ServiceChange(TypedDict, total=False):
    """Changes to a leg's service (all keys optional); see :class:`LegChange`."""

    type: Literal["continuous", "scheduled", "when_full", "through"]
    capacity_teu: PositiveFloat
    headway_h: PositiveFloat | None
    offset_h: NonNegFloat
    weekdays: list[Weekday] | None
    departure_time_h: Annotated[float, Field(ge=0, lt=24, allow_inf_nan=False)]
    max_wait_h: NonNegFloat
    fleet: FleetChange | None


# ServiceChange's type must list SERVICE_TYPES (a test checks that it does).
_SERVICE_FIELDS = {kind: frozenset(model.model_fields) for kind, model in SERVICE_MODELS.items()}

# Static type: a plain dict (as merged over the network's service); checked as ServiceChange.
ServiceChangeDict = Annotated[
    dict[str, Any], GetPydanticSchema(lambda _type, handler: handler(ServiceChange))
]


class LegChange(Strict):
    """Changes to a leg; unset fields keep the network's value.

    ``service`` is merged over the network's service when its ``type`` is unchanged, so
    ``service: {headway_h: 84}`` changes only the headway. Giving ``speed_kmh`` or
    ``running_time_h`` replaces whichever of the two the network gives.
    """

    enabled: bool | None = Field(default=None, description="false removes the leg")
    length_km: PositiveFloat | None = None
    speed_kmh: PositiveFloat | None = None
    running_time_h: Dist | None = None
    delay_h: Dist | None = None
    service: ServiceChangeDict | None = None
    cost_usd_per_teu: NonNegFloat | None = None
    co2e_kg_per_teu_km: NonNegFloat | None = None

    @model_validator(mode="after")
    def _coherent(self) -> LegChange:
        issues: list[tuple[Loc, str, Any]] = []
        if self.speed_kmh is not None and self.running_time_h is not None:
            issues.append((("running_time_h",), "give speed_kmh or running_time_h, not both", None))
        kind = (self.service or {}).get("type")
        if kind is not None:
            for key in self.service or {}:
                if key not in _SERVICE_FIELDS[kind]:
                    issues.append(
                        (("service", key), f"a {kind} service has no field {key!r}", None)
                    )
        if issues:
            raise located_error("LegChange", issues)
        return self
