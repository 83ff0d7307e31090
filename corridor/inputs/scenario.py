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
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from corridor.errors import Problem, Problems, ScenarioError, did_you_mean, format_location
from corridor.inputs.changes import LegChange, NodeChange
from corridor.inputs.flows import FlowSpec
from corridor.inputs.pydantic_errors import located_error, pydantic_problems
from corridor.inputs.specs import Id, NonNegFloat, Strict
from corridor.inputs.windows import CapacityChange, Closure, Moment, Season, StormSpec
from corridor.inputs.yamlio import Loc, Place, YamlDocument, place_of, read_yaml

__all__ = [
    "OutputSpec",
    "Scenario",
    "load_scenario",
    "scenario_json_schema",
]

log = logging.getLogger(__name__)

# Keys the loader sets; a file may not.
_LOADER_FIELDS = ("source", "network_path")


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
                    suggestion = did_you_mean(route, self.routes)
                    issues.append(
                        (
                            ("flows", i, "routes", route),
                            f"route {route!r} is not defined under routes (routes: {known})"
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
            pydantic_problems(exc, path, data=data, places=places, known_names=_field_names())
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
