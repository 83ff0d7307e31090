"""corridor: discrete-event simulation of freight routes on the INSTC.

The public surface::

    network = corridor.load_network("seeds/instc.geojson")
    scenario = corridor.load_scenario("scenarios/instc-baseline.yaml")
    results = corridor.simulate(scenario, seed=1)
    results.summary()          # per flow and route: P50, P90, P95 transit days, ...
    results.trips, results.stages, results.departures, results.resources, results.closures
"""

from corridor.errors import CorridorError, InputError, NetworkError, ScenarioError, SimulationError
from corridor.network import Leg, Network, Node, load_network
from corridor.results import Results
from corridor.run import load_model, run_scenario, simulate
from corridor.scenario import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = [
    "CorridorError",
    "InputError",
    "Leg",
    "Network",
    "NetworkError",
    "Node",
    "Results",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "load_model",
    "load_network",
    "load_scenario",
    "run_scenario",
    "simulate",
]
