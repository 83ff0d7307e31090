"""Sensitivity files: which inputs are uncertain, over which ranges, and what is measured.

A sensitivity file is YAML, validated like an experiment file (unknown keys are errors with a
did-you-mean, every problem is reported at once as ``file: line N: where: what (hint)``)::

    name: western-vs-suez
    scenario: ../scenarios/instc-baseline.yaml     # the base scenario (relative to this file)
    set: {horizon_days: 200}                       # optional: fixed changes to the base
    factors:
      - name: iran_rail_speed
        low: 0.7
        high: 1.2
        mode: scale                                # set (default) | scale
        apply: [legs.BND-BFQ-RAIL.speed_kmh, legs.BFQ-QOM-RAIL.speed_kmh]
        source: assumption, +-25 % around the timetable speed
    outputs:
      - flow: nsa-mow
        routes: [western, suez]
        differences: [[western, suez]]             # western - suez, run by run
    metrics: [p50, p90]
    method: morris                                 # morris | sobol
    morris: {trajectories: 10, levels: 4}
    sobol: {base_samples: 256}
    replications: 1                                # runs per sample point (same seeds at all)
    noise_replications: 10                         # runs of the central point
    seed: 0
    out: results/western-vs-suez

See ``docs/experiments.md`` ("Sensitivity") and :mod:`corridor.experiments.factors`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Field, ValidationError, field_validator, model_validator

from corridor.errors import Problem, did_you_mean
from corridor.experiments.factors import Factor, FactorMode, check_apply, point_case
from corridor.experiments.spec import (
    ExperimentError,
    Warmup,
    _Collector,
    _load_scenario_file,
    variant_case,
)
from corridor.experiments.store import NetworkFile
from corridor.experiments.sweep import format_value
from corridor.inputs.network import Network
from corridor.inputs.pydantic_errors import pydantic_problems
from corridor.inputs.scenario import Scenario
from corridor.inputs.specs import Strict
from corridor.inputs.yamlio import read_yaml

__all__ = [
    "MAX_RUNS",
    "METRIC_COLUMNS",
    "OutputSpec",
    "SensitivityError",
    "SensitivitySpec",
    "load_sensitivity_spec",
]

log = logging.getLogger(__name__)

MAX_RUNS = 20_000
"""A design with more runs than this is refused before anything runs."""

METRIC_COLUMNS = {"mean": "mean_days", "p50": "p50_days", "p90": "p90_days", "p95": "p95_days"}
"""Transit statistics a sensitivity analysis can measure -> their column in the runs table."""

Method = Literal["morris", "sobol"]
MetricName = Literal["mean", "p50", "p90", "p95"]


class SensitivityError(ExperimentError):
    """A sensitivity file is invalid, or its factors or outputs do not fit its scenario."""


class _FactorEntry(Strict):
    name: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")]
    low: float
    high: float
    central: float | None = Field(default=None, description="default: the midpoint")
    mode: FactorMode = "set"
    apply: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    source: str = ""

    @field_validator("apply", mode="before")
    @classmethod
    def _one_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _range(self) -> _FactorEntry:
        if not self.low < self.high:
            raise ValueError(f"low {self.low:g} must be below high {self.high:g}")
        if self.central is not None and not self.low <= self.central <= self.high:
            raise ValueError(
                f"central {self.central:g} must lie in the range {self.low:g} to {self.high:g}"
            )
        return self


class _OutputEntry(Strict):
    flow: str | None = Field(default=None, description="default: the scenario's only flow")
    routes: list[str] | None = Field(default=None, description="default: every route of it")
    differences: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, description="pairs [a, b]: a - b, run by run"
    )


class _MorrisOptions(Strict):
    trajectories: Annotated[int, Field(ge=2, le=1000)] = 10
    levels: Annotated[int, Field(ge=2, le=20)] = 4

    @field_validator("levels")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(f"{value} levels: give an even number (4 is usual)")
        return value


class _SobolOptions(Strict):
    base_samples: Annotated[int, Field(ge=8, le=65536)] = 256

    @field_validator("base_samples")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            lower = 1 << (value.bit_length() - 1)
            raise ValueError(
                f"{value} is not a power of 2 (Sobol sequences need one): use {lower} or "
                f"{lower * 2}"
            )
        return value


class SensitivityFile(Strict):
    """The fields of a sensitivity file (see the module docstring)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    scenario: Annotated[str, Field(min_length=1)] = Field(description="the base scenario file")
    set: dict[str, Any] = Field(default_factory=dict, description="field path -> fixed value")
    factors: Annotated[list[_FactorEntry], Field(min_length=1, max_length=100)]
    outputs: Annotated[list[_OutputEntry], Field(min_length=1)]
    metrics: Annotated[list[MetricName], Field(min_length=1)] = Field(
        default_factory=lambda: list[MetricName](("p50", "p90"))
    )
    method: Method = "morris"
    morris: _MorrisOptions = Field(default_factory=_MorrisOptions)
    sobol: _SobolOptions = Field(default_factory=_SobolOptions)
    replications: Annotated[int, Field(ge=1, le=100)] = 1
    noise_replications: Annotated[int, Field(ge=5, le=1000)] = 10
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    out: str | None = None
    warmup: Union[Literal["scenario", "mser5"], Annotated[float, Field(ge=0)]] = "scenario"
    confidence: Annotated[float, Field(gt=0.5, lt=1)] = 0.95

    @model_validator(mode="after")
    def _unique_factor_names(self) -> SensitivityFile:
        names = [f.name for f in self.factors]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"factor names must be unique; {', '.join(twice)} is used twice")
        return self


