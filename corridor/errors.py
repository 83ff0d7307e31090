"""Errors that a user of corridor reads.

Every error caused by user input is a :class:`CorridorError`. Its message names the file, the
place in the file, what is wrong and, where we can tell, how to fix it::

    scenarios/baseline.yaml: flows[0].teu_per_day: -3 must be > 0 (demand is TEU per day)

Subclasses also inherit ``ValueError`` or ``RuntimeError`` so that generic handlers keep
working. A loader collects every problem of a file and raises one error listing them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

__all__ = [
    "CorridorError",
    "InputError",
    "NetworkError",
    "OutputError",
    "Problem",
    "ScenarioError",
    "SimulationError",
    "format_location",
]


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


class OutputError(InputError):
    """Results cannot be written to, or read back from, the place given."""


class SimulationError(CorridorError, RuntimeError):
    """A run could not go on for a reason the user can act on (say, a route that never ends)."""
