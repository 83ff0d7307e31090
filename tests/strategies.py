"""Hypothesis strategies for the reliability tests.

Two families:

- *bad input*: a valid network (GeoJSON) and a valid scenario (YAML) that use every feature,
  and strategies that break them the way people and tools do (wrong types, missing and
  unknown keys, odd numbers, repeated or unicode ids, truncated or non-UTF-8 bytes, YAML
  tags, anchors and aliases). :func:`load_outcome` takes the files through
  ``load_scenario`` + ``load_network`` + ``build_model`` and says how it ended.
- *random models*: small networks and scenarios (chains and branches, every service kind,
  fleets, capacities, probabilities, closures, storms, seasons) described as plain data
  (:class:`ModelSpec`), so that the same model can be rebuilt in another process.
"""

from __future__ import annotations

import copy
import datetime as dt
import http.server
import itertools
import json
import math
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from corridor.errors import CorridorError, InputError
from corridor.inputs.network import Network, load_network
from corridor.inputs.routing import k_shortest_routes
from corridor.inputs.scenario import Scenario, load_scenario
from corridor.model.compile import build_model
from corridor.model.runtime import Model
from tests.builders import flow, leg, network, node, proc, scenario

# ----------------------------------------------------------------------------- settings

TIME_LIMIT_S = 10.0  # per input; a valid one loads in a few milliseconds


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,  # our own time limit instead: see TIME_LIMIT_S
        derandomize=True,  # the same inputs on every run, so CI is reproducible
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


# ----------------------------------------------------------------------------- time limit


