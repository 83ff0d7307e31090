"""Pydantic's validation errors as problems a user reads, and located errors for validators.

:func:`pydantic_problems` turns a pydantic ``ValidationError`` into :class:`Problem` objects
that read like ``line 12: flows[0].teu_per_day: -3 must be > 0``, without pydantic's internal
labels for union branches, with a hint where one helps (the fields a distribution takes, the
name a misspelt one was meant to be).

:func:`located_error` is the other direction: a model validator that finds problems at several
places raises them as one pydantic error, each at its own location, so that they are reported
like pydantic's own.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Union

import typing_extensions
from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from corridor.errors import Problem, did_you_mean, format_location
from corridor.inputs.distributions import DIST_NAMES, DIST_PARAMS
from corridor.inputs.specs import SERVICE_MODELS, SERVICE_TYPES
from corridor.inputs.yamlio import Loc, Place, describe_value, place_of, show_value

__all__ = [
    "CheckedAs",
    "Issue",
    "block_fields",
    "length_is_fine",
    "located_error",
    "pydantic_problems",
]

Issue = tuple[Loc, str, Any] | tuple[Loc, str, Any, str]
"""A problem a validator found: ``(location, message, input)``, optionally with a hint."""

# Values of discriminator keys, for messages about a missing or unknown one.
_TAG_CHOICES: dict[str, tuple[str, ...]] = {
    "dist": DIST_NAMES,
    "type": SERVICE_TYPES,
}
_BRANCH_PREFIXES = ("list[", "dict[", "function-", "tagged-union", "nullable[", "union[")


def located_error(title: str, issues: Sequence[Issue]) -> ValidationError:
    """A pydantic error with one entry per ``(location, message, input[, hint])``.

    Raised from a model validator, each entry is reported at ``location`` inside the model,
    with ``message`` as it is written and ``hint`` after it.
    """
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError(
                    "corridor_scenario", issue[1], {"hint": issue[3] if len(issue) > 3 else ""}
                ),
                loc=issue[0],
                input=issue[2],
            )
            for issue in issues
        ],
    )


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
            if isinstance(cur, (list, tuple)) and isinstance(part, int) and 0 <= part < len(cur):
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
        in_list = isinstance(cur, (list, tuple)) and isinstance(part, int) and 0 <= part < len(cur)
        if not (in_dict or in_list):
            return None
        cur = cur[part]
    return cur


# What a block of each model is called in a hint ("a flow takes id, origin, ...").
_BLOCK_NAMES = {
    "Scenario": "a scenario",
    "FlowSpec": "a flow",
    "NodeChange": "a node's change",
    "ProcessChange": "a process's change",
    "ProcessSpec": "a process",
    "LegChange": "a leg's change",
    "ServiceChange": "a leg's service",
    "FleetChange": "a fleet",
    "FleetSpec": "a fleet",
    "Closure": "a closure",
    "StormSpec": "a storm",
    "Season": "a season",
    "CapacityChange": "a capacity change",
    "OutputSpec": "outputs",
    "NodeProperties": "a node",
    "LegProperties": "a leg",
}


class CheckedAs:
    """Annotated metadata: validate (and describe in messages) as ``model``, e.g. a TypedDict
    that checks a plain mapping, whose keys :func:`block_fields` can then list."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return handler(self.model)


def _branch(annotation: Any, value: Any) -> Any:
    """``annotation`` without ``Annotated`` and ``| None``, a union resolved by ``value``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            args = typing.get_args(annotation)
            checked = [m for m in args[1:] if isinstance(m, CheckedAs)]
            annotation = checked[0].model if checked else args[0]
            continue
        if origin in (Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = _pick(options, value)
            if annotation is None:
                return None
            continue
        return annotation


def _fields(annotation: Any) -> dict[str, Any] | None:
    """The keys a model or TypedDict takes, with their annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = annotation.model_fields.items()
        return {f.alias or n: f.annotation for n, f in fields if not f.exclude}
    if typing_extensions.is_typeddict(annotation):
        return dict(typing.get_type_hints(annotation, include_extras=True))
    return None


