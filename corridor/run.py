"""Running a scenario: load, compile, simulate, tabulate."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from corridor import __version__
from corridor.engine.core import Engine
from corridor.errors import ScenarioError
from corridor.inputs.network import Network, load_network
from corridor.inputs.scenario import Scenario, load_scenario
from corridor.model.compile import build_model
from corridor.model.runtime import Model
from corridor.results import Results

__all__ = ["load_model", "run_scenario", "simulate"]

log = logging.getLogger(__name__)


def _network_of(scenario: Scenario, network: Network | None) -> Network:
    if network is not None:
        return network
    if scenario.network_path is None:
        raise ScenarioError.single(
            scenario.source or scenario.name,
            "network",
            "the scenario was not read from a file, so its network path cannot be resolved",
            "pass network=load_network(path) to simulate()",
        )
    return load_network(scenario.network_path)


def load_model(
    scenario: Scenario, network: Network | None = None, seed: int | None = None
) -> Model:
    """Check the scenario against its network and build the runnable model."""
    return build_model(scenario, _network_of(scenario, network), seed)


def simulate(
    scenario: Scenario | str | Path, seed: int | None = None, network: Network | None = None
) -> Results:
    """Run one replication of ``scenario`` and return its tables.

    Parameters
    ----------
    scenario
        A loaded :class:`~corridor.inputs.scenario.Scenario`, or the path of a scenario file.
    seed
        Overrides the scenario's seed; every random stream derives from it.
    network
        The network to use instead of the file the scenario names.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    model = load_model(scenario, network, seed)
    wall = time.perf_counter()
    rec = Engine(model).run()
    sim_s = time.perf_counter() - wall
    meta = {
        "wall_s": round(sim_s, 3),
        "scenario_file": str(Path(scenario.source).resolve()) if scenario.source else None,
        "network_file": network.source if network is not None else scenario.network_path,
        "corridor_version": __version__,
    }
    results = Results.from_records(model, rec, meta=meta)
    log.info(
        "ran %r (seed %d, %.0f days): %d containers, %d delivered, %.2f s",
        scenario.name,
        model.seed,
        scenario.horizon_days,
        len(results.trips),
        int(results.trips["delivered_h"].notna().sum()),
        sim_s,
    )
    return results


def run_scenario(path: str | Path, seed: int | None = None) -> Results:
    """Load the scenario file at ``path`` and run it."""
    return simulate(load_scenario(path), seed=seed)
