"""The tables of a run, its summary, and saving them.

Tables (pandas, one row per thing; times in hours from the scenario start, with calendar
timestamps in the ``*_at`` columns):

``trips``        one row per container
``stages``       one row per container per stage (queue, service, dwell, wait, travel, closure)
``departures``   one row per vehicle departure (``direction`` out, or return for fleets)
``resources``    one row per job at a capacity-limited node process
``closures``     one row per closure window of a node or leg (given or generated)

Anything still going on at the end of the horizon has an empty (NaN) end time: a container not
delivered by then is *in transit*.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor.model.runtime import Model
from corridor.errors import OutputError
from corridor.engine.records import DWELL, SERVICE, STAGE_KINDS, TRAVEL, Recorder, as_numpy

__all__ = ["SUMMARY_COLUMNS", "TABLES", "Results", "check_output_folder", "summarize"]

TABLES = ("trips", "stages", "departures", "resources", "closures", "routes")
ROUTE_COLUMNS = [
    "route",
    "seq",
    "leg",
    "from_node",
    "to_node",
    "mode",
    "length_km",
    "km_start",
    "km_end",
    "cost_usd_per_teu",
]

SUMMARY_COLUMNS = [
    "flow",
    "route",
    "created",
    "delivered",
    "in_transit",
    "teu_delivered",
    "throughput_teu_per_day",
    "demand_teu_per_day",
    "backlog_growth_teu_per_day",
    "status",
    "mean_days",
    "p50_days",
    "p90_days",
    "p95_days",
    "max_days",
]


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


@dataclass
class Results:
    """The outcome of one run: tables built once from the run's records."""

    scenario_name: str
    seed: int
    start_date: pd.Timestamp
    horizon_h: float
    warmup_h: float
    trips: pd.DataFrame
    stages: pd.DataFrame
    departures: pd.DataFrame
    resources: pd.DataFrame
    closures: pd.DataFrame
    routes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ROUTE_COLUMNS))
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_records(
        cls, model: Model, rec: Recorder, meta: dict[str, Any] | None = None
    ) -> Results:
        """Build the tables of a finished run."""
        horizon = model.horizon_h
        start = pd.Timestamp(model.start_date)
        flows = [f.id for f in model.flows]
        routes = [r.name for r in model.routes]
        nodes = [n.id for n in model.nodes]
        legs = [leg.id for leg in model.legs]

        # Each buffer is released as soon as its table is built, so that the records and the
        # tables are not held twice (a year at 1,000 TEU a day has 6.9 million stage rows).
        # The tables' columns are fresh arrays, which the DataFrames take without copying.

        # --- trips
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
        origin = _lookup([f.origin for f in model.flows], len(nodes))
        dest = _lookup([f.destination for f in model.flows], len(nodes))
        transit = delivered - created
        trips = pd.DataFrame(
            {
                "container": np.arange(len(c_flow), dtype=np.int64),
                "flow": _cat(flows, c_flow),
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

        # --- stages
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
        elem_names = list(dict.fromkeys(p.element for p in places))
        proc_names = list(dict.fromkeys(p.process for p in places))
        act_names = list(dict.fromkeys(p.activity for p in places))
        elem_type = _lookup([0 if p.element_type == "node" else 1 for p in places], 2)
        elem_code = _lookup([elem_names.index(p.element) for p in places], len(elem_names))
        proc_code = _lookup([proc_names.index(p.process) for p in places], len(proc_names))
        act_code = _lookup([act_names.index(p.activity) for p in places], len(act_names))
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
                "element_type": _cat(["node", "leg"], elem_type[s_place]),
                "element": _cat(elem_names, elem_code[s_place]),
                "process": _cat(proc_names, proc_code[s_place]),
                "activity": _cat(act_names, act_code[s_place]),
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

        # --- departures
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
                    np.where(d_ret == 1, to_nodes[d_leg], from_nodes[d_leg])
                    if len(d_leg)
                    else d_leg,
                ),
                "to_node": _cat(
                    nodes,
                    np.where(d_ret == 1, from_nodes[d_leg], to_nodes[d_leg])
                    if len(d_leg)
                    else d_leg,
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

        # --- resources (jobs at capacity-limited processes)
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
                "node": _cat(elem_names, elem_code[j_place]),
                "process": _cat(proc_names, proc_code[j_place]),
                "activity": _cat(act_names, act_code[j_place]),
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

        # --- closures
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

        # --- routes: the legs of each route, in order
        route_rows = [
            {
                "route": r.name,
                "seq": pos,
                "leg": model.legs[li].id,
                "from_node": model.nodes[r.nodes[pos]].id,
                "to_node": model.nodes[r.nodes[pos + 1]].id,
                "mode": model.legs[li].mode,
                "length_km": model.legs[li].length_km,
                "km_start": r.cum_km[pos],
                "km_end": r.cum_km[pos + 1],
                "cost_usd_per_teu": model.legs[li].cost_usd_per_teu,
            }
            for r in model.routes
            for pos, li in enumerate(r.legs)
        ]
        route_table = pd.DataFrame(route_rows, columns=ROUTE_COLUMNS)

        return cls(
            scenario_name=model.name,
            seed=model.seed,
            start_date=start,
            horizon_h=horizon,
            warmup_h=model.warmup_h,
            trips=trips,
            stages=stages,
            departures=departures,
            resources=resources,
            closures=closures,
            routes=route_table,
            meta=dict(meta or {}),
        )

    # ------------------------------------------------------------------ summaries
    def summary(self) -> pd.DataFrame:
        """Per flow and route: counts and transit-time statistics, warm-up excluded.

        Containers created during the warm-up are left out. ``in_transit`` counts containers
        not delivered by the end of the horizon; transit statistics are over delivered ones.
        ``share_<kind>`` columns give the share of delivered containers' time per stage kind.
        """
        return summarize(self.trips, self.stages, self.warmup_h, self.horizon_h)

    # ------------------------------------------------------------------ saving
    def save(self, directory: str | Path) -> Path:
        """Write every table as Parquet, ``summary.csv`` and ``run.json`` into ``directory``.

        Each file is written to a temporary name (``.NAME.*.tmp``) and renamed into place, so a
        reader never sees a half-written file. ``run.json`` is written last and lists the
        SHA-256 of every other file: :meth:`load` checks them, so a folder left by a save that
        was interrupted half-way (new tables beside an older run's) is recognised, not read
        as one run.

        Raises
        ------
        OutputError
            When ``directory`` is a file or cannot be written.
        """
        out = check_output_folder(directory)
        try:
            out.mkdir(parents=True, exist_ok=True)
            files: dict[str, str] = {}
            for name in TABLES:
                table: pd.DataFrame = getattr(self, name)
                files[f"{name}.parquet"] = _atomic_write(
                    out / f"{name}.parquet", lambda p, t=table: t.to_parquet(p, index=False)
                )
            summary = self.summary()
            files["summary.csv"] = _atomic_write(
                out / "summary.csv", lambda p: summary.to_csv(p, index=False)
            )
            meta = {
                "scenario": self.scenario_name,
                "seed": self.seed,
                "start_date": self.start_date.isoformat(),
                "horizon_h": self.horizon_h,
                "warmup_h": self.warmup_h,
                **self.meta,
                "files": files,
            }
            _atomic_write(
                out / "run.json",
                lambda p: Path(p).write_text(json.dumps(meta, indent=2, default=str)),
            )
        except OSError as exc:
            raise OutputError.single(
                out,
                "",
                f"cannot write results: {exc.strerror or exc}",
                "check the folder's permissions and free space",
            ) from None
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """Read a folder written by :meth:`save`, checking that its files belong together.

        Raises
        ------
        OutputError
            When ``run.json`` or a table is missing, or a file does not match the SHA-256
            that ``run.json`` lists for it (a save interrupted half-way).
        """
        folder = Path(directory)
        run_json = folder / "run.json"
        if not run_json.is_file():
            raise OutputError.single(
                folder, "", "no run.json here", "give a folder written by corridor run --out"
            )
        try:
            meta = json.loads(run_json.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputError.single(run_json, "", f"unreadable: {exc}") from None
        files = meta.pop("files", {})
        for name in TABLES:
            path = folder / f"{name}.parquet"
            expected = files.get(path.name)
            if not path.is_file():
                raise OutputError.single(path, "", "missing", "run the scenario again")
            if expected is not None and _sha256(path) != expected:
                raise OutputError.single(
                    path,
                    "",
                    "does not belong to the run that run.json describes "
                    "(a save was interrupted half-way)",
                    "run the scenario again",
                )
        tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
        known = {"scenario", "seed", "start_date", "horizon_h", "warmup_h"}
        return cls(
            scenario_name=meta["scenario"],
            seed=int(meta["seed"]),
            start_date=pd.Timestamp(meta["start_date"]),
            horizon_h=float(meta["horizon_h"]),
            warmup_h=float(meta["warmup_h"]),
            **tables,
            meta={k: v for k, v in meta.items() if k not in known},
        )


def check_output_folder(directory: str | Path) -> Path:
    """Check that results can be saved to ``directory`` (before spending time on a run).

    Raises
    ------
    OutputError
        When it is a file, or neither it nor its nearest existing parent can be written.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise OutputError.single(
            out, "", "exists and is not a folder", "give --out a folder to write the tables into"
        )
    probe = out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError.single(
            out,
            "",
            f"cannot write results: {probe} is a file, not a folder",
            "choose a folder path for --out",
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError.single(
            out,
            "",
            f"cannot write results: {probe} is not writable",
            "choose a folder you can write to",
        )
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_write(path: Path, write: Any) -> str:
    """Write ``path`` through a temporary file renamed into place; return its SHA-256."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        digest = _sha256(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def _backlog_growth(g: pd.DataFrame, warmup_h: float, horizon_h: float) -> float:
    """Slope (TEU per day) of the TEU in the system over the second half of the measured period."""
    times = np.linspace(warmup_h + (horizon_h - warmup_h) / 2, horizon_h, 41)
    created = np.sort(g["created_h"].to_numpy())
    created_teu = np.cumsum(g["teu"].to_numpy()[np.argsort(g["created_h"].to_numpy())])
    done = g.dropna(subset=["delivered_h"])
    order = np.argsort(done["delivered_h"].to_numpy())
    delivered = done["delivered_h"].to_numpy()[order]
    delivered_teu = np.cumsum(done["teu"].to_numpy()[order])

    def upto(ts: np.ndarray, cum: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(ts, times, side="right")
        return np.where(idx > 0, cum[np.maximum(idx - 1, 0)] if len(cum) else 0.0, 0.0)

    backlog = upto(created, created_teu) - upto(delivered, delivered_teu)
    return float(np.polyfit(times / 24.0, backlog, 1)[0])


def summarize(
    trips: pd.DataFrame, stages: pd.DataFrame, warmup_h: float, horizon_h: float
) -> pd.DataFrame:
    """The per flow and route summary of :meth:`Results.summary` from the two tables.

    ``status`` is ``saturated`` when the route cannot carry its demand: the TEU in the system
    grow by more than 5 % of the daily demand per day over the second half of the measured
    period, and either more containers are under way at the end than Little's law expects at
    the delivered containers' mean transit time, or transit times rise by more than 0.05 day
    per day of the period. Then the transit statistics describe only the
    containers that got through and understate the real delay. ``no deliveries`` means no
    container created after the warm-up arrived before the end, though the backlog does not
    grow (the route is longer than the measured period).
    """
    measured_days = max((horizon_h - warmup_h) / 24.0, 1e-9)
    t = trips[~trips["in_warmup"]]
    rows = []
    for (flow, route), g in t.groupby(["flow", "route"], observed=True, sort=True):
        done = g["transit_days"].dropna()
        q = done.quantile([0.5, 0.9, 0.95]) if len(done) else pd.Series([np.nan] * 3)
        in_transit = int(g["delivered_h"].isna().sum())
        demand_teu_day = g["teu"].sum() / measured_days
        growth = _backlog_growth(g, warmup_h, horizon_h) if len(g) > 1 else 0.0
        expected_in_system = len(g) / measured_days * (done.mean() if len(done) else 0.0)
        rising = 0.0  # days of transit added per day of creation
        if len(done) > 10:
            x = g.loc[done.index, "created_h"].to_numpy() / 24.0
            if np.ptp(x) > 0:
                rising = float(np.polyfit(x, done.to_numpy(), 1)[0])
        if not len(done):
            status = "saturated" if growth > 0.05 * demand_teu_day else "no deliveries"
        elif growth > 0.05 * demand_teu_day and (
            in_transit > 1.5 * expected_in_system + 5 or rising > 0.05
        ):
            status = "saturated"
        else:
            status = "ok"
        rows.append(
            {
                "flow": flow,
                "route": route,
                "created": len(g),
                "delivered": len(done),
                "in_transit": in_transit,
                "teu_delivered": int(g.loc[g["delivered_h"].notna(), "teu"].sum()),
                "throughput_teu_per_day": g.loc[g["delivered_h"].notna(), "teu"].sum()
                / measured_days,
                "demand_teu_per_day": demand_teu_day,
                "backlog_growth_teu_per_day": growth,
                "status": status,
                "mean_days": done.mean() if len(done) else np.nan,
                "p50_days": float(q.iloc[0]),
                "p90_days": float(q.iloc[1]),
                "p95_days": float(q.iloc[2]),
                "max_days": done.max() if len(done) else np.nan,
            }
        )
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    if len(stages) and len(out):
        delivered_ids = t.loc[t["delivered_h"].notna(), "container"]
        s = stages[stages["container"].isin(delivered_ids)]
        by = (
            s.groupby(["flow", "route", "kind"], observed=True)["duration_h"]
            .sum()
            .unstack("kind")
            .fillna(0.0)
        )
        total = by.sum(axis=1).replace(0, np.nan)
        share = by.div(total, axis=0)
        for kind in STAGE_KINDS:
            col = share[kind] if kind in share else pd.Series(0.0, index=share.index)
            out[f"share_{kind}"] = [
                float(col.get((f, r), np.nan))
                for f, r in zip(out["flow"], out["route"], strict=True)
            ]
    return out