def _pick(options: list[Any], value: Any) -> Any:
    """The option of a union that ``value`` is meant for; None when that is unclear."""
    if len(options) == 1:
        return options[0]
    tag = None
    if isinstance(value, dict):
        tag = value.get("dist", value.get("type"))
    for option in options:
        fields = _fields(_branch(option, None) if typing.get_origin(option) else option)
        if fields is None:
            continue
        kind = fields.get("dist", fields.get("type"))
        if tag is not None and kind is not None and tag in typing.get_args(kind):
            return option
    containers = [
        o for o in options if typing.get_origin(_branch(o, None) or o) in (tuple, list, Mapping)
    ]
    if isinstance(value, (list, tuple)):
        found = [o for o in containers if typing.get_origin(_branch(o, None)) in (tuple, list)]
        return found[0] if len(found) == 1 else None
    if isinstance(value, dict):
        found = [o for o in containers if typing.get_origin(_branch(o, None)) is Mapping]
        return found[0] if len(found) == 1 else None
    return None


def block_fields(root: Any, loc: Sequence[str | int], data: Any) -> tuple[str, list[str]] | None:
    """The block at ``loc`` of a document validated as ``root``: its name and its keys.

    ``("a flow", ["id", "origin", ...])`` for ``loc = ("flows", 0)``; a distribution or a
    service is told by its ``dist`` or ``type`` key in ``data``. None where the location cannot
    be followed through the types.
    """
    annotation, value = root, data
    for part in loc:
        annotation = _branch(annotation, value)
        fields = _fields(annotation)
        origin = typing.get_origin(annotation)
        if fields is not None:
            if part not in fields:
                return None
            annotation = fields[part]
        elif origin in (tuple, list) and isinstance(part, int):
            annotation = typing.get_args(annotation)[0]
        elif origin in (dict, Mapping):
            annotation = typing.get_args(annotation)[1]
        else:
            return None
        value = _child(value, part)
    annotation = _branch(annotation, value)
    fields = _fields(annotation)
    if fields is None:
        return None
    name = getattr(annotation, "__name__", "")
    if "dist" in fields and isinstance(value, dict) and isinstance(value.get("dist"), str):
        return f"{_article(value['dist'])} distribution", list(fields)
    if name in _SERVICE_NAMES:
        return f"a {_SERVICE_NAMES[name]} service", list(fields)
    return _BLOCK_NAMES.get(name, "this mapping"), list(fields)


_SERVICE_NAMES = {model.__name__: kind for kind, model in SERVICE_MODELS.items()}