class Hang(BaseException):
    """An input took longer than its time limit (a BaseException: no loader may catch it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread when the block runs longer than ``seconds``.

    A loop stuck in C code is interrupted when it next returns to Python; pytest-timeout
    (``@pytest.mark.timeout``) is the backstop for the test as a whole.
    """

    def expire(_signum: int, _frame: object) -> None:
        raise Hang(f"no result after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ----------------------------------------------------------------------------- valid inputs


def _point(node_id: str, lon: float, lat: float, kind: str, processes: list[Any]) -> dict[str, Any]:
    props: dict[str, Any] = {"id": node_id, "name": f"{node_id} node", "country": "IR"}
    props["kind"] = kind
    if processes:
        props["processes"] = processes
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def _line(leg_id: str, coords: list[list[float]], **props: Any) -> dict[str, Any]:
    geometry: dict[str, Any] = {"type": "LineString", "coordinates": coords}
    if props.pop("multi", False):
        half = len(coords) // 2
        geometry = {
            "type": "MultiLineString",
            "coordinates": [coords[: half + 1], coords[half:]],
        }
    return {"type": "Feature", "geometry": geometry, "properties": {"id": leg_id, **props}}


def base_network() -> dict[str, Any]:
    """A valid GeoJSON network using every feature the loader knows.

    A (port) -> B (border) by a weekday train and by trucks with a fleet; B -> C (junction) by
    a when-full train with a fleet, drawn as a MultiLineString; C -> D (dry port) by a
    through train; A -> E (port) by a scheduled ship with a fleet, E -> D by a when-full
    train; B -> D by road, disabled in the file (the scenario enables it).
    """
    logn = {"dist": "lognormal", "mean": 6, "cv": 0.8}
    features = [
        _point(
            "A",
            56.27,
            27.18,
            "port",
            [
                {
                    "name": "crane",
                    "activity": "handling",
                    "servers": 2,
                    "at": ["origin"],
                    "time_h": {"dist": "lognormal", "mean": 1.5, "cv": 0.5},
                },
                {
                    "name": "yard",
                    "activity": "yard",
                    "at": ["origin"],
                    "time_h": {"dist": "gamma", "mean": 24, "cv": 0.6},
                },
                {
                    "name": "customs",
                    "activity": "customs",
                    "servers": 4,
                    "probability": 0.5,
                    "time_h": {"dist": "triangular", "low": 2, "mode": 4, "high": 12},
                    "at": ["origin"],
                    "cost_usd_per_teu": 40,
                },
            ],
        ),
        _point(
            "B",
            54.72,
            37.45,
            "border",
            [
                {
                    "name": "border",
                    "activity": "border",
                    "servers": 1,
                    "per": "vehicle",
                    "time_h": logn,
                    "at": ["transit"],
                },
                {
                    "name": "inspect",
                    "activity": "inspection",
                    "servers": 2,
                    "probability": 0.1,
                    "time_h": {"dist": "exponential", "mean": 8},
                    "at": ["transit"],
                },
            ],
        ),
        _point("C", 55.0, 39.0, "junction", []),
        _point(
            "D",
            50.0,
            45.0,
            "dry_port",
            [{"name": "unload", "activity": "handling", "time_h": 1, "servers": 2}],
        ),
        _point(
            "E",
            52.0,
            42.0,
            "port",
            [
                {
                    "name": "unload",
                    "time_h": {"dist": "empirical", "values": [2, 4, 9], "weights": [1, 2, 1]},
                    "servers": 1,
                    "per": "vehicle",
                }
            ],
        ),
        _line(
            "AB-rail",
            [[56.27, 27.18], [51.39, 35.69], [54.72, 37.45]],
            name="A - B by rail",
            mode="rail",
            length_km=1900,
            speed_kmh=35,
            **{"from": "A", "to": "B"},
            delay_h={"dist": "exponential", "mean": 6},
            service={
                "type": "scheduled",
                "capacity_teu": 90,
                "weekdays": ["mon", "thu"],
                "departure_time_h": 8,
            },
            cost_usd_per_teu=900,
            co2e_kg_per_teu_km=0.02,
        ),
        _line(
            "AB-road",
            [[56.27, 27.18], [54.72, 37.45]],
            mode="road",
            speed_kmh=55,
            **{"from": "A", "to": "B"},
            service={"type": "continuous", "fleet": {"vehicles": 20, "turnaround_h": 6}},
        ),
        _line(
            "BC-rail",
            [[54.72, 37.45], [54.8, 38.0], [55.0, 39.0]],
            multi=True,
            mode="rail",
            speed_kmh=40,
            **{"from": "B", "to": "C"},
            service={
                "type": "when_full",
                "capacity_teu": 60,
                "max_wait_h": 48,
                "fleet": {
                    "vehicles": 3,
                    "turnaround_h": {"dist": "uniform", "low": 2, "high": 8},
                    "return_speed_kmh": 50,
                },
            },
        ),
        _line(
            "CD-rail",
            [[55.0, 39.0], [50.0, 45.0]],
            mode="rail",
            length_km=900,
            **{"from": "C", "to": "D"},
            running_time_h={"dist": "normal", "mean": 24, "sd": 4},
            service={"type": "through"},
        ),
        _line(
            "AE-sea",
            [[56.27, 27.18], [52.0, 42.0]],
            mode="sea",
            length_km=2000,
            speed_kmh=25,
            **{"from": "A", "to": "E"},
            service={
                "type": "scheduled",
                "capacity_teu": 200,
                "headway_h": 72,
                "offset_h": 10,
                "fleet": {"vehicles": 2, "turnaround_h": 12},
            },
        ),
        _line(
            "ED-rail",
            [[52.0, 42.0], [50.0, 45.0]],
            mode="rail",
            speed_kmh=40,
            **{"from": "E", "to": "D"},
            service={"type": "when_full", "capacity_teu": 80, "max_wait_h": 24},
        ),
        _line(
            "BD-road",
            [[54.72, 37.45], [50.0, 45.0]],
            mode="road",
            speed_kmh=50,
            enabled=False,
            **{"from": "B", "to": "D"},
        ),
    ]
    return {"type": "FeatureCollection", "features": features}


def base_scenario(network_file: str = "net.geojson") -> dict[str, Any]:
    """A valid scenario over :func:`base_network` using every section of a scenario."""
    return {
        "name": "fuzz base",
        "description": "every section of a scenario, over the fuzz network",
        "network": network_file,
        "start_date": dt.date(2025, 1, 1),
        "horizon_days": 30,
        "warmup_days": 5,
        "seed": 7,
        "flows": [
            {
                "id": "f1",
                "origin": "A",
                "destination": "D",
                "teu_per_day": 30,
                "share_40ft": 0.4,
                "routes": {"rail": 2, "road": 1, "direct": 0.5},
            },
            {
                "id": "f2",
                "origin": "A",
                "destination": "D",
                "teu_per_day": 10,
                "arrival": "fixed",
                "growth_pct_per_year": 5,
                "routes": ["sea"],
            },
        ],
        "routes": {
            "rail": ["AB-rail", "BC-rail", "CD-rail"],
            "road": ["AB-road", "BC-rail", "CD-rail"],
            "sea": ["AE-sea", "ED-rail"],
            "direct": ["AB-road", "BD-road"],
        },
        "nodes": {
            "B": {
                "processes": {
                    "border": {"time_factor": 0.8, "extra_servers": 1},
                    "scan": {
                        "time_h": 2,
                        "activity": "inspection",
                        "servers": 1,
                        "probability": 0.3,
                    },
                }
            },
            "D": {"processes": [{"name": "unload", "time_h": 1, "servers": 3}]},
        },
        "legs": {
            "BD-road": {"enabled": True, "speed_kmh": 60},
            "AE-sea": {"service": {"headway_h": 96}},
            "AB-rail": {"delay_h": {"dist": "uniform", "low": 0, "high": 5}},
        },
        "closures": [
            {"elements": "B", "start": dt.date(2025, 1, 10), "duration_h": 24, "reason": "holiday"},
            {"elements": ["AB-rail", "AE-sea"], "start_day": 3, "end_day": 4},
            {"elements": ["C"], "annual_from": "12-30", "annual_to": "01-02"},
        ],
        "storms": [
            {
                "name": "caspian",
                "elements": ["AE-sea"],
                "rate_per_month": [2] * 3 + [0] * 9,
                "duration_h": {"dist": "uniform", "low": 12, "high": 48},
            },
        ],
        "seasons": [
            {
                "name": "ice",
                "legs": ["ED-rail"],
                "annual_from": "01-15",
                "annual_to": "02-15",
                "speed_factor": 0.7,
                "capacity_factor": 0.5,
                "headway_factor": 1.5,
                "extra_delay_h": {"dist": "exponential", "mean": 6},
            },
        ],
        "capacity_changes": [
            {"node": "A", "process": "crane", "servers": 1, "at": dt.datetime(2025, 1, 20, 6)},
            {"node": "B", "process": "border", "servers": 3, "at_day": 25},
        ],
        "outputs": {"stages": True, "resources": False},
    }


# ----------------------------------------------------------------------------- junk values

# Text that means something to a shell, a path resolver, GDAL or YAML.
SPECIAL_TEXT = (
    "",
    " ",
    "\t",
    "A",
    "B",
    "D",
    "AB-rail",
    "rail",
    "f1",
    "crane",
    "né-ø-中文-🚢",
    "ß" * 300,
    "x" * 5000,
    "http://127.0.0.1:9/net.geojson",
    "https://example.invalid/scenario.yaml",
    "/vsicurl/http://127.0.0.1:9/net.geojson",
    "/vsimem/net.geojson",
    "file:///etc/passwd",
    "../../../../etc/passwd",
    "/dev/zero",
    "/proc/self/mem",
    ".",
    "~",
    "$(touch /tmp/corridor-pwned)",
    "`id`",
    "!!python/object/apply:os.system ['true']",
    "{{ 7*7 }}",
    "%s%s%n",
    "NaN",
    "-inf",
    "1e999",
    "0x10",
    "2025-02-30",
    "12-15",
    "13-45",
    "02-29",
    "lognormal",
    "when_full",
    "through",
    "null",
    "true",
    "\x00",
    "\u202e",
    "line\nbreak",
)

# Magnitudes that pass "> 0" and then exhaust the machine, or overflow a sum or a date.
EXTREME_FLOATS = (
    5e-324, 1e-300, 1e-9, 1e-3, 0.01, 0.05, 0.1, 24.0, 31.0, 100.0, 1000.0, 87_661.0,
    100_000.0, 100_001.0, 1e9, 1e12, 1e300, 1e308, -1e300, -1e-300, math.inf, -math.inf,
    math.nan,
)  # fmt: skip
EXTREME_INTS = (0, 1, 10_000, 10_001, 10**9, 10**12, 2**63 - 1, 2**63, -(2**63), 10**30, 10**400)
# Scalars of the wrong type for a number: numeric text (YAML keeps quotes), booleans.
WRONG_NUMBERS = ("30", "1e9", "0x10", " 12 ", "1,000", "true", "", "2025-01-01", True, False)
# Dates around every calendar limit: Python's, pandas' (1677-09-21, 2262-04-11) and ours.
EDGE_DATES = (
    dt.date(1, 1, 1), dt.date(1677, 9, 21), dt.date(1899, 12, 31), dt.date(1900, 1, 1),
    dt.date(2200, 1, 1), dt.date(2200, 1, 2), dt.date(2262, 4, 10), dt.date(2262, 4, 11),
    dt.date(9999, 12, 31), dt.datetime(2262, 4, 11, 23, 47, 16), 20250101, "20250101",
    "2025-01-01", "2025-13-01", 1.7e9,
)  # fmt: skip

_FLOATS = st.one_of(
    st.sampled_from([0.0, -0.0, -1.0, 1e-300, 5e-324, 1e308, -1e308, 2.5, 0.5, 1.0, 24.0]),
    st.sampled_from(EXTREME_FLOATS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6),
)
_INTS = st.one_of(
    st.sampled_from([0, -1, 1, 2, 7, 2**31, 2**63, -(2**63), 10**30]),
    st.sampled_from(EXTREME_INTS),
    st.integers(min_value=-(10**6), max_value=10**6),
)
_TEXT = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
)
_MOMENTS = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    st.sampled_from(EDGE_DATES),
)
_DIST_NAMES = ["fixed", "uniform", "triangular", "exponential", "normal", "lognormal"]
_DIST_NAMES += ["gamma", "empirical", "weibull"]
_DIST_KEYS = ["value", "low", "high", "mode", "mean", "sd", "cv", "shape", "scale"]
_DIST_KEYS += ["values", "weights"]
_DISTS = st.builds(
    lambda name, params: {"dist": name, **params},
    st.sampled_from(_DIST_NAMES),
    st.dictionaries(
        st.sampled_from(_DIST_KEYS),
        st.one_of(_FLOATS, st.lists(_FLOATS, max_size=4)),
        max_size=4,
    ),
)
_SERVICES = st.builds(
    lambda kind, params: {"type": kind, **params},
    st.sampled_from(["continuous", "scheduled", "when_full", "through", "barge", None]),
    st.dictionaries(
        st.sampled_from(
            [
                "capacity_teu",
                "headway_h",
                "offset_h",
                "weekdays",
                "departure_time_h",
                "max_wait_h",
                "fleet",
            ]
        ),
        st.one_of(
            _FLOATS,
            st.lists(st.sampled_from(["mon", "tue", "sun", "xyz"]), max_size=8),
            st.fixed_dictionaries(
                {"vehicles": _INTS}, optional={"turnaround_h": _FLOATS, "x": _FLOATS}
            ),
        ),
        max_size=4,
    ),
)

