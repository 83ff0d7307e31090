"""Uncertain inputs of a sensitivity analysis: factors, their ranges, and where they go.

A *factor* is one uncertain quantity with a plausible range, written to one or more scenario
fields (sweep paths, :mod:`corridor.experiments.sweep`)::

    - name: iran_rail_speed
      low: 0.7
      high: 1.2                         # central: the midpoint unless given
      mode: scale                       # multiply each field's base value
      apply: [legs.BND-BFQ-RAIL.speed_kmh, legs.BFQ-QOM-RAIL.speed_kmh]
      source: RAI timetables 2023; assumption +-25 %

``mode: set`` writes the factor's value itself to every path; ``mode: scale`` multiplies each
path's *base value* by it: the value the scenario gives, or, for a node or leg the scenario
does not change, the network's (``legs.L.speed_kmh`` is the leg's speed in the network). A
``time_factor`` or ``extra_servers`` left unset counts as 1 and 0. A field that holds a whole
number (``servers``) gets the value rounded to the nearest whole number, set or scaled.

The point of a sample, factor values in, is a *sweep point* out (path -> value), which
:func:`corridor.experiments.spec.variant_case` turns into a scenario; nothing here writes a
scenario another way.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from corridor.experiments.spec import Case, ExperimentError, variant_case
from corridor.experiments.store import NetworkFile
from corridor.experiments.sweep import PathError, format_value, parse_path, set_path
from corridor.inputs.network import Network
from corridor.inputs.scenario import Scenario

__all__ = [
    "MAX_LABEL",
    "Factor",
    "FactorMode",
    "base_value",
    "check_apply",
    "factor_point",
    "point_case",
    "point_label",
]

FactorMode = Literal["set", "scale"]

# an unset field of a change that means "no change" has this value
_NEUTRAL = {"time_factor": 1.0, "extra_servers": 0}


@dataclass(frozen=True)
class Factor:
    """One uncertain input: its range, its central value and the fields it is written to.

    Attributes
    ----------
    name
        Unique within the analysis; names the factor in tables and labels.
    low, high
        The plausible range (``low < high``); samples are uniform over it.
    central
        The value when the factor is held fixed, and at the central point (the noise
        estimate); by default the midpoint.
    mode
        ``set``: the value is written as it is; ``scale``: it multiplies each base value.
    apply
        Sweep paths (as written) that take the value.
    source
        Where the range comes from (free text, for reports).
    """

    name: str
    low: float
    high: float
    central: float
    mode: FactorMode
    apply: tuple[str, ...]
    source: str = ""

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"factor {self.name!r}: low {self.low:g} must be below high")
        if not self.low <= self.central <= self.high:
            raise ValueError(
                f"factor {self.name!r}: central {self.central:g} is outside "
                f"{self.low:g} to {self.high:g}"
            )
        if not self.apply:
            raise ValueError(f"factor {self.name!r} is applied to no field")


def _walk_data(data: Any, path: Sequence[str | int]) -> Any:
    """The value at ``path`` in scenario data, following list items by index or name."""
    node = data
    for key in path:
        if isinstance(node, list):
            if isinstance(key, str):
                found = [  # items picked by id or name, as sweep paths do
                    i
                    for i, item in enumerate(node)
                    if isinstance(item, dict) and key in (item.get("id"), item.get("name"))
                ]
                if not found:
                    return None
                key = found[0]
            if not -len(node) <= key < len(node):
                return None
            node = node[key]
        elif isinstance(node, dict):
            if isinstance(key, int) or key not in node:
                return None
            node = node[key]
        else:
            return None
    return node


def _attr(obj: Any, key: str | int) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key)
    if isinstance(key, str):
        return getattr(obj, key, None)
    return None


def _network_value(network: Network, path: Sequence[str | int]) -> Any:
    """The network's value at a ``legs.<id>...`` or ``nodes.<id>.processes.<name>...`` path."""
    if len(path) >= 3 and path[0] == "legs" and path[1] in network.legs:
        obj: Any = network.legs[str(path[1])]
        rest = path[2:]
    elif len(path) >= 5 and path[0] == "nodes" and path[2] == "processes":
        node = network.nodes.get(str(path[1]))
        procs = [p for p in node.processes if p.name == path[3]] if node is not None else []
        if not procs:
            return None
        obj, rest = procs[0], path[4:]
    else:
        return None
    for key in rest:
        obj = _attr(obj, key)
        if obj is None:
            return None
    return obj