@dataclass(frozen=True)
class OutputSpec:
    """What is measured for one flow: its routes, and differences between two of them.

    A difference ``(a, b)`` is route ``a``'s statistic minus route ``b``'s in the same run.
    """

    flow: str
    routes: tuple[str, ...]
    differences: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SensitivitySpec:
    """A validated sensitivity analysis (build it with :func:`load_sensitivity_spec`).

    ``factors`` are all the file's factors; ``active`` names those that vary (by default all;
    the others stay at their central values), so a Sobol analysis can take the few factors
    that Morris screening found to matter.
    """

    name: str
    base: Scenario
    network: Network
    network_file: NetworkFile
    factors: tuple[Factor, ...]
    outputs: tuple[OutputSpec, ...]
    metrics: tuple[str, ...]
    method: Method
    trajectories: int
    levels: int
    base_samples: int
    replications: int
    noise_replications: int
    seed: int
    out: Path
    warmup: Warmup = "scenario"
    confidence: float = 0.95
    active: tuple[str, ...] = ()
    source: str | None = None
    description: str = ""

    @property
    def varied(self) -> tuple[Factor, ...]:
        """The factors that vary, in file order."""
        return tuple(f for f in self.factors if not self.active or f.name in self.active)

    @property
    def points(self) -> int:
        """Sample points of the design (before equal points are merged)."""
        k = len(self.varied)
        if self.method == "morris":
            return self.trajectories * (k + 1)
        return self.base_samples * (k + 2)

    @property
    def noise_runs(self) -> int:
        """Runs of the central point and of the two points of the step pair (the noise)."""
        return 3 * max(self.noise_replications, self.replications)

    @property
    def runs(self) -> int:
        """Runs at most: every sample point's replications, and the noise runs."""
        return self.points * self.replications + self.noise_runs

    def describe_design(self) -> str:
        """How the number of points comes about, for messages."""
        k = len(self.varied)
        if self.method == "morris":
            how = f"Morris: {self.trajectories} trajectories x ({k} factors + 1)"
        else:
            how = f"Sobol: {self.base_samples} base samples x ({k} factors + 2)"
        return (
            f"{how} = {self.points} points x {self.replications} replication"
            f"{'s' if self.replications != 1 else ''} + 3 x "
            f"{max(self.noise_replications, self.replications)} at the central point and the "
            f"step pair = {self.runs} runs"
        )

    def with_options(
        self,
        *,
        method: Method | None = None,
        factors: Sequence[str] | None = None,
        replications: int | None = None,
        noise_replications: int | None = None,
        seed: int | None = None,
        out: str | Path | None = None,
        trajectories: int | None = None,
        base_samples: int | None = None,
    ) -> SensitivitySpec:
        """A copy with some options changed; ``factors`` chooses the factors that vary.

        Raises
        ------
        SensitivityError
            Naming a factor that is not in the file (with a did-you-mean), or a bad number.
        """
        names = [f.name for f in self.factors]
        problems = []
        for name in factors or ():
            if name not in names:
                problems.append(
                    Problem(
                        "--factors",
                        f"no factor {name!r}",
                        did_you_mean(name, names) or f"factors: {', '.join(names)}",
                    )
                )
        checks = (
            ("replications", replications, 1),
            ("noise_replications", noise_replications, 5),
            ("trajectories", trajectories, 2),
        )
        for what, value, least in checks:
            if value is not None and value < least:
                problems.append(Problem(what, f"{value} must be at least {least}"))
        if base_samples is not None:
            try:
                _SobolOptions(base_samples=base_samples)
            except ValidationError as exc:
                problems.append(Problem("base_samples", exc.errors()[0]["msg"]))
        if problems:
            raise SensitivityError(self.source, problems)
        changes: dict[str, Any] = {
            "method": method,
            "active": tuple(factors) if factors else None,
            "replications": replications,
            "noise_replications": noise_replications,
            "seed": seed,
            "out": Path(out) if out is not None else None,
            "trajectories": trajectories,
            "base_samples": base_samples,
        }
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def check_size(self) -> None:
        """Refuse a design of more than :data:`MAX_RUNS` runs, before anything runs.

        Raises
        ------
        SensitivityError
            With the count and how it comes about.
        """
        if self.runs > MAX_RUNS:
            raise SensitivityError.single(
                self.source,
                self.method,
                f"the design needs {self.runs:,} runs ({self.describe_design()}); at most "
                f"{MAX_RUNS:,} are allowed",
                "screen with morris first, then run sobol on the few factors that matter "
                "(--factors a,b,c); or lower the samples or the replications",
            )


