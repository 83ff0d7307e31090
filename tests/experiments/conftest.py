"""Fixtures of the experiment tests: the chain scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.experiments import ExperimentSpec, experiment_from_scenarios

DATA = Path(__file__).resolve().parent.parent / "data" / "experiments"
MM1 = DATA / "chain-mm1.yaml"
MM1_FASTER = DATA / "chain-mm1-faster.yaml"
FIXED = DATA / "chain-fixed.yaml"
FIXED_DWELL = DATA / "chain-fixed-dwell.yaml"
LANES = DATA / "lanes.yaml"
PAIR = DATA / "pair.yaml"


@pytest.fixture
def pair_spec(tmp_path: Path) -> ExperimentSpec:
    """chain-mm1 and chain-mm1-faster, 3 replications each, stored in a temporary folder."""
    return experiment_from_scenarios([MM1, MM1_FASTER], replications=3, seed=5, out=tmp_path / "o")
