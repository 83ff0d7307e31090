"""The JSON Schema of scenario files: valid, satisfied by valid files, rejecting invalid ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from corridor.inputs.scenario import Scenario, load_scenario, scenario_json_schema
from tests.inputs.scenario_files import DATA, EXAMPLES


def _json_ready(value: Any) -> Any:
    """YAML data as JSON would hold it (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _yaml_as_json(path: Path) -> Any:
    return _json_ready(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads(json.dumps(schema)) == schema


@pytest.mark.parametrize(
    "path",
    [
        DATA / "base.yaml",
        DATA / "full.yaml",
        DATA / "variant.yaml",
        DATA / "variant-of-variant.yaml",
        EXAMPLES / "mini-scenario.yaml",
        EXAMPLES / "mini-faster-border.yaml",
    ],
    ids=lambda p: p.name,
)
def test_valid_scenarios_satisfy_the_json_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    errors = [e.message for e in validator.iter_errors(_yaml_as_json(path))]
    assert errors == []


def test_json_schema_rejects_an_unknown_key(validator: jsonschema.Draft202012Validator) -> None:
    data = _yaml_as_json(DATA / "base.yaml")
    data["horizon_dys"] = 3
    assert not validator.is_valid(data)


def test_json_schema_requires_the_fields_of_a_file_without_extends(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = _yaml_as_json(DATA / "base.yaml")
    del data["network"]
    assert not validator.is_valid(data)


def test_json_schema_rejects_a_misspelt_distribution(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = _yaml_as_json(DATA / "full.yaml")
    data["legs"]["SEA_S_N"]["delay_h"] = {"dist": "lognorm", "mean": 4, "cv": 1}
    assert not validator.is_valid(data)


def test_json_schema_does_not_list_fields_the_loader_sets() -> None:
    properties = scenario_json_schema()["properties"]
    assert "source" not in properties
    assert "network_path" not in properties
    assert "extends" in properties


def test_scenario_model_is_what_the_loader_returns() -> None:
    assert isinstance(load_scenario(DATA / "base.yaml"), Scenario)