def _add(report: _Collector, loc: tuple[str | int, ...], where: str, what: str, hint: str) -> None:
    """A problem at ``loc``, with the line of its nearest enclosing key that has one (a single
    path given as ``apply: a.b`` is ``apply[0]``, on the line of ``apply``)."""
    while len(loc) > 1 and loc not in report.lines:
        loc = loc[:-1]
    report.add(loc, where, what, hint)


def _outputs(
    entries: Sequence[_OutputEntry], scenario: Scenario, report: _Collector
) -> list[OutputSpec]:
    flows = {f.id: f for f in scenario.flows}
    out = []
    for i, entry in enumerate(entries):
        where = f"outputs[{i}]"
        flow_id = entry.flow
        if flow_id is None:
            if len(flows) != 1:
                report.add(
                    ("outputs", i),
                    where,
                    f"scenario {scenario.name!r} has {len(flows)} flows; name one",
                    f"flow: one of {', '.join(flows)}",
                )
                continue
            flow_id = next(iter(flows))
        if flow_id not in flows:
            report.add(
                ("outputs", i, "flow"),
                f"{where}.flow",
                f"no flow {flow_id!r} in scenario {scenario.name!r}",
                did_you_mean(flow_id, flows) or f"flows: {', '.join(flows)}",
            )
            continue
        known = list(flows[flow_id].routes)
        routes = entry.routes if entry.routes is not None else known
        named: list[tuple[tuple[str | int, ...], str]] = [
            (("routes", j), r) for j, r in enumerate(routes)
        ]
        for j, pair in enumerate(entry.differences):
            named += [(("differences", j, m), r) for m, r in enumerate(pair)]
        bad = False
        for loc, route in named:
            if route not in known:
                bad = True
                _add(
                    report,
                    ("outputs", i, *loc),
                    where + "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in loc),
                    f"flow {flow_id!r} has no route {route!r}",
                    did_you_mean(route, known) or f"its routes: {', '.join(known)}",
                )
        if not bad:
            pairs = tuple((a, b) for a, b in entry.differences)
            out.append(OutputSpec(flow_id, tuple(routes), pairs))
    return out


