"""Columnar buffers the engine appends to; turned into tables once, at the end of a run.

Each column is an ``array.array`` of machine numbers (8 bytes a float, 4 an int), so a year of
a busy corridor keeps its millions of stage rows in a few hundred megabytes at most, and the
tables are built without copying element by element.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

import numpy as np

__all__ = ["STAGE_KINDS", "Recorder", "as_numpy"]

# stage kinds, in the order of their codes
STAGE_KINDS = ("queue", "service", "dwell", "wait", "travel", "closure")
QUEUE, SERVICE, DWELL, WAIT, TRAVEL, CLOSURE = range(6)


def as_numpy(buf: array, dtype: type) -> np.ndarray:  # type: ignore[type-arg]
    """A numpy copy of a buffer."""
    return np.frombuffer(buf, dtype=dtype).copy() if len(buf) else np.empty(0, dtype=dtype)


class Recorder:
    """All records of one run.

    The engine records through :attr:`stage`, :attr:`job` and :meth:`departure`. ``stage`` and
    ``job`` are plain functions bound at construction to the buffers' ``append`` methods (the
    engine calls them about 20 times per container, so each call is kept to a function call and
    its appends); when a kind of record is switched off they do nothing.
    """

    def __init__(self, stages: bool = True, resources: bool = True) -> None:
        # containers
        self.c_flow = array("i")
        self.c_route = array("i")
        self.c_teu = array("b")
        self.c_created = array("d")
        self.c_delivered = array("d")
        self.c_node_cost = array("d")
        # stages
        self.keep_stages = stages
        self.s_cid = array("i")
        self.s_place = array("i")
        self.s_kind = array("b")
        self.s_start = array("d")
        self.s_end = array("d")
        # departures
        self.d_leg = array("i")
        self.d_vehicle = array("i")
        self.d_return = array("b")
        self.d_dep = array("d")
        self.d_arr = array("d")
        self.d_load = array("d")
        self.d_n = array("i")
        self.d_cap = array("d")
        # jobs at capacity-limited processes
        self.keep_jobs = resources
        self.j_place = array("i")
        self.j_arr = array("d")
        self.j_start = array("d")
        self.j_end = array("d")
        self.j_n = array("i")
        self.j_teu = array("d")
        self.j_servers = array("i")
        self.stage: Callable[[int, int, int, float, float], None] = self._stage_recorder()
        self.job: Callable[[int, float, float, float, int, float, int], None] = self._job_recorder()

    def _stage_recorder(self) -> Callable[[int, int, int, float, float], None]:
        """``stage(cid, place, kind, start, end)``: one row of the stage table."""
        if not self.keep_stages:
            return _ignore
        cid, place, kind = self.s_cid.append, self.s_place.append, self.s_kind.append
        start, end = self.s_start.append, self.s_end.append

        def stage(c: int, p: int, k: int, a: float, b: float) -> None:
            cid(c)
            place(p)
            kind(k)
            start(a)
            end(b)

        return stage

    def _job_recorder(self) -> Callable[[int, float, float, float, int, float, int], None]:
        """``job(place, arr, start, end, n, teu, servers)``: one job at a process."""
        if not self.keep_jobs:
            return _ignore
        place, arr, start = self.j_place.append, self.j_arr.append, self.j_start.append
        end, n, teu, servers = (
            self.j_end.append,
            self.j_n.append,
            self.j_teu.append,
            self.j_servers.append,
        )

        def job(p: int, a: float, s: float, e: float, k: int, t: float, c: int) -> None:
            place(p)
            arr(a)
            start(s)
            end(e)
            n(k)
            teu(t)
            servers(c)

        return job

    def release(self, *prefixes: str) -> None:
        """Free the buffers whose names start with ``prefixes`` (once turned into a table).

        The buffers are replaced by empty ones, so recording could go on; ``stage`` and ``job``
        are bound again to the new buffers.
        """
        for name, value in list(vars(self).items()):
            if isinstance(value, array) and name.startswith(prefixes):
                setattr(self, name, array(value.typecode))
        self.stage = self._stage_recorder()
        self.job = self._job_recorder()

    def container(self, flow: int, route: int, teu: int, created: float) -> int:
        """Register a new container and return its id."""
        cid = len(self.c_flow)
        self.c_flow.append(flow)
        self.c_route.append(route)
        self.c_teu.append(teu)
        self.c_created.append(created)
        self.c_delivered.append(float("nan"))
        self.c_node_cost.append(0.0)
        return cid

    def departure(
        self,
        leg: int,
        vehicle: int,
        is_return: bool,
        dep: float,
        arr: float,
        load_teu: float,
        n: int,
        capacity_teu: float,
    ) -> None:
        self.d_leg.append(leg)
        self.d_vehicle.append(vehicle)
        self.d_return.append(1 if is_return else 0)
        self.d_dep.append(dep)
        self.d_arr.append(arr)
        self.d_load.append(load_teu)
        self.d_n.append(n)
        self.d_cap.append(capacity_teu)


def _ignore(*_args: object) -> None:
    """A record that is switched off."""