scalars = st.one_of(st.none(), st.booleans(), _INTS, _FLOATS, _TEXT, _MOMENTS)
"""Any value YAML can hold as a scalar, the odd ones favoured."""

junk = st.recursive(
    st.one_of(scalars, _DISTS, _SERVICES),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_TEXT, _INTS, st.booleans(), st.none()), inner, max_size=4),
    ),
    max_leaves=12,
)
"""Any YAML value: scalars, distributions and services with bad parameters, lists, mappings."""


# ----------------------------------------------------------------------------- mutations

Path_ = tuple[Any, ...]


def paths_of(doc: Any, here: Path_ = ()) -> list[Path_]:
    """Every place in a document of dicts and lists, the root first."""
    out = [here]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += paths_of(value, (*here, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += paths_of(value, (*here, i))
    return out


def _get(doc: Any, path: Path_) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _set(doc: Any, path: Path_, value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _delete(doc: Any, path: Path_) -> Any:
    if not path:
        return {}
    parent = _get(doc, path[:-1])
    del parent[path[-1]]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: Any, max_mutations: int = 3) -> tuple[Any, list[str]]:
    """``base`` (a document) with one to ``max_mutations`` mutations; and what was done.

    Mutations: replace a value with junk, delete a key or item, add an unknown key, empty a
    list or mapping, repeat a list item (duplicate ids), swap two values, share one value
    in two places (written as a YAML anchor and alias), rename a key; set a number to an
    extreme magnitude (``5e-324`` ... ``1e308``, ``inf``, ``nan``, ``2**63``, ``10**400``) or
    to a value of the wrong type (``"30"``, ``true``), or a date to one at a calendar's edge.
    """
    doc = copy.deepcopy(base)
    done: list[str] = []
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = paths_of(doc)
        path = draw(st.sampled_from(paths))
        target = _get(doc, path)
        op = draw(
            st.sampled_from(
                [
                    "replace",
                    "replace",
                    "replace",
                    "delete",
                    "unknown_key",
                    "empty",
                    "repeat",
                    "swap",
                    "share",
                    "rename",
                    "extreme",
                    "extreme",
                    "wrong_type",
                ]
            )
        )
        if op == "replace":
            doc = _set(doc, path, draw(junk))
        elif op == "delete":
            doc = _delete(doc, path)
        elif op == "unknown_key" and isinstance(target, dict):
            target[draw(_TEXT)] = draw(junk)
        elif op == "empty" and isinstance(target, (dict, list)):
            target.clear()
        elif op == "repeat" and isinstance(target, list) and target:
            target.append(copy.deepcopy(draw(st.sampled_from(target))))
        elif op == "swap":
            other = draw(st.sampled_from(paths))
            if other[: len(path)] != path and path[: len(other)] != other:
                a, b = _get(doc, path), _get(doc, other)
                doc = _set(doc, path, copy.deepcopy(b))
                doc = _set(doc, other, copy.deepcopy(a))
        elif op == "share":
            other = draw(st.sampled_from(paths))
            if (
                other
                and other[: len(path)] != path
                and path[: len(other)] != other
                and not _holds(target, _get(doc, other[:-1]))  # a value shared before
            ):
                doc = _set(doc, other, target)  # the same object twice: an anchor and alias
        elif op in ("extreme", "wrong_type"):
            # aimed at a number (or a date) of the document, so that every numeric field
            # meets the magnitudes and types that passed validation before it had bounds
            numbers = [p for p in paths if p and _is_number_or_date(_get(doc, p))]
            if not numbers:
                continue
            path = draw(st.sampled_from(numbers))
            value = _get(doc, path)
            if isinstance(value, (dt.date, dt.datetime)):
                new_value = draw(st.sampled_from(EDGE_DATES))
            elif op == "wrong_type":
                new_value = draw(st.sampled_from(WRONG_NUMBERS))
            elif isinstance(value, int):
                new_value = draw(st.sampled_from(EXTREME_INTS + EXTREME_FLOATS))
            else:
                new_value = draw(st.sampled_from(EXTREME_FLOATS))
            doc = _set(doc, path, new_value)
        elif op == "rename" and path and isinstance(path[-1], str):
            parent = _get(doc, path[:-1])
            new = draw(_TEXT)
            if new not in parent:
                parent[new] = parent.pop(path[-1])
        else:
            continue
        done.append(f"{op} at {list(path)}")
    return doc, done


def _holds(value: Any, part: Any) -> bool:
    """Whether ``part`` is ``value`` or inside it (by identity: values may be shared), so that
    putting ``value`` into ``part`` would make the document contain itself."""
    seen: set[int] = set()
    todo = [value]
    while todo:
        node = todo.pop()
        if node is part:
            return True
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return False


def _is_number_or_date(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float, dt.date))


def dump_yaml(doc: Any, *, unicode: bool = True) -> bytes:
    """A document as YAML bytes, the way a person or a tool would write it."""
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=unicode, width=100)
    return text.encode("utf-8")


