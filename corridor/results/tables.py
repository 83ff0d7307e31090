"""The tables of a run, built once from the engine's records.

Tables (pandas, one row per thing; times in hours from the scenario start, with calendar
timestamps in the ``*_at`` columns):

``trips``        one row per container
``stages``       one row per container per stage (queue, service, dwell, wait, travel, closure)
``departures``   one row per vehicle departure (``direction`` out, or return for fleets)
``resources``    one row per job at a capacity-limited node process
``closures``     one row per closure window of a node or leg (given or generated)

and, describing the model as run (:mod:`corridor.results.model_tables`): ``routes``,
``processes``, ``nodes`` and ``legs``.

Anything still going on at the end of the horizon has an empty (NaN) end time: a container not
delivered by then is *in transit*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from corridor.engine.records import DWELL, SERVICE, STAGE_KINDS, TRAVEL, Recorder, as_numpy
from corridor.model.runtime import Model
from corridor.results.model_tables import describe_model

__all__ = ["RECORD_TABLES", "build_tables"]

RECORD_TABLES = ("trips", "stages", "departures", "resources", "closures")


def _code_dtype(n: int) -> type:
    """The smallest signed integer type for the codes of ``n`` categories (-1 is missing)."""
    return np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32


def _cat(values: list[str], codes: np.ndarray) -> pd.Categorical:
    """A categorical column from integer codes into ``values`` (codes copied only if needed)."""
    cat: pd.Categorical = pd.Categorical.from_codes(  # type: ignore[assignment]
        codes.astype(_code_dtype(len(values)), copy=False), categories=pd.Index(values)
    )
    return cat


def _lookup(values: list[int], n_categories: int) -> np.ndarray:
    """A code table (one code per place, route, ...) in the categories' smallest type."""
    return np.array(values, dtype=_code_dtype(n_categories))


_NS_PER_H = 3_600_000_000_000.0
_NAT = np.iinfo(np.int64).min
_CHUNK = 1 << 20


def _timestamps(start: pd.Timestamp, hours: np.ndarray) -> pd.DatetimeIndex:
    """Calendar times (nanoseconds) of ``hours`` after ``start``; NaN hours become NaT.

    Converted in chunks of a million, so the temporaries stay small whatever the length
    (pandas' own float-to-timedelta conversion is several times slower and makes copies of the
    whole column). Within 4 ns of ``start + pd.to_timedelta(hours, unit="h")``.
    """
    base = start.as_unit("ns").value
    out = np.empty(len(hours), dtype=np.int64)
    for i in range(0, len(hours), _CHUNK):
        h = hours[i : i + _CHUNK]
        ns = np.rint(h * _NS_PER_H)
        missing = np.isnan(ns)
        ns[missing] = 0.0
        part = out[i : i + _CHUNK]
        part[:] = ns
        part += base
        part[missing] = _NAT
    return pd.DatetimeIndex(out.view("M8[ns]"))


def _view(buf: Any, dtype: type) -> np.ndarray:
    """A numpy view (no copy) of an ``array.array`` buffer; empty when the buffer is."""
    return np.frombuffer(buf, dtype=dtype) if len(buf) else np.empty(0, dtype=dtype)


def _nan_after(values: np.ndarray, horizon: float) -> np.ndarray:
    """``values`` (a fresh float array, changed in place) with times after ``horizon`` as NaN."""
    values[values > horizon] = np.nan
    return values


def build_tables(model: Model, rec: Recorder) -> dict[str, pd.DataFrame]:
    """Every table of a finished run, by name, from its model and the engine's records.

    Each buffer of ``rec`` is released as soon as its table is built, so that the records and
    the tables are not held twice (a year at 1,000 TEU a day has 6.9 million stage rows). The
    tables' columns are fresh arrays, which the DataFrames take without copying.
    """
    start = pd.Timestamp(model.start_date)
    trips, c_flow, c_route, teu = _trip_table(model, rec, start)
    codes = _place_codes(model)
    stages = _stage_table(model, rec, start, codes, c_flow, c_route, teu)
    del c_flow, c_route, teu
    return {
        "trips": trips,
        "stages": stages,
        "departures": _departure_table(model, rec, start),
        "resources": _resource_table(model, rec, codes),
        "closures": _closure_table(model, start),
        **describe_model(model),
    }


_KINDS = ("loaded", "empty", "probe")  # trips.kind


