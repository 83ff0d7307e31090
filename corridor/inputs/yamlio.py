"""Safe YAML reading with places, and readable pydantic errors.

YAML is read with PyYAML's safe loader (no object construction, no code). On top of it:

- duplicate keys, which plain YAML loaders silently resolve to the last one, are errors;
- aliases (``*name``) may not expand the document beyond :data:`MAX_YAML_NODES` values, nor
  refer to themselves, so a "billion laughs" file is refused instead of exhausting memory;
- the line of every key and value is kept, so that errors found later say where they are;
- a file over :data:`MAX_YAML_BYTES` is refused before it is parsed.

:func:`pydantic_problems` turns a pydantic ``ValidationError`` into :class:`Problem` objects
that read like ``line 12: flows[0].teu_per_day: -3 must be > 0``, without pydantic's internal
labels for union branches.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from corridor.errors import InputError, Problem, format_location
from corridor.inputs.distributions import DIST_NAMES, DIST_PARAMS
from corridor.inputs.specs import SERVICE_MODELS, SERVICE_TYPES

__all__ = [
    "MAX_YAML_BYTES",
    "MAX_YAML_NODES",
    "Loc",
    "Place",
    "YamlDocument",
    "line_of",
    "load_yaml_file",
    "place_of",
    "pydantic_problems",
    "read_yaml",
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

# Values of discriminator keys, for messages about a missing or unknown one.
_TAG_CHOICES: dict[str, tuple[str, ...]] = {
    "dist": DIST_NAMES,
    "type": SERVICE_TYPES,
}
_BRANCH_PREFIXES = ("list[", "dict[", "function-", "tagged-union", "nullable[", "union[")


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
        raise error.single(path, "", f"the file holds {_kind(data)}; expected {expect}")
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


def _kind(value: object) -> str:
    """A value's kind in YAML words, for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return f"text ({_show(value)})"
    if isinstance(value, (int, float)):
        return f"a number ({_show(value)})"
    return f"a {type(value).__name__}"


def _show(value: object) -> str:
    """A short rendering of a value as the user wrote it."""
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


def _is_branch_label(part: str, value: Any) -> bool:
    """Whether ``part`` is pydantic's label for a union branch rather than a key of ``value``."""
    if isinstance(value, list):
        # a list's entries are numbered; a name is a label, or a list item turned into a key
        # by a before-validator (a flow's list of routes)
        return part in ("list", "dict") or part.startswith(_BRANCH_PREFIXES)
    if isinstance(value, dict):
        if part in value:
            return False
        if any(value.get(tag) == part for tag in _TAG_CHOICES):
            return True
        return part.startswith(_BRANCH_PREFIXES) or part in ("list", "dict")
    # a scalar that a before-validator turned into a mapping (a bare number -> fixed)
    return part in DIST_NAMES or part.startswith(_BRANCH_PREFIXES)


def _clean_loc(loc: tuple[Any, ...], data: Any = None) -> tuple[str | int, ...]:
    """Drop pydantic's union-branch labels from a location.

    With the validated input at hand, a part is a label only where the input has no such key;
    without it, parts named like a distribution or service type are dropped.
    """
    out: list[str | int] = []
    cur: Any = data
    known = data is not None
    for part in loc:
        if known:
            if isinstance(cur, dict) and part in cur:
                out.append(part)
                cur = cur[part]
                continue
            if isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
                out.append(part)
                cur = cur[part]
                continue
            if isinstance(part, str) and _is_branch_label(part, cur):
                continue
            if isinstance(cur, (int, float)) and part == "value":
                continue  # a bare number stands for {dist: fixed, value: number}
            out.append(part)
            known = False
            continue
        if isinstance(part, str) and (
            part in _TAG_CHOICES["dist"]
            or part in _TAG_CHOICES["type"]
            or part.startswith(_BRANCH_PREFIXES)
        ):
            continue
        out.append(part)
    return tuple(out)


