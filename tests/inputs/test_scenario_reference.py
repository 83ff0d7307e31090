"""docs/scenario-reference.md: its examples, field names and snippets match the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_type_hints

import yaml
from pydantic import TypeAdapter

from corridor.inputs.changes import FleetChange, LegChange, NodeChange, ProcessChange, ServiceChange
from corridor.inputs.distributions import DIST_NAMES, DIST_PARAMS, Dist
from corridor.inputs.flows import FlowSpec
from corridor.inputs.properties import LegProperties, NodeProperties
from corridor.inputs.scenario import OutputSpec, Scenario
from corridor.inputs.specs import (
    ACTIVITIES,
    MODES,
    NODE_KINDS,
    SERVICE_MODELS,
    SERVICE_TYPES,
    WEEKDAYS,
    FleetSpec,
    ProcessSpec,
)
from corridor.inputs.windows import CapacityChange, Closure, Season, StormSpec
from tests.inputs.scenario_files import EXAMPLES, MINIMAL

REFERENCE = Path(__file__).parent.parent.parent / "docs" / "scenario-reference.md"


def _fenced_blocks(text: str) -> list[tuple[str, str, str]]:
    """(marker comment before the block or "", language, body) of every fenced block."""
    blocks = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```") and line.strip() != "```":
            lang = line.strip()[3:]
            marker = lines[i - 1].strip() if i > 0 and lines[i - 1].startswith("<!--") else ""
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            blocks.append((marker, lang, "".join(lines[i + 1 : j])))
            i = j
        i += 1
    return blocks


def test_reference_shows_the_example_files_as_they_are() -> None:
    shown = {
        marker.removeprefix("<!-- file: ").removesuffix(" -->"): body
        for marker, _, body in _fenced_blocks(REFERENCE.read_text(encoding="utf-8"))
        if marker.startswith("<!-- file:")
    }
    root = REFERENCE.parent.parent
    assert sorted(shown) == sorted(f"docs/examples/{p.name}" for p in EXAMPLES.iterdir())
    for name, body in shown.items():
        assert body == (root / name).read_text(encoding="utf-8"), name


def _documented_names() -> set[str]:
    models = (
        Scenario, FlowSpec, NodeChange, ProcessChange, LegChange, Closure, StormSpec, Season,
        CapacityChange, OutputSpec, ProcessSpec, FleetSpec, *SERVICE_MODELS.values(),
        NodeProperties, LegProperties,
    )  # fmt: skip
    names = {f.alias or n for m in models for n, f in m.model_fields.items()}
    names |= set(get_type_hints(ServiceChange)) | set(get_type_hints(FleetChange))
    names |= {p for params in DIST_PARAMS.values() for p in params}
    return (names - {"network_path"}) | {"extends"}


def test_reference_names_every_field() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = sorted(n for n in _documented_names() if f"`{n}`" not in text)
    assert missing == []


def test_reference_names_every_distribution_activity_and_node_kind() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    names = (*DIST_NAMES, *ACTIVITIES, *NODE_KINDS, *MODES, *SERVICE_TYPES, WEEKDAYS[0])
    assert [n for n in names if f"`{n}`" not in text] == []


def _scenario_around(block: dict[str, Any]) -> dict[str, Any]:
    """A minimal scenario holding the documented fragment ``block``."""
    data: dict[str, Any] = yaml.safe_load(MINIMAL)
    data.update({k: v for k, v in block.items() if k != "extends"})
    for flow in data["flows"]:
        for route in flow["routes"]:
            data["routes"].setdefault(route, ["x"])
    return data


def test_reference_yaml_snippets_are_valid_scenario_parts() -> None:
    fields = set(Scenario.model_fields) | {"extends"}
    checked = 0
    for marker, lang, body in _fenced_blocks(REFERENCE.read_text(encoding="utf-8")):
        if lang != "yaml" or marker:
            continue
        block = yaml.safe_load(body)
        if isinstance(block, dict) and block and set(block) <= fields:
            Scenario.model_validate(_scenario_around(block))
            checked += 1
    assert checked >= 12


def test_reference_distribution_examples_are_valid() -> None:
    adapter = TypeAdapter(Dist)
    (body,) = [b for _, lang, b in _fenced_blocks(REFERENCE.read_text(encoding="utf-8"))
               if lang == "yaml" and b.startswith("time_h: 4")]  # fmt: skip
    lines = [line.split("#")[0].strip() for line in body.splitlines() if line.strip()]
    for line in lines:
        adapter.validate_python(yaml.safe_load(line)["time_h"])
    assert len(lines) == 9
