"""Safe YAML reading that keeps the file and line of every key.

YAML is read with PyYAML's safe loader (no object construction, no code). On top of it:

- duplicate keys, which plain YAML loaders silently resolve to the last one, are errors;
- aliases (``*name``) may not expand the document beyond :data:`MAX_YAML_NODES` values, nor
  refer to themselves, so a "billion laughs" file is refused instead of exhausting memory;
- the line of every key and value is kept, so that errors found later say where they are;
- a file over :data:`MAX_YAML_BYTES` is refused before it is parsed, and a path that is not a
  regular file (a directory, a FIFO, ``/dev/null``) before it is opened;
- numbers in scientific notation are numbers whether or not they have a dot: YAML 1.1 reads
  ``1e-9`` and ``1E5`` as text but ``1.0e-9`` as a number; here all are numbers (as in YAML 1.2);
- a file that does not hold a mapping is refused without echoing what it holds (it may be any
  file on the machine, named by mistake).

:func:`describe_value` and :func:`show_value` render a value in YAML words for messages (also
those of :mod:`corridor.inputs.pydantic_errors`, which places problems with the lines kept here).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from corridor.errors import InputError, Problem, format_location
from corridor.inputs.paths import MISSING, file_problem

__all__ = [
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "Loc",
    "Place",
    "YamlDocument",
    "describe_value",
    "kind_of",
    "line_of",
    "load_yaml_file",
    "place_of",
    "read_yaml",
    "show_value",
]

# A scenario is a few kB; anything this large is a mistake. PyYAML composes about 150 kB of
# dense YAML a second, so the limit also bounds the time a wrong file takes to refuse.
MAX_YAML_BYTES = 1_000_000
MAX_YAML_NODES = 200_000  # values in the document once aliases are expanded

Loc = tuple[str | int, ...]
"""A place in a document as keys and list indexes: ``("flows", 0, "teu_per_day")``."""

Place = tuple[str, int]
"""A file and a 1-based line in it."""

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A YAML mapping read from ``path`` with the line of each key (see :func:`line_of`)."""

    path: Path
    data: dict[str, Any]
    lines: Mapping[Loc, int]

    def places(self) -> dict[Loc, Place]:
        """Every known location with this file and its line."""
        name = str(self.path)
        return {loc: (name, line) for loc, line in self.lines.items()}


class _SafeLoader(yaml.SafeLoader):
    """The safe loader, kept separate so nothing we do leaks into PyYAML's own class."""


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises a bare ValueError, without a place, for a date like 2025-13-01.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a valid date ({exc})", node.start_mark
        ) from None


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

