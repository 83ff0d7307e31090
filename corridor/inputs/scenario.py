"""Scenario files: what to simulate over a network.

A scenario is a YAML mapping validated by the pydantic models below. ``extends: base.yaml``
loads another scenario first and merges this file over it (mappings key by key, lists and
everything else replaced), so a variant states only what differs. Paths inside a scenario are
relative to the file that names them. See ``docs/scenario-reference.md`` for every field with
an example.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetPydanticSchema,
    PrivateAttr,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
    with_config,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import TypedDict

from corridor.errors import Problem, ScenarioError, format_location
from corridor.inputs.distributions import Dist
from corridor.inputs.specs import (
    SERVICE_MODELS,
    Activity,
    ProcessSpec,
    Strict,
    Weekday,
)
from corridor.inputs.yamlio import Loc, Place, YamlDocument, place_of, pydantic_problems, read_yaml

__all__ = [
    "CapacityChange",
    "Closure",
    "FlowSpec",
    "LegChange",
    "NodeChange",
    "OutputSpec",
    "ProcessChange",
    "Scenario",
    "Season",
    "StormSpec",
    "load_scenario",
    "scenario_json_schema",
]

log = logging.getLogger(__name__)

Id = Annotated[str, Field(min_length=1, max_length=200)]
PosFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Stage = Literal["origin", "transit", "destination"]

# Keys the loader sets; a file may not.
_LOADER_FIELDS = ("source", "network_path")


def _date_to_midnight(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _no_time_zone(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "corridor_time_zone",
            "{value} has a time zone; dates are in the scenario's own calendar, without one "
            "(write 2025-03-01 08:00:00)",
            {"value": value.isoformat()},
        )
    return value


Moment = Annotated[
    dt.datetime,
    BeforeValidator(_date_to_midnight, json_schema_input_type=Union[dt.date, dt.datetime]),
    AfterValidator(_no_time_zone),
]
"""A calendar moment without time zone; a date alone means its midnight."""


def _month_day(value: str) -> str:
    try:
        month, day = (int(part) for part in value.split("-"))
        dt.date(2000, month, day)  # a leap year, so 02-29 is a day of the year
    except ValueError:
        raise PydanticCustomError(
            "corridor_month_day",
            "'{value}' is not a day of the year written MM-DD (say, 12-15)",
            {"value": value},
        ) from None
    if len(value) != 5:
        raise PydanticCustomError(
            "corridor_month_day",
            "'{value}': write the day as MM-DD with two digits each (say, 01-05)",
            {"value": value},
        )
    return value


MonthDay = Annotated[str, AfterValidator(_month_day), Field(examples=["12-15"])]


def _located_error(title: str, issues: Sequence[tuple[Loc, str, Any]]) -> ValidationError:
    """A pydantic error with one entry per (location, message, input)."""
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError("corridor_scenario", message),
                loc=loc,
                input=value,
            )
            for loc, message, value in issues
        ],
    )


def _close(word: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class FlowSpec(Strict):
    """Containers from ``origin`` to ``destination`` at a demand rate, split across routes."""

    id: Id = Field(description="unique name of the flow")
    origin: Id = Field(description="node id where containers are created")
    destination: Id = Field(description="node id where containers are delivered")
    teu_per_day: PosFloat = Field(description="demand at the start, TEU per day")
    arrival: Literal["poisson", "fixed"] = Field(
        default="poisson", description="poisson: random arrivals; fixed: evenly spaced"
    )
    growth_pct_per_year: Annotated[float, Field(gt=-100, le=1000, allow_inf_nan=False)] = Field(
        default=0.0, description="compound demand growth, percent per year"
    )
    share_40ft: Share = Field(default=0.5, description="share of containers that are 40' (2 TEU)")
    routes: dict[Id, PosFloat] = Field(
        min_length=1,
        description="route name -> share of this flow's containers (normalised); a list of "
        "route names means equal shares",
    )

    @field_validator(
        "routes", mode="before", json_schema_input_type=Union[dict[str, float], list[str]]
    )
    @classmethod
    def _list_means_equal_shares(cls, value: Any) -> Any:
        if isinstance(value, list):
            nested = [v for v in value if isinstance(v, (list, dict, set))]
            if nested:  # not a name, and not hashable as a mapping key either
                raise PydanticCustomError(
                    "corridor_scenario",
                    "lists {got} where a route name belongs; give route names, or a mapping "
                    "of route name -> share",
                    {"got": "a mapping" if isinstance(nested[0], dict) else "a list"},
                )
            repeated = sorted({str(v) for v in value if value.count(v) > 1})
            if repeated:
                raise PydanticCustomError(
                    "corridor_scenario",
                    "lists {names} more than once; name each route once",
                    {"names": ", ".join(repr(r) for r in repeated)},
                )
            return dict.fromkeys(value, 1.0)
        return value

    @model_validator(mode="after")
    def _two_ends(self) -> FlowSpec:
        if self.origin == self.destination:
            raise _located_error(
                "FlowSpec",
                [
                    (
                        ("destination",),
                        f"is the origin ({self.origin!r}); a flow must go somewhere",
                        self.destination,
                    )
                ],
            )
        return self


class ProcessChange(Strict):
    """Changes to one named process of a node; unset fields keep the network's value.

    A name the node does not have adds a new process at the end (then ``time_h`` is needed).
    ``time_h`` is set before ``time_factor`` scales it; ``servers`` is set before
    ``extra_servers`` is added. ``remove: true`` removes the process whatever else is given.
    """

    activity: Activity | None = None
    time_h: Dist | None = Field(default=None, description="new service or dwell time, hours")
    time_factor: PosFloat | None = Field(
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
                raise _located_error("NodeChange", issues)
        return self


@with_config(ConfigDict(extra="forbid"))
class FleetChange(TypedDict, total=False):
    """Changes to a service's fleet (all keys optional); merged over the network's fleet."""

    vehicles: Annotated[int, Field(gt=0)]
    turnaround_h: Dist
    return_speed_kmh: PosFloat | None


@with_config(ConfigDict(extra="forbid"))
class ServiceChange(TypedDict, total=False):
    """Changes to a leg's service (all keys optional); see :class:`LegChange`."""

    type: Literal["continuous", "scheduled", "when_full", "through"]
    capacity_teu: PosFloat
    headway_h: PosFloat | None
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
    length_km: PosFloat | None = None
    speed_kmh: PosFloat | None = None
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
            raise _located_error("LegChange", issues)
        return self


