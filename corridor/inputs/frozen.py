"""Read-only containers for validated inputs: lists become tuples, mappings :class:`FrozenDict`.

A validated scenario is a value: ``scenario.flows.append(...)`` or ``scenario.routes["x"] = ...``
would change it behind its validation (and behind the model built from it). The field types
here keep what pydantic validated read-only, while a dump (``model_dump``) still gives plain
lists and dicts that can be edited and validated again (``Scenario.with_changes`` does that)::

    flows: Items[FlowSpec]               # a tuple; dumped as a list
    routes: Table[Id, Items[Id]]         # a FrozenDict of tuples; dumped as a dict of lists

Both are picklable (runs in other processes get scenarios by pickle) and hashable when their
values are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import AfterValidator, SerializerFunctionWrapHandler, WrapSerializer

__all__ = ["FrozenDict", "Items", "Table", "deep_freeze", "thaw"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class FrozenDict(dict[K, V]):
    """A dict that refuses to change once built (``TypeError``), so that it can be shared.

    A subclass of ``dict`` so that everything that reads dicts (pydantic, ``json``, ``{**d}``)
    reads it; what would change it in place raises. ``d | other`` gives a new plain dict.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(
            "a validated scenario is read-only; derive a changed copy with "
            "Scenario.with_changes(field=value)"
        )

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse  # type: ignore[assignment]
    clear = _refuse
    pop = _refuse
    popitem = _refuse
    setdefault = _refuse
    update = _refuse

    def __reduce__(self) -> tuple[type[FrozenDict[K, V]], tuple[dict[K, V]]]:
        # pickle would otherwise rebuild it item by item through __setitem__
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> FrozenDict[K, V]:
        return self  # nothing in it can change

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __repr__(self) -> str:
        return dict.__repr__(self)


def deep_freeze(value: Any) -> Any:
    """``value`` with every dict turned into a :class:`FrozenDict` and every list into a tuple."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, dict):
        return FrozenDict({k: deep_freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(deep_freeze(v) for v in value)
    return value


def thaw(value: Any, handler: SerializerFunctionWrapHandler) -> Any:
    """A serializer that dumps a deep-frozen value as plain dicts and lists."""
    return _thawed(handler(value))


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thawed(v) for v in value]
    return value


def _freeze_mapping(value: Mapping[K, V]) -> FrozenDict[K, V]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def _dump_list(value: Iterable[Any], handler: SerializerFunctionWrapHandler) -> list[Any]:
    return list(handler(value))


def _dump_dict(value: Mapping[Any, Any], handler: SerializerFunctionWrapHandler) -> dict[Any, Any]:
    return dict(handler(value))


Items = Annotated[tuple[T, ...], WrapSerializer(_dump_list)]
"""A list in the file; a tuple once validated; a list again when dumped."""

Table = Annotated[Mapping[K, V], AfterValidator(_freeze_mapping), WrapSerializer(_dump_dict)]
"""A mapping in the file; a :class:`FrozenDict` once validated; a dict again when dumped."""
