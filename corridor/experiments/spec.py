"""Experiment files: which scenarios to run, how many times, with which seeds, where to.

An experiment file is YAML, validated like a scenario (unknown keys are errors, every problem
is reported at once as ``file: line N: where: what (hint)``)::

    name: border-lanes
    base: mini-scenario.yaml            # a scenario to sweep (relative to this file)
    sweep:                              # field path -> values
      nodes.INB.processes.border.servers: [1, 2, 3, 4]
      flows[0].teu_per_day: [20, 40, 80]
    combine: grid                       # every combination (grid) or side by side (zip)
    scenarios: [other-variant.yaml]     # and/or scenario files as they are
    replications: 20
    seed: 2025                          # root seed of every run seed
    out: results/border-lanes           # relative to this file
    warmup: scenario                    # scenario | mser5 | a number of days

See ``docs/experiments.md`` for the whole format and :mod:`corridor.experiments.sweep` for
field paths.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Field, ValidationError, field_validator, model_validator

from corridor.errors import InputError, Problem, ScenarioError
from corridor.experiments.store import NetworkFile, scenario_hash, scenario_key
from corridor.experiments.sweep import PathError, format_value, parse_path, set_path, short_names
from corridor.inputs.network import Network, load_network
from corridor.inputs.pydantic_errors import pydantic_problems
from corridor.inputs.scenario import Scenario, load_scenario
from corridor.inputs.specs import Strict
from corridor.inputs.yamlio import read_yaml
from corridor.run import load_model

__all__ = [
    "Case",
    "ExperimentError",
    "ExperimentFile",
    "ExperimentSpec",
    "Warmup",
    "experiment_from_scenarios",
    "experiment_of",
    "is_experiment_file",
    "load_experiment_spec",
    "parse_warmup",
    "variant_case",
]

log = logging.getLogger(__name__)

Warmup = Union[Literal["scenario", "mser5"], float]
"""``"scenario"`` (each scenario's ``warmup_days``), ``"mser5"`` (detected), or days."""

_EXPERIMENT_KEYS = frozenset({"base", "sweep", "scenarios", "replications", "combine"})
_SCENARIO_KEYS = frozenset({"flows", "routes", "extends", "network", "horizon_days"})


class ExperimentError(InputError):
    """An experiment file is invalid, or its sweep does not fit its scenario."""


class ExperimentFile(Strict):
    """The fields of an experiment file (see the module docstring)."""

    name: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="name of the experiment, in reports"
    )
    description: str = Field(default="", description="free text")
    scenarios: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="scenario files run as they are, relative to this file"
    )
    base: str | None = Field(default=None, description="scenario file the sweep changes")
    sweep: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(
        default_factory=dict, description="field path -> list of values"
    )
    combine: Literal["grid", "zip"] = Field(
        default="grid",
        description="grid: every combination of the values; zip: the i-th value of each list "
        "together (lists of equal length)",
    )
    replications: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=10, description="runs of every scenario, each with its own seed"
    )
    seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(
        default=0, description="root seed; replication r of every scenario gets the same seed"
    )
    out: str | None = Field(
        default=None, description="output folder, relative to this file (default results/<name>)"
    )
    warmup: Union[Literal["scenario", "mser5"], Annotated[float, Field(ge=0)]] = Field(
        default="scenario",
        description="warm-up cut from the statistics: scenario (each scenario's warmup_days), "
        "mser5 (detected from the transit-time series) or a number of days",
    )
    confidence: Annotated[float, Field(gt=0.5, lt=1)] = Field(
        default=0.95, description="confidence level of the intervals"
    )

    @field_validator("scenarios", mode="before")
    @classmethod
    def _one_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something_to_run(self) -> ExperimentFile:
        if not self.scenarios and self.base is None:
            raise ValueError("name scenario files under scenarios, or a base scenario to sweep")
        if self.sweep and self.base is None:
            raise ValueError("a sweep needs a base scenario: add base: <scenario file>")
        if self.combine == "zip" and len({len(v) for v in self.sweep.values()}) > 1:
            sizes = ", ".join(f"{k}: {len(v)}" for k, v in self.sweep.items())
            raise ValueError(f"combine: zip needs lists of equal length; got {sizes}")
        return self


