"""Errors that a user of corridor reads.

Every error caused by user input is a :class:`CorridorError`. Its message names the file, the
place in the file, what is wrong and, where we can tell, how to fix it::

    scenarios/baseline.yaml: flows[0].teu_per_day: -3 must be > 0 (demand is TEU per day)

Subclasses also inherit ``ValueError`` or ``RuntimeError`` so that generic handlers keep
working. A loader collects every problem of a file in one :class:`Problems` and raises one
error listing them all; :func:`did_you_mean` suggests the name a misspelt one was meant to be.

This module imports nothing but the standard library, so every layer (the engine too) may
raise its errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

__all__ = [
    "SUGGESTION_CUTOFF",
    "CorridorError",
    "InputError",
    "NetworkError",
    "OutputError",
    "Problem",
    "Problems",
    "RoutingError",
    "ScenarioError",
    "SimulationError",
    "did_you_mean",
    "format_location",
]

SUGGESTION_CUTOFF = 0.6
"""How alike a name must be to a misspelt one to be suggested (:func:`difflib.get_close_matches`
ratio, 0 to 1): ``'horizon_dys'`` -> ``'horizon_days'``, ``'r11'`` -> ``'r1'``, but not
``'ZZZ'`` -> ``'A'``."""

Location = Sequence[str | int]
"""A place in a document as keys and list indexes: ``("flows", 0, "teu_per_day")``."""


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """A hint naming the choice closest to a misspelt ``word``, or ``""`` when none is close.

    Parameters
    ----------
    word
        What the user wrote. Only text gets a suggestion: a number or a list is not a typo of
        a name.
    choices
        The names ``word`` could have meant (a mapping gives its keys).

    Returns
    -------
    str
        ``"did you mean 'horizon_days'?"``, or ``""`` when no choice reaches
        :data:`SUGGESTION_CUTOFF`, so that callers can write ``did_you_mean(w, names) or
        "<another hint>"``.
    """
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=SUGGESTION_CUTOFF)
    return f"did you mean {close[0]!r}?" if close else ""


def format_location(parts: Sequence[str | int]) -> str:
    """Render a path into a document as ``flows[0].routes.western``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file: where, what, and an optional hint.

    ``where`` is the place in the document, led by the line where it is known
    (``line 12: flows[0].teu_per_day``). ``source`` names the file the problem is in when
    that is not the file the error is about (say, a base scenario named by ``extends``).
    """

    where: str
    what: str
    hint: str = ""
    source: str | None = None

    def render(self, source: str | Path | None = None) -> str:
        """The problem as ``<file>: <where>: <what> (<hint>)``."""
        shown = self.source or source
        prefix = f"{shown}: " if shown else ""
        where = f"{self.where}: " if self.where else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{prefix}{where}{self.what}{hint}"


Locate = Callable[[Location, str, str], Problem]
"""Builds the problem at a location: ``locate(loc, what, hint)``, e.g. ``Scenario.problem``,
which adds the file and line the location came from."""


class Problems:
    """The problems of one input, collected so that they are raised together.

    Parameters
    ----------
    locate
        How to place a problem given by its location (a sequence of keys and indexes), e.g.
        ``Scenario.problem``, which adds its file and line. Without it the location is rendered
        with :func:`format_location` alone.

    Examples
    --------
    >>> problems = Problems()
    >>> problems.add(("flows", 0, "teu_per_day"), "-3 must be > 0")
    >>> problems.add("seed", "-1 must be >= 0", "seeds are >= 0")
    >>> problems.raise_if_any(ScenarioError, "s.yaml")
    Traceback (most recent call last):
    ...
    corridor.errors.ScenarioError: s.yaml: 2 problems
      - s.yaml: flows[0].teu_per_day: -3 must be > 0
      - s.yaml: seed: -1 must be >= 0 (seeds are >= 0)
    """

    __slots__ = ("_items", "_locate")

    def __init__(self, locate: Locate | None = None) -> None:
        self._locate = locate
        self._items: list[Problem] = []

    def add(self, where: str | Location, what: str, hint: str = "") -> None:
        """Add a problem at ``where``: a rendered place, or a location to place (see above)."""
        if isinstance(where, str):
            self._items.append(Problem(where, what, hint))
        elif self._locate is not None:
            self._items.append(self._locate(where, what, hint))
        else:
            self._items.append(Problem(format_location(where), what, hint))

    def append(self, problem: Problem) -> None:
        """Add a problem that is already placed."""
        self._items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems that are already placed (say, from ``pydantic_problems``)."""
        self._items.extend(problems)

    def sort(self, key: Callable[[Problem], int]) -> None:
        """Order the problems by ``key``, keeping the order of equal ones."""
        self._items.sort(key=key)

    @property
    def items(self) -> tuple[Problem, ...]:
        """The problems so far, in the order added (or sorted)."""
        return tuple(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(tuple(self._items))

    def raise_if_any(self, error: type[InputError], source: str | Path | None) -> None:
        """Raise ``error(source, problems)`` listing every problem, if there is any.

        Raises
        ------
        InputError
            Of type ``error``, when at least one problem was added.
        """
        if self._items:
            raise error(source, self._items)


class CorridorError(Exception):
    """Base class of every error that corridor raises because of its input or environment."""


class InputError(CorridorError, ValueError):
    """An input file is invalid; the message lists every problem found.

    Parameters
    ----------
    source
        The file the problems are in (or a short description when there is no file).
    problems
        The problems, at least one.
    """

    def __init__(self, source: str | Path | None, problems: Iterable[Problem]) -> None:
        self.source = str(source) if source is not None else None
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__(self._message())

    def _message(self) -> str:
        lines = [p.render(self.source) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        head = f"{self.source}: {len(lines)} problems" if self.source else f"{len(lines)} problems"
        return head + "\n" + "\n".join(f"  - {line}" for line in lines)

    @classmethod
    def single(cls, source: str | Path | None, where: str, what: str, hint: str = "") -> Self:
        """Build an error with one problem."""
        return cls(source, [Problem(where, what, hint)])


class NetworkError(InputError):
    """The network GeoJSON is invalid."""


class ScenarioError(InputError):
    """The scenario YAML is invalid or does not fit its network."""


class RoutingError(InputError):
    """No route can be found: an unknown node, or no path between two nodes."""


class OutputError(InputError):
    """Results cannot be written to, or read back from, the place given."""


class SimulationError(CorridorError, RuntimeError):
    """A run could not go on for a reason the user can act on (say, a route that never ends)."""