def base_value(data: dict[str, Any], path: Sequence[str | int], network: Network) -> float:
    """The number a ``scale`` factor multiplies at ``path``.

    The scenario's value if it sets one; else, for a node process or leg, the network's; an
    unset ``time_factor`` is 1 and an unset ``extra_servers`` 0.

    Raises
    ------
    PathError
        If there is no number there (a distribution, a name, a field set nowhere), with a hint.
    """
    value = _walk_data(data, path)
    if value is None and path and path[0] in ("legs", "nodes"):
        value = _network_value(network, path)
    if value is None and path and path[-1] in _NEUTRAL:
        value = _NEUTRAL[str(path[-1])]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = "not set" if value is None else f"{type(value).__name__} {value!r}"[:80]
        hint = (
            "scale a process's time with its time_factor"
            if path and path[-1] == "time_h"
            else "use mode: set, or a field that holds a number"
        )
        raise PathError(f"mode: scale needs a number here; the base value is {shown}", hint)
    return float(value)


def _scaled(base: float, factor: float, whole: bool) -> float | int:
    value = base * factor
    return math.floor(value + 0.5) if whole else value


def factor_point(
    factors: Sequence[Factor],
    values: Sequence[float],
    base: dict[str, Any],
    network: Network,
) -> dict[str, Any]:
    """The sweep point (path -> value) that puts each factor at its value.

    Parameters
    ----------
    factors
        The factors, in the order of ``values``.
    values
        One value per factor.
    base
        The base scenario as plain data (``Scenario.model_dump(mode="python", by_alias=True)``),
        for the base values of ``scale`` factors.
    network
        Its network, for the base values of nodes and legs the scenario does not change.

    Raises
    ------
    PathError
        If a ``scale`` path has no number to scale (see :func:`base_value`).
    """
    point: dict[str, Any] = {}
    for factor, value in zip(factors, values, strict=True):
        for text in factor.apply:
            path = parse_path(text)
            start = _walk_data(base, path)
            start = start if start is not None else _network_value(network, path)
            whole = isinstance(start, int) and not isinstance(start, bool)
            if factor.mode == "set":
                point[text] = _scaled(1.0, float(value), whole)
            else:
                point[text] = _scaled(base_value(base, path, network), float(value), whole)
    return point


def check_apply(
    factor: Factor, base: dict[str, Any], network: Network
) -> list[tuple[int, PathError]]:
    """The ``apply`` paths of ``factor`` that name no field of ``base`` (or, scaled, no number),
    as ``(index in apply, error)``."""
    problems: list[tuple[int, PathError]] = []
    for i, text in enumerate(factor.apply):
        try:
            path = parse_path(text)
            set_path(base, path, factor.central, network)
            if factor.mode == "scale":
                base_value(base, path, network)
        except PathError as exc:
            problems.append((i, exc))
    return problems


MAX_LABEL = 200
"""A scenario's name (and so a sample point's label) has at most this many characters."""


def point_label(base: Scenario, factors: Sequence[Factor], values: Sequence[float]) -> str:
    """``<base name>[<factor>=<value>, ...]``: a sample point's label in the store.

    A label longer than :data:`MAX_LABEL` (many factors with long names) keeps its start and
    ends with ``… #`` and 10 hex digits of the SHA-256 of the whole label, so that two points
    that differ only past the cut still have labels of their own.
    """
    shown = ", ".join(
        f"{f.name}={format_value(float(v))}" for f, v in zip(factors, values, strict=True)
    )
    label = f"{base.name}[{shown}]"
    if len(label) > MAX_LABEL:
        digest = hashlib.sha256(label.encode("utf-8")).hexdigest()[:10]
        label = f"{label[: MAX_LABEL - 13]}… #{digest}"
    return label


def point_case(
    base: Scenario,
    network: Network,
    network_file: NetworkFile,
    factors: Sequence[Factor],
    values: Sequence[float],
) -> Case:
    """The case of ``base`` with every factor at its value (a sample point, ready to run).

    Raises
    ------
    ExperimentError
        If a ``scale`` path has no number, or the values make the scenario invalid or not fit
        its network (naming the paths and values).
    """
    data = base.model_dump(mode="python", by_alias=True)
    try:
        point = factor_point(factors, values, data, network)
    except PathError as exc:
        raise ExperimentError.single(None, "", exc.what, exc.hint) from None
    return variant_case(
        base, network, network_file, point, label=point_label(base, factors, values)
    )
