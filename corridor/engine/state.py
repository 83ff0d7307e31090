"""The state of one run that the engine's parts share: clock, records, servers, queues, draws.

:class:`~corridor.engine.core.Engine` is this state with the node processes
(:mod:`corridor.engine.nodes`) and the leg services (:mod:`corridor.engine.legs`) mixed in.
The parts call each other through the methods declared here: a node hands containers to their
next leg (:meth:`EngineState.depart_node`), a vehicle's arrival hands them back to a node
(:meth:`EngineState.visit`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, cast

import simpy

from corridor.engine.draws import Draws, Uniforms
from corridor.engine.leg_queue import LegQueue
from corridor.engine.records import Recorder
from corridor.model.runtime import LegRT, Model, OpenTimes
from corridor.model.streams import stream

__all__ = ["EngineState"]

_INF = math.inf


class EngineState:
    """Everything a run changes, built from the model; no behaviour beyond scheduling."""

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
        self.delivered = 0  # containers delivered so far
        self.route_nodes = [r.nodes for r in model.routes]
        # each route's legs in order, with None past the last one (delivered)
        self.route_next: list[tuple[LegRT | None, ...]] = [
            (*(model.legs[li] for li in r.legs), None) for r in model.routes
        ]
        # node processes: duration draws (None when fixed), coins for probabilities, and the
        # heap of the times each server becomes free (None for a pure delay)
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
        self.queues = [LegQueue() for _ in model.legs]
        self.fleet_home: list[list[tuple[float, int]] | None] = []  # (back at, vehicle) heaps
        # a when-full service whose shared fleet is all at the other end waits on this event
        self.vehicle_ev: list[simpy.Event | None] = [None] * len(model.legs)
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
                vehicles = range(leg.fleet.vehicles)
                if leg.rotation:  # a shared fleet starts half at each end of its link
                    first = leg.reverse is None or leg.index < leg.reverse
                    vehicles = vehicles[0 if first else 1 :: 2]
                self.fleet_home.append([(0.0, v) for v in vehicles])
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

    def _at(self, t: float, fn: Callable[..., None], *args: Any) -> None:
        """Call ``fn(*args)`` at simulation time ``t`` (not before now; never past the horizon)."""
        if t >= self.horizon:
            return
        env = self.env
        delay = t - env.now
        # the call travels as the event's value: no closure or partial per event
        ev = simpy.Timeout(env, delay if delay > 0.0 else 0.0, (fn, args))
        ev.callbacks.append(_call)

    # --- what the parts ask of each other (defined by the mixins)
    def visit(
        self,
        node_idx: int,
        cids: list[int],
        times: list[float],
        pidx: int,
        pending: list[int] | None = None,
        first: int = 0,
    ) -> None:
        """Take a group through a node's processes (:mod:`corridor.engine.nodes`)."""
        raise NotImplementedError

    def visit_one(self, node_idx: int, c: int, t: float, pidx: int, due: bool) -> None:
        """Take one container through a node's processes (:mod:`corridor.engine.nodes`)."""
        raise NotImplementedError

    def send_continuous(self, leg: LegRT, c: int, ready: float) -> None:
        """Send a container on a continuous leg (:mod:`corridor.engine.legs`)."""
        raise NotImplementedError

    def send_through(self, leg: LegRT, cids: list[int], ready: list[float]) -> None:
        """Send a group on with its vehicle (:mod:`corridor.engine.legs`)."""
        raise NotImplementedError


def _call(ev: simpy.Event) -> None:
    """The callback of :meth:`EngineState._at`: the event's value is ``(fn, args)``."""
    fn, args = cast("tuple[Callable[..., None], tuple[Any, ...]]", ev.value)  # no runtime cost
    fn(*args)
