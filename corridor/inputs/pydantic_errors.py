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

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from corridor.errors import Problem, did_you_mean, format_location
from corridor.inputs.distributions import DIST_NAMES, DIST_PARAMS
from corridor.inputs.specs import SERVICE_MODELS, SERVICE_TYPES
from corridor.inputs.yamlio import Loc, Place, describe_value, place_of, show_value

__all__ = ["located_error", "pydantic_problems"]

# Values of discriminator keys, for messages about a missing or unknown one.
_TAG_CHOICES: dict[str, tuple[str, ...]] = {
    "dist": DIST_NAMES,
    "type": SERVICE_TYPES,
}
_BRANCH_PREFIXES = ("list[", "dict[", "function-", "tagged-union", "nullable[", "union[")


def located_error(title: str, issues: Sequence[tuple[Loc, str, Any]]) -> ValidationError:
    """A pydantic error with one entry per ``(location, message, input)``.

    Raised from a model validator, each entry is reported at ``location`` inside the model,
    with ``message`` as it is written.
    """
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError("corridor_scenario", message),
                loc=loc,
                input=value,
            )
            for loc, message, value in issues
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
    shown = show_value(value)
    takes = _takes(parent)
    if kind == "extra_forbidden":
        name = loc[-1] if loc else "?"
        if takes is not None:
            what_it, fields = takes
            return f"unknown field {name!r}", f"{what_it} takes {', '.join(fields)}"
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
        got = ctx.get("actual_length")
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
