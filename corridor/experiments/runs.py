"""One run of an experiment, as a worker executes it: a task in, a table out.

:func:`execute_run` is a plain module-level function of a picklable :class:`RunTask`, so the
same call runs in this process, in a local process pool (with the ``spawn`` start method) or
on a Dask worker on another machine. A task carries its network file's content, so a worker
needs neither the scenario files nor the network file; it loads each network once and keeps
it for the next tasks.
"""

from __future__ import annotations

import functools
import hashlib
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.engine.records import STAGE_KINDS
from corridor.errors import CorridorError
from corridor.experiments.store import NetworkFile
from corridor.inputs.network import Network, load_network
from corridor.inputs.scenario import Scenario
from corridor.results import Results
from corridor.results.store import write_atomic
from corridor.run import simulate

__all__ = ["KIND_COLUMNS", "RunFailedError", "RunOutput", "RunTask", "execute_run", "run_table"]

KIND_COLUMNS = tuple(f"{kind}_h" for kind in STAGE_KINDS)


class RunFailedError(CorridorError, RuntimeError):
    """A run stopped with an error the user can act on; the message names the run."""


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run.

    Attributes
    ----------
    label
        The scenario's label in the experiment.
    key
        The scenario's folder name in the store.
    scenario
        The validated scenario.
    network
        Its network file, with the content.
    replication
        Replication number, from 0.
    seed
        The run seed.
    """

    label: str
    key: str
    scenario: Scenario
    network: NetworkFile
    replication: int
    seed: int


@dataclass(frozen=True)
class RunOutput:
    """What a worker sends back: the run's table and how long it took.

    Attributes
    ----------
    table
        One row per container (see :data:`corridor.experiments.store.RUN_COLUMNS`).
    horizon_h, warmup_h
        The scenario's horizon and its own warm-up, hours.
    wall_s
        Seconds the run took on the worker, simulation and tabulation.
    host
        ``hostname:pid`` of the worker.
    """

    task: RunTask
    table: pd.DataFrame
    horizon_h: float
    warmup_h: float
    wall_s: float
    host: str


@functools.lru_cache(maxsize=8)
def _network(sha256: str, path: str, content: bytes) -> Network:
    """The network with this content, loaded once per worker process."""
    local = Path(path)
    try:
        same = local.is_file() and hashlib.sha256(local.read_bytes()).hexdigest() == sha256
    except OSError:
        same = False
    if not same:  # a worker on another machine: load a private copy of the content
        folder = Path(tempfile.gettempdir()) / "corridor-networks"
        folder.mkdir(parents=True, exist_ok=True)
        local = folder / f"{sha256[:16]}-{local.name}"
        if not local.is_file():
            write_atomic(local, lambda tmp: Path(tmp).write_bytes(content))
    return load_network(local)


def run_table(results: Results, label: str, replication: int) -> pd.DataFrame:
    """The stored table of a run: one row per container, with its time per stage kind.

    Parameters
    ----------
    results
        The run.
    label
        The scenario's label, repeated on every row.
    replication
        The replication number, repeated on every row.
    """
    trips = results.trips
    n = len(trips)
    table = pd.DataFrame(
        {
            "scenario": pd.Categorical([label] * n),
            "replication": np.full(n, replication, dtype=np.int32),
            "seed": np.full(n, results.seed, dtype=np.int64),
            "container": trips["container"].to_numpy(np.int64),
            "flow": trips["flow"].astype(str).astype("category"),
            "kind": trips["kind"].astype(str).astype("category"),
            "route": trips["route"].astype(str).astype("category"),
            "teu": trips["teu"].to_numpy(np.int8),
            "created_h": trips["created_h"].to_numpy(np.float64),
            "delivered_h": trips["delivered_h"].to_numpy(np.float64),
            "cost_usd": trips["cost_usd"].to_numpy(np.float64),
            "co2e_kg": trips["co2e_kg"].to_numpy(np.float64),
        }
    )
    stages = results.stages
    if len(stages) or results.trips.empty:
        codes = stages["kind"].cat.codes.to_numpy(np.int64)
        hours = np.nan_to_num(stages["duration_h"].to_numpy(np.float64))
        where = stages["container"].to_numpy(np.int64) * len(STAGE_KINDS) + codes
        sums = np.bincount(where, weights=hours, minlength=n * len(STAGE_KINDS))
        by_kind = sums.reshape(n, len(STAGE_KINDS))
        for i, column in enumerate(KIND_COLUMNS):  # for shares only: 32 bits are plenty
            table[column] = by_kind[:, i].astype(np.float32)
    else:
        for column in KIND_COLUMNS:
            table[column] = np.full(n, np.nan, dtype=np.float32)
    return table


def execute_run(task: RunTask) -> RunOutput:
    """Run one replication of one scenario and tabulate it.

    Raises
    ------
    RunFailedError
        If the run stops with a corridor error; the message names the scenario, the
        replication and the seed, so the run can be repeated alone.
    """
    wall = time.perf_counter()
    network = _network(task.network.sha256, task.network.path, task.network.content)
    try:
        results = simulate(task.scenario, seed=task.seed, network=network)
    except CorridorError as exc:
        raise RunFailedError(
            f"{task.label}, replication {task.replication} (seed {task.seed}): {exc}"
        ) from None
    table = run_table(results, task.label, task.replication)
    return RunOutput(
        task=task,
        table=table,
        horizon_h=results.horizon_h,
        warmup_h=results.warmup_h,
        wall_s=time.perf_counter() - wall,
        host=f"{socket.gethostname()}:{os.getpid()}",
    )
