"""Sweep paths: set one scenario field, named by its path, to a value.

A path names a field as it sits in the scenario file after ``extends`` is merged, with dots
between keys and ``[i]`` for list items::

    flows[0].teu_per_day
    nodes.AST-AZ.processes.azerbaijan_entry.servers
    legs.BND-INB-rail.service.headway_h

An item of a list of named things (flows by ``id``; processes, storms and seasons by ``name``)
can also be picked by name: ``flows[bnd-brk].teu_per_day`` or ``flows.bnd-brk.teu_per_day``.
A key that holds a dot goes in brackets: ``nodes[A.B].processes``.

``nodes.<id>`` and ``legs.<id>`` are the scenario's changes to the network, so a path may name
a node, process or leg that the scenario file does not mention yet, as long as the network
has it: the change is created (``nodes.INB.processes.border.servers: 2`` becomes a process
change of the network's ``border`` process at ``INB``). Any other key must already be a field
of the scenario; a path that names nothing is an error that says which part is unknown.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from corridor.errors import did_you_mean
from corridor.inputs.changes import LegChange, NodeChange, ProcessChange
from corridor.inputs.network import Network
from corridor.inputs.specs import SERVICE_MODELS

__all__ = ["PathError", "format_value", "parse_path", "set_path", "short_names"]

Path = tuple[str | int, ...]

_TOKEN = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")
# keys a service or fleet change may hold (they are typed dicts, merged over the network's)
_SERVICE_KEYS = frozenset(k for model in SERVICE_MODELS.values() for k in model.model_fields)
_FLEET_KEYS = frozenset({"vehicles", "turnaround_h", "return_speed_kmh"})


@dataclass(frozen=True)
class PathError(Exception):
    """A sweep path that is malformed or names nothing; ``what`` and ``hint`` are for messages."""

    what: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.what} ({self.hint})" if self.hint else self.what


def parse_path(text: str) -> Path:
    """Split a path into keys and list indexes: ``"flows[0].teu_per_day"`` ->
    ``("flows", 0, "teu_per_day")``.

    Raises
    ------
    PathError
        If the path is empty or malformed (an empty key, an unclosed bracket).
    """
    if not text or not text.strip():
        raise PathError("the path is empty", "write a field path like flows[0].teu_per_day")
    parts: list[str | int] = []
    pos = 0
    expect_key = True
    while pos < len(text):
        if text[pos] == "." and not expect_key:
            pos += 1
            expect_key = True
            continue
        match = _TOKEN.match(text, pos)
        if match is None or (match.group(2) is not None and not expect_key):
            raise PathError(
                f"cannot read the path at character {pos + 1} ({text[pos:]!r})",
                "keys are separated by dots, list items are [0], [1], ...",
            )
        bracket, word = match.group(1), match.group(2)
        if bracket is not None:
            item = bracket.strip()
            if not item:
                raise PathError("empty brackets in the path", "write [0] or [name]")
            parts.append(int(item) if re.fullmatch(r"-?\d+", item) else item)
        else:
            parts.append(word)
        pos = match.end()
        expect_key = False
    if expect_key:
        raise PathError("the path ends with a dot", "remove it")
    if any(isinstance(p, str) and not p.strip() for p in parts):
        raise PathError("the path has an empty key", "check for two dots in a row")
    return tuple(parts)


def _render(parts: Sequence[str | int]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int) or "." in part or "[" in part:
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _listing(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")
    return shown or "none"


def _item_by_name(items: list[Any], key: str) -> int | None:
    for i, item in enumerate(items):
        if isinstance(item, dict) and key in (item.get("id"), item.get("name")):
            return i
    return None


def _new_container(done: Path, key: str | int, network: Network | None) -> dict[str, Any] | None:
    """The empty change to create at ``done + (key,)`` when the scenario does not have it yet."""
    if len(done) == 1 and done[0] == "nodes":
        if network is None or key in network.nodes:
            return NodeChange().model_dump(mode="python")
        raise PathError(
            f"the network has no node {key!r}",
            did_you_mean(str(key), network.nodes) or f"nodes: {_listing(network.nodes)}",
        )
    if len(done) == 1 and done[0] == "legs":
        if network is None or key in network.legs:
            return LegChange().model_dump(mode="python")
        raise PathError(
            f"the network has no leg {key!r}",
            did_you_mean(str(key), network.legs) or f"legs: {_listing(network.legs)}",
        )
    if len(done) == 3 and done[0] == "nodes" and done[2] == "processes":
        node_id = str(done[1])
        names = (
            [p.name for p in network.nodes[node_id].processes]
            if network is not None and node_id in network.nodes
            else None
        )
        if names is None or key in names:
            return ProcessChange().model_dump(mode="python")
        raise PathError(
            f"node {node_id!r} has no process {key!r}",
            did_you_mean(str(key), names) or f"its processes: {_listing(names)}",
        )
    return None


def _free_keys(done: Path) -> frozenset[str] | None:
    """Keys that may be added at ``done`` (typed dicts that are merged over the network)."""
    if len(done) == 3 and done[0] == "legs" and done[2] == "service":
        return _SERVICE_KEYS
    if len(done) == 4 and done[0] == "legs" and done[2:] == ("service", "fleet"):
        return _FLEET_KEYS
    return None


def set_path(
    data: dict[str, Any], path: Sequence[str | int], value: Any, network: Network | None = None
) -> dict[str, Any]:
    """A copy of scenario ``data`` with the field at ``path`` set to ``value``.

    Parameters
    ----------
    data
        A scenario as plain data, with every field present
        (``Scenario.model_dump(mode="python")``).
    path
        The field, as :func:`parse_path` returns it.
    value
        The new value (validated later, with the whole scenario).
    network
        The scenario's network, to create node, process and leg changes that the scenario
        does not have yet; without it such names are taken on trust.

    Returns
    -------
    dict
        The changed copy, with list items picked by name turned into their indexes.

    Raises
    ------
    PathError
        Naming the first part of the path that does not exist.
    """
    out = copy.deepcopy(data)
    node: Any = out
    done: Path = ()
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        here = _render(done) or "the scenario"
        if isinstance(node, list):
            if isinstance(key, str):
                index = _item_by_name(node, key)
                if index is None:
                    names = [str(i.get("id", i.get("name"))) for i in node if isinstance(i, dict)]
                    raise PathError(
                        f"{here} has no item named {key!r}",
                        did_you_mean(str(key), names) or f"items: {_listing(names)}",
                    )
                key = index
            if not -len(node) <= key < len(node):
                raise PathError(
                    f"{here} has {len(node)} items; there is no item [{key}]",
                    f"indexes go from 0 to {len(node) - 1}" if node else "the list is empty",
                )
            key = key % len(node)
        elif isinstance(node, dict):
            if isinstance(key, int):
                raise PathError(f"{here} is a mapping, not a list", "name a key, not [index]")
            if key not in node:
                free = _free_keys(done)
                created = _new_container(done, key, network)
                if created is not None:
                    if not last:
                        node[key] = created
                elif free is not None and key in free:
                    if not last:
                        node[key] = {}
                else:
                    names = sorted(free) if free is not None else [str(k) for k in node]
                    raise PathError(
                        f"{here} has no field {key!r}",
                        did_you_mean(str(key), names) or f"fields: {_listing(names)}",
                    )
        else:
            raise PathError(
                f"{here} is {format_value(node)}, which has no field {key!r}",
                "a path goes through mappings and lists only",
            )
        if last:
            node[key] = value
        else:
            child = node[key]
            if child is None:
                if _free_keys((*done, key)) is not None:
                    node[key] = {}
                else:
                    raise PathError(
                        f"{_render((*done, key))} is not set in this scenario, so it has no "
                        f"field {path[depth + 1]!r}",
                        "set the whole value instead",
                    )
            node = node[key]
        done = (*done, key)
    return out


def format_value(value: Any) -> str:
    """A short rendering of a sweep value for labels and messages (``2``, ``0.5``, ``{...}``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), default=str)
    if value is None:
        return "null"
    return str(value)


def short_names(paths: Sequence[str]) -> dict[str, str]:
    """The shortest dotted ending of each path that tells it from the others, for labels.

    ``["nodes.INB.processes.border.servers", "flows[0].teu_per_day"]`` ->
    ``{..: "servers", ..: "teu_per_day"}``.
    """
    parsed = {p: parse_path(p) for p in paths}
    out: dict[str, str] = {}
    for text, parts in parsed.items():
        for size in range(1, len(parts) + 1):
            tail = parts[-size:]
            clash = any(
                other != text and other_parts[-size:] == tail
                for other, other_parts in parsed.items()
            )
            if not clash or size == len(parts):
                out[text] = _render(tail).lstrip(".")
                break
    return out
