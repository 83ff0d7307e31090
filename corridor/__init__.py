"""corridor: discrete-event simulation of freight routes on the INSTC.

The public surface::

    network = corridor.load_network("seeds/instc.geojson")
    scenario = corridor.load_scenario("scenarios/instc-baseline.yaml")
    results = corridor.simulate(scenario, seed=1)
    results.summary()          # per flow and route: P50, P90, P95 transit days, ...
    results.trips, results.stages, results.departures, results.resources, results.closures

    experiment = corridor.run_experiment("experiments/border-lanes.yaml")   # replications
    corridor.load_experiment("results/border-lanes")                        # read a store back
"""

from corridor.errors import (
    CorridorError,
    InputError,
    NetworkError,
    OutputError,
    ScenarioError,
    SimulationError,
)
from corridor.experiments import ExperimentResults, load_experiment, run_experiment
from corridor.network import Leg, Network, Node, load_network
from corridor.results import Results
from corridor.run import load_model, run_scenario, simulate
from corridor.scenario import Scenario, load_scenario

__version__ = "0.1.0"

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
    "SimulationError",
    "load_experiment",
    "load_model",
    "load_network",
    "load_scenario",
    "run_experiment",
    "run_scenario",
    "simulate",
]