# Scientific notation without a dot or without a sign in the exponent (1e-9, 1E5, -2e+3, 1.5e9)
# is text in YAML 1.1, which PyYAML follows; YAML 1.2 and every other reader make it a number.
_SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def _expanded_size(root: yaml.Node) -> int | None:
    """Values in the document with aliases expanded; None if a node contains itself.

    Stops counting once past :data:`MAX_YAML_NODES`.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int | None:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            return None
        if isinstance(node, yaml.ScalarNode):
            return 1
        active.add(key)
        total = 1
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                children += [k, v]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        for child in children:
            sub = size(child)
            if sub is None:
                return None
            total += sub
            if total > MAX_YAML_NODES:
                break
        active.discard(key)
        sizes[key] = total
        return total

    return size(root)


def _distinct_size(root: yaml.Node) -> int:
    """Values in the document as written, each alias counted once (up to the limit + 1)."""
    seen: set[int] = set()
    todo = [root]
    while todo and len(seen) <= MAX_YAML_NODES:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                todo += [k, v]
        elif isinstance(node, yaml.SequenceNode):
            todo += node.value
    return len(seen)


def _walk(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], dupes: list[Problem], budget: list[int]
) -> None:
    """Record the line of every location and every duplicate key below ``node``."""
    budget[0] -= 1
    if budget[0] < 0:
        return
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, str], int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = key_node.start_mark.line + 1
            marker = (key_node.tag, key_node.value)
            if marker in first:
                where = format_location([*loc, key_node.value])
                dupes.append(
                    Problem(
                        f"line {line}: {where}",
                        f"duplicate key (first on line {first[marker]})",
                        "keep one",
                    )
                )
                continue
            first[marker] = line
            child: Loc = (*loc, key_node.value)
            lines[child] = line
            _walk(value_node, child, lines, dupes, budget)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines, dupes, budget)


def read_yaml(path: Path, error: type[InputError], expect: str = "a mapping") -> YamlDocument:
    """Read a YAML mapping safely, with the line of every key.

    Parameters
    ----------
    path
        The file.
    error
        The :class:`InputError` subclass to raise (say, ``ScenarioError``).
    expect
        What the file should hold, for the message when it holds something else.

    Raises
    ------
    InputError
        Of type ``error``: the file cannot be read, is not UTF-8, is not valid YAML (with line
        and column), has duplicate keys (each with its line), expands too far through aliases,
        is empty, or is not a mapping with text keys.
    """
    kind = file_problem(path, empty_ok=True)
    if kind is not None and kind != MISSING and not kind.startswith("cannot"):
        raise error.single(path, "", kind, f"give the path of a file holding {expect}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error.single(path, "", f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_YAML_BYTES:
        raise error.single(
            path,
            "",
            f"the file is {len(raw):,} bytes; YAML inputs are limited to {MAX_YAML_BYTES:,}",
            "is this the right file?",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error.single(
            path,
            f"line {line}",
            f"the file is not valid UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start})",
            "save it as UTF-8",
        ) from None
    try:
        loader = _SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character, checked before parsing
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise error.single(
            path,
            f"line {line}, column {column}",
            f"invalid YAML: the control character U+{exc.character:04X} is not allowed",
            "remove it; was the file saved by a text editor?",
        ) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise error.single(path, "", f"the file is empty; expected {expect}")
        size = _expanded_size(root)
        if size is None:
            raise error.single(
                path, "", "an alias (*name) refers to the value that contains it", "remove it"
            )
        if size > MAX_YAML_NODES and _distinct_size(root) > MAX_YAML_NODES:
            raise error.single(
                path,
                "",
                f"the document holds more than {MAX_YAML_NODES:,} values; refusing to read it",
                "is this the right file?",
            )
        if size > MAX_YAML_NODES:
            raise error.single(
                path,
                "",
                f"aliases (*name) expand the document beyond {MAX_YAML_NODES:,} values; "
                "refusing to read it",
                "write the values out, or use fewer nested aliases",
            )
        lines: dict[Loc, int] = {}
        dupes: list[Problem] = []
        _walk(root, (), lines, dupes, [MAX_YAML_NODES])
        if dupes:
            raise error(path, dupes)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = ", ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise error.single(path, where, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise error.single(path, "", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise error.single(path, "", "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        # the kind only: the file may be any file on the machine, named by mistake
        raise error.single(path, "", f"the file holds {kind_of(data)}; expected {expect}")
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        raise error.single(path, "", f"top-level keys must be names, got {bad_keys[0]!r}")
    return YamlDocument(path, data, lines)


def load_yaml_file(
    path: Path, error: type[InputError], expect: str = "a mapping"
) -> dict[str, Any]:
    """Read a YAML mapping safely (see :func:`read_yaml`); only the data."""
    return read_yaml(path, error, expect).data


def line_of(lines: Mapping[Loc, int] | str | Path, loc: Iterable[str | int]) -> int | None:
    """The line of ``loc``, or of the nearest enclosing location that has one.

    ``lines`` is a document's line map (:attr:`YamlDocument.lines`) or a YAML file, which is
    then read again (for error messages only; None if it cannot be read). A location that
    came from another file through ``extends`` is not in that file: prefer
    :meth:`corridor.inputs.scenario.Scenario.problem`, which knows every file's lines.
    """
    if isinstance(lines, (str, Path)):
        try:
            lines = read_yaml(Path(lines), InputError).lines
        except InputError:
            return None
    return place_of(lines, loc)


def place_of(places: Mapping[Loc, _T], loc: Iterable[str | int]) -> _T | None:
    """The entry of ``loc`` in ``places``, or of the nearest enclosing location."""
    key = tuple(loc)
    for cut in range(len(key), 0, -1):
        if key[:cut] in places:
            return places[key[:cut]]
    return places.get(()) if not key else None


def describe_value(value: object) -> str:
    """A value's kind in YAML words, for messages: ``a boolean (true)``, ``text ('x')``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return f"text ({show_value(value)})"
    if isinstance(value, (int, float)):
        return f"a number ({show_value(value)})"
    return f"a {type(value).__name__}"


def kind_of(value: object) -> str:
    """A value's kind in YAML words, without the value: ``text``, ``a list``, ``a number``."""
    return describe_value(value).split(" (", 1)[0]


def show_value(value: object) -> str:
    """A short rendering of a value as the user wrote it (``true``, ``nan``, ``12``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
