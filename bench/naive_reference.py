"""A naive per-container SimPy model of a linear corridor chain: the engine's reference.

This is how a corridor model is usually first written, and what ``corridor``'s engine is
measured against in ``bench/bench_engine.py``:

* every container is its own SimPy process that walks through every stage of the chain;
* a capacity-limited node process is a ``simpy.Resource``; a pure delay is ``env.timeout``;
* a *per-vehicle* process is one job for all the containers that arrived on one vehicle: the
  last of them to reach it starts the job, and each container waits on the job's event;
* a *scheduled* leg is a departure process that wakes on its timetable and releases the waiting
  containers' events, first in, first out, while they fit; a *when-full* leg is a departure
  process that leaves when the waiting load reaches the capacity, or ``max_wait_h`` after the
  first container (or after the previous departure, for those left behind), whichever is first;
* a *continuous* leg is a timeout per container;
* every stage of every container is appended to Python lists, turned into a DataFrame once at
  the end.

It reads the same plain-data chain description the benchmark turns into a corridor network
(see :func:`bench_engine.chain_spec`), with its own interpretation of the distributions and its
own random streams, so it is an independent reference: the two models agree in distribution,
not draw for draw. It does not depend on ``corridor``. Random draws are fetched from numpy in
blocks (as corridor does), so the comparison measures the model structure, not the cost of
one numpy call per draw.

Not modelled (the benchmark chain does not use them): fleets, closures, seasons, capacity
changes, process probabilities, ``at`` masks, weekday timetables.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import pandas as pd
import simpy

__all__ = ["STAGE_KINDS", "NaiveResults", "simulate_naive"]

STAGE_KINDS = ("queue", "service", "dwell", "wait", "travel")
_QUEUE, _SERVICE, _DWELL, _WAIT, _TRAVEL = range(5)
_BLOCK = 1024


def _block_sampler(spec: Any) -> Callable[[np.random.Generator, int], np.ndarray]:
    """A function ``(rng, n) -> n draws`` for a distribution written as in corridor's files."""
    if isinstance(spec, (int, float)):
        value = float(spec)
        return lambda _rng, n: np.full(n, value)
    kind = spec["dist"]
    if kind == "fixed":
        value = float(spec["value"])
        return lambda _rng, n: np.full(n, value)
    if kind == "uniform":
        low, high = float(spec["low"]), float(spec["high"])
        return lambda rng, n: rng.uniform(low, high, n)
    if kind == "exponential":
        mean = float(spec["mean"])
        return lambda rng, n: rng.exponential(mean, n)
    if kind == "lognormal":
        # by mean and coefficient of variation: sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2/2
        sigma2 = math.log1p(float(spec["cv"]) ** 2)
        mu = math.log(float(spec["mean"])) - sigma2 / 2
        sigma = math.sqrt(sigma2)
        return lambda rng, n: rng.lognormal(mu, sigma, n)
    raise ValueError(
        f"naive reference: distribution {kind!r} is not supported "
        "(use fixed, uniform, exponential or lognormal)"
    )


