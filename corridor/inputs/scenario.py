"""Scenario files: what to simulate over a network.

A scenario is a YAML mapping validated by the pydantic models below and those they hold: flows
(:mod:`corridor.inputs.flows`), changes to the network (:mod:`corridor.inputs.changes`) and
time windows (:mod:`corridor.inputs.windows`). ``extends: base.yaml`` loads another scenario
first and merges this file over it (mappings key by key, lists and everything else replaced),
so a variant states only what differs. Paths inside a scenario are relative to the file that
names them. See ``docs/scenario-reference.md`` for every field with an example.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PrivateAttr,
    ValidationError,
    WrapSerializer,
    model_validator,
)

from corridor.errors import Problem, Problems, ScenarioError, did_you_mean, format_location
from corridor.inputs.changes import LegChange, NodeChange
from corridor.inputs.choice import ChoiceSpec
from corridor.inputs.flows import EmptiesSpec, FlowSpec
from corridor.inputs.frozen import FrozenDict, Items, Table, deep_freeze, thaw
from corridor.inputs.limits import (
    CALENDAR_END,
    LATEST_START,
    MAX_TIME_WINDOWS,
    REFERENCE,
    SEED,
    DayOffset,
    HorizonDays,
    Seed,
    bound_error,
)
from corridor.inputs.paths import MISSING, file_problem
from corridor.inputs.pydantic_errors import Issue, located_error, pydantic_problems
from corridor.inputs.size import expected_flow_containers, expected_windows
from corridor.inputs.specs import Flag, Id, Strict
from corridor.inputs.windows import (
    CapacityChange,
    Closure,
    Moment,
    Season,
    StormSpec,
    moment_text,
)
from corridor.inputs.yamlio import Loc, Place, YamlDocument, describe_value, place_of, read_yaml

__all__ = [
    "OutputSpec",
    "Scenario",
    "check_seed",
    "expected_containers",
    "load_scenario",
    "scenario_json_schema",
]

log = logging.getLogger(__name__)

# Keys the loader sets; a file may not.
_LOADER_FIELDS = ("source", "network_path")
# The main keys of a scenario, named in the hint when a file holds none of its fields.
_SCENARIO_KEYS = ("name", "network", "start_date", "horizon_days", "flows", "routes")


class OutputSpec(Strict):
    """Which detailed tables a run records (trips and departures are always kept)."""

    stages: Flag = Field(default=True, description="one row per container per stage")
    resources: Flag = Field(default=True, description="queue and busy servers over time")


def _not_too_late(value: dt.datetime) -> dt.datetime:
    if value > LATEST_START:
        raise bound_error(
            f"{moment_text(value)} is after {LATEST_START.date()}",
            f"a run may last 60 years and must end before {CALENDAR_END.date()}, where pandas' "
            f"calendar ends; {REFERENCE}",
        )
    return value


StartDate = Annotated[Moment, AfterValidator(_not_too_late)]


Feature = Annotated[Mapping[str, Any], AfterValidator(deep_freeze), WrapSerializer(thaw)]
"""A GeoJSON feature written in a scenario; read-only once validated."""


class Scenario(Strict):
    """A validated, read-only scenario. Build it with :func:`load_scenario`; derive variants
    with :meth:`with_changes` (``model_copy(update=...)`` validates the same way).

    Its lists are tuples and its mappings read-only (:mod:`corridor.inputs.frozen`), so that
    a scenario cannot change after it was checked.
    """

    name: Id = Field(description="name of the scenario, in reports")
    description: str = Field(default="", description="free text")
    network: str = Field(description="GeoJSON network, relative to this file")
    start_date: StartDate = Field(description="calendar date and time of hour 0")
    horizon_days: HorizonDays = Field(description="length of a run, days")
    warmup_days: DayOffset = Field(
        default=0.0, description="days cut from the start of steady-state statistics"
    )
    seed: Seed = Field(default=0, description="root of every random stream of a run")
    flows: Annotated[Items[FlowSpec], Field(min_length=1)]
    routes: Table[Id, Annotated[Items[Id], Field(min_length=1)]] = Field(
        description="route name -> leg ids in travel order"
    )
    route_labels: Table[Id, Id] = Field(
        default_factory=FrozenDict,
        description="route name -> a readable label for tables, charts and maps "
        "(default: the route name)",
    )
    nodes: Table[Id, NodeChange] = Field(default_factory=FrozenDict)
    legs: Table[Id, LegChange] = Field(default_factory=FrozenDict)
    closures: Items[Closure] = Field(default_factory=tuple)
    storms: Items[StormSpec] = Field(default_factory=tuple)
    seasons: Items[Season] = Field(default_factory=tuple)
    capacity_changes: Items[CapacityChange] = Field(default_factory=tuple)
    outputs: OutputSpec = Field(default_factory=OutputSpec)
    choice: ChoiceSpec | None = Field(
        default=None,
        description="flows choose their routes by generalised cost (see docs/route-choice.md)",
    )
    empties: EmptiesSpec | None = Field(
        default=None, description="return the imbalance between directions as empty containers"
    )
    add: Items[Annotated[str, Field(min_length=1)] | Feature] = Field(
        default_factory=tuple,
        description="new nodes and links: GeoJSON files (relative to this file) or features "
        "written out, validated as the network is; their links may join the network's nodes",
    )
    # set by the loader, not by the file
    source: str | None = Field(default=None, exclude=True, json_schema_extra={"readOnly": True})
    network_path: str | None = Field(default=None, exclude=True)
    _places: dict[Loc, Place] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        issues: list[Issue] = []
        issues += self._size_issues()
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
                    suggestion = did_you_mean(route, self.routes)
                    issues.append(
                        (
                            ("flows", i, "routes", route),
                            f"route {route!r} is not defined under routes (routes: {known})"
                            + (f"; {suggestion}" if suggestion else ""),
                            route,
                        )
                    )
        for route in self.route_labels:
            if route not in self.routes:
                suggestion = did_you_mean(route, self.routes)
                issues.append(
                    (
                        ("route_labels", route),
                        f"route {route!r} is not defined under routes"
                        + (f"; {suggestion}" if suggestion else ""),
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
            raise located_error("Scenario", issues)
        return self

    def _size_issues(self) -> list[Issue]:
        """The time windows the run would make (its end needs no check: a start by
        :data:`LATEST_START` plus at most 60 years ends before :data:`CALENDAR_END`)."""
        counts = expected_windows(
            self.start_date, self.horizon_h, self.closures, self.storms, self.seasons
        )
        total = math.fsum(n for _, n in counts)
        if total <= MAX_TIME_WINDOWS:
            return []
        (field, index), most = max(counts, key=lambda c: c[1])
        what = "storm" if field == "storms" else field[:-1]
        return [
            (
                (field, index),
                f"the closures, storms and seasons would make about {total:,.0f} time windows "
                f"over the {self.horizon_days:g}-day horizon, {most:,.0f} of them from this "
                f"{what}; at most {MAX_TIME_WINDOWS:,} are allowed",
                None,
                "each window counts once per element or leg it applies to, storms by their "
                f"expected number (rate_per_month x months); {REFERENCE}",
            )
        ]

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
        """A copy with top-level fields replaced, validated again like a file.

        Raises
        ------
        ScenarioError
            Listing every problem of the changed scenario (a ``ValueError``).
        """
        data = self.model_dump(mode="python", by_alias=True)
        data.update(fields)
        try:
            new = Scenario.model_validate(data)
        except ValidationError as exc:
            unchanged = {
                loc: p for loc, p in self._places.items() if loc[:1] and loc[0] not in fields
            }
            problems = pydantic_problems(
                exc, None, data=data, places=unchanged, known_names=_field_names(), model=Scenario
            )
            raise ScenarioError(f"scenario {self.name!r} with changes", problems) from None
        return self._placed(new)

    def _placed(self, new: Scenario) -> Scenario:
        """``new`` with this scenario's file, network path and lines."""
        new = BaseModel.model_copy(
            new, update={"source": self.source, "network_path": self.network_path}
        )
        new._places = dict(self._places)
        return new

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, validated again as :meth:`with_changes` does.

        pydantic's own ``model_copy`` sets fields without checking them, so that a scenario
        could hold what no file may (``horizon_days: -5``). The loader's own fields
        (``source``, ``network_path``: text or None) are set as given.

        Raises
        ------
        ScenarioError
            When the changed scenario is invalid.
        """
        fields = dict(update or {})
        loader = {key: fields.pop(key) for key in _LOADER_FIELDS if key in fields}
        for key, value in loader.items():
            if value is not None and not isinstance(value, str):
                raise TypeError(f"Scenario.{key} is text or None, got {type(value).__name__}")
        new = self.with_changes(**fields) if fields else BaseModel.model_copy(self, deep=deep)
        if loader:
            new = BaseModel.model_copy(new, update=loader)
            new._places = dict(self._places)
        return new  # type: ignore[return-value]

    def problem(self, loc: Sequence[str | int], what: str, hint: str = "") -> Problem:
        """A problem at ``loc`` in this scenario, with its file and line where known.

        For checks made after loading (a route naming a leg the network lacks): collect them
        in ``Problems(locate=scenario.problem)`` and raise them together with
        ``problems.raise_if_any(ScenarioError, scenario.source)``.
        """
        where = format_location(list(loc))
        place = place_of(self._places, tuple(loc)) if loc else None
        if place is None:
            return Problem(where, what, hint)
        file, line = place
        where = f"line {line}: {where}" if where else f"line {line}"
        return Problem(where, what, hint, None if file == self.source else file)


_TOP_LEVEL = frozenset(Scenario.model_fields) | {"extends"}


def expected_containers(scenario: Scenario) -> float:
    """The mean number of containers a run of ``scenario`` creates over its horizon.

    The sum over flows of :func:`expected_flow_containers`; a run creates about this many
    (Poisson arrivals vary around it by about its square root). Containers created during the
    warm-up are included: they are simulated like any other.
    """
    return math.fsum(expected_flow_containers(f, scenario.horizon_h) for f in scenario.flows)


def check_seed(seed: object, where: str = "seed") -> int:
    """``seed`` as a seed of a run, checked as in scenario files: a whole number (not a
    boolean, not a float) from 0 to 2**63 - 1.

    Parameters
    ----------
    seed
        What the caller passed.
    where
        What to call it in the message, e.g. ``"simulate(seed=...)"``.

    Raises
    ------
    ScenarioError
        A ``ValueError``: ``simulate(seed=...): -1 is less than 0 (seeds are ...)``.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        got = repr(seed) if isinstance(seed, float) else describe_value(seed)
        raise ScenarioError.single(None, where, f"expected a whole number, got {got}", SEED.hint)
    value = int(seed)
    what = SEED.problem(value)
    if what is not None:
        raise ScenarioError.single(None, where, what, SEED.hint)
    return value


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
    if data and not set(data) & _TOP_LEVEL:
        # not a scenario, and maybe not meant to be read: its keys are not shown
        raise ScenarioError.single(
            _shown(path),
            "",
            f"none of the file's {len(data)} top-level keys is a scenario field",
            f"is this a scenario file? a scenario has {', '.join(_SCENARIO_KEYS)}, ...",
        )
    places = doc.places()
    parent = data.pop("extends", None)
    if isinstance(data.get("network"), str):
        data["network"] = str((path.parent / data["network"]).resolve())
    if isinstance(data.get("add"), list):  # files it adds are relative to this file too
        data["add"] = [
            str((path.parent / item).resolve()) if isinstance(item, str) and item else item
            for item in data["add"]
        ]
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
    kind = file_problem(parent_path, empty_ok=True)
    if kind == MISSING:
        raise fail(f"file {parent_path} does not exist", "the path is relative to this file")
    if kind is not None and kind.startswith("is a directory"):
        raise fail(f"{parent_path} is a directory, not a scenario file")
    if kind is not None:
        raise fail(f"{parent_path} {kind}", "extends names another scenario .yaml file")
    try:
        base, base_places = _read_with_extends(parent_path, here)
    except ScenarioError as exc:
        # the base cannot be read: say so at this file's extends, which is what the user wrote
        line = doc.lines.get(("extends",))
        where = f"line {line}: extends" if line else "extends"
        raise ScenarioError(
            _shown(path),
            [
                Problem(where, f"{exc.source}: {p.where + ': ' if p.where else ''}{p.what}", p.hint)
                for p in exc.problems
            ],
        ) from None
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
    kind = file_problem(path, empty_ok=True)
    if kind == MISSING:
        raise ScenarioError.single(path, "", "file not found", "check the path")
    if kind is not None and not kind.startswith("cannot"):
        raise ScenarioError.single(path, "", kind, "give the path of the scenario .yaml file")
    data, places = _read_with_extends(path, ())
    source = str(path)
    problems = Problems()
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
        problems.extend(
            pydantic_problems(
                exc, path, data=data, places=places, known_names=_field_names(), model=Scenario
            )
        )
    network = data.get("network")
    kind = file_problem(network) if isinstance(network, str) else None
    if kind is not None:
        place = places.get(("network",))
        where = f"line {place[1]}: network" if place else "network"
        problems.append(
            Problem(
                where,
                f"file {network} does not exist" if kind == MISSING else f"{network} {kind}",
                "the network path is relative to the scenario file that names it"
                if kind == MISSING
                else "network names a GeoJSON file",
                None if place is None or place[0] == source else place[0],
            )
        )
    for i, item in enumerate(data.get("add") or ()):
        kind = file_problem(item) if isinstance(item, str) and item else None
        if kind is not None:
            place = places.get(("add", i))
            where = f"line {place[1]}: add[{i}]" if place else f"add[{i}]"
            problems.append(
                Problem(
                    where,
                    f"file {item} does not exist" if kind == MISSING else f"{item} {kind}",
                    "the files a scenario adds are relative to the scenario file that names them"
                    if kind == MISSING
                    else "add names GeoJSON files of new nodes and links",
                    None if place is None or place[0] == source else place[0],
                )
            )
    problems.raise_if_any(ScenarioError, path)
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
