"""Scenario files: what to simulate over a network.

A scenario is a YAML mapping validated by the pydantic models below. ``extends: base.yaml``
loads another scenario first and merges this file over it (mappings key by key, everything
else replaced), so a variant states only what differs. Paths inside a scenario are relative to
the file that names them. See ``docs/scenario-reference.md`` for every field with an example.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from corridor.errors import Problem, ScenarioError
from corridor.specs import DistField, ProcessSpec, Strict
from corridor.yamlio import load_yaml_file, pydantic_problems

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
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class FlowSpec(Strict):
    """Containers from ``origin`` to ``destination`` at a demand rate, split across routes."""

    id: Id
    origin: Id
    destination: Id
    teu_per_day: PosFloat = Field(description="demand at the start, TEU per day")
    arrival: Literal["poisson", "fixed"] = Field(
        default="poisson", description="poisson: random arrivals; fixed: evenly spaced"
    )
    growth_pct_per_year: Annotated[float, Field(gt=-100, le=1000, allow_inf_nan=False)] = 0.0
    share_40ft: Share = Field(default=0.5, description="share of containers that are 40' (2 TEU)")
    routes: dict[Id, PosFloat] = Field(
        min_length=1, description="route name -> share of this flow's containers (normalised)"
    )

    @field_validator("routes", mode="before")
    @classmethod
    def _list_means_equal_shares(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {name: 1.0 for name in value}
        return value


class ProcessChange(Strict):
    """Changes to one named process of a node; unset fields keep the network's value.

    A name the node does not have adds a new process at the end (then ``time_h`` is needed).
    """

    activity: Literal[
        "handling", "yard", "customs", "border", "inspection", "gauge_change", "other"
    ] | None = None
    time_h: DistField | None = None
    time_factor: PosFloat | None = Field(
        default=None, description="multiply every service or dwell time (0.5 halves it)"
    )
    servers: Annotated[int, Field(gt=0)] | None = None
    extra_servers: int | None = Field(default=None, description="add (or remove) servers")
    per: Literal["container", "vehicle"] | None = None
    probability: Share | None = None
    at: list[Literal["origin", "transit", "destination"]] | None = None
    cost_usd_per_teu: NonNegFloat | None = None
    remove: bool = False


class NodeChange(Strict):
    """Changes to a node: a list replaces its processes; a mapping changes them by name."""

    processes: list[ProcessSpec] | dict[Id, ProcessChange] = Field(default_factory=dict)


class LegChange(Strict):
    """Changes to a leg; unset fields keep the network's value.

    ``service`` is merged over the network's service when its ``type`` is unchanged, so
    ``service: {headway_h: 84}`` changes only the headway.
    """

    enabled: bool | None = None
    length_km: PosFloat | None = None
    speed_kmh: PosFloat | None = None
    running_time_h: DistField | None = None
    delay_h: DistField | None = None
    service: dict[str, Any] | None = None
    cost_usd_per_teu: NonNegFloat | None = None
    co2e_kg_per_teu_km: NonNegFloat | None = None


class _Window(Strict):
    """A time window: calendar ``start``/``end``, day offsets, or an annual ``from``/``to``."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    start_day: NonNegFloat | None = None
    end_day: NonNegFloat | None = None
    duration_h: PosFloat | None = None
    annual_from: MonthDay | None = Field(default=None, description="MM-DD, every year")
    annual_to: MonthDay | None = Field(default=None, description="MM-DD, every year (inclusive)")

    @model_validator(mode="after")
    def _one_form(self) -> _Window:
        has_cal = self.start is not None
        has_day = self.start_day is not None
        has_annual = self.annual_from is not None or self.annual_to is not None
        if sum((has_cal, has_day, has_annual)) != 1:
            raise ValueError(
                "give the window once: start (a date), start_day (days after the scenario "
                "start), or annual_from and annual_to (MM-DD)"
            )
        if has_annual and (self.annual_from is None or self.annual_to is None):
            raise ValueError("annual windows need both annual_from and annual_to (MM-DD)")
        if has_cal and (self.end is None) == (self.duration_h is None):
            raise ValueError("give end or duration_h after start")
        if has_day and (self.end_day is None) == (self.duration_h is None):
            raise ValueError("give end_day or duration_h after start_day")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        if (
            self.start_day is not None and self.end_day is not None
            and self.end_day <= self.start_day
        ):
            raise ValueError(f"end_day {self.end_day} is not after start_day {self.start_day}")
        return self


class Closure(_Window):
    """Nothing departs on, or is served at, the listed nodes and legs during the window."""

    elements: Annotated[list[Id], Field(min_length=1)]
    reason: str = ""

    @field_validator("elements", mode="before")
    @classmethod
    def _one_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class StormSpec(Strict):
    """Storms that close the listed elements together, generated month by month.

    In month m storms start as a Poisson process with ``rate_per_month[m-1]`` storms per
    month on average; each lasts a draw of ``duration_h``. Drawn from the run's seed.
    """

    name: Id
    elements: Annotated[list[Id], Field(min_length=1)]
    rate_per_month: Annotated[list[NonNegFloat], Field(min_length=12, max_length=12)]
    duration_h: DistField