class _Draws:
    """Draws of one distribution on one random stream, fetched in blocks."""

    __slots__ = ("_buf", "_i", "_rng", "_sample")

    def __init__(self, spec: Any, rng: np.random.Generator) -> None:
        self._sample = _block_sampler(spec)
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def next(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._sample(self._rng, _BLOCK).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value


class _Group:
    """The containers that left on one vehicle, for per-vehicle jobs at the next node."""

    __slots__ = ("arrived", "done", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.arrived: dict[int, int] = {}
        self.done: dict[int, simpy.Event] = {}


class _Stage:
    """One step of the chain: a node process or a leg."""

    def __init__(self, index: int, place: str, kind: str) -> None:
        self.index = index
        self.place = place
        self.kind = kind  # delay, server, vehicle_server, continuous, scheduled, when_full
        self.rec_kind = _SERVICE
        self.draws: _Draws | None = None
        self.resource: simpy.Resource | None = None
        # legs
        self.length_km = 0.0
        self.speed_kmh = 0.0
        self.delay: _Draws | None = None
        self.capacity_teu = math.inf
        self.headway_h = 0.0
        self.offset_h = 0.0
        self.max_wait_h = 0.0
        self.waiting: deque[tuple[float, int, int, simpy.Event]] = deque()
        self.waiting_teu = 0
        self.wake: simpy.Event | None = None


class NaiveResults:
    """Tables of a naive run: ``trips`` (one row per container), ``stages``, ``departures``."""

    def __init__(
        self,
        trips: pd.DataFrame,
        stages: pd.DataFrame,
        departures: pd.DataFrame,
        wall_s: float,
        horizon_h: float,
    ) -> None:
        self.trips = trips
        self.stages = stages
        self.departures = departures
        self.meta = {"wall_s": wall_s}
        self.horizon_h = horizon_h


class _NaiveModel:
    def __init__(
        self,
        chain: dict[str, Any],
        teu_per_day: float,
        share_40ft: float,
        days: float,
        seed: int,
    ) -> None:
        self.env = simpy.Environment()
        self.horizon = days * 24.0
        self.teu_per_day = teu_per_day
        self.share_40ft = share_40ft
        self._seed = seed
        self._streams = 0
        self.places: list[str] = []
        # records: Python lists, one entry per stage of each container
        self.s_cid: list[int] = []
        self.s_place: list[int] = []
        self.s_kind: list[int] = []
        self.s_start: list[float] = []
        self.s_end: list[float] = []
        self.created: list[float] = []
        self.teu: list[int] = []
        self.delivered: list[float] = []
        self.dep_leg: list[int] = []
        self.dep_time: list[float] = []
        self.dep_load: list[float] = []
        self.dep_capacity: list[float] = []
        self.plan = self._build(chain)

    def _rng(self) -> np.random.Generator:
        self._streams += 1
        return np.random.default_rng(np.random.SeedSequence(self._seed, spawn_key=(self._streams,)))

    def _build(self, chain: dict[str, Any]) -> list[_Stage]:
        plan: list[_Stage] = []
        nodes = chain["nodes"]
        legs = chain["legs"]
        for i, node in enumerate(nodes):
            for p in node["processes"]:
                servers = p.get("servers")
                if servers is None:
                    kind = "delay"
                elif p.get("per", "container") == "vehicle":
                    kind = "vehicle_server"
                else:
                    kind = "server"
                st = _Stage(len(plan), f"{node['id']}:{p['name']}", kind)
                st.rec_kind = _DWELL if p.get("activity") == "yard" else _SERVICE
                st.draws = _Draws(p["time_h"], self._rng())
                if servers is not None:
                    st.resource = simpy.Resource(self.env, capacity=servers)
                plan.append(st)
            if i == len(legs):
                break
            leg = legs[i]
            svc = leg["service"]
            st = _Stage(len(plan), f"{leg['id']}", svc["type"])
            st.length_km = float(leg["length_km"])
            st.speed_kmh = float(leg["speed_kmh"])
            if leg.get("delay_h") is not None:
                st.delay = _Draws(leg["delay_h"], self._rng())
            st.capacity_teu = float(svc.get("capacity_teu", math.inf))
            st.headway_h = float(svc.get("headway_h") or 0.0)
            st.offset_h = float(svc.get("offset_h", 0.0))
            st.max_wait_h = float(svc.get("max_wait_h", 0.0))
            plan.append(st)
        self.places = [st.place for st in plan]
        return plan

    # ------------------------------------------------------------------ records
    def _record(self, cid: int, place: int, kind: int, start: float, end: float) -> None:
        self.s_cid.append(cid)
        self.s_place.append(place)
        self.s_kind.append(kind)
        self.s_start.append(start)
        self.s_end.append(end)

    # ------------------------------------------------------------------ processes
    def _running_h(self, st: _Stage) -> float:
        run = st.length_km / st.speed_kmh
        if st.delay is not None:
            run += st.delay.next()
        return run

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        env = self.env
        containers_per_h = self.teu_per_day / 24.0 / (1.0 + self.share_40ft)
        gaps = _Draws({"dist": "exponential", "mean": 1.0 / containers_per_h}, self._rng())
        sizes = _Draws({"dist": "uniform", "low": 0.0, "high": 1.0}, self._rng())
        while True:
            yield env.timeout(gaps.next())
            cid = len(self.created)
            teu = 2 if sizes.next() < self.share_40ft else 1
            self.created.append(env.now)
            self.teu.append(teu)
            self.delivered.append(math.nan)
            env.process(self._container(cid, teu))

    def _container(self, cid: int, teu: int) -> Generator[simpy.Event, Any, None]:
        env = self.env
        record = self._record
        group: _Group | None = None
        for st in self.plan:
            kind = st.kind
            if kind == "delay":
                assert st.draws is not None
                now = env.now
                d = st.draws.next()
                record(cid, st.index, st.rec_kind, now, now + d)
                yield env.timeout(d)
            elif kind == "server" or (kind == "vehicle_server" and group is None):
                assert st.resource is not None
                assert st.draws is not None
                arrive = env.now
                with st.resource.request() as req:
                    yield req
                    start = env.now
                    if start > arrive:
                        record(cid, st.index, _QUEUE, arrive, start)
                    d = st.draws.next()
                    record(cid, st.index, _SERVICE, start, start + d)
                    yield env.timeout(d)
            elif kind == "vehicle_server":
                assert group is not None
                arrive = env.now
                _, start, end = yield self._reach(group, st)
                if start > arrive:
                    record(cid, st.index, _QUEUE, arrive, start)
                record(cid, st.index, _SERVICE, start, end)
            elif kind == "continuous":
                now = env.now
                run = self._running_h(st)
                record(cid, st.index, _TRAVEL, now, now + run)
                group = None
                yield env.timeout(run)
            else:  # scheduled or when_full: wait for a departure
                ready = env.now
                ev = env.event()
                self._join(st, ready, cid, teu, ev)
                dep, arr, group = yield ev
                if dep > ready:
                    record(cid, st.index, _WAIT, ready, dep)
                record(cid, st.index, _TRAVEL, dep, arr)
                yield env.timeout(arr - env.now)
        self.delivered[cid] = env.now

    def _reach(self, group: _Group, st: _Stage) -> simpy.Event:
        """A container of ``group`` reached per-vehicle process ``st``: the job's event."""
        k = st.index
        ev = group.done.get(k)
        if ev is None:
            ev = group.done[k] = self.env.event()
        n = group.arrived.get(k, 0) + 1
        group.arrived[k] = n
        if n == group.size:
            self.env.process(self._vehicle_job(st, ev))
        return ev

    def _vehicle_job(self, st: _Stage, done: simpy.Event) -> Generator[simpy.Event, Any, None]:
        assert st.resource is not None
        assert st.draws is not None
        env = self.env
        arrive = env.now
        with st.resource.request() as req:
            yield req
            start = env.now
            yield env.timeout(st.draws.next())
        done.succeed((arrive, start, env.now))

    def _join(self, st: _Stage, ready: float, cid: int, teu: int, ev: simpy.Event) -> None:
        st.waiting.append((ready, cid, teu, ev))
        st.waiting_teu += teu
        wake = st.wake
        if (
            wake is not None
            and not wake.triggered
            and (len(st.waiting) == 1 or st.waiting_teu >= st.capacity_teu)
        ):
            wake.succeed()

    def _dispatch(self, st: _Stage) -> None:
        """A vehicle leaves now with the waiting containers that fit, first in, first out."""
        now = self.env.now
        arr = now + self._running_h(st)
        boarded: list[simpy.Event] = []
        load = 0
        waiting = st.waiting
        while waiting and load + waiting[0][2] <= st.capacity_teu:
            _, _, teu, ev = waiting.popleft()
            load += teu
            boarded.append(ev)
        st.waiting_teu -= load
        group = _Group(len(boarded))
        for ev in boarded:
            ev.succeed((now, arr, group))
        self.dep_leg.append(st.index)
        self.dep_time.append(now)
        self.dep_load.append(float(load))
        self.dep_capacity.append(st.capacity_teu)

    def _scheduled(self, st: _Stage) -> Generator[simpy.Event, Any, None]:
        env = self.env
        slot = st.offset_h
        while slot < self.horizon:
            yield env.timeout(slot - env.now)
            self._dispatch(st)
            slot += st.headway_h

    def _when_full(self, st: _Stage) -> Generator[simpy.Event, Any, None]:
        env = self.env
        while True:
            if not st.waiting:
                st.wake = env.event()
                yield st.wake
            # the clock starts when the first container is ready and a vehicle is there
            deadline = max(st.waiting[0][0], env.now) + st.max_wait_h
            while st.waiting_teu < st.capacity_teu and env.now < deadline:
                st.wake = env.event()
                yield st.wake | env.timeout(deadline - env.now)
            st.wake = None
            self._dispatch(st)

    # ------------------------------------------------------------------ run
    def run(self) -> None:
        env = self.env
        env.process(self._arrivals())
        for st in self.plan:
            if st.kind == "scheduled":
                env.process(self._scheduled(st))
            elif st.kind == "when_full":
                env.process(self._when_full(st))
        env.run(until=self.horizon)

    def tables(self, wall_s: float) -> NaiveResults:
        horizon = self.horizon
        created = np.asarray(self.created, dtype=np.float64)
        delivered = np.asarray(self.delivered, dtype=np.float64)
        trips = pd.DataFrame(
            {
                "container": np.arange(len(created), dtype=np.int64),
                "teu": np.asarray(self.teu, dtype=np.int16),
                "created_h": created,
                "delivered_h": delivered,
                "transit_h": delivered - created,
                "transit_days": (delivered - created) / 24.0,
            }
        )
        start = np.asarray(self.s_start, dtype=np.float64)
        end = np.asarray(self.s_end, dtype=np.float64)
        end[end > horizon] = np.nan
        stages = pd.DataFrame(
            {
                "container": np.asarray(self.s_cid, dtype=np.int64),
                "place": pd.Categorical.from_codes(
                    np.asarray(self.s_place, dtype=np.int32), categories=self.places
                ),
                "kind": pd.Categorical.from_codes(
                    np.asarray(self.s_kind, dtype=np.int8), categories=list(STAGE_KINDS)
                ),
                "start_h": start,
                "end_h": end,
                "duration_h": end - start,
            }
        )
        departures = pd.DataFrame(
            {
                "leg": pd.Categorical.from_codes(
                    np.asarray(self.dep_leg, dtype=np.int32), categories=self.places
                ),
                "depart_h": np.asarray(self.dep_time, dtype=np.float64),
                "load_teu": np.asarray(self.dep_load, dtype=np.float64),
                "capacity_teu": np.asarray(self.dep_capacity, dtype=np.float64),
            }
        )
        departures["load_factor"] = departures["load_teu"] / departures["capacity_teu"]
        return NaiveResults(trips, stages, departures, wall_s, horizon)


def simulate_naive(
    chain: dict[str, Any],
    teu_per_day: float,
    days: float,
    seed: int = 1,
    share_40ft: float = 0.0,
) -> NaiveResults:
    """Run the naive model of ``chain`` with Poisson demand of ``teu_per_day`` for ``days``.

    ``chain`` is ``{"nodes": [...], "legs": [...]}``: nodes in travel order, each with its
    ``processes`` (``name``, ``activity``, ``time_h``, optional ``servers`` and ``per``), and
    the legs between consecutive nodes (``id``, ``length_km``, ``speed_kmh``, ``delay_h``,
    ``service``), written as in corridor's network files. ``meta["wall_s"]`` is the time of
    the simulation alone, without building the tables.
    """
    import time

    model = _NaiveModel(chain, teu_per_day, share_40ft, days, seed)
    t0 = time.perf_counter()
    model.run()
    wall_s = time.perf_counter() - t0
    return model.tables(round(wall_s, 3))
