"""The engine: one run of a frozen model, from the first arrival to the horizon.

:class:`Engine` puts together the shared run state (:mod:`corridor.engine.state`), the node
processes (:mod:`corridor.engine.nodes`) and the leg services (:mod:`corridor.engine.legs`),
and adds what starts a run: the flows' arrival processes, the timetabled and when-full
departure processes, and the capacity changes. It sees only the frozen
:class:`~corridor.model.runtime.Model`; records go to a :class:`~corridor.engine.records.Recorder`.

What a container costs (docs/performance.md has the measurements): containers that travel
together are one event; most groups are one container and take the list-free walk through a
node; each node process is a step function bound once; containers not yet ready for their leg
wait in hourly buckets rather than one large heap; records are appended through pre-bound
functions; and Python's cyclic garbage collector is paused during the run, since the engine
frees its objects by reference counting alone.
"""

from __future__ import annotations

import gc
import heapq
import math
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from corridor.engine.draws import Draws, Uniforms
from corridor.engine.legs import LegServices
from corridor.engine.nodes import NodeProcesses
from corridor.engine.records import Recorder
from corridor.errors import SimulationError
from corridor.model.runtime import FlowRT, Model
from corridor.model.samplers import Sampler
from corridor.model.streams import stream

__all__ = ["Engine"]

_HOURS_PER_YEAR = 8760.0  # a year of growth, as corridor.inputs.limits.HOURS_PER_YEAR
_EVEN = Sampler("fixed", (1.0,), 1.0)  # arrivals evenly spaced
_POISSON = Sampler("exponential", (1.0,), 1.0)  # Poisson arrivals


class Engine(NodeProcesses, LegServices):
    """One run of a model. Call :meth:`run`, then read :attr:`rec`."""

    def __init__(self, model: Model) -> None:
        super().__init__(model)
        self._build_steps()

    def run(self) -> Recorder:
        """Run to the horizon and return the records.

        Python's cyclic garbage collector is paused for the run. The engine's objects are
        freed by reference counting alone (it leaves no cycles behind; a test checks this), and
        each collection would walk every live object, so with the collector on a long run
        spends a growing share of its time in it (19 % of the benchmark year at 1,000 TEU a
        day, 27 % at 3,000; see docs/performance.md).
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            # The process steps hold the record buffers' append methods; drop them, so that
            # the buffers can be freed one by one as the tables are built from them.
            self.steps = []
            if was_enabled:
                gc.enable()

    def _run(self) -> Recorder:
        env = self.env
        for flow in self.m.flows:
            env.process(self._flow(flow))
        for leg in self.m.legs:
            if leg.kind == "scheduled":
                env.process(self._scheduled(leg))
            elif leg.kind == "when_full":
                env.process(self._when_full(leg))
        for t, node, proc, servers in self.m.capacity_changes:
            self._at(t, self._set_servers, node, proc, servers)
        env.run(until=self.horizon)
        return self.rec

    def _set_servers(self, node: int, proc: int, servers: int) -> None:
        heap = self.servers[node][proc]
        assert heap is not None
        now = self.env.now
        if servers > len(heap):
            heap.extend([now] * (servers - len(heap)))
        elif servers < len(heap):
            # servers busy longest finish their job and then retire
            heap.sort()
            del heap[servers:]
        heapq.heapify(heap)

    def _flow(self, flow: FlowRT) -> Generator[simpy.Event, Any, None]:
        seed = self.m.seed
        gaps = Draws(  # gaps between arrivals in operational time (mean 1)
            _EVEN if flow.arrival == "fixed" else _POISSON, stream(seed, f"flow:{flow.id}:arrivals")
        )
        sizes = Uniforms(stream(seed, f"flow:{flow.id}:size"))
        choice = Uniforms(stream(seed, f"flow:{flow.id}:route"))
        lam = flow.containers_per_h
        g = math.log(flow.growth_per_year) / _HOURS_PER_YEAR
        horizon = self.horizon
        origin = flow.origin
        rec = self.rec
        # operational time: the expected number of arrivals so far; the next arrival is at
        # x_next, which is kept across chunks
        x_next = gaps.next()
        while True:
            chunk_end = min(self.env.now + 24.0, horizon)
            while True:
                if g == 0:
                    t = x_next / lam
                elif g * x_next / lam > -1.0:
                    t = math.log1p(g * x_next / lam) / g
                else:  # a shrinking flow has sent every container it ever will
                    return
                if t >= chunk_end:
                    break
                x_next += gaps.next()
                teu = 2 if sizes.next() < flow.share_40ft else 1
                u = choice.next()
                ri = 0
                while flow.route_cum[ri] < u:
                    ri += 1
                cid = rec.container(flow.index, flow.routes[ri], teu, t)
                self.pos.append(0)
                self.visit_one(origin, cid, t, 0, False)
            if chunk_end >= horizon:
                return
            if len(self.pos) - self.delivered > self.m.max_in_system:
                self._stop_backlog()
            yield self.env.timeout(chunk_end - self.env.now)

    def _stop_backlog(self) -> None:
        """Stop a run whose containers pile up without end, naming where they wait."""
        rec = self.rec
        waiting = np.isnan(np.frombuffer(rec.c_delivered, dtype=np.float64))
        routes = np.frombuffer(rec.c_route, dtype=np.int32)[waiting]
        counts = np.bincount(routes, minlength=len(self.m.routes))
        worst = self.m.routes[int(np.argmax(counts))].name
        raise SimulationError(
            f"after {self.env.now / 24.0:,.0f} days, {int(waiting.sum()):,} containers are in the "
            f"system at once, more than the limit of {self.m.max_in_system:,} "
            f"(route {worst!r} holds {int(counts.max()):,} of them): the network cannot carry "
            "this demand and its backlog would take all the memory there is",
        )
