"""Running a scenario: load, compile, simulate, tabulate."""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import time
from pathlib import Path

from corridor import __version__
from corridor.engine.core import Engine
from corridor.errors import ScenarioError, SimulationError
from corridor.inputs.network import Network, load_additions, load_network
from corridor.inputs.scenario import Scenario, check_seed, load_scenario
from corridor.model.compile import build_model
from corridor.model.runtime import Model
from corridor.model.size import RunSize, estimate_size
from corridor.results import Results

__all__ = [
    "MEMORY_SHARE",
    "available_memory_bytes",
    "load_model",
    "refuse_oversized",
    "run_scenario",
    "simulate",
]

# a run may take at most this share of the memory available when it starts
MEMORY_SHARE = 0.8

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
    if seed is not None:
        seed = check_seed(seed, "load_model(seed=...)")
    base = _network_of(scenario, network)
    additions = load_additions(scenario.add, base, scenario.source or scenario.name)
    return build_model(scenario, base, seed, additions)


def available_memory_bytes() -> float:
    """Memory this machine can give a new run now (``MemAvailable``; else all of it)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return math.inf


def refuse_oversized(model: Model, source: str | None = None) -> RunSize:
    """The run's expected size; refuse a run that would not fit in this machine's memory.

    Raises
    ------
    SimulationError
        When the run's peak memory would exceed :data:`MEMORY_SHARE` of the memory available,
        with the estimate and what to change.
    """
    size = estimate_size(model)
    available = available_memory_bytes()
    if size.memory_bytes > MEMORY_SHARE * available:
        raise SimulationError(
            f"{source or model.name}: this run would be too large for this machine: "
            f"{size.describe()}, with {available / 1e9:,.1f} GB of memory available "
            "(lower teu_per_day, growth_pct_per_year or horizon_days, or set outputs.stages: "
            "false to keep about half the memory; to run it anyway, pass --no-size-check, or "
            "check_size=False in Python)"
        )
    return size


def simulate(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    network: Network | None = None,
    *,
    check_size: bool = True,
    max_in_system: int | None = None,
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
    check_size
        Estimate the run's size first and refuse one that would not fit in memory.
    max_in_system
        Stop the run when more containers than this are in the system at once (default
        2,000,000: a backlog growing without end).

    Raises
    ------
    SimulationError
        When the run would not fit in memory, or its backlog grows past ``max_in_system``.
    """
    if seed is not None:
        seed = check_seed(seed, "simulate(seed=...)")
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    model = load_model(scenario, network, seed)
    if max_in_system is not None:
        model = dataclasses.replace(model, max_in_system=max_in_system)
    if check_size:
        refuse_oversized(model, scenario.source)
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