class _Window(Strict):
    """A time window: calendar ``start``/``end``, day offsets, or an annual ``from``/``to``."""

    start: Moment | None = Field(default=None, description="calendar start")
    end: Moment | None = Field(default=None, description="calendar end (exclusive)")
    start_day: NonNegFloat | None = Field(
        default=None, description="start, days after the scenario's start_date"
    )
    end_day: NonNegFloat | None = Field(
        default=None, description="end, days after the scenario's start_date"
    )
    duration_h: PosFloat | None = Field(default=None, description="length, hours (with a start)")
    annual_from: MonthDay | None = Field(default=None, description="MM-DD, every year")
    annual_to: MonthDay | None = Field(default=None, description="MM-DD, every year (inclusive)")

    @model_validator(mode="after")
    def _one_form(self) -> _Window:
        forms = {
            "start": self.start is not None or self.end is not None,
            "start_day": self.start_day is not None or self.end_day is not None,
            "annual_from": self.annual_from is not None or self.annual_to is not None,
        }
        given = [name for name, there in forms.items() if there]
        if len(given) != 1:
            got = f"; got {' and '.join(given)}" if given else ""
            raise ValueError(
                "give the window in one form: start with end or duration_h (dates), "
                "start_day with end_day or duration_h (days after the scenario start), or "
                f"annual_from and annual_to (MM-DD){got}"
            )
        form = given[0]
        if form == "annual_from":
            if self.annual_from is None or self.annual_to is None:
                raise ValueError("an annual window needs both annual_from and annual_to (MM-DD)")
            if self.duration_h is not None:
                raise ValueError(
                    "an annual window runs from annual_from to annual_to; drop duration_h"
                )
            return self
        first, last = ("start", "end") if form == "start" else ("start_day", "end_day")
        if getattr(self, first) is None:
            raise ValueError(f"{last} needs {first}")
        if (getattr(self, last) is None) == (self.duration_h is None):
            raise ValueError(f"give {last} or duration_h after {first}, not both")
        if self.end is not None and self.start is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        if (
            self.end_day is not None
            and self.start_day is not None
            and self.end_day <= self.start_day
        ):
            raise ValueError(f"end_day {self.end_day:g} is not after start_day {self.start_day:g}")
        return self