def _trip_table(
    model: Model, rec: Recorder, start: pd.Timestamp
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The trips table, and the containers' flow, route and TEU codes the stages need."""
    horizon = model.horizon_h
    flows = [f.id for f in model.flows]
    routes = [r.name for r in model.routes]
    nodes = [n.id for n in model.nodes]
    c_flow = as_numpy(rec.c_flow, np.int32)
    c_route = as_numpy(rec.c_route, np.int32)
    teu = as_numpy(rec.c_teu, np.int8).astype(np.int16)
    created = as_numpy(rec.c_created, np.float64)
    delivered = _nan_after(as_numpy(rec.c_delivered, np.float64), horizon)
    node_cost = as_numpy(rec.c_node_cost, np.float64)
    rec.release("c_")
    route_km = np.array([r.length_km for r in model.routes]) if routes else np.zeros(0)
    leg_cost = (
        np.array([sum(model.legs[li].cost_usd_per_teu for li in r.legs) for r in model.routes])
        if routes
        else np.zeros(0)
    )
    co2_factor = (
        np.array(
            [
                sum(
                    model.legs[li].length_km * (model.legs[li].co2e_kg_per_teu_km or 0.0)
                    for li in r.legs
                )
                if all(model.legs[li].co2e_kg_per_teu_km is not None for li in r.legs)
                else np.nan
                for r in model.routes
            ]
        )
        if routes
        else np.zeros(0)
    )
    kind = _lookup([_KINDS.index(f.kind) for f in model.flows], len(_KINDS))
    origin = _lookup([f.origin for f in model.flows], len(nodes))
    dest = _lookup([f.destination for f in model.flows], len(nodes))
    transit = delivered - created
    trips = pd.DataFrame(
        {
            "container": np.arange(len(c_flow), dtype=np.int64),
            "flow": _cat(flows, c_flow),
            "kind": _cat(list(_KINDS), kind[c_flow] if len(c_flow) else c_flow),
            "route": _cat(routes, c_route),
            "origin": _cat(nodes, origin[c_flow] if len(c_flow) else c_flow),
            "destination": _cat(nodes, dest[c_flow] if len(c_flow) else c_flow),
            "teu": teu,
            "created_h": created,
            "delivered_h": delivered,
            "transit_h": transit,
            "transit_days": transit / 24.0,
            "km": route_km[c_route] if len(c_route) else np.zeros(0),
            "cost_usd": (leg_cost[c_route] * teu if len(c_route) else np.zeros(0)) + node_cost,
            "co2e_kg": co2_factor[c_route] * teu if len(c_route) else np.zeros(0),
            "in_warmup": created < model.warmup_h,
            "created_at": _timestamps(start, created),
            "delivered_at": _timestamps(start, delivered),
        },
        copy=False,
    )
    del node_cost, transit
    return trips, c_flow, c_route, teu


@dataclass(frozen=True)
class _PlaceCodes:
    """The element, process and activity of every place, as codes into their categories."""

    elem_names: list[str]
    proc_names: list[str]
    act_names: list[str]
    elem_type: np.ndarray  # 0 node, 1 leg
    elem_code: np.ndarray
    proc_code: np.ndarray
    act_code: np.ndarray


def _place_codes(model: Model) -> _PlaceCodes:
    places = model.places
    elem_names = list(dict.fromkeys(p.element for p in places))
    proc_names = list(dict.fromkeys(p.process for p in places))
    act_names = list(dict.fromkeys(p.activity for p in places))
    return _PlaceCodes(
        elem_names,
        proc_names,
        act_names,
        elem_type=_lookup([0 if p.element_type == "node" else 1 for p in places], 2),
        elem_code=_lookup([elem_names.index(p.element) for p in places], len(elem_names)),
        proc_code=_lookup([proc_names.index(p.process) for p in places], len(proc_names)),
        act_code=_lookup([act_names.index(p.activity) for p in places], len(act_names)),
    )


def _stage_table(
    model: Model,
    rec: Recorder,
    start: pd.Timestamp,
    codes: _PlaceCodes,
    c_flow: np.ndarray,
    c_route: np.ndarray,
    teu: np.ndarray,
) -> pd.DataFrame:
    """The stages table, sorted by container and start time."""
    horizon = model.horizon_h
    flows = [f.id for f in model.flows]
    routes = [r.name for r in model.routes]
    places = model.places
    # The rows that started before the horizon, by container and then start time: one
    # index into the buffers, then each column is gathered once and its buffer freed.
    raw_start = _view(rec.s_start, np.float64)
    raw_cid = _view(rec.s_cid, np.int32)
    kept = np.flatnonzero(raw_start < horizon)
    # The engine records a container's stages in the order they happen, so a stable sort
    # by container alone gives the order by container and start (in linear time, where a
    # sort on both keys takes n log n); checked, and sorted on both keys if not so.
    final = kept[np.argsort(raw_cid[kept], kind="stable")]
    s_start = raw_start[final]
    s_cid = raw_cid[final]
    if np.any((s_start[1:] < s_start[:-1]) & (s_cid[1:] == s_cid[:-1])):
        final = kept[np.lexsort((raw_start[kept], raw_cid[kept]))]
        s_start = raw_start[final]
        s_cid = raw_cid[final]
    del kept, raw_start, raw_cid
    rec.release("s_start", "s_cid")
    s_place = _view(rec.s_place, np.int32)[final]
    rec.release("s_place")
    s_kind = _view(rec.s_kind, np.int8)[final]
    rec.release("s_kind")
    s_end = _nan_after(_view(rec.s_end, np.float64)[final], horizon)
    rec.release("s_end")
    del final
    # km travelled at the end of each stage: table (route, place) -> km
    km_table = np.full((max(1, len(routes)), max(1, len(places))), np.nan)
    for r in model.routes:
        for pos, node in enumerate(r.nodes):
            for p in model.nodes[node].processes:
                km_table[r.index, p.place] = r.cum_km[pos]
        for pos, li in enumerate(r.legs):
            km_table[r.index, model.legs[li].place] = r.cum_km[pos + 1]
    # what each stage costs: a leg's tariff on its travel stage, a node charge on the
    # process's service or dwell stage (per TEU)
    place_cost = np.zeros(len(places))
    charged_kind = np.full(len(places), -1, dtype=np.int8)
    for n in model.nodes:
        for p in n.processes:
            place_cost[p.place] = p.cost_usd_per_teu
            charged_kind[p.place] = DWELL if p.activity == "yard" else SERVICE
    for lg in model.legs:
        place_cost[lg.place] = lg.cost_usd_per_teu
        charged_kind[lg.place] = TRAVEL
    # and what its travel emits: the leg's own factor x length x TEU (NaN: no factor)
    place_co2 = np.zeros(len(places))
    for lg in model.legs:
        factor = lg.co2e_kg_per_teu_km
        place_co2[lg.place] = np.nan if factor is None else factor * lg.length_km
    if len(s_cid):
        # codes gathered in their categories' smallest type, not as int32 first
        s_route = c_route.astype(_code_dtype(len(routes)))[s_cid]
        s_teu = teu[s_cid]
        km = km_table[s_route, s_place]
        stage_cost = place_cost[s_place]
        stage_cost *= s_teu
        stage_cost[charged_kind[s_place] != s_kind] = 0.0
        stage_co2 = place_co2[s_place]
        stage_co2 *= s_teu
        stage_co2[s_kind != TRAVEL] = 0.0
        del s_teu
        flow_codes = c_flow.astype(_code_dtype(len(flows)))[s_cid]
        route_codes = s_route
    else:
        km = stage_cost = stage_co2 = np.zeros(0)
        flow_codes = route_codes = np.zeros(0, dtype=np.int8)
    stages = pd.DataFrame(
        {
            "container": s_cid,
            "flow": _cat(flows, flow_codes),
            "route": _cat(routes, route_codes),
            "element_type": _cat(["node", "leg"], codes.elem_type[s_place]),
            "element": _cat(codes.elem_names, codes.elem_code[s_place]),
            "process": _cat(codes.proc_names, codes.proc_code[s_place]),
            "activity": _cat(codes.act_names, codes.act_code[s_place]),
            "kind": _cat(list(STAGE_KINDS), s_kind),
            "start_h": s_start,
            "end_h": s_end,
            "duration_h": s_end - s_start,
            "km": km,
            "cost_usd": stage_cost,
            "co2e_kg": stage_co2,
            "start_at": _timestamps(start, s_start),
            "end_at": _timestamps(start, s_end),
        },
        copy=False,  # the columns are fresh arrays: take them as they are
    )
    del s_place, flow_codes, route_codes
    return stages


def _departure_table(model: Model, rec: Recorder, start: pd.Timestamp) -> pd.DataFrame:
    """The departures table: one row per vehicle departure before the horizon."""
    horizon = model.horizon_h
    nodes = [n.id for n in model.nodes]
    legs = [leg.id for leg in model.legs]
    d_dep = as_numpy(rec.d_dep, np.float64)
    keep = d_dep < horizon
    d_dep = d_dep[keep]
    d_leg = _view(rec.d_leg, np.int32)[keep]
    d_arr = _nan_after(_view(rec.d_arr, np.float64)[keep], horizon)
    d_load = _view(rec.d_load, np.float64)[keep]
    d_cap = _view(rec.d_cap, np.float64)[keep]
    d_ret = _view(rec.d_return, np.int8)[keep]
    d_vehicle = _view(rec.d_vehicle, np.int32)[keep]
    d_n = _view(rec.d_n, np.int32)[keep]
    rec.release("d_")
    from_nodes = _lookup([leg.from_node for leg in model.legs], len(nodes))
    to_nodes = _lookup([leg.to_node for leg in model.legs], len(nodes))
    modes = list(dict.fromkeys(leg.mode for leg in model.legs))
    leg_mode = _lookup([modes.index(leg.mode) for leg in model.legs], len(modes))
    departures = pd.DataFrame(
        {
            "leg": _cat(legs, d_leg),
            "mode": _cat(modes, leg_mode[d_leg]),
            "from_node": _cat(
                nodes,
                np.where(d_ret == 1, to_nodes[d_leg], from_nodes[d_leg]) if len(d_leg) else d_leg,
            ),
            "to_node": _cat(
                nodes,
                np.where(d_ret == 1, from_nodes[d_leg], to_nodes[d_leg]) if len(d_leg) else d_leg,
            ),
            "vehicle": d_vehicle,
            "direction": _cat(["out", "return"], d_ret),
            "depart_h": d_dep,
            "arrive_h": d_arr,
            "load_teu": d_load,
            "containers": d_n,
            "capacity_teu": d_cap,
            "load_factor": np.where(d_cap > 0, d_load / np.where(d_cap > 0, d_cap, 1), np.nan),
            "depart_at": _timestamps(start, d_dep),
        },
        copy=False,
    )
    return departures


def _resource_table(model: Model, rec: Recorder, codes: _PlaceCodes) -> pd.DataFrame:
    """The resources table: one row per job at a capacity-limited process."""
    horizon = model.horizon_h
    j_arr = as_numpy(rec.j_arr, np.float64)
    keep = j_arr < horizon
    j_arr = j_arr[keep]
    j_place = _view(rec.j_place, np.int32)[keep]
    j_start = _nan_after(_view(rec.j_start, np.float64)[keep], horizon)
    j_end = _nan_after(_view(rec.j_end, np.float64)[keep], horizon)
    j_n = _view(rec.j_n, np.int32)[keep]
    j_teu = _view(rec.j_teu, np.float64)[keep]
    j_servers = _view(rec.j_servers, np.int32)[keep]
    rec.release("j_")
    resources = pd.DataFrame(
        {
            "node": _cat(codes.elem_names, codes.elem_code[j_place]),
            "process": _cat(codes.proc_names, codes.proc_code[j_place]),
            "activity": _cat(codes.act_names, codes.act_code[j_place]),
            "arrival_h": j_arr,
            "start_h": j_start,
            "end_h": j_end,
            "wait_h": j_start - j_arr,
            "containers": j_n,
            "teu": j_teu,
            "servers": j_servers,
        },
        copy=False,
    )
    return resources


def _closure_table(model: Model, start: pd.Timestamp) -> pd.DataFrame:
    """The closures table: one row per closure window."""
    cl = model.closure_records
    closures = pd.DataFrame(
        {
            "element": pd.Series([c.element for c in cl], dtype="string"),
            "start_h": np.array([c.start_h for c in cl], dtype=np.float64),
            "end_h": np.array([c.end_h for c in cl], dtype=np.float64),
            "reason": pd.Series([c.reason for c in cl], dtype="string"),
        }
    )
    closures["duration_h"] = closures["end_h"] - closures["start_h"]
    closures["start_at"] = _timestamps(start, closures["start_h"].to_numpy())
    closures["end_at"] = _timestamps(start, closures["end_h"].to_numpy())
    return closures
