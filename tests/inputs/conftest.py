"""Fixtures of the input tests: a folder for scenario files, and the mini network."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.inputs.network import Network, load_network
from tests.inputs.features import MINI


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A temporary folder with an (empty) network file, which is all load_scenario checks."""
    (tmp_path / "net.geojson").write_text("{}", encoding="utf-8")
    return tmp_path


@pytest.fixture
def mini(data_dir: Path) -> Network:
    """tests/data/mini-network.geojson, loaded."""
    return load_network(data_dir / MINI)
