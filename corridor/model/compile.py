"""From a validated scenario and its network to the frozen model the engine runs.

This is where the scenario's changes are applied to the network (processes, services,
enabled legs), routes are checked against the graph, windows become hours, and every
stochastic element gets the name of its random stream. Everything is checked before anything
is simulated; all problems are reported together in one :class:`ScenarioError`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from corridor.errors import Problem, ScenarioError, format_location
from corridor.inputs.distributions import Sampler
from corridor.inputs.network import Leg, Network, Node
from corridor.inputs.scenario import ProcessChange, Scenario
from corridor.inputs.specs import WEEKDAYS, ProcessSpec, ServiceSpec
from corridor.inputs.yamlio import pydantic_problems
from corridor.model.calendar import ClosureRecord, OpenTimes, storm_closures, window_hours

__all__ = [
    "AT_DESTINATION",
    "AT_ORIGIN",
    "AT_TRANSIT",
    "FlowRT",
    "LegRT",
    "Model",
    "NodeRT",
    "Place",
    "ProcessRT",
    "RouteRT",
    "SeasonRT",
    "build_model",
]

AT_ORIGIN, AT_TRANSIT, AT_DESTINATION = 1, 2, 4
# more departures than this on one leg is a units mistake, not a timetable (one a minute for
# two years is about 1 million)
MAX_DEPARTURES_PER_LEG = 1_000_000
_AT_BITS = {"origin": AT_ORIGIN, "transit": AT_TRANSIT, "destination": AT_DESTINATION}
_SERVICE = TypeAdapter(ServiceSpec)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a stage happens: a node process, or a leg (its service and its running)."""

    element_type: str  # "node" or "leg"
    element: str
    process: str
    activity: str  # a node process's activity, or the leg's mode


@dataclass(frozen=True, slots=True)
class ProcessRT:
    index: int  # position within its node
    place: int
    name: str
    activity: str
    sampler: Sampler
    servers: int | None
    per_vehicle: bool
    probability: float
    at_mask: int
    cost_usd_per_teu: float
    stream: str


@dataclass(frozen=True, slots=True)
class NodeRT:
    index: int
    id: str
    processes: tuple[ProcessRT, ...]
    name: str
    country: str
    kind: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class FleetRT:
    vehicles: int
    turnaround: Sampler
    return_speed_kmh: float | None


@dataclass(frozen=True, slots=True)
class LegRT:
    index: int
    id: str
    from_node: int
    to_node: int
    mode: str
    length_km: float
    speed_kmh: float | None
    running: Sampler | None
    delay: Sampler | None
    kind: str  # continuous, scheduled, when_full
    capacity_teu: float
    headway_h: float | None
    offset_h: float
    weekdays: tuple[int, ...]
    departure_time_h: float
    max_wait_h: float
    fleet: FleetRT | None
    cost_usd_per_teu: float
    co2e_kg_per_teu_km: float | None
    place: int
    name: str
    coords: tuple[tuple[float, float], ...]
    enabled: bool


@dataclass(frozen=True, slots=True)
class RouteRT:
    index: int
    name: str
    legs: tuple[int, ...]
    nodes: tuple[int, ...]  # len(legs) + 1
    cum_km: tuple[float, ...]  # km travelled on arrival at each node

    @property
    def length_km(self) -> float:
        return self.cum_km[-1]


@dataclass(frozen=True, slots=True)
class FlowRT:
    index: int
    id: str
    origin: int
    destination: int
    containers_per_h: float  # at hour 0
    arrival: str
    growth_per_year: float  # multiplicative factor per 8,760 h (1.15 for 15 %)
    share_40ft: float
    routes: tuple[int, ...]
    route_cum: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SeasonRT:
    name: str
    start_h: float
    end_h: float
    speed_factor: float
    capacity_factor: float
    headway_factor: float
    extra_delay: Sampler | None


@dataclass(frozen=True)
class Model:
    """Everything a run needs, as plain frozen data."""

    name: str  # the scenario's name
    start_date: dt.datetime  # the calendar moment of hour 0
    horizon_h: float
    warmup_h: float
    keep_stages: bool  # record the stages table
    keep_resources: bool  # record the resources table
    seed: int
    nodes: tuple[NodeRT, ...]
    legs: tuple[LegRT, ...]
    routes: tuple[RouteRT, ...]
    flows: tuple[FlowRT, ...]
    places: tuple[Place, ...]
    node_closures: tuple[OpenTimes, ...]
    leg_closures: tuple[OpenTimes, ...]
    closure_records: tuple[ClosureRecord, ...]
    seasons: tuple[tuple[SeasonRT, ...], ...]  # per leg
    capacity_changes: tuple[tuple[float, int, int, int], ...]  # (t_h, node, process, servers)


