"""The properties of GeoJSON features: what a node and a leg say about themselves.

:class:`NodeProperties` (a Point feature) and :class:`LegProperties` (a LineString feature)
validate the ``properties`` object of each feature, with unknown keys forbidden.
:func:`property_problems` turns a validation error of one feature into problems located at
that feature (``features[2] (leg L1).speed_kmh: -1 must be > 0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from corridor.errors import Problem, did_you_mean, format_location
from corridor.inputs.frozen import Items
from corridor.inputs.limits import Co2eKgPerTeuKm, CostUsdPerTeu, LengthKm, SpeedKmh
from corridor.inputs.pydantic_errors import block_fields, length_is_fine
from corridor.inputs.specs import (
    MODES,
    NODE_KINDS,
    ContinuousService,
    DistField,
    Flag,
    Id,
    ProcessSpec,
    ServiceSpec,
    Strict,
)

__all__ = ["LegProperties", "NodeProperties", "ReverseProperties", "property_problems"]


class NodeProperties(Strict):
    """The properties of a Point feature: one node."""

    id: Id
    name: str
    country: str
    kind: str = Field(description="one of " + ", ".join(NODE_KINDS))
    processes: Items[ProcessSpec] = Field(default_factory=tuple)
    notes: str = ""
    source: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in NODE_KINDS:
            raise ValueError(f"{value!r} is not one of {_quoted(NODE_KINDS)}")
        return value

    @field_validator("processes")
    @classmethod
    def _unique_process_names(cls, value: tuple[ProcessSpec, ...]) -> tuple[ProcessSpec, ...]:
        first: dict[str, int] = {}
        for i, process in enumerate(value):
            if process.name in first:
                raise ValueError(
                    f"process name {process.name!r} is used twice (processes[{first[process.name]}]"
                    f" and processes[{i}]); names are unique within a node, since scenarios "
                    "change processes by name"
                )
            first[process.name] = i
        return value


class ReverseProperties(Strict):
    """What differs on the way back (``to`` -> ``from``) of a two-way link.

    Everything not given here is the same both ways: the length, the mode and the line are
    always shared; the speed or running time, delay, service, tariff and emissions are the
    way out's unless given. A fleet is declared once, on the way out's service, and serves both
    ways (see :class:`LegProperties`).
    """

    id: Id | None = Field(default=None, description="the way back's leg id; default '<id>-rev'")
    name: str | None = Field(default=None, description="default: the way out's name + (back)")
    speed_kmh: SpeedKmh | None = None
    running_time_h: DistField | None = None
    delay_h: DistField | None = None
    service: ServiceSpec | None = None
    cost_usd_per_teu: CostUsdPerTeu | None = None
    co2e_kg_per_teu_km: Co2eKgPerTeuKm | None = None
    enabled: Flag | None = None
    notes: str = ""
    source: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> ReverseProperties:
        if self.speed_kmh is not None and self.running_time_h is not None:
            raise ValueError(
                "give speed_kmh or running_time_h for the way back, not both (running time is "
                "length / speed, or a draw of running_time_h)"
            )
        if getattr(self.service, "fleet", None) is not None:
            raise ValueError(
                "the way back has no fleet of its own: a two-way link's fleet is declared once, "
                "on its service, and serves both ways (give directions: forward for a one-way "
                "service with its own fleet)"
            )
        return self


class LegProperties(Strict):
    """The properties of a LineString feature: a link between two nodes, run one or both ways.

    Give exactly one of ``speed_kmh`` and ``running_time_h``. Without ``length_km`` the length
    is the geodesic length of the geometry on the WGS84 ellipsoid.

    A link runs both ways (``directions: both``, the default): it is two legs, ``id`` from
    ``from`` to ``to`` and its way back (``reverse.id``, by default ``<id>-rev``), which shares
    everything but what ``reverse`` changes. ``directions: forward`` makes it one way only.
    """

    id: Id
    name: str = ""
    from_: Id = Field(alias="from", description="id of the node the leg starts at")
    to: Id = Field(description="id of the node the leg ends at")
    mode: str = Field(description="one of " + ", ".join(MODES))
    length_km: LengthKm | None = None
    speed_kmh: SpeedKmh | None = None
    running_time_h: DistField | None = None
    delay_h: DistField | None = None
    service: ServiceSpec = Field(default_factory=lambda: ContinuousService(type="continuous"))
    cost_usd_per_teu: CostUsdPerTeu = 0.0
    co2e_kg_per_teu_km: Co2eKgPerTeuKm | None = None
    enabled: Flag = True
    directions: Literal["both", "forward"] = Field(
        default="both", description="both: the link runs both ways; forward: from -> to only"
    )
    reverse: ReverseProperties | None = Field(
        default=None, description="what differs on the way back (to -> from)"
    )
    notes: str = ""
    source: str = ""

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in MODES:
            raise ValueError(f"{value!r} is not one of {_quoted(MODES)}")
        return value

    @field_validator("to")
    @classmethod
    def _not_a_loop(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("from_") == value:
            raise ValueError(
                f"the leg starts and ends at node {value!r}; a leg joins two different nodes"
            )
        return value

    @model_validator(mode="after")
    def _speed_or_time(self) -> LegProperties:
        if self.speed_kmh is not None and self.running_time_h is not None:
            raise ValueError(
                "give speed_kmh or running_time_h, not both (running time is length / speed, "
                "or a draw of running_time_h)"
            )
        if self.speed_kmh is None and self.running_time_h is None:
            raise ValueError("give speed_kmh (km/h) or running_time_h (hours); neither is set")
        if self.directions == "forward" and self.reverse is not None:
            raise ValueError(
                "reverse describes the way back, but directions is forward (one way): drop one"
            )
        if self.reverse is not None and self.reverse.id == self.id:
            raise ValueError(f"reverse.id {self.id!r} is the way out's id; give another")
        return self

    @property
    def reverse_id(self) -> str | None:
        """The id of the way back, or None for a one-way link."""
        if self.directions == "forward":
            return None
        return (self.reverse.id if self.reverse is not None else None) or f"{self.id}-rev"


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


def property_problems(
    exc: ValidationError,
    label: str,
    model: type[NodeProperties] | type[LegProperties],
    data: object = None,
) -> list[Problem]:
    """Turn a pydantic error on one feature's properties into readable problems.

    Parameters
    ----------
    exc
        The error of ``model.model_validate(properties)``.
    label
        The feature's place, e.g. ``features[2] (leg L1)``; every problem is located under it.
    model
        The model that raised, whose fields are suggested for a misspelt key.
    data
        The properties that were validated, to name the keys of the block (a process, a
        service, a distribution) that holds a misspelt key.
    """
    fields = sorted(f.alias or name for name, f in model.model_fields.items())
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = [
            part
            for part in err["loc"]
            if isinstance(part, int)
            or not (part in _UNION_TAGS or part.startswith(("function-", "tagged-union")))
        ]
        where = format_location([label, *loc])
        kind = err["type"]
        value = err.get("input")
        ctx = err.get("ctx") or {}
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        hint = ""
        if kind == "extra_forbidden":
            # the key itself, even when it reads like a union tag ("fixed", "through")
            name = err["loc"][-1]
            if not loc or loc[-1] != name:
                loc.append(name)
                where = format_location([label, *loc])
            what = f"unknown field {name!r}"
            if len(loc) == 1:
                hint = did_you_mean(str(name), fields) or f"fields are: {', '.join(fields)}"
            else:
                block = block_fields(model, loc[:-1], data) if data is not None else None
                if block is None:
                    hint = "check the spelling"
                else:
                    listing = f"{block[0]} takes {', '.join(block[1])}"
                    suggestion = did_you_mean(str(name), block[1])
                    hint = f"{suggestion} {listing}" if suggestion else listing
        elif kind == "missing":
            what = "required field is missing"
        elif kind == "literal_error":
            expected = str(ctx.get("expected", "")).replace(" or ", ", ")
            what = f"{shown} is not one of {expected}"
        elif kind in _BOUNDS:
            op, key = _BOUNDS[kind]
            what = f"{shown} must be {op} {ctx.get(key):g}"
            hint = _BOUND_HINTS.get(str(loc[-1]), "") if loc else ""
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            if kind == "union_tag_invalid":
                what = f"{ctx.get('tag')!r} is not one of {ctx.get('expected_tags')}"
            else:
                what = f"needs a {str(ctx.get('discriminator', 'type')).strip(chr(39))} key"
        elif kind == "model_attributes_type":
            if loc and str(loc[-1]).endswith("_h"):
                what = f"{shown} is not a distribution"
                hint = 'give a number (fixed) or e.g. {"dist": "lognormal", "mean": 12, "cv": 0.5}'
            else:
                what = f"{shown} is not an object"
        elif kind.startswith("corridor"):
            what = err["msg"]
            extra = _BOUND_HINTS.get(str(loc[-1]), "") if loc and kind == "corridor_bound" else ""
            hint = "; ".join(h for h in (extra, str(ctx.get("hint", ""))) if h)
        elif kind in ("too_short", "too_long") and length_is_fine(err):
            continue
        elif kind in ("value_error", "assertion_error"):
            what = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        else:
            what = f"{shown} is invalid: {err['msg']}"
        problems.append(Problem(where, what, hint))
    return problems


_UNION_TAGS = frozenset(
    {
        "fixed", "uniform", "triangular", "exponential", "normal", "lognormal", "gamma",
        "empirical", "continuous", "scheduled", "when_full", "through",
    }
)  # fmt: skip
_BOUND_HINTS = {
    "length_km": "leave length_km out to use the geodesic length of the geometry",
    "speed_kmh": "the average running speed in km/h, stops excluded",
}
_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}
