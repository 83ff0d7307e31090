"""Safe YAML reading with places: every value's line is kept for error messages.

YAML is read with PyYAML's safe loader (no object construction, no code). Duplicate keys,
which plain YAML loaders silently resolve to the last one, are errors here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from corridor.errors import InputError, Problem, format_location

__all__ = ["MAX_YAML_BYTES", "load_yaml_file", "pydantic_problems"]

MAX_YAML_BYTES = 5_000_000  # a scenario is a few kB; anything this large is a mistake
_MAX_ALIASES = 1_000


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys and alias bombs."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > _MAX_ALIASES:
                raise yaml.YAMLError(f"more than {_MAX_ALIASES} aliases (*name); refusing to expand")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # let the base class report it
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None,
                    f"key {key!r} appears twice (first on line {seen[key] + 1}); keep one",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _line_map(node: Any, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                out[(*path, key_node.value)] = key_node.start_mark.line + 1
                _line_map(value_node, (*path, key_node.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), out)


_LINES: dict[str, dict[tuple[Any, ...], int]] = {}


def load_yaml_file(
    path: Path, error: type[InputError], expect: str = "a mapping"
) -> dict[str, Any]:
    """Read a YAML mapping safely, raising ``error`` with the file and line on failure."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error.single(path, "", f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_YAML_BYTES:
        raise error.single(
            path, "", f"the file is {len(raw):,} bytes; scenario files are limited to "
            f"{MAX_YAML_BYTES:,}", "is this the right file?",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error.single(
            path, f"byte {exc.start}", "the file is not valid UTF-8", "save it as UTF-8"
        ) from None
    try:
        loader = _UniqueKeyLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise error.single(path, where, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise error.single(path, "", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise error.single(path, "", "invalid YAML: nested too deeply") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise error.single(path, "", f"the file is {kind}; expected {expect}")
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        raise error.single(path, "", f"top-level keys must be names, got {bad_keys[0]!r}")
    lines: dict[tuple[Any, ...], int] = {}
    if root is not None:
        _line_map(root, (), lines)
    _LINES[str(path)] = lines
    return data


def line_of(path: Path | str, loc: tuple[Any, ...]) -> int | None:
    """The line of ``loc`` in a file read by :func:`load_yaml_file`, if it is there."""
    lines = _LINES.get(str(path), {})
    for cut in range(len(loc), 0, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


_TAG_PARTS = {
    "fixed", "uniform", "triangular", "exponential", "normal", "lognormal", "gamma",
    "empirical", "continuous", "scheduled", "when_full",
}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-branch labels from a location."""
    out = []
    for part in loc:
        if isinstance(part, str) and (
            part in _TAG_PARTS or part.startswith(("list[", "dict[", "function-", "tagged-union"))
        ):
            continue
        out.append(part)
    return tuple(out)


def pydantic_problems(exc: ValidationError, path: Path | None = None) -> list[Problem]:
    """Turn a pydantic error into problems with readable places and hints."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        where = format_location(list(loc))
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            what = f"unknown field {loc[-1]!r}" if loc else "unknown field"
            hint = "check the spelling; docs/scenario-reference.md lists every field"
            where = format_location(list(loc[:-1]))
            where = f"{where}.{loc[-1]}" if where else str(loc[-1])
        elif kind == "missing":
            what, hint = "required field is missing", ""
        elif kind == "union_tag_invalid":
            ctx = err.get("ctx", {})
            what = f"{ctx.get('tag')!r} is not one of {ctx.get('expected_tags')}"
            hint = ""
        elif kind == "union_tag_not_found":
            ctx = err.get("ctx", {})
            what = f"needs a {ctx.get('discriminator', 'type')} key"
            hint = ""
        else:
            msg = err["msg"]
            msg = msg.removeprefix("Value error, ")
            shown = repr(value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            what = f"{shown} is invalid: {msg}" if not isinstance(value, dict) else msg
            hint = ""
        if path is not None:
            line = line_of(path, loc)
            if line is not None:
                where = f"line {line}: {where}" if where else f"line {line}"
        key = (where, what)
        if key not in seen:
            seen.add(key)
            problems.append(Problem(where, what, hint))
    return problems
