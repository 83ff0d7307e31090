"""corridor: discrete-event simulation of freight routes on the INSTC.

The public surface::

    network = corridor.load_network("seeds/instc.geojson")
    scenario = corridor.load_scenario("scenarios/instc-baseline.yaml")
    results = corridor.simulate(scenario, seed=1)
    results.summary()          # per flow and route: P50, P90, P95 transit days, ...
    results.trips, results.stages, results.departures, results.resources, results.closures

    experiment = corridor.run_experiment("experiments/border-lanes.yaml")   # replications
    corridor.load_experiment("results/border-lanes")                        # read a store back
    corridor.run_sensitivity("experiments/sensitivity-baseline.yaml")       # Morris, Sobol
    corridor.load_sensitivity("results/sensitivity-baseline")               # read it back

    from corridor import kpis, plots, maps, report, export                  # tables -> figures

Names are imported on first use (PEP 562), so ``import corridor.engine`` in a worker process
does not pull in the input side (pydantic, YAML, geopandas) or the views (matplotlib).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridor import kpis
    from corridor.errors import (
        CorridorError,
        InputError,
        NetworkError,
        OutputError,
        ScenarioError,
        SimulationError,
    )
    from corridor.experiments import (
        ExperimentResults,
        SensitivityResults,
        load_experiment,
        load_sensitivity,
        run_experiment,
        run_sensitivity,
    )
    from corridor.inputs.network import Leg, Network, Node, load_network
    from corridor.inputs.scenario import Scenario, load_scenario
    from corridor.results import Results
    from corridor.run import load_model, run_scenario, simulate
    from corridor.views import export, maps, plots, report

__version__ = "0.1.0"

# public name -> the module that defines it (or, for a module, its full name)
_WHERE = {
    "CorridorError": "corridor.errors",
    "InputError": "corridor.errors",
    "NetworkError": "corridor.errors",
    "OutputError": "corridor.errors",
    "ScenarioError": "corridor.errors",
    "SimulationError": "corridor.errors",
    "ExperimentResults": "corridor.experiments",
    "load_experiment": "corridor.experiments",
    "run_experiment": "corridor.experiments",
    "SensitivityResults": "corridor.experiments",
    "run_sensitivity": "corridor.experiments",
    "load_sensitivity": "corridor.experiments",
    "Leg": "corridor.inputs.network",
    "Network": "corridor.inputs.network",
    "Node": "corridor.inputs.network",
    "load_network": "corridor.inputs.network",
    "Scenario": "corridor.inputs.scenario",
    "load_scenario": "corridor.inputs.scenario",
    "Results": "corridor.results",
    "load_model": "corridor.run",
    "run_scenario": "corridor.run",
    "simulate": "corridor.run",
}
_MODULES = {
    "kpis": "corridor.kpis",
    "plots": "corridor.views.plots",
    "maps": "corridor.views.maps",
    "report": "corridor.views.report",
    "export": "corridor.views.export",
}

__all__ = [
    "CorridorError",
    "ExperimentResults",
    "InputError",
    "Leg",
    "Network",
    "NetworkError",
    "Node",
    "OutputError",
    "Results",
    "Scenario",
    "ScenarioError",
    "SensitivityResults",
    "SimulationError",
    "export",
    "kpis",
    "load_experiment",
    "load_model",
    "load_network",
    "load_scenario",
    "load_sensitivity",
    "maps",
    "plots",
    "report",
    "run_experiment",
    "run_scenario",
    "run_sensitivity",
    "simulate",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it."""
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"module 'corridor' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
