"""Experiments: many runs of many scenarios, with seeds, a result store, and statistics.

The public surface::

    results = corridor.run_experiment("experiments/border-lanes.yaml")
    results.statistics          # per scenario x route: mean, P50, P90, P95, throughput with CIs
    results.compare("baseline", "faster-border")   # paired differences with CIs and verdicts
    results = corridor.load_experiment("results/border-lanes")   # read a store back
    sens = corridor.run_sensitivity("experiments/sensitivity-baseline.yaml")   # Morris, Sobol
    sens.indices, sens.headlines()  # which inputs drive each route; the range of a difference
    sens = corridor.load_sensitivity("results/sensitivity-baseline")   # read one back

See ``docs/experiments.md``.
"""

from corridor.experiments.advisor import advise_replications, replications_needed
from corridor.experiments.analysis import Interval, compare_runs, t_interval, verdict
from corridor.experiments.executors import DaskExecutor, Executor, LocalProcesses, Serial
from corridor.experiments.results import ExperimentResults, load_experiment
from corridor.experiments.runner import ExperimentInterrupted, RunEvent, run_experiment
from corridor.experiments.runs import RunFailedError
from corridor.experiments.saturation import SaturationResult, find_saturation
from corridor.experiments.seeds import replication_seed, replication_seeds
from corridor.experiments.sensitivity import SensitivityResults, run_sensitivity
from corridor.experiments.sensitivity_analysis import load_sensitivity
from corridor.experiments.sensitivity_spec import (
    SensitivityError,
    SensitivitySpec,
    load_sensitivity_spec,
)
from corridor.experiments.spec import (
    ExperimentError,
    ExperimentSpec,
    experiment_from_scenarios,
    load_experiment_spec,
)
from corridor.experiments.store import StoreBusyError
from corridor.experiments.warmup import mser

__all__ = [
    "DaskExecutor",
    "Executor",
    "ExperimentError",
    "ExperimentInterrupted",
    "ExperimentResults",
    "ExperimentSpec",
    "Interval",
    "LocalProcesses",
    "RunEvent",
    "RunFailedError",
    "SaturationResult",
    "SensitivityError",
    "SensitivityResults",
    "SensitivitySpec",
    "Serial",
    "StoreBusyError",
    "advise_replications",
    "compare_runs",
    "experiment_from_scenarios",
    "find_saturation",
    "load_experiment",
    "load_experiment_spec",
    "load_sensitivity",
    "load_sensitivity_spec",
    "mser",
    "replication_seed",
    "replication_seeds",
    "replications_needed",
    "run_experiment",
    "run_sensitivity",
    "t_interval",
    "verdict",
]