@dataclass(frozen=True)
class Case:
    """One scenario of an experiment, ready to run.

    Attributes
    ----------
    label
        Unique within the experiment: the scenario's name, with the swept values in brackets.
    scenario
        The validated scenario (its ``name`` is the label).
    network
        Its network file, with the content.
    settings
        The swept field paths and their values; empty for a scenario file run as it is.
    content_hash
        See :func:`corridor.experiments.store.scenario_hash`.
    """

    label: str
    scenario: Scenario
    network: NetworkFile
    settings: Mapping[str, Any]
    content_hash: str

    @property
    def key(self) -> str:
        """The folder of this scenario's runs in the store."""
        return scenario_key(self.label, self.content_hash)

    def describe(self) -> dict[str, Any]:
        """The case as it goes into the manifest."""
        return {
            "label": self.label,
            "key": self.key,
            "content_hash": self.content_hash,
            "scenario_file": self.scenario.source,
            "network_file": self.network.path,
            "network_sha256": self.network.sha256,
            "settings": dict(self.settings),
            "horizon_days": self.scenario.horizon_days,
            "warmup_days": self.scenario.warmup_days,
            "flows": [f.id for f in self.scenario.flows],
        }


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment: scenarios x replications, with seeds and an output folder.

    Build it with :func:`load_experiment_spec` or :func:`experiment_from_scenarios`; change
    options with :meth:`with_options`.
    """

    name: str
    cases: tuple[Case, ...]
    replications: int
    seed: int
    out: Path
    warmup: Warmup = "scenario"
    confidence: float = 0.95
    source: str | None = None
    description: str = ""
    settings_paths: tuple[str, ...] = field(default=())

    def with_options(self, **changes: Any) -> ExperimentSpec:
        """A copy with some of ``replications``, ``seed``, ``out``, ``warmup``, ``confidence``."""
        if "out" in changes and changes["out"] is not None:
            changes["out"] = Path(changes["out"])
        changes = {k: v for k, v in changes.items() if v is not None}
        if changes.get("replications", 1) < 1:
            raise ValueError(f"replications must be >= 1, got {changes['replications']}")
        return dataclasses.replace(self, **changes)

    @property
    def runs(self) -> int:
        """Runs in the experiment (scenarios x replications)."""
        return len(self.cases) * self.replications

    def check_warmup(self) -> None:
        """Refuse, before any run, a fixed warm-up that leaves nothing of a scenario's runs.

        Raises
        ------
        ExperimentError
            Naming the scenario whose horizon the warm-up covers.
        """
        if isinstance(self.warmup, str):
            return
        for case in self.cases:
            horizon = case.scenario.horizon_days
            if self.warmup >= horizon:
                raise ExperimentError.single(
                    self.source,
                    "warmup",
                    f"a warm-up of {self.warmup:g} days leaves nothing of the {horizon:g}-day "
                    f"runs of {case.label!r}",
                    "give fewer days",
                )


def parse_warmup(text: str) -> Warmup:
    """A warm-up from the command line: ``scenario``, ``mser5`` or days.

    Raises
    ------
    ValueError
        For anything else, or negative days.
    """
    if text in ("scenario", "mser5"):
        return text  # type: ignore[return-value]
    try:
        days = float(text)
    except ValueError:
        raise ValueError(
            f"warm-up {text!r}: give 'scenario', 'mser5' or a number of days"
        ) from None
    if not days >= 0:
        raise ValueError(f"warm-up {text!r}: days must be >= 0")
    return days


def is_experiment_file(path: str | Path) -> bool:
    """Whether a YAML file is an experiment (rather than a scenario), by its top-level keys."""
    doc = read_yaml(Path(path), ExperimentError, expect="a mapping")
    keys = set(doc.data)
    return bool(keys & _EXPERIMENT_KEYS) and not keys & _SCENARIO_KEYS


def _case(scenario: Scenario, network_file: NetworkFile, settings: Mapping[str, Any]) -> Case:
    return Case(
        label=scenario.name,
        scenario=scenario,
        network=network_file,
        settings=dict(settings),
        content_hash=scenario_hash(scenario, network_file.sha256),
    )


def _variant(base: Scenario, data: dict[str, Any], label: str) -> Scenario:
    data = {**data, "name": label[:200]}
    new = Scenario.model_validate(data)
    new = new.model_copy(update={"source": base.source, "network_path": base.network_path})
    new._places = dict(base._places)
    return new


def _sweep_points(sweep: Mapping[str, list[Any]], combine: str) -> list[dict[str, Any]]:
    paths = list(sweep)
    rows: Iterable[tuple[Any, ...]]
    if combine == "zip":
        rows = zip(*(sweep[p] for p in paths), strict=True)
    else:
        rows = itertools.product(*(sweep[p] for p in paths))
    return [dict(zip(paths, row, strict=True)) for row in rows]


class _Collector:
    """Problems of an experiment file, with the line of each place."""

    def __init__(self, path: Path, lines: Mapping[tuple[str | int, ...], int]) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, loc: Sequence[str | int], where: str, what: str, hint: str = "") -> None:
        line = self.lines.get(tuple(loc))
        self.problems.append(Problem(f"line {line}: {where}" if line else where, what, hint))

    def add_error(self, exc: InputError) -> None:
        """Problems of another file (a scenario), each naming that file."""
        for p in exc.problems:
            self.problems.append(Problem(p.where, p.what, p.hint, p.source or exc.source))


def _sweep_cases(
    base: Scenario,
    network: Network,
    network_file: NetworkFile,
    spec: ExperimentFile,
    report: _Collector,
) -> list[Case]:
    paths = list(spec.sweep)
    parsed: dict[str, tuple[str | int, ...]] = {}
    for text in paths:
        try:
            parsed[text] = parse_path(text)
        except PathError as exc:
            report.add(("sweep", text), f"sweep.{text}", exc.what, exc.hint)
    if len(parsed) < len(paths):
        return []
    data = base.model_dump(mode="python", by_alias=True)
    for text, path in parsed.items():  # every path must name a field, whatever its values
        try:
            set_path(data, path, spec.sweep[text][0], network)
        except PathError as exc:
            report.add(
                ("sweep", text),
                f"sweep.{text}",
                f"no such field in scenario {base.name!r}: {exc.what}",
                exc.hint,
            )
    if report.problems:
        return []
    short = short_names(paths)
    cases: list[Case] = []
    for point in _sweep_points(spec.sweep, spec.combine):
        try:
            cases.append(variant_case(base, network, network_file, point, short))
        except ExperimentError as exc:
            for p in exc.problems:
                report.add(("sweep",), "sweep", p.what, p.hint)
    return cases


def variant_case(
    base: Scenario,
    network: Network,
    network_file: NetworkFile,
    point: Mapping[str, Any],
    short: Mapping[str, str] | None = None,
    label: str | None = None,
) -> Case:
    """The case of ``base`` with the field at each path of ``point`` set to its value.

    Its label is ``label`` if given, else ``<base name>[<short path>=<value>, ...]``.

    Raises
    ------
    ExperimentError
        Naming the path that does not exist, or the values and what makes the scenario
        invalid or not fit its network.
    """
    short = short or short_names(list(point))
    shown = ", ".join(f"{p} = {format_value(v)}" for p, v in point.items())
    changed = base.model_dump(mode="python", by_alias=True)
    for text, value in point.items():
        try:
            changed = set_path(changed, parse_path(text), value, network)
        except PathError as exc:
            raise ExperimentError.single(
                None, text, f"no such field in scenario {base.name!r}: {exc.what}", exc.hint
            ) from None
    if label is None:
        shown_values = ", ".join(f"{short[p]}={format_value(v)}" for p, v in point.items())
        label = f"{base.name}[{shown_values}]"
    try:
        scenario = _variant(base, changed, label)
    except ValidationError as exc:
        problems = [  # the hint once, after the problem (render() would add it too)
            Problem(
                "", f"{shown}: the scenario is invalid: {Problem(p.where, p.what).render()}", p.hint
            )
            for p in pydantic_problems(exc, data=changed)
        ]
        raise ExperimentError(None, problems) from None
    try:
        load_model(scenario, network)
    except ScenarioError as exc:
        problems = [Problem("", f"{shown}: {p.where}: {p.what}", p.hint) for p in exc.problems]
        raise ExperimentError(None, problems) from None
    return _case(scenario, network_file, point)


def _check_unique(cases: Sequence[Case], report: _Collector) -> None:
    seen: dict[str, Case] = {}
    for case in cases:
        if case.label in seen:
            first = seen[case.label].scenario.source
            report.add(
                ("scenarios",),
                "scenarios",
                f"two scenarios are named {case.label!r} ({first} and {case.scenario.source})",
                "give each scenario of an experiment its own name",
            )
        seen[case.label] = case


def _load_scenario_file(
    path: Path | Scenario, report: _Collector, loc: Sequence[str | int], where: str
) -> tuple[Scenario, Network, NetworkFile] | None:
    """A scenario file (or a scenario already loaded, say varied with ``with_changes``)
    checked against its network; ``None`` when it has problems, which ``report`` gets."""
    if isinstance(path, Path) and not path.is_file():
        report.add(loc, where, f"file {path} does not exist", "the path is relative to this file")
        return None
    try:
        scenario = path if isinstance(path, Scenario) else load_scenario(path)
        assert scenario.network_path is not None
        network = load_network(scenario.network_path)
        load_model(scenario, network)
    except InputError as exc:
        report.add_error(exc)
        return None
    return scenario, network, NetworkFile.read(scenario.network_path)


def load_experiment_spec(path: str | Path) -> ExperimentSpec:
    """Read and check an experiment file, its scenarios and every swept variant.

    Every scenario of the experiment is built against its network here, before anything
    runs, so a sweep value that does not fit (say, 0 servers) is reported now.

    Raises
    ------
    ExperimentError
        Listing every problem: of the file (``file: line N: where: what (hint)``), of its
        scenario files (naming them), and of the sweep (naming the path that does not exist
        in the scenario, or the value that makes it invalid).
    """
    path = Path(path)
    if not path.is_file():
        raise ExperimentError.single(path, "", "file not found", "check the path")
    doc = read_yaml(path, ExperimentError, expect="a mapping of experiment fields")
    try:
        spec = ExperimentFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ExperimentError(
            path,
            pydantic_problems(
                exc,
                path,
                data=doc.data,
                places=doc.places(),
                known_names=ExperimentFile.model_fields,
            ),
        ) from None
    report = _Collector(path, doc.lines)
    here = path.parent
    cases: list[Case] = []
    for i, name in enumerate(spec.scenarios):
        loaded = _load_scenario_file(here / name, report, ("scenarios", i), f"scenarios[{i}]")
        if loaded is not None:
            scenario, _, network_file = loaded
            cases.append(_case(scenario, network_file, {}))
    if spec.base is not None:
        loaded = _load_scenario_file(here / spec.base, report, ("base",), "base")
        if loaded is not None:
            base, network, network_file = loaded
            if spec.sweep:
                cases += _sweep_cases(base, network, network_file, spec, report)
            else:
                cases.append(_case(base, network_file, {}))
    _check_unique(cases, report)
    if report.problems:
        raise ExperimentError(path, report.problems)
    out = here / spec.out if spec.out is not None else here / "results" / spec.name
    log.info(
        "loaded experiment %r from %s: %d scenarios x %d replications",
        spec.name,
        path,
        len(cases),
        spec.replications,
    )
    return ExperimentSpec(
        name=spec.name,
        cases=tuple(cases),
        replications=spec.replications,
        seed=spec.seed,
        out=out,
        warmup=spec.warmup,
        confidence=spec.confidence,
        source=str(path),
        description=spec.description,
        settings_paths=tuple(spec.sweep),
    )


def experiment_from_scenarios(
    paths: Sequence[str | Path | Scenario],
    *,
    replications: int = 10,
    seed: int = 0,
    out: str | Path | None = None,
    warmup: Warmup = "scenario",
    confidence: float = 0.95,
    name: str | None = None,
) -> ExperimentSpec:
    """An experiment of scenario files run as they are (``corridor batch a.yaml b.yaml``).

    ``paths`` may also hold scenarios already loaded, such as variants made in memory with
    :meth:`~corridor.inputs.scenario.Scenario.with_changes` (give each its own ``name``).
    ``out`` defaults to ``results/batch-<first>-<second>...`` in the current folder.

    Raises
    ------
    ExperimentError
        Listing the problems of every scenario file, and scenarios that share a name.
    """
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    if not paths:
        raise ValueError("give at least one scenario file")
    report = _Collector(Path("."), {})
    cases: list[Case] = []
    for p in paths:
        given = p if isinstance(p, Scenario) else Path(p)
        loaded = _load_scenario_file(
            given, report, (), p.name if isinstance(p, Scenario) else str(p)
        )
        if loaded is not None:
            cases.append(_case(loaded[0], loaded[2], {}))
    _check_unique(cases, report)
    if report.problems:
        raise ExperimentError(None, report.problems)
    stems = "-".join(p.name if isinstance(p, Scenario) else Path(p).stem for p in paths)[:80]
    name = name or f"batch-{stems}"
    return ExperimentSpec(
        name=name,
        cases=tuple(cases),
        replications=replications,
        seed=seed,
        out=Path(out) if out is not None else Path("results") / name,
        warmup=warmup,
        confidence=confidence,
    )


def experiment_of(
    scenarios: Sequence[Scenario],
    *,
    replications: int,
    seed: int,
    out: str | Path,
    name: str,
    warmup: Warmup = "scenario",
    confidence: float = 0.95,
) -> ExperimentSpec:
    """An experiment of scenarios held in memory (each read from a file, so that it has its
    network's path): what route choice runs in each of its rounds.

    Raises
    ------
    ExperimentError
        When scenarios share a name.
    """
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    cases = []
    for scenario in scenarios:
        if scenario.network_path is None:
            raise ValueError(f"scenario {scenario.name!r} was not read from a file")
        cases.append(_case(scenario, NetworkFile.read(scenario.network_path), {}))
    report = _Collector(Path("."), {})
    _check_unique(cases, report)
    if report.problems:
        raise ExperimentError(None, report.problems)
    return ExperimentSpec(
        name=name,
        cases=tuple(cases),
        replications=replications,
        seed=seed,
        out=Path(out),
        warmup=warmup,
        confidence=confidence,
    )