@st.composite
def corrupted_bytes(draw: st.DrawFn, raw: bytes) -> tuple[bytes, str]:
    """``raw`` damaged at the byte level: truncated, bytes inserted or flipped, encodings."""
    op = draw(
        st.sampled_from(
            ["truncate", "insert", "flip", "latin1", "utf16", "bom", "crlf", "nul", "tabs"]
        )
    )
    at = draw(st.integers(0, max(0, len(raw) - 1)))
    if op == "truncate":
        return raw[:at], f"truncated at byte {at}"
    if op == "insert":
        extra = draw(st.binary(min_size=1, max_size=8))
        return raw[:at] + extra + raw[at:], f"{extra!r} inserted at byte {at}"
    if op == "flip":
        return raw[:at] + bytes([raw[at] ^ 0x80]) + raw[at + 1 :], f"byte {at} flipped"
    if op == "latin1":
        text = raw.decode("utf-8") + "# café\n"
        return text.encode("latin-1", errors="replace"), "latin-1"
    if op == "utf16":
        return raw.decode("utf-8").encode("utf-16"), "utf-16"
    if op == "bom":
        return b"\xef\xbb\xbf" + raw, "UTF-8 byte order mark"
    if op == "crlf":
        return raw.replace(b"\n", b"\r\n"), "CRLF line ends"
    if op == "nul":
        return raw[:at] + b"\x00" + raw[at:], f"NUL at byte {at}"
    return raw.replace(b"  ", b"\t", 1), "a tab for indentation"