def _one_is_a_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Elements = Annotated[
    list[Id],
    BeforeValidator(_one_is_a_list, json_schema_input_type=Union[str, list[str]]),
    Field(min_length=1),
]


class Closure(_Window):
    """Nothing departs on, or is served at, the listed nodes and legs during the window."""

    elements: Elements = Field(description="node and leg ids closed together")
    reason: str = Field(default="", description="free text, for reports")


class StormSpec(Strict):
    """Storms that close the listed elements together, generated month by month.

    In month m storms start as a Poisson process with ``rate_per_month[m-1]`` storms per
    month on average; each lasts a draw of ``duration_h``. Drawn from the run's seed.
    """

    name: Id = Field(description="unique name; also names the storms' random stream")
    elements: Elements = Field(description="node and leg ids that every storm closes")
    rate_per_month: Annotated[list[NonNegFloat], Field(min_length=12, max_length=12)] = Field(
        description="mean storms starting per month, January to December"
    )
    duration_h: Dist = Field(description="length of each storm, hours")


class Season(_Window):
    """Slower or smaller service on legs during a window (ice, low water)."""

    name: Id = Field(description="unique name")
    legs: Annotated[list[Id], Field(min_length=1)] = Field(description="leg ids affected")
    speed_factor: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = Field(
        default=1.0, description="multiplies speed (0.5 = half as fast)"
    )
    extra_delay_h: Dist | None = Field(default=None, description="added to each run's delay, hours")
    capacity_factor: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = Field(
        default=1.0, description="multiplies capacity_teu per departure"
    )
    headway_factor: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] = Field(
        default=1.0, description="multiplies headway_h (2 = half as many departures)"
    )


class CapacityChange(Strict):
    """From a moment on, a node process has ``servers`` servers."""

    node: Id = Field(description="node id")
    process: Id = Field(description="process name at that node")
    servers: Annotated[int, Field(gt=0)] = Field(description="servers from then on")
    at: Moment | None = Field(default=None, description="calendar moment of the change")
    at_day: NonNegFloat | None = Field(
        default=None, description="days after the scenario's start_date"
    )

    @model_validator(mode="after")
    def _one_time(self) -> CapacityChange:
        if (self.at is None) == (self.at_day is None):
            raise ValueError("give either at (a date) or at_day (days after the start)")
        return self


class OutputSpec(Strict):
    """Which detailed tables a run records (trips and departures are always kept)."""

    stages: bool = Field(default=True, description="one row per container per stage")
    resources: bool = Field(default=True, description="queue and busy servers over time")