class _Problems:
    """Collects problems with their place (and line) in the scenario file."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.items: list[Problem] = []

    def add(self, loc: tuple[Any, ...], what: str, hint: str = "") -> None:
        self.items.append(self.scenario.problem(loc, what, hint))

    def extend_pydantic(self, loc: tuple[Any, ...], exc: ValidationError) -> None:
        for p in pydantic_problems(exc):
            inner = f".{p.where}" if p.where else ""
            self.items.append(Problem(format_location(list(loc)) + inner, p.what, p.hint))


def _did_you_mean(name: str, choices: Mapping[str, Any] | list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def _apply_process_changes(
    node: Node, changes: Mapping[str, ProcessChange], problems: _Problems
) -> tuple[ProcessSpec, ...]:
    procs = list(node.processes)
    names = [p.name for p in procs]
    for name, change in changes.items():
        loc = ("nodes", node.id, "processes", name)
        if name not in names:
            if change.remove:
                problems.add(
                    loc,
                    f"node {node.id!r} has no process {name!r} to remove",
                    _did_you_mean(name, names),
                )
                continue
            if change.time_h is None:
                problems.add(
                    loc,
                    f"node {node.id!r} has no process {name!r}",
                    _did_you_mean(name, names) or "to add a process, give at least time_h",
                )
                continue
            fields = change.model_dump(
                exclude_none=True, exclude={"remove", "time_factor", "extra_servers"}
            )
            try:
                procs.append(ProcessSpec.model_validate({"name": name, **fields}))
                names.append(name)
            except ValidationError as exc:
                problems.extend_pydantic(loc, exc)
            continue
        i = names.index(name)
        if change.remove:
            procs.pop(i)
            names.pop(i)
            continue
        spec = procs[i]
        update: dict[str, Any] = {
            k: v
            for k, v in change.model_dump(exclude_none=True).items()
            if k not in {"remove", "time_factor", "extra_servers", "time_h"}
        }
        time_h = change.time_h if change.time_h is not None else spec.time_h
        if change.time_factor is not None:
            time_h = time_h.scaled(change.time_factor)
        update["time_h"] = time_h
        if change.extra_servers is not None:
            base = update.get("servers", spec.servers)
            if base is None:
                problems.add(
                    loc,
                    f"process {name!r} at {node.id!r} is a pure delay (no servers)",
                    "set servers instead of extra_servers",
                )
                continue
            if base + change.extra_servers < 1:
                problems.add(
                    loc,
                    f"extra_servers {change.extra_servers} leaves "
                    f"{base + change.extra_servers} servers",
                    "keep at least 1",
                )
                continue
            update["servers"] = base + change.extra_servers
        procs[i] = spec.model_copy(update=update)
    return tuple(procs)


def _apply_leg_change(leg: Leg, change: Any, problems: _Problems) -> Leg:
    update: dict[str, Any] = {}
    for key in ("enabled", "length_km", "cost_usd_per_teu", "co2e_kg_per_teu_km", "delay_h"):
        value = getattr(change, key)
        if value is not None:
            update[key] = value
    if change.speed_kmh is not None:
        update["speed_kmh"], update["running_time_h"] = change.speed_kmh, None
    if change.running_time_h is not None:
        update["running_time_h"], update["speed_kmh"] = change.running_time_h, None
    if change.service is not None:
        base = leg.service.model_dump(exclude_none=True)
        new = dict(change.service)
        if new.get("type", base["type"]) == base["type"]:
            merged = {**base, **new}
            if isinstance(base.get("fleet"), dict) and isinstance(new.get("fleet"), dict):
                merged["fleet"] = {**base["fleet"], **new["fleet"]}
            # a timetable given one way replaces the other
            if "weekdays" in new and "headway_h" not in new:
                merged.pop("headway_h", None)
            if "headway_h" in new and "weekdays" not in new:
                merged.pop("weekdays", None)
            new = merged
        try:
            update["service"] = _SERVICE.validate_python(new)
        except ValidationError as exc:
            problems.extend_pydantic(("legs", leg.id, "service"), exc)
    return dataclasses.replace(leg, **update) if update else leg


def _sampler(spec: Any) -> Sampler | None:
    return None if spec is None else spec.compile()


def build_model(scenario: Scenario, network: Network, seed: int | None = None) -> Model:
    """Check ``scenario`` against ``network`` and build the model a run executes.

    Raises
    ------
    ScenarioError
        Listing every way the scenario does not fit the network.
    """
    loc: tuple[Any, ...]
    problems = _Problems(scenario)
    run_seed = scenario.seed if seed is None else seed

    # --- node and leg changes
    nodes = dict(network.nodes)
    for node_id, change in scenario.nodes.items():
        if node_id not in nodes:
            problems.add(
                ("nodes", node_id),
                f"unknown node {node_id!r}",
                _did_you_mean(node_id, nodes) or "node ids are in the network file",
            )
            continue
        node = nodes[node_id]
        if isinstance(change.processes, list):
            seen: set[str] = set()
            for i, p in enumerate(change.processes):
                if p.name in seen:
                    problems.add(
                        ("nodes", node_id, "processes", i),
                        f"process name {p.name!r} is used twice",
                        "names must be unique",
                    )
                seen.add(p.name)
            nodes[node_id] = dataclasses.replace(node, processes=tuple(change.processes))
        else:
            nodes[node_id] = dataclasses.replace(
                node, processes=_apply_process_changes(node, change.processes, problems)
            )
    legs = dict(network.legs)
    for leg_id, leg_change in scenario.legs.items():
        if leg_id not in legs:
            problems.add(
                ("legs", leg_id),
                f"unknown leg {leg_id!r}",
                _did_you_mean(leg_id, legs) or "leg ids are in the network file",
            )
            continue
        legs[leg_id] = _apply_leg_change(legs[leg_id], leg_change, problems)

    node_index = {nid: i for i, nid in enumerate(nodes)}
    leg_index = {lid: i for i, lid in enumerate(legs)}

    # --- routes
    route_objs: list[tuple[str, tuple[int, ...], tuple[int, ...], tuple[float, ...]]] = []
    route_index: dict[str, int] = {}
    for name, chain in scenario.routes.items():
        ok = True
        for pos, leg_id in enumerate(chain):
            loc = ("routes", name, pos)
            if leg_id not in legs:
                problems.add(loc, f"unknown leg {leg_id!r}", _did_you_mean(leg_id, legs))
                ok = False
            elif not legs[leg_id].enabled:
                problems.add(
                    loc,
                    f"leg {leg_id!r} is disabled in this scenario",
                    f"enable it with legs: {{{leg_id}: {{enabled: true}}}}",
                )
                ok = False
        if not ok:
            continue
        for pos in range(1, len(chain)):
            prev, cur = legs[chain[pos - 1]], legs[chain[pos]]
            if prev.to_node != cur.from_node:
                problems.add(
                    ("routes", name, pos),
                    f"leg {cur.id!r} starts at {cur.from_node!r} but the previous leg "
                    f"{prev.id!r} ends at {prev.to_node!r}",
                    "a route is a chain of legs, each starting where the last one ended",
                )
                ok = False
        if not ok:
            continue
        node_seq = [node_index[legs[chain[0]].from_node]]
        cum = [0.0]
        for leg_id in chain:
            node_seq.append(node_index[legs[leg_id].to_node])
            cum.append(cum[-1] + legs[leg_id].length_km)
        if len(set(node_seq)) != len(node_seq):
            problems.add(("routes", name), "the route visits a node twice", "routes must not loop")
            continue
        route_index[name] = len(route_objs)
        route_objs.append((name, tuple(leg_index[x] for x in chain), tuple(node_seq), tuple(cum)))

    # --- flows
    flows: list[FlowRT] = []
    for fi, flow in enumerate(scenario.flows):
        loc = ("flows", fi)
        bad = False
        for end in ("origin", "destination"):
            nid = getattr(flow, end)
            if nid not in nodes:
                problems.add((*loc, end), f"unknown node {nid!r}", _did_you_mean(nid, nodes))
                bad = True
        idx: list[int] = []
        for rname in flow.routes:
            if rname not in scenario.routes:
                problems.add(
                    (*loc, "routes", rname),
                    f"unknown route {rname!r}",
                    _did_you_mean(rname, list(scenario.routes)) or "define it under routes:",
                )
                bad = True
                continue
            if rname not in route_index:
                bad = True  # its own problem is reported under routes
                continue
            r = route_objs[route_index[rname]]
            if not bad and r[2][0] != node_index[flow.origin]:
                problems.add(
                    (*loc, "routes", rname),
                    f"route {rname!r} starts at {list(nodes)[r[2][0]]!r}, not at the "
                    f"flow's origin {flow.origin!r}",
                )
                bad = True
            if not bad and r[2][-1] != node_index[flow.destination]:
                problems.add(
                    (*loc, "routes", rname),
                    f"route {rname!r} ends at {list(nodes)[r[2][-1]]!r}, not at the "
                    f"flow's destination {flow.destination!r}",
                )
                bad = True
            idx.append(route_index[rname])
        if bad:
            continue
        shares = [flow.routes[name] for name in flow.routes]
        total = sum(shares)
        cum_share, acc = [], 0.0
        for s in shares:
            acc += s / total
            cum_share.append(acc)
        cum_share[-1] = 1.0
        mean_teu = 1.0 + flow.share_40ft
        flows.append(
            FlowRT(
                index=len(flows),
                id=flow.id,
                origin=node_index[flow.origin],
                destination=node_index[flow.destination],
                containers_per_h=flow.teu_per_day / 24.0 / mean_teu,
                arrival=flow.arrival,
                growth_per_year=1.0 + flow.growth_pct_per_year / 100.0,
                share_40ft=flow.share_40ft,
                routes=tuple(idx),
                route_cum=tuple(cum_share),
            )
        )

    # --- closures and storms
    known = set(nodes) | set(legs)
    records: list[ClosureRecord] = []
    for ci, closure in enumerate(scenario.closures):
        for ei, elem in enumerate(closure.elements):
            if elem not in known:
                problems.add(
                    ("closures", ci, "elements", ei),
                    f"unknown node or leg {elem!r}",
                    _did_you_mean(elem, sorted(known)),
                )
                continue
            records.extend(
                ClosureRecord(elem, a, b, closure.reason or "closure")
                for a, b in window_hours(closure, scenario)
            )
    for si, storm in enumerate(scenario.storms):
        missing = [e for e in storm.elements if e not in known]
        for elem in missing:
            problems.add(
                ("storms", si, "elements"),
                f"unknown node or leg {elem!r}",
                _did_you_mean(elem, sorted(known)),
            )
        if not missing:
            records.extend(storm_closures(storm, scenario, run_seed))

    # --- seasons
    season_lists: list[list[SeasonRT]] = [[] for _ in legs]
    for si, season in enumerate(scenario.seasons):
        for li, leg_id in enumerate(season.legs):
            if leg_id not in legs:
                problems.add(
                    ("seasons", si, "legs", li),
                    f"unknown leg {leg_id!r}",
                    _did_you_mean(leg_id, legs),
                )
                continue
            for a, b in window_hours(season, scenario):
                season_lists[leg_index[leg_id]].append(
                    SeasonRT(
                        season.name,
                        a,
                        b,
                        season.speed_factor,
                        season.capacity_factor,
                        season.headway_factor,
                        _sampler(season.extra_delay_h),
                    )
                )

    # --- capacity changes
    changes: list[tuple[float, int, int, int]] = []
    for ci, cc in enumerate(scenario.capacity_changes):
        loc = ("capacity_changes", ci)
        if cc.node not in nodes:
            problems.add((*loc, "node"), f"unknown node {cc.node!r}", _did_you_mean(cc.node, nodes))
            continue
        pnames = [p.name for p in nodes[cc.node].processes]
        if cc.process not in pnames:
            problems.add(
                (*loc, "process"),
                f"node {cc.node!r} has no process {cc.process!r}",
                _did_you_mean(cc.process, pnames),
            )
            continue
        pi = pnames.index(cc.process)
        if nodes[cc.node].processes[pi].servers is None:
            problems.add(
                (*loc, "process"),
                f"process {cc.process!r} at {cc.node!r} has no servers (a pure delay)",
                "give it servers in the network or scenario",
            )
            continue
        t = scenario.hours_since_start(cc.at) if cc.at is not None else (cc.at_day or 0.0) * 24.0
        changes.append((t, node_index[cc.node], pi, cc.servers))

    # --- legs used by routes: capacities must take a 40' container
    used_legs = {li for r in route_objs for li in r[1]}
    max_teu = 2.0 if any(f.share_40ft > 0 for f in scenario.flows) else 1.0
    for li in sorted(used_legs):
        leg = list(legs.values())[li]
        cap = getattr(leg.service, "capacity_teu", None)
        if cap is not None and cap < max_teu:
            problems.add(
                ("legs", leg.id, "service", "capacity_teu"),
                f"capacity {cap} TEU cannot carry a 40' container (2 TEU)",
                "raise capacity_teu or set share_40ft: 0",
            )

    # --- timetables that would make a run endless (a headway meant in days, written in h?)
    for li, leg in enumerate(legs.values()):
        headway = getattr(leg.service, "headway_h", None)
        if headway is None:
            continue
        factor = min([1.0] + [x.headway_factor for x in season_lists[li]])
        departures = scenario.horizon_h / (headway * factor)
        if departures > MAX_DEPARTURES_PER_LEG:
            problems.add(
                ("legs", leg.id, "service", "headway_h"),
                f"a departure every {headway * factor:g} h means {departures:,.0f} departures "
                f"in {scenario.horizon_days:g} days (more than {MAX_DEPARTURES_PER_LEG:,})",
                "headway_h is in hours; check the network's or this scenario's value and any "
                "season's headway_factor",
            )

    if problems.items:
        raise ScenarioError(scenario.source or scenario.name, problems.items)

    # --- runtime objects
    places: list[Place] = []
    node_rts: list[NodeRT] = []
    for nid, node in nodes.items():
        procs = []
        for pi, p in enumerate(node.processes):
            mask = 0
            for at in p.at:
                mask |= _AT_BITS[at]
            places.append(Place("node", nid, p.name, p.activity))
            procs.append(
                ProcessRT(
                    index=pi,
                    place=len(places) - 1,
                    name=p.name,
                    activity=p.activity,
                    sampler=p.time_h.compile(),
                    servers=p.servers,
                    per_vehicle=p.per == "vehicle",
                    probability=p.probability,
                    at_mask=mask,
                    cost_usd_per_teu=p.cost_usd_per_teu,
                    stream=f"node:{nid}:{p.name}",
                )
            )
        node_rts.append(
            NodeRT(
                node_index[nid],
                nid,
                tuple(procs),
                name=node.name,
                country=node.country,
                kind=node.kind,
                lon=node.lon,
                lat=node.lat,
            )
        )
    leg_rts: list[LegRT] = []
    for lid, leg in legs.items():
        places.append(Place("leg", lid, leg.service.type, leg.mode))
        svc = leg.service
        fleet = None
        spec_fleet = getattr(svc, "fleet", None)
        if spec_fleet is not None:
            fleet = FleetRT(
                spec_fleet.vehicles, spec_fleet.turnaround_h.compile(), spec_fleet.return_speed_kmh
            )
        headway = getattr(svc, "headway_h", None)
        weekdays = getattr(svc, "weekdays", None) or []
        leg_rts.append(
            LegRT(
                index=leg_index[lid],
                id=lid,
                from_node=node_index[leg.from_node],
                to_node=node_index[leg.to_node],
                mode=leg.mode,
                length_km=leg.length_km,
                speed_kmh=leg.speed_kmh,
                running=_sampler(leg.running_time_h),
                delay=_sampler(leg.delay_h),
                kind=svc.type,
                capacity_teu=float(getattr(svc, "capacity_teu", math.inf)),
                headway_h=headway,
                offset_h=float(getattr(svc, "offset_h", 0.0)),
                weekdays=tuple(WEEKDAYS.index(d) for d in weekdays),
                departure_time_h=float(getattr(svc, "departure_time_h", 0.0)),
                max_wait_h=float(getattr(svc, "max_wait_h", 0.0)),
                fleet=fleet,
                cost_usd_per_teu=leg.cost_usd_per_teu,
                co2e_kg_per_teu_km=leg.co2e_kg_per_teu_km,
                place=len(places) - 1,
                name=leg.name,
                coords=leg.coords,
                enabled=leg.enabled,
            )
        )
    by_elem: dict[str, list[tuple[float, float]]] = {}
    for rec in records:
        by_elem.setdefault(rec.element, []).append((rec.start_h, rec.end_h))
    node_closures = tuple(OpenTimes(by_elem.get(nid, [])) for nid in nodes)
    leg_closures = tuple(OpenTimes(by_elem.get(lid, [])) for lid in legs)
    routes = tuple(
        RouteRT(i, name, lg, nd, cum) for i, (name, lg, nd, cum) in enumerate(route_objs)
    )
    return Model(
        name=scenario.name,
        start_date=scenario.start_date,
        horizon_h=scenario.horizon_h,
        warmup_h=scenario.warmup_h,
        keep_stages=scenario.outputs.stages,
        keep_resources=scenario.outputs.resources,
        seed=run_seed,
        nodes=tuple(node_rts),
        legs=tuple(leg_rts),
        routes=routes,
        flows=tuple(flows),
        places=tuple(places),
        node_closures=node_closures,
        leg_closures=leg_closures,
        closure_records=tuple(sorted(records, key=lambda r: r.start_h)),
        seasons=tuple(tuple(s) for s in season_lists),
        capacity_changes=tuple(sorted(changes)),
    )
