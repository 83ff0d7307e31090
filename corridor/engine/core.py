"""The SimPy engine: containers through node processes and leg services.

How time passes (see DESIGN.md, "The model"):

* A *group* is the set of containers that arrive at a node together, on one vehicle (or one
  new container at its origin). A group is one event, however many containers it holds.
* At a node the group goes through the node's processes in order. A pure delay is arithmetic.
  A capacity-limited process is an event: at the moment its containers reach it (one event
  per distinct arrival time in the group for ``per: container``; the moment the last one is
  there for ``per: vehicle``) they are assigned to the servers first come, first served, from
  a heap of the times each server becomes free. Pure delays and per-vehicle processes keep a
  group together (a train waits for all its containers); a per-container capacity-limited
  process (a crane) breaks the load up: the containers it has served go on as a group of
  their own at once, so no container waits for the rest of its vehicle after being handled.
* A container then waits for its next leg. *Continuous* legs send it at once (one truck per
  container; with a fleet, the first truck back). *Through* legs send the group on with the
  vehicle it came on, once all of its containers are ready (a train passing a junction or a
  border station). *Scheduled* and *when-full* legs are SimPy processes that board waiting
  containers first in, first out, up to the vehicle's capacity.
* Closures: nothing starts service at, or departs from, a closed node, and nothing departs on a
  closed leg; the time is recorded as a ``closure`` stage.

The engine sees only the frozen :class:`corridor.model.compile.Model`; records go to a
:class:`corridor.engine.records.Recorder`.

What a container costs (docs/performance.md has the measurements): most groups are a single
container (a new one at its origin, a truck, a container just served at a crane), so a group of
one takes a shorter path through a node (:meth:`Engine._visit_single`, checked against the
general path by a test); containers not yet ready for their leg wait in hourly buckets rather
than one large heap; records are appended through pre-bound functions; and Python's cyclic
garbage collector is paused during the run, since the engine frees its objects by reference
counting alone.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import math
import operator
from collections import deque
from collections.abc import Callable, Generator
from functools import partial
from typing import Any, cast

import simpy

from corridor.engine.records import CLOSURE, DWELL, QUEUE, SERVICE, TRAVEL, WAIT, Recorder
from corridor.model.calendar import OpenTimes
from corridor.model.compile import (
    AT_DESTINATION,
    AT_ORIGIN,
    AT_TRANSIT,
    FlowRT,
    LegRT,
    Model,
    NodeRT,
    ProcessRT,
)
from corridor.model.samplers import Sampler
from corridor.model.streams import Draws, Uniforms, stream

__all__ = ["Engine"]

_INF = math.inf
_HOURS_PER_YEAR = 8760.0
_TRUCK_TEU = 2.0  # a truck carries one container, 20' or 40'


_BUCKET_H = 1.0  # width of a bucket of containers not yet ready for their leg, hours


class _LegQueue:
    """Containers waiting for a leg: not yet ready (by ready time) and ready (FIFO).

    Containers are queued when they leave the node before the leg, often with a ready time
    hours or days ahead (a dwell in the yard is arithmetic). Those not yet ready are kept in
    buckets of ``_BUCKET_H`` hours of ready time, each sorted only when it is needed, with the
    buckets' keys in order: a push is an append, and a vehicle leaving takes whole buckets. A
    single heap of all of them (thousands at a busy port) would cost a logarithm and a few
    cache misses on every push and pop. Buckets are sorted stably by ready time, so ties keep
    the order in which the containers were queued.
    """

    __slots__ = ("buckets", "keys", "present", "unsorted")

    def __init__(self) -> None:
        self.buckets: dict[int, list[tuple[float, int, int]]] = {}  # (ready, cid, teu)
        self.keys: list[int] = []  # the buckets' keys, ascending
        self.unsorted: set[int] = set()  # buckets appended to since they were last sorted
        self.present: deque[tuple[float, int, int]] = deque()

    def push(self, ready: float, cid: int, teu: int) -> None:
        key = int(ready // _BUCKET_H)
        bucket = self.buckets.get(key)
        if bucket is None:
            self.buckets[key] = [(ready, cid, teu)]
            keys = self.keys
            if not keys or key > keys[-1]:
                keys.append(key)
            else:
                bisect.insort(keys, key)
        else:
            bucket.append((ready, cid, teu))
            self.unsorted.add(key)

    def _sorted(self, key: int) -> list[tuple[float, int, int]]:
        bucket = self.buckets[key]
        if key in self.unsorted:
            bucket.sort(key=_READY)  # stable: ties stay in queued order
            self.unsorted.discard(key)
        return bucket

    def advance(self, now: float) -> None:
        """Move the containers ready by ``now`` to the FIFO, in ready order."""
        keys = self.keys
        taken = 0
        while taken < len(keys):
            key = keys[taken]
            bucket = self._sorted(key)
            if bucket[-1][0] <= now:  # the whole bucket is ready
                self.present.extend(bucket)
                del self.buckets[key]
                taken += 1
                continue
            if bucket[0][0] <= now:  # part of it
                i = bisect.bisect_right(bucket, now, key=_READY)
                self.present.extend(bucket[:i])
                del bucket[:i]
            break
        if taken:
            del keys[:taken]

    def next_ready(self) -> float:
        return self._sorted(self.keys[0])[0][0] if self.keys else _INF

    def full_at(self, capacity: float) -> float:
        """When a vehicle boarding FIFO would be full with the containers known now.

        Full means the load equals the capacity, or the next container does not fit. Returns
        the ready time of the container that makes it so (infinity if never).
        """
        load = 0
        for ready, _, teu in self.present:
            if load + teu > capacity:
                return ready
            load += teu
            if load >= capacity:
                return ready
        for key in self.keys:
            for ready, _, teu in self._sorted(key):
                if load + teu > capacity:
                    return ready
                load += teu
                if load >= capacity:
                    return ready
        return _INF

    def board(self, capacity: float) -> list[tuple[float, int, int]]:
        """Take ready containers first in, first out, while they fit."""
        out: list[tuple[float, int, int]] = []
        load = 0
        present = self.present
        while present and load + present[0][2] <= capacity:
            item = present.popleft()
            load += item[2]
            out.append(item)
        return out


_READY = operator.itemgetter(0)  # a queued container's ready time


class Engine:
    """One run of a model. Call :meth:`run`, then read :attr:`rec`."""

    def __init__(self, model: Model) -> None:
        self.m = model
        self.env = simpy.Environment()
        self.rec = Recorder(stages=model.keep_stages, resources=model.keep_resources)
        self.horizon = model.horizon_h
        seed = model.seed
        # closures, or None where an element never closes (tested per container)
        self.node_closed: list[OpenTimes | None] = [c if c else None for c in model.node_closures]
        self.leg_closes = [
            bool(model.node_closures[leg.from_node] or model.leg_closures[leg.index])
            for leg in model.legs
        ]
        self.pos: list[int] = []  # legs completed by each container
        self.route_nlegs = [len(r.legs) for r in model.routes]
        # each route's legs in order, with None past the last one (delivered)
        self.route_next: list[tuple[LegRT | None, ...]] = [
            (*(model.legs[li] for li in r.legs), None) for r in model.routes
        ]
        # node processes
        self.draws: list[list[Draws | None]] = []
        self.coins: list[list[Uniforms | None]] = []
        self.servers: list[list[list[float] | None]] = []
        for node in model.nodes:
            self.draws.append(
                [
                    None if p.sampler.is_fixed else Draws(p.sampler, stream(seed, p.stream))
                    for p in node.processes
                ]
            )
            self.coins.append(
                [
                    Uniforms(stream(seed, p.stream + ":probability")) if p.probability < 1 else None
                    for p in node.processes
                ]
            )
            self.servers.append(
                [[0.0] * p.servers if p.servers is not None else None for p in node.processes]
            )
        # legs
        self.run_draws: list[Draws | None] = []
        self.delay_draws: list[Draws | None] = []
        self.turn_draws: list[Draws | None] = []
        self.queues = [_LegQueue() for _ in model.legs]
        self.fleet_home: list[list[tuple[float, int]] | None] = []
        self.season_draws: list[dict[str, Draws]] = []
        self.wake_ev: list[simpy.Event | None] = [None] * len(model.legs)
        self.wake_at: list[float] = [_INF] * len(model.legs)
        for leg in model.legs:
            self.run_draws.append(
                Draws(leg.running, stream(seed, f"leg:{leg.id}:running"))
                if leg.running is not None and not leg.running.is_fixed
                else None
            )
            self.delay_draws.append(
                Draws(leg.delay, stream(seed, f"leg:{leg.id}:delay"))
                if leg.delay is not None and not leg.delay.is_fixed
                else None
            )
            if leg.fleet is not None:
                self.fleet_home.append([(0.0, v) for v in range(leg.fleet.vehicles)])
                self.turn_draws.append(
                    Draws(leg.fleet.turnaround, stream(seed, f"leg:{leg.id}:fleet"))
                )
            else:
                self.fleet_home.append(None)
                self.turn_draws.append(None)
            self.season_draws.append(
                {
                    s.name: Draws(s.extra_delay, stream(seed, f"season:{s.name}:{leg.id}"))
                    for s in model.seasons[leg.index]
                    if s.extra_delay is not None
                }
            )

    # ------------------------------------------------------------------ scheduling helpers
    def _at(self, t: float, fn: Callable[..., None], *args: Any) -> None:
        """Call ``fn(*args)`` at simulation time ``t`` (not before now)."""
        if t >= self.horizon:
            return
        env = self.env
        delay = t - env.now
        # the call travels as the event's value: no closure or partial per event
        ev = simpy.Timeout(env, delay if delay > 0.0 else 0.0, (fn, args))
        ev.callbacks.append(_call)

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

    # ------------------------------------------------------------------ arrivals
    def _flow(self, flow: FlowRT) -> Generator[simpy.Event, Any, None]:
        seed = self.m.seed
        gaps = Draws(
            Sampler("fixed", (1.0,), 1.0)
            if flow.arrival == "fixed"
            else Sampler("exponential", (1.0,), 1.0),
            stream(seed, f"flow:{flow.id}:arrivals"),
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
                t = x_next / lam if g == 0 else math.log1p(g * x_next / lam) / g
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
                self.visit(origin, [cid], [t], 0)
            if chunk_end >= horizon:
                return
            yield self.env.timeout(chunk_end - self.env.now)

    # ------------------------------------------------------------------ nodes
    def _mask(self, cid: int, route: int) -> int:
        pos = self.pos[cid]
        if pos == 0:
            return AT_ORIGIN
        return AT_DESTINATION if pos == self.route_nlegs[route] else AT_TRANSIT

    def visit(
        self,
        node_idx: int,
        cids: list[int],
        times: list[float],
        pidx: int,
        pending: list[int] | None = None,
        first: int = 0,
    ) -> None:
        """Take a group through node ``node_idx``'s processes from process ``pidx`` on.

        ``pending[first:]`` lists the group members (by position) still to be served at
        process ``pidx`` when the group comes back to it at a later event, in order of the
        time they reach it.
        """
        if pending is None and len(cids) == 1:
            self._visit_single(node_idx, cids[0], times[0], pidx, False)
        else:
            self._visit_group(node_idx, cids, times, pidx, pending, first)

    def _visit_group(
        self,
        node_idx: int,
        cids: list[int],
        times: list[float],
        pidx: int,
        pending: list[int] | None,
        first: int,
    ) -> None:
        """:meth:`visit` for any group (the general case)."""
        node = self.m.nodes[node_idx]
        procs = node.processes
        routes = self.rec.c_route
        now = self.env.now
        while pidx < len(procs):
            p = procs[pidx]
            fresh = pending is None
            if pending is not None:
                sel, pending = pending, None
            else:
                if p.at_mask == 7:
                    sel = list(range(len(cids)))
                else:
                    sel = [k for k, c in enumerate(cids) if self._mask(c, routes[c]) & p.at_mask]
                if sel and p.probability < 1.0:
                    coin = self.coins[node_idx][pidx]
                    assert coin is not None
                    if p.per_vehicle:
                        sel = sel if coin.next() < p.probability else []
                    else:
                        sel = [k for k in sel if coin.next() < p.probability]
            if not sel:
                pidx += 1
                continue
            if p.servers is None:
                self._delay(node, p, cids, times, sel)
            elif p.per_vehicle:
                # the vehicle is served once all of its containers are there
                t_need = max(times[k] for k in sel)
                if t_need > now:
                    self._at(t_need, self.visit, node_idx, cids, times, pidx, sel)
                    return
                self._serve(node, p, cids, times, sel)
            else:
                # Containers join the queue at the moment each one arrives (exact FCFS):
                # serve those here by now and come back when the next one arrives. Served
                # one by one, the containers no longer travel as one load: those served go
                # on at once as a group of their own, and so do those this process skips.
                if fresh:
                    sel.sort(key=times.__getitem__)
                    if len(sel) < len(cids):
                        chosen = set(sel)
                        skip = [k for k in range(len(cids)) if k not in chosen]
                        self.visit(
                            node_idx, [cids[k] for k in skip], [times[k] for k in skip], pidx + 1
                        )
                i = first
                while i < len(sel) and times[sel[i]] <= now:
                    i += 1
                if i < len(sel):
                    self._at(times[sel[i]], self.visit, node_idx, cids, times, pidx, sel, i)
                if i == first:
                    return
                due = sel[first:i]
                self._serve(node, p, cids, times, due)
                if len(due) < len(cids):
                    self.visit(node_idx, [cids[k] for k in due], [times[k] for k in due], pidx + 1)
                    return
            first = 0
            pidx += 1
        self._onward(cids, times)

    def _visit_one(self, node_idx: int, cid: int, t: float, pidx: int) -> None:
        """One container, due now at process ``pidx`` of node ``node_idx`` (see :meth:`visit`)."""
        self._visit_single(node_idx, cid, t, pidx, True)

    def _visit_single(self, node_idx: int, c: int, t: float, pidx: int, due: bool) -> None:
        """:meth:`visit` for a group of one container ``c`` that reaches process ``pidx`` at ``t``.

        The same steps, draws and records as :meth:`visit` (a test runs both on the same runs),
        without the lists of a group: most groups are one container (a new one at its origin,
        a truck, a container served at a crane). ``due``: ``c`` was chosen for process
        ``pidx`` before and comes back now to be served there.
        """
        procs = self.m.nodes[node_idx].processes
        rec = self.rec
        stage = rec.stage
        closed = self.node_closed[node_idx]
        now = self.env.now
        while pidx < len(procs):
            p = procs[pidx]
            if due:
                due = False
            else:
                if p.at_mask != 7 and not self._mask(c, rec.c_route[c]) & p.at_mask:
                    pidx += 1
                    continue
                if p.probability < 1.0:
                    coin = self.coins[node_idx][pidx]
                    assert coin is not None
                    if not coin.next() < p.probability:
                        pidx += 1
                        continue
                if p.servers is not None and t > now:
                    # a capacity-limited process serves the container when it is there
                    self._at(t, self._visit_one, node_idx, c, t, pidx)
                    return
            place = p.place
            d = self.draws[node_idx][pidx]
            if p.servers is None:
                begin = closed.open_at(t) if closed is not None else t
                if begin > t:
                    stage(c, place, CLOSURE, t, begin)
                end = begin + (p.sampler.params[0] if d is None else d.next())
                stage(c, place, DWELL if p.activity == "yard" else SERVICE, begin, end)
            else:
                heap = self.servers[node_idx][pidx]
                assert heap is not None
                free = heap[0]
                start = t if t > free else free
                begin = closed.open_at(start) if closed is not None else start
                end = begin + (p.sampler.params[0] if d is None else d.next())
                heapq.heapreplace(heap, end)
                if start > t:
                    stage(c, place, QUEUE, t, start)
                if begin > start:
                    stage(c, place, CLOSURE, start, begin)
                stage(c, place, SERVICE, begin, end)
                rec.job(place, t, begin, end, 1, rec.c_teu[c], len(heap))
            if p.cost_usd_per_teu:
                rec.c_node_cost[c] += p.cost_usd_per_teu * rec.c_teu[c]
            t = end
            pidx += 1
        self._onward([c], [t])

    def _draw(self, node: NodeRT, p: ProcessRT, n: int) -> list[float]:
        d = self.draws[node.index][p.index]
        if d is None:
            return [p.sampler.params[0]] * n
        return [d.next()] if n == 1 else d.take(n)

    def _delay(
        self, node: NodeRT, p: ProcessRT, cids: list[int], times: list[float], sel: list[int]
    ) -> None:
        rec = self.rec
        closed = self.node_closed[node.index]
        kind = DWELL if p.activity == "yard" else SERVICE
        stage = rec.stage
        place = p.place
        if p.per_vehicle:
            start = max(times[k] for k in sel)
            begin = closed.open_at(start) if closed is not None else start
            end = begin + self._draw(node, p, 1)[0]
            for k in sel:
                c = cids[k]
                if times[k] < start:
                    stage(c, place, QUEUE, times[k], start)
                if begin > start:
                    stage(c, place, CLOSURE, start, begin)
                stage(c, place, kind, begin, end)
                times[k] = end
        elif closed is None:
            durations = self._draw(node, p, len(sel))
            for k, dur in zip(sel, durations, strict=True):
                start = times[k]
                times[k] = end = start + dur
                stage(cids[k], place, kind, start, end)
        else:
            durations = self._draw(node, p, len(sel))
            for k, dur in zip(sel, durations, strict=True):
                c = cids[k]
                start = times[k]
                begin = closed.open_at(start)
                if begin > start:
                    stage(c, place, CLOSURE, start, begin)
                stage(c, place, kind, begin, begin + dur)
                times[k] = begin + dur
        if p.cost_usd_per_teu:
            self._charge(p, cids, sel)

    def _serve(
        self, node: NodeRT, p: ProcessRT, cids: list[int], times: list[float], sel: list[int]
    ) -> None:
        rec = self.rec
        heap = self.servers[node.index][p.index]
        assert heap is not None
        closed = self.node_closed[node.index]
        teu = rec.c_teu
        stage = rec.stage
        place = p.place
        if p.per_vehicle:
            arrive = max(times[k] for k in sel)
            free = heap[0]
            start = max(arrive, free)
            begin = closed.open_at(start) if closed is not None else start
            end = begin + self._draw(node, p, 1)[0]
            heapq.heapreplace(heap, end)  # the server that was free first takes the job
            load = 0.0
            for k in sel:
                c = cids[k]
                load += teu[c]
                if start > times[k]:
                    stage(c, place, QUEUE, times[k], start)
                if begin > start:
                    stage(c, place, CLOSURE, start, begin)
                stage(c, place, SERVICE, begin, end)
                times[k] = end
            rec.job(place, arrive, begin, end, len(sel), load, len(heap))
        else:
            order = sorted(sel, key=times.__getitem__) if len(sel) > 1 else sel
            durations = self._draw(node, p, len(order))
            job = rec.job
            servers = len(heap)
            replace = heapq.heapreplace
            for k, dur in zip(order, durations, strict=True):
                c = cids[k]
                arrive = times[k]
                free = heap[0]
                start = arrive if arrive > free else free
                begin = closed.open_at(start) if closed is not None else start
                end = begin + dur
                replace(heap, end)
                if start > arrive:
                    stage(c, place, QUEUE, arrive, start)
                if begin > start:
                    stage(c, place, CLOSURE, start, begin)
                stage(c, place, SERVICE, begin, end)
                job(place, arrive, begin, end, 1, teu[c], servers)
                times[k] = end
        if p.cost_usd_per_teu:
            self._charge(p, cids, sel)

    def _charge(self, p: ProcessRT, cids: list[int], sel: list[int]) -> None:
        cost, teu = self.rec.c_node_cost, self.rec.c_teu
        for k in sel:
            cost[cids[k]] += p.cost_usd_per_teu * teu[cids[k]]

    def _onward(self, cids: list[int], times: list[float]) -> None:
        """After the node: deliver, or queue for the next leg of each container's route."""
        rec = self.rec
        c_route, c_teu, pos = rec.c_route, rec.c_teu, self.pos
        route_next = self.route_next
        queues, wake_ev, wake_at = self.queues, self.wake_ev, self.wake_at
        through: dict[int, tuple[list[int], list[float]]] | None = None
        for c, t in zip(cids, times, strict=True):
            leg = route_next[c_route[c]][pos[c]]
            if leg is None:
                rec.c_delivered[c] = t
                continue
            kind = leg.kind
            if kind == "through":
                if through is None:
                    through = {}
                group = through.setdefault(leg.index, ([], []))
                group[0].append(c)
                group[1].append(t)
            elif kind == "continuous":
                self._continuous(leg, c, t)
            else:
                li = leg.index
                queues[li].push(t, c, c_teu[c])
                ev = wake_ev[li]
                if ev is not None and not ev.triggered and t < wake_at[li]:
                    ev.succeed()
        if through is not None:
            legs = self.m.legs
            for li, (group_ids, ready) in through.items():
                self._through(legs[li], group_ids, ready)

    # ------------------------------------------------------------------ legs
    def _open(self, leg: LegRT, t: float) -> float:
        """The first moment at or after ``t`` when ``leg`` and its origin node are open."""
        if not self.leg_closes[leg.index]:
            return t
        node_closed: OpenTimes = self.m.node_closures[leg.from_node]
        leg_closed: OpenTimes = self.m.leg_closures[leg.index]
        while True:
            t1 = leg_closed.open_at(node_closed.open_at(t))
            if t1 == t:
                return t
            t = t1

    def _closed_hours(self, leg: LegRT, a: float, b: float) -> float:
        if not self.leg_closes[leg.index]:
            return 0.0
        node_closed = self.m.node_closures[leg.from_node]
        leg_closed = self.m.leg_closures[leg.index]
        return min(b - a, node_closed.closed_between(a, b) + leg_closed.closed_between(a, b))

    def _season(
        self, leg: LegRT, t: float, draw_delay: bool = False
    ) -> tuple[float, float, float, float]:
        """(speed factor, capacity factor, headway factor, extra delay h) on ``leg`` at ``t``.

        The extra delay is drawn (from the season's own stream) only when ``draw_delay`` is
        set, i.e. once per vehicle departure; otherwise it is 0.
        """
        speed = cap = headway = 1.0
        extra = 0.0
        for s in self.m.seasons[leg.index]:
            if s.start_h <= t < s.end_h:
                speed *= s.speed_factor
                cap *= s.capacity_factor
                headway *= s.headway_factor
                if draw_delay and s.extra_delay is not None:
                    extra += self.season_draws[leg.index][s.name].next()
        return speed, cap, headway, extra

    def _running_h(self, leg: LegRT, t: float, speed_kmh: float | None = None) -> float:
        """Running time of one vehicle leaving at ``t`` (length / speed, or a draw, + delays)."""
        if speed_kmh is not None:
            base = leg.length_km / speed_kmh
        elif leg.running is not None:
            d = self.run_draws[leg.index]
            base = leg.running.params[0] if d is None else d.next()
        else:
            assert leg.speed_kmh is not None
            base = leg.length_km / leg.speed_kmh
        if leg.delay is not None:
            d = self.delay_draws[leg.index]
            base += leg.delay.params[0] if d is None else d.next()
        if self.m.seasons[leg.index]:
            speed, _, _, extra = self._season(leg, t, draw_delay=True)
            base = base / speed + extra
        return base

    def _cycle_home(self, leg: LegRT, arrive: float) -> tuple[float, float, float]:
        """A fleet vehicle that arrived at the far end at ``arrive``: (leave, back, home)."""
        assert leg.fleet is not None
        turn = self.turn_draws[leg.index]
        t1 = turn.next() if turn is not None else 0.0
        leave = arrive + t1
        back = leave + self._running_h(leg, leave, leg.fleet.return_speed_kmh)
        t2 = turn.next() if turn is not None else 0.0
        return leave, back, back + t2

    def _continuous(self, leg: LegRT, c: int, ready: float) -> None:
        rec = self.rec
        home = self.fleet_home[leg.index]
        vehicle = -1
        free = ready
        if home is not None:
            t_free, vehicle = heapq.heappop(home)
            free = max(ready, t_free)
        dep = self._open(leg, free)
        if free > ready:
            rec.stage(c, leg.place, WAIT, ready, free)
        if dep > free:
            rec.stage(c, leg.place, CLOSURE, free, dep)
        arr = dep + self._running_h(leg, dep)
        rec.stage(c, leg.place, TRAVEL, dep, arr)
        teu = rec.c_teu[c]
        rec.departure(leg.index, vehicle, False, dep, arr, teu, 1, _TRUCK_TEU)
        if home is not None:
            leave, back, at_home = self._cycle_home(leg, arr)
            rec.departure(leg.index, vehicle, True, leave, back, 0.0, 0, _TRUCK_TEU)
            heapq.heappush(home, (at_home, vehicle))
        self._at(arr, self._arrive_one, leg, c)

    def _through(self, leg: LegRT, cids: list[int], ready: list[float]) -> None:
        """The vehicle that brought ``cids`` goes on once all of them are ready."""
        rec = self.rec
        last = max(ready)
        dep = self._open(leg, last)
        arr = dep + self._running_h(leg, dep)
        load = 0.0
        for c, r in zip(cids, ready, strict=True):
            load += rec.c_teu[c]
            if last > r:
                rec.stage(c, leg.place, WAIT, r, last)
            if dep > last:
                rec.stage(c, leg.place, CLOSURE, last, dep)
            rec.stage(c, leg.place, TRAVEL, dep, arr)
        rec.departure(leg.index, -1, False, dep, arr, load, len(cids), math.nan)
        self._at(arr, self._arrive, leg, cids)

    def _depart(
        self,
        leg: LegRT,
        vehicle: int,
        boarded: list[tuple[float, int, int]],
        capacity: float,
    ) -> None:
        """A vehicle leaves now with ``boarded`` containers."""
        rec = self.rec
        now = self.env.now
        arr = now + self._running_h(leg, now)
        load = 0.0
        cids: list[int] = []
        stage = rec.stage
        place = leg.place
        if self.leg_closes[leg.index]:
            for ready, c, teu in boarded:
                load += teu
                cids.append(c)
                closed = self._closed_hours(leg, ready, now)
                if now - closed > ready:
                    stage(c, place, WAIT, ready, now - closed)
                if closed > 0:
                    stage(c, place, CLOSURE, now - closed, now)
                stage(c, place, TRAVEL, now, arr)
        else:
            for ready, c, teu in boarded:
                load += teu
                cids.append(c)
                if now > ready:
                    stage(c, place, WAIT, ready, now)
                stage(c, place, TRAVEL, now, arr)
        rec.departure(leg.index, vehicle, False, now, arr, load, len(cids), capacity)
        home = self.fleet_home[leg.index]
        if home is not None:
            leave, back, at_home = self._cycle_home(leg, arr)
            rec.departure(leg.index, vehicle, True, leave, back, 0.0, 0, capacity)
            heapq.heappush(home, (at_home, vehicle))
        if cids:
            self._at(arr, self._arrive, leg, cids)

    def _arrive_one(self, leg: LegRT, c: int) -> None:
        """:meth:`_arrive` for a vehicle with one container (a truck)."""
        self.pos[c] += 1
        self._visit_single(leg.to_node, c, self.env.now, 0, False)

    def _arrive(self, leg: LegRT, cids: list[int]) -> None:
        now = self.env.now
        pos = self.pos
        for c in cids:
            pos[c] += 1
        self.visit(leg.to_node, cids, [now] * len(cids), 0)

    def _capacity(self, leg: LegRT, t: float) -> float:
        if not self.m.seasons[leg.index]:
            return leg.capacity_teu
        return max(_TRUCK_TEU, leg.capacity_teu * self._season(leg, t)[1])

    def _next_slot(self, leg: LegRT, slot: float) -> float:
        if leg.headway_h is not None:
            factor = self._season(leg, slot)[2] if self.m.seasons[leg.index] else 1.0
            return slot + leg.headway_h * factor
        return _next_weekday_slot(self.m, leg, slot)

    def _scheduled(self, leg: LegRT) -> Generator[simpy.Event, Any, None]:
        env = self.env
        queue = self.queues[leg.index]
        home = self.fleet_home[leg.index]
        if leg.headway_h is not None:
            slot = leg.offset_h
        else:
            slot = _next_weekday_slot(self.m, leg, -1e-9)
        while slot < self.horizon:
            yield env.timeout(slot - env.now)
            dep = self._open(leg, env.now)
            if dep > env.now:
                if dep >= self.horizon:
                    return
                yield env.timeout(dep - env.now)
            if home is None or home[0][0] <= env.now:
                vehicle = -1 if home is None else heapq.heappop(home)[1]
                queue.advance(env.now)
                capacity = self._capacity(leg, env.now)
                self._depart(leg, vehicle, queue.board(capacity), capacity)
            # else no vehicle is back yet: this departure is missed
            slot = self._next_slot(leg, slot)
            while slot <= env.now:  # slots that passed during a closure are gone
                slot = self._next_slot(leg, slot)

    def _sleep(self, leg: LegRT, until: float) -> simpy.Event:
        """An event that fires at ``until`` or when a container that matters is queued."""
        ev = self.env.event()
        self.wake_ev[leg.index] = ev
        self.wake_at[leg.index] = until
        if until < self.horizon:
            timer = self.env.timeout(until - self.env.now)
            timer.callbacks.append(partial(_wake, ev))
        return ev

    def _when_full(self, leg: LegRT) -> Generator[simpy.Event, Any, None]:
        env = self.env
        queue = self.queues[leg.index]
        home = self.fleet_home[leg.index]
        while True:
            vehicle = -1
            if home is not None:
                if home[0][0] > env.now:
                    yield env.timeout(home[0][0] - env.now)
                vehicle = heapq.heappop(home)[1]
            available = env.now
            while True:
                queue.advance(env.now)
                if queue.present:
                    capacity = self._capacity(leg, env.now)
                    first = max(queue.present[0][0], available)
                    wake = min(first + leg.max_wait_h, queue.full_at(capacity))
                else:
                    wake = queue.next_ready()
                if wake <= env.now and queue.present:
                    break
                yield self._sleep(leg, wake)
                self.wake_ev[leg.index] = None
            dep = self._open(leg, env.now)
            if dep > env.now:
                if dep >= self.horizon:
                    return
                yield env.timeout(dep - env.now)
                queue.advance(env.now)
            capacity = self._capacity(leg, env.now)
            self._depart(leg, vehicle, queue.board(capacity), capacity)


def _call(ev: simpy.Event) -> None:
    """The callback of :meth:`Engine._at`: the event's value is ``(fn, args)``."""
    fn, args = cast("tuple[Callable[..., None], tuple[Any, ...]]", ev.value)  # no runtime cost
    fn(*args)


def _wake(ev: simpy.Event, _timer: simpy.Event) -> None:
    if not ev.triggered:
        ev.succeed()


def _next_weekday_slot(model: Model, leg: LegRT, after: float) -> float:
    """The first departure strictly after ``after`` on the leg's weekdays (hours)."""
    start = model.start_date
    # hours from the scenario start back to the midnight of its first day
    midnight_offset = start.hour + start.minute / 60 + start.second / 3600
    weekday0 = start.weekday()
    day = math.floor((after + midnight_offset) / 24.0)
    for step in range(9):
        d = day + step
        if (weekday0 + d) % 7 in leg.weekdays:
            t = d * 24.0 - midnight_offset + leg.departure_time_h
            if t > after:
                return t
    raise AssertionError("weekday timetable without a day")  # pragma: no cover
