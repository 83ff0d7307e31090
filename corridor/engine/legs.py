"""Leg services: how containers leave a node on a leg, travel and arrive.

*Continuous* legs send each container at once (one truck per container; with a fleet, the
first truck back). *Through* legs send a group on with the vehicle it came on, once all of its
containers are ready (a train passing a junction or a border station). *Scheduled* legs depart
on a timetable (a headway and offset, or weekdays) and *when-full* legs when the load reaches
the capacity or the first container has waited the maximum; both are SimPy processes that board
waiting containers first in, first out, up to the vehicle's capacity. A *fleet* limits any of
them: a vehicle must come back (turnaround, return run, turnaround) before it leaves again.
Running time is length / speed (or a drawn running time) plus a drawn delay, changed by the
seasons in force at departure. Nothing departs from a closed node or on a closed leg; the time
is recorded as a ``closure`` stage.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from functools import partial
from typing import Any

import simpy

from corridor.engine.records import CLOSURE, TRAVEL, WAIT
from corridor.engine.state import EngineState
from corridor.model.runtime import LegRT, Model, OpenTimes

__all__ = ["LegServices", "next_weekday_slot"]

_INF = math.inf
_TRUCK_TEU = 2.0  # a truck carries one container, 20' or 40'


class LegServices(EngineState):
    """The leg side of the engine: services, fleets, seasons and closures of legs."""

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

    def _hand_over(self, leg: LegRT, vehicle: int, arrive: float) -> None:
        """A vehicle of a shared fleet, arrived at the far end: there it serves the way back.

        It is ready for the reverse leg's service after its turnaround at that end.
        """
        assert leg.reverse is not None
        turn = self.turn_draws[leg.index]
        ready = arrive + (turn.next() if turn is not None else 0.0)
        other = self.fleet_home[leg.reverse]
        assert other is not None
        heapq.heappush(other, (ready, vehicle))
        ev = self.vehicle_ev[leg.reverse]
        if ev is not None and not ev.triggered:
            ev.succeed()

    def send_continuous(self, leg: LegRT, c: int, ready: float) -> None:
        """A truck (the first one back, with a fleet) takes container ``c`` when it is ready."""
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

    def send_through(self, leg: LegRT, cids: list[int], ready: list[float]) -> None:
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
        if leg.rotation:
            self._hand_over(leg, vehicle, arr)
        elif home is not None:
            leave, back, at_home = self._cycle_home(leg, arr)
            rec.departure(leg.index, vehicle, True, leave, back, 0.0, 0, capacity)
            heapq.heappush(home, (at_home, vehicle))
        if cids:
            self._at(arr, self._arrive, leg, cids)

    def _arrive_one(self, leg: LegRT, c: int) -> None:
        """:meth:`_arrive` for a vehicle with one container (a truck)."""
        self.pos[c] += 1
        self.visit_one(leg.to_node, c, self.env.now, 0, False)

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
        return next_weekday_slot(self.m, leg, slot)

    def _scheduled(self, leg: LegRT) -> Generator[simpy.Event, Any, None]:
        env = self.env
        queue = self.queues[leg.index]
        home = self.fleet_home[leg.index]
        if leg.headway_h is not None:
            slot = leg.offset_h
        else:
            slot = next_weekday_slot(self.m, leg, -1e-9)
        while slot < self.horizon:
            yield env.timeout(slot - env.now)
            dep = self._open(leg, env.now)
            if dep > env.now:
                if dep >= self.horizon:
                    return
                yield env.timeout(dep - env.now)
            if home is None or (home and home[0][0] <= env.now):
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
                while not home:  # the whole shared fleet is at the other end, or on its way
                    ev = self.vehicle_ev[leg.index] = env.event()
                    yield ev
                    self.vehicle_ev[leg.index] = None
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
                elif leg.rotation:  # a shared vehicle goes back, empty if there is no cargo
                    wake = min(queue.next_ready(), available + leg.max_wait_h)
                else:
                    wake = queue.next_ready()
                if wake <= env.now and (queue.present or leg.rotation):
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


def _wake(ev: simpy.Event, _timer: simpy.Event) -> None:
    if not ev.triggered:
        ev.succeed()


def next_weekday_slot(model: Model, leg: LegRT, after: float) -> float:
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
