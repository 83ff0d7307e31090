"""Columnar buffers the engine appends to; turned into tables once, at the end of a run.

Each column is an ``array.array`` of machine numbers (8 bytes a float, 4 an int), so a year of
a busy corridor keeps its millions of stage rows in a few hundred megabytes at most, and the
tables are built without copying element by element.
"""

from __future__ import annotations

from array import array

import numpy as np

__all__ = ["STAGE_KINDS", "Recorder", "as_numpy"]

# stage kinds, in the order of their codes
STAGE_KINDS = ("queue", "service", "dwell", "wait", "travel", "closure")
QUEUE, SERVICE, DWELL, WAIT, TRAVEL, CLOSURE = range(6)


def as_numpy(buf: array, dtype: type) -> np.ndarray:  # type: ignore[type-arg]
    """A numpy copy of a buffer."""
    return np.frombuffer(buf, dtype=dtype).copy() if len(buf) else np.empty(0, dtype=dtype)


class Recorder:
    """All records of one run."""

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

    def release_stages(self) -> None:
        """Free the stage buffers (once they have been turned into a table)."""
        for name in ("s_cid", "s_place", "s_kind", "s_start", "s_end"):
            setattr(self, name, array(getattr(self, name).typecode))

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

    def stage(self, cid: int, place: int, kind: int, start: float, end: float) -> None:
        if self.keep_stages:
            self.s_cid.append(cid)
            self.s_place.append(place)
            self.s_kind.append(kind)
            self.s_start.append(start)
            self.s_end.append(end)

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

    def job(
        self, place: int, arr: float, start: float, end: float, n: int, teu: float, servers: int
    ) -> None:
        if self.keep_jobs:
            self.j_place.append(place)
            self.j_arr.append(arr)
            self.j_start.append(start)
            self.j_end.append(end)
            self.j_n.append(n)
            self.j_teu.append(teu)
            self.j_servers.append(servers)