def _article(word: str) -> str:
    """``"an exponential"``, ``"a lognormal"``."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(part)
    if isinstance(value, (list, tuple)) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return None


def _takes(parent: Any) -> tuple[str, tuple[str, ...]] | None:
    """For a mapping naming a distribution or service: its description and its fields."""
    if not isinstance(parent, dict):
        return None
    dist, kind = parent.get("dist"), parent.get("type")
    if isinstance(dist, str) and dist in DIST_PARAMS:
        return f"{_article(dist)} distribution", ("dist", *DIST_PARAMS[dist])
    if isinstance(kind, str) and kind in SERVICE_MODELS:
        return f"a {kind} service", tuple(SERVICE_MODELS[kind].model_fields)
    return None


def _describe(
    err: Mapping[str, Any],
    known_names: Iterable[str],
    parent: Any = None,
    block: tuple[str, Sequence[str]] | None = None,
) -> tuple[str, str]:
    """What is wrong and a hint, for one pydantic error; ``parent`` holds the field, which is
    in ``block`` (its name and its keys) where that is known."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    loc = err["loc"]
    shown = show_value(value)
    takes = block or _takes(parent)
    if kind == "extra_forbidden":
        name = loc[-1] if loc else "?"
        if takes is not None:
            what_it, fields = takes
            listing = f"{what_it} takes {', '.join(fields)}"
            suggestion = did_you_mean(name, fields)
            return f"unknown field {name!r}", f"{suggestion} {listing}" if suggestion else listing
        others = [n for n in known_names if n != name]
        return f"unknown field {name!r}", did_you_mean(name, others) or (
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
        return f"{key}: {tag!r} is not one of {expected}", did_you_mean(tag, names)
    if kind == "union_tag_not_found":
        key = str(ctx.get("discriminator", "")).strip("'")
        names = _TAG_CHOICES.get(key, ())
        if key == "dist" and not isinstance(value, dict):
            return f"expected a number or a distribution, got {describe_value(value)}", (
                "write 12 or {dist: lognormal, mean: 12, cv: 0.5}"
            )
        if not isinstance(value, dict):
            return f"expected a mapping, got {describe_value(value)}", ""
        return f"needs a {key!r} key, one of {_choices(names)}", ""
    if kind in _COMPARE:
        key, sign = _COMPARE[kind]
        return f"{shown} must be {sign} {show_value(ctx.get(key))}", ""
    if kind == "finite_number":
        return f"{shown} must be a finite number", ""
    if kind in ("float_parsing", "float_type", "int_type", "int_parsing") and not isinstance(
        value, (int, float)
    ):
        return f"expected a number, got {describe_value(value)}", ""
    if kind in ("int_from_float", "int_parsing", "int_type"):
        return f"{shown} must be a whole number", ""
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, got {describe_value(value)}", ""
    if kind == "string_type":
        return f"expected text, got {describe_value(value)}", f"quote it if it is a name: '{shown}'"
    if kind == "string_too_short":
        return "must not be empty", ""
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters", ""
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        allowed = [n.strip().strip("'") for n in expected.split(",")]
        return f"{shown} is not one of {expected}", did_you_mean(value, allowed)
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        bound = "at least" if kind == "too_short" else "at most"
        got = len(value) if isinstance(value, (list, tuple)) else ctx.get("actual_length")
        return f"needs {bound} {n} item{'s' if n != 1 else ''}, got {got}", ""
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {describe_value(value)}", ""
    if kind == "model_attributes_type" and loc and str(loc[-1]).endswith("_h"):
        # every field that holds a distribution is a duration named *_h
        return f"expected a number or a distribution, got {describe_value(value)}", (
            "write 12, or a distribution such as {dist: lognormal, mean: 12, cv: 0.5}"
        )
    if kind in ("dict_type", "model_type", "model_attributes_type", "typed_dict_type"):
        return f"expected a mapping (key: value), got {describe_value(value)}", ""
    if kind.startswith(("datetime", "date")):
        return f"{shown} is not a date and time", "write 2025-01-31 or 2025-01-31 08:00:00"
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind.startswith("corridor"):
        return msg, str(ctx.get("hint", ""))  # our own validators' messages say what and why
    if kind in ("value_error", "assertion_error"):
        return msg, ""
    if isinstance(value, (dict, list)):
        return msg[:1].lower() + msg[1:], ""
    return f"{shown} is invalid: {msg[:1].lower() + msg[1:]}", ""


def length_is_fine(err: Mapping[str, Any]) -> bool:
    """Whether a length error only counts the items that were valid.

    A tuple's length is checked after its items, so ``[1, 'x']`` for at least two numbers
    gives "at least 2 items, not 1" besides the error of ``'x'``; the input had 2.
    """
    if err["type"] not in ("too_short", "too_long"):
        return False
    value, ctx = err.get("input"), err.get("ctx") or {}
    if not isinstance(value, (list, tuple)):
        return False
    low, high = ctx.get("min_length", 0), ctx.get("max_length")
    return bool(low <= len(value) and (high is None or len(value) <= high))


def pydantic_problems(
    exc: ValidationError,
    path: Path | None = None,
    *,
    data: Any = None,
    places: Mapping[Loc, Place] | None = None,
    prefix: Loc = (),
    known_names: Iterable[str] = (),
    model: Any = None,
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
        Field names to suggest for a misspelt one, where ``model`` cannot tell the keys of
        the block it is in.
    model
        The type ``data`` was validated as (say, ``Scenario``), to name the keys of the block
        an unknown key is in (see :func:`block_fields`).
    """
    names = tuple(known_names)
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        if length_is_fine(err):
            continue
        raw = tuple(err["loc"])
        bad_key = len(raw) >= 2 and raw[-1] == "[key]"  # a mapping key, not its value
        inner = _clean_loc(raw[:-2] if bad_key else raw, data)
        parent = _value_at(data, inner[:-1]) if inner else None
        loc = (*prefix, *inner)
        block = None
        if model is not None and data is not None and err["type"] == "extra_forbidden":
            block = block_fields(model, inner[:-1], data)
        what, hint = _describe(err, names, parent, block)
        if bad_key:
            what = f"key {show_value(raw[-2])}: {what}"
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
