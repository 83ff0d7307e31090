"""Problems of a scenario found when it meets its network, located in the scenario's file."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from corridor.errors import Problem, ScenarioError, format_location
from corridor.inputs.scenario import Scenario
from corridor.inputs.yamlio import pydantic_problems

__all__ = ["ScenarioProblems", "did_you_mean"]


def did_you_mean(name: str, choices: Mapping[str, Any] | Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


class ScenarioProblems:
    """Collects problems with their place (and line) in the scenario file."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.items: list[Problem] = []

    def add(self, loc: tuple[Any, ...], what: str, hint: str = "") -> None:
        self.items.append(self.scenario.problem(loc, what, hint))

    def extend_pydantic(self, loc: tuple[Any, ...], exc: ValidationError) -> None:
        for p in pydantic_problems(exc):
            inner = f".{p.where}" if p.where else ""
            self.items.append(Problem(format_location(list(loc)) + inner, p.what, p.hint))

    def raise_if_any(self) -> None:
        """Raise one :class:`ScenarioError` listing every problem collected."""
        if self.items:
            raise ScenarioError(self.scenario.source or self.scenario.name, self.items)
