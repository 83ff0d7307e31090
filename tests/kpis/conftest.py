"""The runs the KPI tests share: small, deterministic where a hand answer is checked."""

from __future__ import annotations

import pytest

from corridor.results import Results
from tests.small_runs import branching_run, two_leg_run


@pytest.fixture(scope="session")
def run() -> Results:
    """The deterministic two-leg run (see :func:`tests.small_runs.two_leg_network`)."""
    return two_leg_run()


@pytest.fixture(scope="session")
def busy() -> Results:
    """The branching run: two flows, queues, block trains, a fleet and storms."""
    return branching_run()