class Season(_Window):
    """Slower or smaller service on legs during a window (ice, low water)."""

    name: Id
    legs: Annotated[list[Id], Field(min_length=1)]
    speed_factor: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = 1.0
    extra_delay_h: DistField | None = None
    capacity_factor: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = 1.0
    headway_factor: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] = 1.0


class CapacityChange(Strict):
    """From a moment on, a node process has ``servers`` servers."""

    node: Id
    process: Id
    servers: Annotated[int, Field(gt=0)]
    at: dt.datetime | None = None
    at_day: NonNegFloat | None = None

    @model_validator(mode="after")
    def _one_time(self) -> CapacityChange:
        if (self.at is None) == (self.at_day is None):
            raise ValueError("give either at (a date) or at_day (days after the start)")
        return self


class OutputSpec(Strict):
    """Which detailed tables a run records (trips and departures are always kept)."""

    stages: bool = True
    resources: bool = True


class Scenario(Strict):
    """A validated scenario. Build it with :func:`load_scenario`."""

    name: Id
    description: str = ""
    network: str = Field(description="GeoJSON network, relative to this file")
    start_date: dt.datetime = Field(description="calendar date and time of hour 0")
    horizon_days: Annotated[float, Field(gt=0, le=365.25 * 60, allow_inf_nan=False)]
    warmup_days: NonNegFloat = 0.0
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    flows: Annotated[list[FlowSpec], Field(min_length=1)]
    routes: dict[Id, Annotated[list[Id], Field(min_length=1)]]
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

    @field_validator("start_date", mode="before")
    @classmethod
    def _date_is_midnight(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime(value.year, value.month, value.day)
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        if self.warmup_days >= self.horizon_days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be shorter than horizon_days "
                f"({self.horizon_days})"
            )
        ids = [f.id for f in self.flows]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"flow ids must be unique; repeated: {', '.join(dupes)}")
        return self

    @property
    def horizon_h(self) -> float:
        return self.horizon_days * 24.0

    @property
    def warmup_h(self) -> float:
        return self.warmup_days * 24.0

    def hours_since_start(self, when: dt.datetime) -> float:
        """Simulation time (hours) of a calendar moment."""
        start = self.start_date
        if when.tzinfo is not None and start.tzinfo is None:
            when = when.replace(tzinfo=None)
        return (when - start).total_seconds() / 3600.0

    def with_changes(self, **fields: Any) -> Scenario:
        """A copy with top-level fields replaced and validated again."""
        data = self.model_dump(mode="python", by_alias=True)
        data.update(fields)
        new = Scenario.model_validate(data)
        return new.model_copy(update={"source": self.source, "network_path": self.network_path})


def _merge(base: Any, over: Any) -> Any:
    """Merge ``over`` onto ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return over


def _read_with_extends(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    data = load_yaml_file(path, ScenarioError, expect="a mapping of scenario fields")
    parent = data.pop("extends", None)
    if "network" in data and isinstance(data["network"], str):
        data["network"] = str((path.parent / data["network"]).resolve())
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError.single(
            path, "extends", f"{parent!r} is not a file name",
            "write extends: other-scenario.yaml, relative to this file",
        )
    parent_path = (path.parent / parent).resolve()
    if parent_path in seen or parent_path == path.resolve():
        chain = " -> ".join(str(p) for p in (*seen, parent_path))
        raise ScenarioError.single(path, "extends", f"scenarios extend each other in a loop: {chain}")
    if not parent_path.is_file():
        raise ScenarioError.single(
            path, "extends", f"file {parent_path} does not exist", "the path is relative to this file"
        )
    base = _read_with_extends(parent_path, (*seen, path.resolve()))
    return dict(_merge(base, data))


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge (``extends``) and validate a scenario file.

    Raises
    ------
    ScenarioError
        Listing every problem found, each with its place in the file (and line, where known).
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError.single(path, "", "file not found", "check the path")
    data = _read_with_extends(path, ())
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(path, pydantic_problems(exc, path)) from None
    network_path = Path(scenario.network)
    if not network_path.is_file():
        raise ScenarioError(path, [Problem(
            "network", f"file {network_path} does not exist",
            "the network path is relative to the scenario file that names it",
        )])
    scenario = scenario.model_copy(update={"source": str(path), "network_path": str(network_path)})
    log.info(
        "loaded scenario %r: %d flows, %d routes, %.0f days", scenario.name,
        len(scenario.flows), len(scenario.routes), scenario.horizon_days,
    )
    return scenario


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (for editors' autocompletion)."""
    schema = Scenario.model_json_schema(mode="validation")
    props = schema.get("properties", {})
    for internal in ("source", "network_path"):
        props.pop(internal, None)
    props["extends"] = {
        "type": "string",
        "description": "another scenario file (relative to this one) that this file changes",
    }
    schema["title"] = "corridor scenario"
    return schema