def _choices(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _did_you_mean(word: object, names: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


_COMPARE = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}


def _value_at(data: Any, loc: Iterable[str | int]) -> Any:
    """The input at ``loc`` (a cleaned location), or None where it cannot be followed."""
    cur = data
    for part in loc:
        in_dict = isinstance(cur, dict) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if not (in_dict or in_list):
            return None
        cur = cur[part]
    return cur


def _takes(parent: Any) -> tuple[str, tuple[str, ...]] | None:
    """For a mapping naming a distribution or service: its description and its fields."""
    if not isinstance(parent, dict):
        return None
    dist, kind = parent.get("dist"), parent.get("type")
    if isinstance(dist, str) and dist in DIST_PARAMS:
        return f"a {dist} distribution", ("dist", *DIST_PARAMS[dist])
    if isinstance(kind, str) and kind in SERVICE_MODELS:
        return f"a {kind} service", tuple(SERVICE_MODELS[kind].model_fields)
    return None


def _describe(
    err: Mapping[str, Any], known_names: Iterable[str], parent: Any = None
) -> tuple[str, str]:
    """What is wrong and a hint, for one pydantic error; ``parent`` holds the field."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    loc = err["loc"]
    shown = _show(value)
    takes = _takes(parent)
    if kind == "extra_forbidden":
        name = loc[-1] if loc else "?"
        if takes is not None:
            what_it, fields = takes
            return f"unknown field {name!r}", f"{what_it} takes {', '.join(fields)}"
        others = [n for n in known_names if n != name]
        return f"unknown field {name!r}", _did_you_mean(name, others) or (
            "check the spelling; docs/scenario-reference.md lists every field"
        )
    if kind == "missing":
        if takes is not None:
            what_it, fields = takes
            return "required field is missing", f"{what_it} takes {', '.join(fields)}"
        return "required field is missing", ""
    if kind == "union_tag_invalid":
        key = str(ctx.get("discriminator", "")).strip("'")
        names = _TAG_CHOICES.get(key, ())
        tag = ctx.get("tag")
        expected = _choices(names) if names else ctx.get("expected_tags", "")
        return f"{key}: {tag!r} is not one of {expected}", _did_you_mean(tag, names)
    if kind == "union_tag_not_found":
        key = str(ctx.get("discriminator", "")).strip("'")
        names = _TAG_CHOICES.get(key, ())
        if key == "dist" and not isinstance(value, dict):
            return f"expected a number or a distribution, got {_kind(value)}", (
                "write 12 or {dist: lognormal, mean: 12, cv: 0.5}"
            )
        if not isinstance(value, dict):
            return f"expected a mapping, got {_kind(value)}", ""
        return f"needs a {key!r} key, one of {_choices(names)}", ""
    if kind in _COMPARE:
        key, sign = _COMPARE[kind]
        return f"{shown} must be {sign} {_show(ctx.get(key))}", ""
    if kind == "finite_number":
        return f"{shown} must be a finite number", ""
    if kind in ("float_parsing", "float_type", "int_type", "int_parsing") and not isinstance(
        value, (int, float)
    ):
        return f"expected a number, got {_kind(value)}", ""
    if kind in ("int_from_float", "int_parsing", "int_type"):
        return f"{shown} must be a whole number", ""
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, got {_kind(value)}", ""
    if kind == "string_type":
        return f"expected text, got {_kind(value)}", f"quote it if it is a name: '{shown}'"
    if kind == "string_too_short":
        return "must not be empty", ""
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters", ""
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        allowed = [n.strip().strip("'") for n in expected.split(",")]
        return f"{shown} is not one of {expected}", _did_you_mean(value, allowed)
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        bound = "at least" if kind == "too_short" else "at most"
        got = ctx.get("actual_length")
        return f"needs {bound} {n} item{'s' if n != 1 else ''}, got {got}", ""
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {_kind(value)}", ""
    if kind == "model_attributes_type" and loc and str(loc[-1]).endswith("_h"):
        # every field that holds a distribution is a duration named *_h
        return f"expected a number or a distribution, got {_kind(value)}", (
            "write 12, or a distribution such as {dist: lognormal, mean: 12, cv: 0.5}"
        )
    if kind in ("dict_type", "model_type", "model_attributes_type", "typed_dict_type"):
        return f"expected a mapping (key: value), got {_kind(value)}", ""
    if kind.startswith(("datetime", "date")):
        return f"{shown} is not a date and time", "write 2025-01-31 or 2025-01-31 08:00:00"
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("value_error", "assertion_error") or kind.startswith("corridor"):
        return msg, ""  # our own validators' messages say what and why
    if isinstance(value, (dict, list)):
        return msg[:1].lower() + msg[1:], ""
    return f"{shown} is invalid: {msg[:1].lower() + msg[1:]}", ""


def pydantic_problems(
    exc: ValidationError,
    path: Path | None = None,
    *,
    data: Any = None,
    places: Mapping[Loc, Place] | None = None,
    prefix: Loc = (),
    known_names: Iterable[str] = (),
) -> list[Problem]:
    """Turn a pydantic error into problems with readable places and hints.

    Parameters
    ----------
    exc
        The error.
    path
        The file that was validated; problems placed in another file (``places``) name it.
    data
        The validated input, to tell keys from pydantic's union-branch labels.
    places
        The file and line of locations (see :meth:`YamlDocument.places`); locations are looked
        up with ``prefix`` in front.
    prefix
        Where the validated input sits in its document (say, ``("legs", "bnd-ast")``).
    known_names
        Field names to suggest for a misspelt one.
    """
    names = tuple(known_names)
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        raw = tuple(err["loc"])
        bad_key = len(raw) >= 2 and raw[-1] == "[key]"  # a mapping key, not its value
        inner = _clean_loc(raw[:-2] if bad_key else raw, data)
        parent = _value_at(data, inner[:-1]) if inner else None
        loc = (*prefix, *inner)
        what, hint = _describe(err, names, parent)
        if bad_key:
            what = f"key {_show(raw[-2])}: {what}"
        where = format_location(list(loc))
        if err["type"] == "union_tag_invalid":
            tag_key = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            loc = (*loc, tag_key)
            where = format_location(list(loc))
            what = what.removeprefix(f"{tag_key}: ")
        source = None
        if places is not None:
            place = place_of(places, loc)
            if place is not None:
                file, line = place
                where = f"line {line}: {where}" if where else f"line {line}"
                if path is None or file != str(path):
                    source = file
        if (where, what) not in seen:
            seen.add((where, what))
            problems.append(Problem(where, what, hint, source))
    return problems