def _factors(
    entries: Sequence[_FactorEntry], base: Scenario, network: Network, report: _Collector
) -> list[Factor]:
    data = base.model_dump(mode="python", by_alias=True)
    factors: list[Factor] = []
    owner: dict[str, str] = {}
    for i, entry in enumerate(entries):
        central = entry.central if entry.central is not None else (entry.low + entry.high) / 2
        factor = Factor(
            entry.name, entry.low, entry.high, central, entry.mode, tuple(entry.apply), entry.source
        )
        for j, exc in check_apply(factor, data, network):
            _add(
                report,
                ("factors", i, "apply", j),
                f"factors[{i}].apply[{j}]",
                f"{factor.apply[j]}: {exc.what}",
                exc.hint,
            )
        for j, path in enumerate(factor.apply):
            if path in owner:
                _add(
                    report,
                    ("factors", i, "apply", j),
                    f"factors[{i}].apply[{j}]",
                    f"{path} is also set by factor {owner[path]!r}",
                    "a field takes one factor; split the list",
                )
            owner.setdefault(path, factor.name)
        factors.append(factor)
    return factors


def _check_ranges(spec: SensitivitySpec, report: _Collector) -> None:
    """Build the scenario with each factor at its low and its high end (the others central),
    so that a range that breaks the scenario (a speed of 0) is reported before anything runs."""
    centrals = [f.central for f in spec.factors]
    for i, factor in enumerate(spec.factors):
        for end, value in (("low", factor.low), ("high", factor.high)):
            values = [*centrals[:i], value, *centrals[i + 1 :]]
            try:
                point_case(spec.base, spec.network, spec.network_file, spec.factors, values)
            except ExperimentError as exc:
                for p in exc.problems:
                    report.add(
                        ("factors", i, end),
                        f"factors[{i}].{end}",
                        f"{factor.name} = {format_value(value)}: {p.what}",
                        p.hint,
                    )


def load_sensitivity_spec(path: str | Path) -> SensitivitySpec:
    """Read and check a sensitivity file, its scenario, its factors and its outputs.

    Every factor's paths are checked against the scenario and its network, and the scenario
    is built with every factor at each end of its range, before anything runs.

    Raises
    ------
    SensitivityError
        Listing every problem (``file: line N: where: what (hint)``); also when the design
        needs more than :data:`MAX_RUNS` runs.
    """
    path = Path(path)
    if not path.is_file():
        raise SensitivityError.single(path, "", "file not found", "check the path")
    doc = read_yaml(path, SensitivityError, expect="a mapping of sensitivity fields")
    try:
        spec = SensitivityFile.model_validate(doc.data)
    except ValidationError as exc:
        raise SensitivityError(
            path,
            pydantic_problems(
                exc,
                path,
                data=doc.data,
                places=doc.places(),
                known_names=SensitivityFile.model_fields,
                model=SensitivityFile,
            ),
        ) from None
    report = _Collector(path, doc.lines)
    loaded = _load_scenario_file(path.parent / spec.scenario, report, ("scenario",), "scenario")
    if loaded is None:
        raise SensitivityError(path, report.problems)
    base, network, network_file = loaded
    if spec.set:
        try:
            base = variant_case(base, network, network_file, spec.set, label=base.name).scenario
        except ExperimentError as exc:
            for p in exc.problems:
                report.add(("set",), f"set.{p.where}" if p.where else "set", p.what, p.hint)
            raise SensitivityError(path, report.problems) from None
    factors = _factors(spec.factors, base, network, report)
    outputs = _outputs(spec.outputs, base, report)
    if report.problems:
        raise SensitivityError(path, report.problems)
    out = path.parent / spec.out if spec.out is not None else path.parent / "results" / spec.name
    out = Path(os.path.normpath(out))  # docs/examples/../../results/x -> results/x
    result = SensitivitySpec(
        name=spec.name,
        base=base,
        network=network,
        network_file=network_file,
        factors=tuple(factors),
        outputs=tuple(outputs),
        metrics=tuple(spec.metrics),
        method=spec.method,
        trajectories=spec.morris.trajectories,
        levels=spec.morris.levels,
        base_samples=spec.sobol.base_samples,
        replications=spec.replications,
        noise_replications=spec.noise_replications,
        seed=spec.seed,
        out=out,
        warmup=spec.warmup,
        confidence=spec.confidence,
        source=str(path),
        description=spec.description,
    )
    _check_ranges(result, report)
    if report.problems:
        raise SensitivityError(path, report.problems)
    result.check_size()
    log.info(
        "loaded sensitivity analysis %r from %s: %d factors, %s",
        spec.name,
        path,
        len(factors),
        result.describe_design(),
    )
    return result
