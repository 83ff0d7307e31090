"""Scenario files for the tests: a minimal scenario, and writing and loading variants of it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from corridor.errors import ScenarioError
from corridor.inputs.scenario import load_scenario

__all__ = [
    "DATA",
    "EXAMPLES",
    "MINIMAL",
    "error_text",
    "extra_error",
    "with_minimal",
    "write",
]

DATA = Path(__file__).parent.parent / "data" / "scenarios"
EXAMPLES = Path(__file__).parent.parent.parent / "docs" / "examples"

MINIMAL = """\
name: s
network: net.geojson
start_date: 2025-01-01
horizon_days: 100
flows:
  - {id: f1, origin: A, destination: C, teu_per_day: 10, routes: [r1]}
routes:
  r1: [ab, bc]
"""


def write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_minimal(folder: Path, extra: str) -> Path:
    """MINIMAL in base.yaml, and ``extra`` over it in s.yaml (so keys can be replaced)."""
    write(folder, MINIMAL, "base.yaml")
    return write(folder, "extends: base.yaml\n" + textwrap.dedent(extra))


def error_text(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def extra_error(folder: Path, extra: str) -> str:
    """The message for MINIMAL with ``extra`` over it; the path prefix cut to the file name."""
    return error_text(with_minimal(folder, extra)).replace(str(folder) + "/", "")