YAML_TRICKS = (
    "name: !!python/object/apply:os.system ['touch /tmp/corridor-pwned']\n",
    "name: !!python/object/new:str ['x']\n",
    "name: !!python/name:os.system\n",
    "seed: !!python/object/apply:subprocess.check_output [['id']]\n",
    "description: !!binary aGVsbG8=\n",
    "description: !custom tag\n",
    "name: &n s\nname2: *n\n",
    "horizon_days: &h 30\nwarmup_days: *h\n",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "loop: &l [1, *l]\n",
    "<<: {name: merged}\n",
    "flows: &f []\nroutes: *f\n",
    "%YAML 1.1\n---\nname: x\n",
    "---\nname: a\n---\nname: b\n",
    "name: s\nname: t\n",
    "? [complex, key]\n: value\n",
    "1: numeric key\n",
    "null: null key\n",
    "horizon_days: .nan\n",
    "horizon_days: -.inf\n",
    "start_date: 2025-02-30\n",
    "start_date: 2025-01-01T00:00:00+05:00\n",
    "seed: 0b101\n",
    "seed: 1_000\n",
    "seed: 0o17\n",
    "seed: 99999999999999999999999999999\n",
    "teu_per_day: 1e400\n",
    "horizon_days: 1e-9\n",
    "horizon_days: 1E5\n",
    "horizon_days: -2e+3\n",
    "horizon_days: 1e308\n",
    "horizon_days: true\n",
    "horizon_days: '30'\n",
    "horizon_days: 0x10\n",
    "seed: 1e3\n",
    "seed: 9223372036854775808\n",
    "start_date: 20250101\n",
    "start_date: '20250101'\n",
    "start_date: 1677-09-01\n",
    "start_date: 9999-12-01\n",
    "start_date: 2262-04-11\n",
    "extends: /dev/null\n",
    "extends: /dev/zero\n",
    "extends: ../../../../../../../../etc/passwd\n",
    "network: /dev/zero\n",
    "network: .\n",
    "'unclosed: x\n",
    "[a, b\n",
    "{a: b\n",
    "key: |\n  text\n   more\n",
    "- a list\n- at the top\n",
    "just text\n",
    "",
    "\n\n# only a comment\n",
)
"""YAML text appended to (or standing for) a scenario: tags, aliases, odd scalars, syntax."""


@st.composite
def yaml_text_tricks(draw: st.DrawFn, raw: bytes) -> tuple[bytes, str]:
    """``raw`` with one of :data:`YAML_TRICKS` appended, prepended, or instead of it."""
    trick = draw(st.sampled_from(YAML_TRICKS))
    where = draw(st.sampled_from(["append", "prepend", "alone"]))
    data = trick.encode("utf-8")
    if where == "append":
        return raw + data, f"appended {trick!r}"
    if where == "prepend":
        return data + raw, f"prepended {trick!r}"
    return data, f"only {trick!r}"


# ----------------------------------------------------------------------------- loading


@dataclass
class Outcome:
    """How one input ended: a model, or a CorridorError (with its message)."""

    kind: str  # "model", "scenario_error", "network_error", "compile_error"
    message: str = ""
    model: Model | None = None
    error: CorridorError | None = None


def load_outcome(scenario_path: Path, network_path: Path | None = None) -> Outcome:
    """Load a scenario and its network and build the model, as ``corridor validate`` does.

    Any exception that is not a :class:`CorridorError` propagates: that is the bug the fuzz
    tests look for. The network of the scenario is used unless ``network_path`` is given.
    """
    try:
        sc = load_scenario(scenario_path)
    except CorridorError as exc:
        return Outcome("scenario_error", str(exc), error=exc)
    path = Path(network_path or sc.network_path or "")
    try:
        net = load_network(path)
    except CorridorError as exc:
        return Outcome("network_error", str(exc), error=exc)
    try:
        model = build_model(sc, net)
    except CorridorError as exc:
        return Outcome("compile_error", str(exc), error=exc)
    return Outcome("model", model=model)


def check_message(exc_text: str, files: tuple[Path, ...]) -> None:
    """A user's error names one of ``files`` and each problem says where, unless it is
    about the whole file."""
    assert exc_text.strip(), "empty error message"
    assert "Traceback" not in exc_text
    assert any(str(f) in exc_text for f in files), exc_text[:500]


def problem_places_are_named(exc: InputError) -> bool:
    """Whether every problem of ``exc`` says where it is (or is about the whole file)."""
    return all(p.where or _whole_file(p.what) for p in exc.problems)


_WHOLE_FILE = (
    "file not found",
    "cannot read the file",
    "the file is",
    "the file holds",
    "not valid JSON",
    "invalid YAML",
    "aliases (*name)",
    "an alias (*name)",
    "top-level keys",
    "GDAL",
    "the key ",
    "is a directory",
    "is not a regular file",
    "none of the file's",
)