class Scenario(Strict):
    """A validated scenario. Build it with :func:`load_scenario`."""

    name: Id = Field(description="name of the scenario, in reports")
    description: str = Field(default="", description="free text")
    network: str = Field(description="GeoJSON network, relative to this file")
    start_date: Moment = Field(description="calendar date and time of hour 0")
    horizon_days: Annotated[float, Field(gt=0, le=365.25 * 60, allow_inf_nan=False)] = Field(
        description="length of a run, days"
    )
    warmup_days: NonNegFloat = Field(
        default=0.0, description="days cut from the start of steady-state statistics"
    )
    seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(
        default=0, description="root of every random stream of a run"
    )
    flows: Annotated[list[FlowSpec], Field(min_length=1)]
    routes: dict[Id, Annotated[list[Id], Field(min_length=1)]] = Field(
        description="route name -> leg ids in travel order"
    )
    nodes: dict[Id, NodeChange] = Field(default_factory=dict)
    legs: dict[Id, LegChange] = Field(default_factory=dict)
    closures: list[Closure] = Field(default_factory=list)
    storms: list[StormSpec] = Field(default_factory=list)
    seasons: list[Season] = Field(default_factory=list)
    capacity_changes: list[CapacityChange] = Field(default_factory=list)
    outputs: OutputSpec = Field(default_factory=OutputSpec)
    # set by the loader, not by the file
    source: str | None = Field(default=None, exclude=True, json_schema_extra={"readOnly": True})
    network_path: str | None = Field(default=None, exclude=True)
    _places: dict[Loc, Place] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        issues: list[tuple[Loc, str, Any]] = []
        if self.warmup_days >= self.horizon_days:
            issues.append(
                (
                    ("warmup_days",),
                    f"{self.warmup_days:g} must be shorter than horizon_days "
                    f"({self.horizon_days:g})",
                    self.warmup_days,
                )
            )
        seen: set[str] = set()
        for i, flow in enumerate(self.flows):
            if flow.id in seen:
                issues.append(
                    ((("flows", i, "id")), f"{flow.id!r} is used by an earlier flow", flow.id)
                )
            seen.add(flow.id)
            for route in flow.routes:
                if route not in self.routes:
                    known = ", ".join(repr(r) for r in self.routes)
                    issues.append(
                        (
                            ("flows", i, "routes", route),
                            f"route {route!r} is not defined under routes (routes: {known})"
                            + _close(route, self.routes),
                            route,
                        )
                    )
        for field, names in (
            ("storms", [s.name for s in self.storms]),
            ("seasons", [s.name for s in self.seasons]),
        ):
            for i, name in enumerate(names):
                if name in names[:i]:
                    issues.append(
                        ((field, i, "name"), f"{name!r} is used by an earlier entry", name)
                    )
        if issues:
            raise _located_error("Scenario", issues)
        return self

    @property
    def horizon_h(self) -> float:
        return self.horizon_days * 24.0

    @property
    def warmup_h(self) -> float:
        return self.warmup_days * 24.0

    def hours_since_start(self, when: dt.datetime) -> float:
        """Simulation time (hours) of a calendar moment (its time zone, if any, is ignored)."""
        return (when.replace(tzinfo=None) - self.start_date).total_seconds() / 3600.0

    def with_changes(self, **fields: Any) -> Scenario:
        """A copy with top-level fields replaced and validated again."""
        data = self.model_dump(mode="python", by_alias=True)
        data.update(fields)
        new = Scenario.model_validate(data)
        new = new.model_copy(update={"source": self.source, "network_path": self.network_path})
        new._places = dict(self._places)
        return new

    def problem(self, loc: Sequence[str | int], what: str, hint: str = "") -> Problem:
        """A problem at ``loc`` in this scenario, with its file and line where known.

        For checks made after loading (a route naming a leg the network lacks); raise them
        together as ``ScenarioError(scenario.source, problems)``.
        """
        where = format_location(list(loc))
        place = place_of(self._places, tuple(loc)) if loc else None
        if place is None:
            return Problem(where, what, hint)
        file, line = place
        where = f"line {line}: {where}" if where else f"line {line}"
        return Problem(where, what, hint, None if file == self.source else file)


# --- reading files ------------------------------------------------------------------------


