"""Every command's help: the files its examples name exist, and it ends with a newline."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from corridor.cli.main import build_parser
from corridor.errors import InputError
from corridor.experiments import load_experiment_spec, load_sensitivity_spec
from corridor.inputs.yamlio import read_yaml
from tests.paths import REPO

# a path to an input file: folders and a name with one of corridor's input extensions; files
# an example writes (after "-o", ">" or "$schema=") are outputs and need not exist
_PATH = re.compile(r"(?<![\w/.$=>-])((?:[\w.-]+/)*[\w.-]+\.(?:ya?ml|geojson|json|md))\b")
_OUTPUT = re.compile(r"(?:-o|--output|--out|>|\$schema=)\s*$")


def _helps() -> dict[str, str]:
    parser = build_parser()
    helps = {"corridor": parser.format_help()}
    for action in parser._actions:  # argparse keeps the commands only here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                helps[name] = sub.format_help()
    return helps


HELPS = _helps()


def _named_inputs(text: str) -> list[str]:
    return [m.group(1) for m in _PATH.finditer(text) if not _OUTPUT.search(text[: m.start()])]


def test_every_command_has_help_with_examples() -> None:
    assert set(HELPS) >= {
        "corridor", "run", "validate", "routes", "schema", "batch", "compare", "saturation",
        "report", "export",
    }  # fmt: skip
    for name, text in HELPS.items():
        assert "example" in text or name == "corridor", name


@pytest.mark.parametrize("command", sorted(HELPS))
def test_every_file_a_help_names_exists(command: str) -> None:
    named = _named_inputs(HELPS[command])
    missing = [p for p in named if not (REPO / p).is_file()]
    assert missing == [], f"corridor {command} --help names files that do not exist"


def test_the_path_finder_sees_inputs_and_skips_outputs() -> None:
    text = "corridor batch experiments/a.yaml b.yml -n 3\n  corridor schema > s.schema.json\n"
    assert _named_inputs(text) == ["experiments/a.yaml", "b.yml"]


def test_helps_name_the_shipped_example_files() -> None:
    named = {p for text in HELPS.values() for p in _named_inputs(text)}
    assert "experiments/border-lanes.yaml" in named
    assert "scenarios/instc-baseline.yaml" in named


@pytest.mark.parametrize("command", sorted(HELPS))
def test_help_ends_with_a_newline(command: str) -> None:
    assert HELPS[command].endswith("\n")
    assert not HELPS[command].endswith("\n\n\n")


@pytest.mark.parametrize("path", sorted((REPO / "experiments").glob("*.yaml")), ids=str)
def test_shipped_experiment_files_load(path: Path) -> None:
    if "factors" in read_yaml(path, InputError).data:  # a sensitivity file
        assert load_sensitivity_spec(path).factors
    else:
        assert load_experiment_spec(str(path)).cases