def _whole_file(what: str) -> bool:
    return what.startswith(_WHOLE_FILE)


def routes_or_error(net: Network) -> str:
    """k shortest routes between the first and last node, or the RoutingError's message."""
    ids = list(net.nodes)
    if len(ids) < 2:
        return "fewer than two nodes"
    try:
        routes = k_shortest_routes(net, ids[0], ids[-1], k=3)
    except CorridorError as exc:
        return str(exc)
    for r in routes:
        assert (r.nodes[0], r.nodes[-1]) == (ids[0], ids[-1])
        assert math.isfinite(r.time_h)
        assert r.length_km > 0
    return f"{len(routes)} routes"


def write_pair(folder: Path, scenario_bytes: bytes, network_doc: Any) -> tuple[Path, Path]:
    """Write ``s.yaml`` and ``net.geojson`` (and a valid ``base.yaml``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    net = folder / "net.geojson"
    if isinstance(network_doc, bytes):
        net.write_bytes(network_doc)
    else:
        net.write_text(json.dumps(network_doc), encoding="utf-8")
    base = folder / "base.yaml"
    if not base.exists():
        base.write_bytes(dump_yaml(base_scenario()))
    path = folder / "s.yaml"
    path.write_bytes(scenario_bytes)
    return path, net


# ----------------------------------------------------------------------------- random models

_DISTS_OK = st.one_of(
    st.floats(min_value=0.0, max_value=30.0).map(lambda v: round(v, 3)),
    st.builds(
        lambda m, cv: {"dist": "lognormal", "mean": m, "cv": cv},
        st.floats(0.5, 30.0),
        st.floats(0.1, 1.5),
    ),
    st.builds(lambda m: {"dist": "exponential", "mean": m}, st.floats(0.2, 20.0)),
    st.builds(
        lambda lo, w: {"dist": "uniform", "low": lo, "high": lo + w},
        st.floats(0.0, 10.0),
        st.floats(0.0, 20.0),
    ),
    st.builds(
        lambda lo, a, b: {"dist": "triangular", "low": lo, "mode": lo + a, "high": lo + a + b},
        st.floats(0.0, 5.0),
        st.floats(0.0, 5.0),
        st.floats(0.1, 10.0),
    ),
)


@st.composite
def process_specs(draw: st.DrawFn, prefix: str) -> list[dict[str, Any]]:
    """Zero to three node processes of every kind (pure delay, per container, per vehicle)."""
    out = []
    for i in range(draw(st.integers(0, 3))):
        spec: dict[str, Any] = {
            "name": f"{prefix}{i}",
            "time_h": draw(_DISTS_OK),
            "activity": draw(st.sampled_from(["handling", "yard", "border", "inspection"])),
        }
        if draw(st.booleans()):
            spec["servers"] = draw(st.integers(1, 3))
            spec["per"] = draw(st.sampled_from(["container", "vehicle"]))
        if draw(st.booleans()):
            spec["probability"] = draw(st.sampled_from([0.0, 0.2, 0.5, 1.0]))
        if draw(st.booleans()):
            spec["at"] = draw(
                st.lists(
                    st.sampled_from(["origin", "transit", "destination"]),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
        out.append(spec)
    return out


@st.composite
def service_specs(draw: st.DrawFn, after_vehicle: bool) -> dict[str, Any]:
    """A leg service of any kind; ``through`` only where a vehicle arrives (not at an origin)."""
    kinds = ["continuous", "scheduled", "scheduled", "when_full", "when_full"]
    if after_vehicle:
        kinds += ["through", "through"]
    kind = draw(st.sampled_from(kinds))
    svc: dict[str, Any] = {"type": kind}
    if kind in ("scheduled", "when_full"):
        svc["capacity_teu"] = draw(st.sampled_from([2, 3, 10, 40, 100]))
    if kind == "scheduled":
        if draw(st.booleans()):
            svc["headway_h"] = draw(st.sampled_from([6, 12, 24, 36.5, 72]))
            svc["offset_h"] = draw(st.sampled_from([0, 1.5, 10]))
        else:
            svc["weekdays"] = draw(
                st.lists(
                    st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            svc["departure_time_h"] = draw(st.sampled_from([0, 8, 23.5]))
    if kind == "when_full":
        svc["max_wait_h"] = draw(st.sampled_from([0, 6, 24, 72]))
    if kind != "through" and draw(st.booleans()):
        svc["fleet"] = {
            "vehicles": draw(st.integers(1, 4)),
            "turnaround_h": draw(_DISTS_OK),
        }
        if draw(st.booleans()):
            svc["fleet"]["return_speed_kmh"] = draw(st.sampled_from([20, 60]))
    return svc


@dataclass(frozen=True)
class ModelSpec:
    """A random model as plain data (picklable), rebuilt by :meth:`build`."""

    nodes: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]
    legs: tuple[dict[str, Any], ...]
    flows: tuple[dict[str, Any], ...]
    routes: dict[str, list[str]]
    extra: dict[str, Any]
    horizon_days: float
    seed: int

    def build(self) -> tuple[Scenario, Network]:
        net = network(
            [node(nid, *(proc(**p) for p in procs)) for nid, procs in self.nodes],
            [leg(**spec) for spec in self.legs],
        )
        sc = scenario(
            [flow(**f) for f in self.flows],
            self.routes,
            horizon_days=self.horizon_days,
            warmup_days=0,
            seed=self.seed,
            **self.extra,
        )
        return sc, net


@st.composite
def model_specs(draw: st.DrawFn) -> ModelSpec:
    """A small random model: a trunk O -> N1 -> ... -> D, and a branch from one trunk node
    to D, with a flow over each route, every service kind, closures, storms and seasons."""
    n_trunk = draw(st.integers(1, 3))
    trunk = ["O", *[f"N{i}" for i in range(1, n_trunk)], "D"]
    node_specs = {nid: tuple(draw(process_specs(nid.lower()))) for nid in trunk}
    legs: list[dict[str, Any]] = []
    for i, (a, b) in enumerate(itertools.pairwise(trunk)):
        legs.append(_leg_spec(draw, f"{a}-{b}", a, b, after_vehicle=i > 0))
    routes = {"trunk": [leg_["leg_id"] for leg_ in legs]}
    if draw(st.booleans()):
        fork = draw(st.sampled_from(trunk[:-1]))
        node_specs["X"] = tuple(draw(process_specs("x")))
        pos = trunk.index(fork)
        first = _leg_spec(draw, f"{fork}-X", fork, "X", after_vehicle=pos > 0)
        second = _leg_spec(draw, "X-D", "X", "D", after_vehicle=True)
        legs += [first, second]
        routes["branch"] = [*routes["trunk"][:pos], first["leg_id"], second["leg_id"]]
    flows = []
    for i in range(draw(st.integers(1, 2))):
        chosen = draw(
            st.lists(st.sampled_from(sorted(routes)), min_size=1, max_size=2, unique=True)
        )
        flows.append(
            {
                "fid": f"f{i}",
                "origin": "O",
                "dest": "D",
                "teu_per_day": draw(st.sampled_from([1, 5, 20, 60])),
                "routes": chosen,
                "share_40ft": draw(st.sampled_from([0.0, 0.5, 1.0])),
                "arrival": draw(st.sampled_from(["poisson", "fixed"])),
            }
        )
    horizon = draw(st.sampled_from([4, 10, 21]))
    leg_ids = [leg_["leg_id"] for leg_ in legs]
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        closures = []
        for _ in range(draw(st.integers(1, 2))):
            start = draw(st.floats(0, horizon - 1))
            closures.append(
                {
                    "elements": draw(
                        st.lists(st.sampled_from([*node_specs, *leg_ids]), min_size=1, max_size=2)
                    ),
                    "start_day": round(start, 2),
                    "duration_h": draw(st.sampled_from([6, 30, 72])),
                }
            )
        extra["closures"] = closures
    if draw(st.booleans()):
        extra["storms"] = [
            {
                "name": "storm",
                "elements": [draw(st.sampled_from(leg_ids))],
                "rate_per_month": [draw(st.sampled_from([0, 2, 8]))] * 12,
                "duration_h": {"dist": "uniform", "low": 6, "high": 48},
            }
        ]
    if draw(st.booleans()):
        extra["seasons"] = [
            {
                "name": "ice",
                "legs": [draw(st.sampled_from(leg_ids))],
                "start_day": 1,
                "end_day": horizon / 2,
                "speed_factor": 0.5,
                "capacity_factor": draw(st.sampled_from([0.5, 1.0])),
                "headway_factor": draw(st.sampled_from([1.0, 2.0])),
                "extra_delay_h": {"dist": "exponential", "mean": 3},
            }
        ]
    servers = [
        (nid, p["name"]) for nid, procs in node_specs.items() for p in procs if "servers" in p
    ]
    if servers and draw(st.booleans()):
        nid, pname = draw(st.sampled_from(servers))
        extra["capacity_changes"] = [
            {"node": nid, "process": pname, "servers": draw(st.integers(1, 3)), "at_day": 1}
        ]
    return ModelSpec(
        nodes=tuple((nid, procs) for nid, procs in node_specs.items()),
        legs=tuple(legs),
        flows=tuple(flows),
        routes=routes,
        extra=extra,
        horizon_days=horizon,
        seed=draw(st.integers(0, 2**32)),
    )


def _leg_spec(
    draw: Callable[[st.SearchStrategy[Any]], Any], leg_id: str, a: str, b: str, after_vehicle: bool
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "leg_id": leg_id,
        "a": a,
        "b": b,
        "length_km": draw(st.sampled_from([10, 150, 500])),
        "mode": draw(st.sampled_from(["rail", "road", "sea"])),
        "service": draw(service_specs(after_vehicle)),
    }
    if draw(st.booleans()):
        spec["speed_kmh"] = draw(st.sampled_from([15, 40, 80]))
    else:
        spec["running_time_h"] = draw(_DISTS_OK)
    if draw(st.booleans()):
        spec["delay_h"] = draw(_DISTS_OK)
    return spec


# ----------------------------------------------------------------------------- network tricks

_CRS_MEMBERS = (
    {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
    {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    {"type": "name", "properties": {"name": "EPSG:4326"}},
    {"type": "name", "properties": {"name": "EPSG:32640"}},
    {"type": "name", "properties": {"name": "EPSG:999999"}},
    {"type": "name", "properties": {"name": "+proj=longlat +init=/etc/passwd"}},
    {"type": "name", "properties": {"name": "http://127.0.0.1:9/crs"}},
    {"type": "name", "properties": {"name": "/vsicurl/http://127.0.0.1:9/crs"}},
    {"type": "name", "properties": {"name": ""}},
    {"type": "name", "properties": {}},
    {"type": "EPSG", "properties": {"code": 3857}},
    {"type": "EPSG", "properties": {"code": "x"}},
    {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs", "type": "ogcwkt"}},
    {"type": "url", "properties": {"url": "http://127.0.0.1:9/crs"}},
    {"type": "name"},
    "EPSG:3857",
    3857,
    [],
)


@st.composite
def network_tricks(draw: st.DrawFn, base: dict[str, Any]) -> tuple[bytes, str]:
    """``base`` (a GeoJSON network) broken in one of the ways networks break, as bytes."""
    doc = copy.deepcopy(base)
    features = doc["features"]
    i = draw(st.integers(0, len(features) - 1))
    feature = features[i]
    props = feature["properties"]
    is_leg = "from" in props
    op = draw(
        st.sampled_from(
            [
                "self_loop",
                "duplicate_id",
                "unicode_id",
                "no_geometry",
                "null_geometry",
                "geometry_type",
                "crs",
                "coordinate",
                "empty_coordinates",
                "disjoint_parts",
                "zero_length",
                "id_as_feature_id",
                "null_properties",
                "deep_properties",
                "far_ends",
                "three_d",
                "many_features",
                "no_features",
                "not_a_feature",
                "reversed_leg",
                "unknown_node",
            ]
        )
    )
    if op == "self_loop" and is_leg:
        props["to"] = props["from"]
    elif op == "duplicate_id":
        props["id"] = features[draw(st.integers(0, len(features) - 1))]["properties"]["id"]
    elif op == "unicode_id":
        props["id"] = draw(st.sampled_from(["Бакý", "北京", "🚢", "e\u0301", "\u202eX", "a b"]))
    elif op == "no_geometry":
        del feature["geometry"]
    elif op == "null_geometry":
        feature["geometry"] = None
    elif op == "geometry_type":
        kind = draw(
            st.sampled_from(["Polygon", "MultiPoint", "GeometryCollection", "Curve", "", None, 7])
        )
        feature["geometry"]["type"] = kind
    elif op == "crs":
        doc["crs"] = draw(st.sampled_from(_CRS_MEMBERS))
    elif op == "coordinate":
        value = draw(st.sampled_from([1e308, -1e308, 181.0, -91.0, 1e-320, "56.2", None, [], True]))
        coords = feature["geometry"].get("coordinates")
        if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
            coords[draw(st.integers(0, 1))] = value
        elif isinstance(coords, list) and coords and isinstance(coords[0], list):
            point = coords[0] if isinstance(coords[0][0], (int, float)) else coords[0][0]
            point[draw(st.integers(0, 1))] = value
    elif op == "empty_coordinates":
        feature["geometry"]["coordinates"] = []
    elif op == "disjoint_parts" and is_leg:
        feature["geometry"] = {
            "type": "MultiLineString",
            "coordinates": [[[50, 30], [51, 31]], [[52, 32], [53, 33]]],
        }
    elif op == "zero_length" and is_leg:
        props.pop("length_km", None)
        point = feature["geometry"]["coordinates"][0]
        feature["geometry"] = {"type": "LineString", "coordinates": [point, point]}
    elif op == "id_as_feature_id":
        feature["id"] = props.pop("id")
    elif op == "null_properties":
        feature["properties"] = None
    elif op == "deep_properties":
        depth = draw(st.sampled_from([10, 100, 2000, 100_000]))
        props["notes"] = "__DEEP__"
        deep = ("[" * depth + '"x"' + "]" * depth).encode()
        return dump_json(doc).replace(b'"__DEEP__"', deep), f"notes nested {depth} deep"
    elif op == "far_ends" and is_leg:
        feature["geometry"]["coordinates"][0] = [10.0, 10.0]
    elif op == "three_d":
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            geometry["coordinates"] = [*geometry["coordinates"], 100.0]
    elif op == "many_features":
        for k in range(draw(st.sampled_from([50, 500]))):
            copy_ = copy.deepcopy(feature)
            copy_["properties"]["id"] = f"{props.get('id')}-{k}"
            features.append(copy_)
    elif op == "no_features":
        doc["features"] = []
    elif op == "not_a_feature":
        features[i] = draw(st.sampled_from([None, 1, "Feature", [], {"type": "Feture"}]))
    elif op == "reversed_leg" and is_leg:
        props["from"], props["to"] = props["to"], props["from"]
    elif op == "unknown_node" and is_leg:
        props["to"] = draw(st.sampled_from(["Z", "a", "A ", "ÄB"]))
    else:
        return dump_json(doc), f"nothing ({op} does not apply to features[{i}])"
    return dump_json(doc), f"{op} at features[{i}]"


def dump_json(doc: Any) -> bytes:
    """A document as JSON bytes (NaN and Infinity written as JavaScript does; dates as text)."""
    return json.dumps(doc, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass")


# ----------------------------------------------------------------------------- a local server


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class RecordingServer(http.server.ThreadingHTTPServer):
    """An HTTP server on the loopback that records the path of every request it gets."""

    requests: list[str]
    url: str


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    """A :class:`RecordingServer` while the block runs: a request means corridor reached out."""
    server = RecordingServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