def _merge(base: Any, over: Any, loc: Loc, replaced: list[Loc]) -> Any:
    """Merge ``over`` onto ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value, (*loc, key), replaced) if key in base else value
        return out
    replaced.append(loc)
    return over


def _shown(path: Path) -> str:
    return os.path.normpath(path)


def _read_with_extends(
    path: Path, chain: tuple[Path, ...]
) -> tuple[dict[str, Any], dict[Loc, Place]]:
    """Read ``path`` and, first, the files it extends; return the merged data and places."""
    doc: YamlDocument = read_yaml(path, ScenarioError, expect="a mapping of scenario fields")
    data = dict(doc.data)
    places = doc.places()
    parent = data.pop("extends", None)
    if isinstance(data.get("network"), str):
        data["network"] = str((path.parent / data["network"]).resolve())
    if parent is None:
        return data, places

    def fail(what: str, hint: str = "") -> ScenarioError:
        line = doc.lines.get(("extends",))
        where = f"line {line}: extends" if line else "extends"
        return ScenarioError.single(_shown(path), where, what, hint)

    if not isinstance(parent, str) or not parent.strip():
        raise fail(
            f"{parent!r} is not a file name",
            "write extends: other-scenario.yaml, relative to this file",
        )
    parent_path = Path(_shown(path.parent / parent))
    resolved = parent_path.resolve()
    here = (*chain, path.resolve())
    if resolved in here:
        loop = " -> ".join(_shown(p) for p in (*here, resolved))
        raise fail(f"scenarios extend each other in a loop: {loop}", "remove one extends")
    if parent_path.is_dir():
        raise fail(f"{parent_path} is a directory, not a scenario file")
    if not parent_path.is_file():
        raise fail(f"file {parent_path} does not exist", "the path is relative to this file")
    base, base_places = _read_with_extends(parent_path, here)
    replaced: list[Loc] = []
    merged = _merge(base, data, (), replaced)
    kept = {
        loc: place
        for loc, place in base_places.items()
        if not any(loc[: len(cut)] == cut for cut in replaced)
    }
    kept.update(places)
    return merged, kept


@functools.cache
def _field_names() -> frozenset[str]:
    """Every field name a scenario can hold, to suggest one for a misspelt key."""
    names: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                names.update(props)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(scenario_json_schema())
    return frozenset(names)


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge (``extends``) and validate a scenario file.

    Raises
    ------
    ScenarioError
        Listing every problem found, each as ``<file>: line N: <where>: <what> (<hint>)``
        (the line where it is known; the file that holds the problem, which is a base scenario
        when the problem came through ``extends``).
    """
    path = Path(path)
    if path.is_dir():
        raise ScenarioError.single(
            path, "", "is a directory, not a file", "give the path of the scenario .yaml file"
        )
    if not path.is_file():
        raise ScenarioError.single(path, "", "file not found", "check the path")
    data, places = _read_with_extends(path, ())
    source = str(path)
    problems: list[Problem] = []
    for key in _LOADER_FIELDS:
        if key in data:
            data.pop(key)
            place = places.get((key,))
            where = f"line {place[1]}: {key}" if place else key
            problems.append(
                Problem(
                    where,
                    f"unknown field {key!r}",
                    "it is set by the loader, not by the file",
                    None if place is None or place[0] == source else place[0],
                )
            )
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += pydantic_problems(
            exc, path, data=data, places=places, known_names=_field_names()
        )
    network = data.get("network")
    if isinstance(network, str) and not Path(network).is_file():
        place = places.get(("network",))
        where = f"line {place[1]}: network" if place else "network"
        problems.append(
            Problem(
                where,
                f"file {network} does not exist",
                "the network path is relative to the scenario file that names it",
                None if place is None or place[0] == source else place[0],
            )
        )
    if problems:
        raise ScenarioError(path, problems)
    assert scenario is not None
    scenario = scenario.model_copy(update={"source": source, "network_path": scenario.network})
    scenario._places = places
    log.info(
        "loaded scenario %r from %s: %d flows, %d routes, %g days",
        scenario.name,
        source,
        len(scenario.flows),
        len(scenario.routes),
        scenario.horizon_days,
    )
    return scenario


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of scenario files, for editors and checks.

    A file with ``extends`` needs no other field, since it changes the scenario it extends.
    """
    schema = Scenario.model_json_schema(mode="validation", by_alias=True)
    props = schema.setdefault("properties", {})
    for internal in _LOADER_FIELDS:
        props.pop(internal, None)
    props["extends"] = {
        "type": "string",
        "description": "another scenario file (relative to this one) that this file changes",
    }
    required = [r for r in schema.pop("required", []) if r not in _LOADER_FIELDS]
    schema["if"] = {"required": ["extends"]}
    schema["then"] = {}
    schema["else"] = {"required": required}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "corridor scenario"
    return schema
