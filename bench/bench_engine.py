"""Engine benchmark: cost per container of a year on a synthetic corridor chain.

Run from the repository root::

    .venv/bin/python bench/bench_engine.py                      # 100,300,1000,3000 TEU/day, 365 d
    .venv/bin/python bench/bench_engine.py --quick              # smoke run, well under a minute
    .venv/bin/python bench/bench_engine.py --levels 1000 --repeats 5 --json out.json
    .venv/bin/python bench/bench_engine.py --profile 1000       # cProfile of one corridor run

One synthetic chain (built in memory, no files) of 14 stages: an origin port (gate, yard dwell,
quay cranes) -> scheduled sailing -> a transit port (cranes, yard dwell) -> when-full block train
-> a rail border (per-train clearance, per-train gauge change) -> timetabled trains -> a road
border (rail-to-truck transload, per-container clearance) -> trucks -> the destination terminal.
Servers and scheduled capacities grow with the demand level so that no level is saturated: the
benchmark measures the cost per container, not a queue that explodes.

Each run happens in a fresh subprocess (this script in ``--worker`` mode), so its peak RSS
(``ru_maxrss``) is its own. For each level the script runs corridor (``corridor.run.simulate``)
and the naive per-container SimPy model of the same chain (``bench/naive_reference.py``) one
after the other, ``--repeats`` times, and reports medians.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULT_PREFIX = "BENCH_RESULT "

DEFAULT_LEVELS = (100, 300, 1000, 3000)
QUICK_LEVELS = (100, 300)
QUICK_DAYS = 30.0

# targets (see docs/performance.md)
TARGET_LEVEL = 1000
TARGET_TOTAL_S = 30.0
TARGET_RSS_MB = 1024.0
TARGET_SPEEDUP = 2.0
TARGET_EXPONENT = 1.1

# the train on the first rail leg leaves when full (TEU)
BLOCK_TRAIN_TEU = 90


# ---------------------------------------------------------------------------- the chain
def _servers(offered_load: float, utilisation: float, minimum: int = 2) -> int:
    """Servers so that ``offered_load`` (busy servers on average) keeps them at ``utilisation``."""
    return max(minimum, math.ceil(offered_load / utilisation))


def _round_up(x: float, step: float) -> float:
    return float(math.ceil(x / step) * step)


def chain_spec(teu_per_day: float, share_40ft: float = 0.0) -> dict[str, Any]:
    """The benchmark chain as plain data, sized for ``teu_per_day``.

    Nodes are in travel order, each with its processes; ``legs[i]`` runs from ``nodes[i]`` to
    ``nodes[i + 1]``. Processes, distributions and services are written as in corridor's network
    files, so the same description feeds corridor (:func:`corridor_inputs`) and the naive model.
    Loosely the INSTC eastern branch (Nhava Sheva - Bandar Abbas - Sarakhs - ... - Moscow
    region); the figures are round assumptions for benchmarking, not calibrated data.
    """
    per_h = teu_per_day / 24.0 / (1.0 + share_40ft)  # containers per hour
    trains_per_h = teu_per_day / 24.0 / BLOCK_TRAIN_TEU
    sea_headway_h, rail_headway_h = 84.0, 12.0
    ship_containers = per_h * sea_headway_h
    slot_containers = per_h * rail_headway_h
    lognormal = "lognormal"
    nodes = [
        {
            "id": "origin_port",
            "kind": "port",
            "processes": [
                {"name": "gate_in", "time_h": {"dist": "uniform", "low": 0.5, "high": 3.0}},
                {
                    "name": "yard",
                    "activity": "yard",
                    "time_h": {"dist": lognormal, "mean": 48.0, "cv": 0.5},
                },
                {
                    "name": "quay_crane",
                    "activity": "handling",
                    "time_h": {"dist": lognormal, "mean": 0.05, "cv": 0.3},
                    "servers": _servers(per_h * 0.05, 0.6),
                },
            ],
        },
        {
            "id": "transit_port",
            "kind": "port",
            "processes": [
                {
                    # a ship's load is unloaded in about 12 h
                    "name": "quay_crane",
                    "activity": "handling",
                    "time_h": {"dist": lognormal, "mean": 0.05, "cv": 0.3},
                    "servers": _servers(ship_containers * 0.05 / 12.0, 1.0),
                },
                {
                    "name": "yard",
                    "activity": "yard",
                    "time_h": {"dist": lognormal, "mean": 72.0, "cv": 0.6},
                },
            ],
        },
        {
            "id": "rail_border",
            "kind": "gauge_change",
            "processes": [
                {
                    "name": "clearance",
                    "activity": "border",
                    "per": "vehicle",
                    "time_h": {"dist": lognormal, "mean": 6.0, "cv": 0.6},
                    "servers": _servers(trains_per_h * 6.0, 0.6),
                },
                {
                    "name": "gauge_change",
                    "activity": "gauge_change",
                    "per": "vehicle",
                    "time_h": {"dist": lognormal, "mean": 8.0, "cv": 0.3},
                    "servers": _servers(trains_per_h * 8.0, 0.6),
                },
            ],
        },
        {
            "id": "road_border",
            "kind": "border",
            "processes": [
                {
                    # a timetabled slot's load is transloaded in about 8 h
                    "name": "transload",
                    "activity": "handling",
                    "time_h": {"dist": lognormal, "mean": 0.1, "cv": 0.5},
                    "servers": _servers(slot_containers * 0.1 / 8.0, 1.0),
                },
                {
                    # trucks reach the lanes at about 1.5 times the mean rate
                    "name": "clearance",
                    "activity": "border",
                    "time_h": {"dist": lognormal, "mean": 1.0, "cv": 0.8},
                    "servers": _servers(1.5 * per_h * 1.0, 0.7),
                },
            ],
        },
        {
            "id": "destination",
            "kind": "road_terminal",
            "processes": [
                {
                    "name": "gate_out",
                    "activity": "handling",
                    "time_h": {"dist": "uniform", "low": 1.0, "high": 4.0},
                },
            ],
        },
    ]
    legs = [
        {
            "id": "sea",
            "mode": "sea",
            "length_km": 2800.0,
            "speed_kmh": 30.0,
            "delay_h": {"dist": lognormal, "mean": 8.0, "cv": 0.5},
            "service": {
                "type": "scheduled",
                "headway_h": sea_headway_h,
                "offset_h": 12.0,
                "capacity_teu": max(500.0, _round_up(1.6 * teu_per_day * sea_headway_h / 24, 100)),
            },
        },
        {
            "id": "rail_block",
            "mode": "rail",
            "length_km": 1500.0,
            "speed_kmh": 45.0,
            "delay_h": {"dist": lognormal, "mean": 4.0, "cv": 1.0},
            "service": {
                "type": "when_full",
                "capacity_teu": float(BLOCK_TRAIN_TEU),
                "max_wait_h": 48.0,
            },
        },
        {
            "id": "rail_timetable",
            "mode": "rail",
            "length_km": 1100.0,
            "speed_kmh": 40.0,
            "delay_h": {"dist": lognormal, "mean": 3.0, "cv": 1.0},
            "service": {
                "type": "scheduled",
                "headway_h": rail_headway_h,
                "offset_h": 6.0,
                "capacity_teu": max(
                    4.0 * BLOCK_TRAIN_TEU, _round_up(2.0 * teu_per_day * rail_headway_h / 24, 10)
                ),
            },
        },
        {
            "id": "road",
            "mode": "road",
            "length_km": 650.0,
            "speed_kmh": 55.0,
            "delay_h": {"dist": "exponential", "mean": 2.0},
            "service": {"type": "continuous"},
        },
    ]
    for i, leg in enumerate(legs):
        leg["from"] = nodes[i]["id"]
        leg["to"] = nodes[i + 1]["id"]
    return {"nodes": nodes, "legs": legs}


def servers_of(chain: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(node, process) -> servers, for the capacity-limited processes of ``chain``."""
    return {
        (n["id"], p["name"]): p["servers"]
        for n in chain["nodes"]
        for p in n["processes"]
        if p.get("servers") is not None
    }


def corridor_inputs(
    chain: dict[str, Any], teu_per_day: float, days: float, seed: int, share_40ft: float
) -> tuple[Any, Any]:
    """The corridor ``Network`` and ``Scenario`` of ``chain`` (in memory, no files)."""
    from pydantic import TypeAdapter

    from corridor.inputs.distributions import Dist
    from corridor.inputs.network import Leg, Network, Node
    from corridor.inputs.scenario import Scenario
    from corridor.inputs.specs import ProcessSpec, ServiceSpec

    service = TypeAdapter(ServiceSpec)
    dist = TypeAdapter(Dist)
    nodes = {
        n["id"]: Node(
            n["id"],
            n["id"],
            "XX",
            n["kind"],
            50.0 + i,
            25.0 + 5 * i,
            tuple(ProcessSpec.model_validate(p) for p in n["processes"]),
        )
        for i, n in enumerate(chain["nodes"])
    }
    legs = {
        x["id"]: Leg(
            x["id"],
            x["from"],
            x["to"],
            x["mode"],
            x["length_km"],
            service.validate_python(x["service"]),
            speed_kmh=x["speed_kmh"],
            delay_h=dist.validate_python(x["delay_h"]) if x.get("delay_h") is not None else None,
        )
        for x in chain["legs"]
    }
    scenario = Scenario.model_validate(
        {
            "name": f"bench-{teu_per_day:g}-teu-per-day",
            "network": "in-memory",
            "start_date": "2025-01-01",
            "horizon_days": days,
            "seed": seed,
            "flows": [
                {
                    "id": "bench",
                    "origin": chain["nodes"][0]["id"],
                    "destination": chain["nodes"][-1]["id"],
                    "teu_per_day": teu_per_day,
                    "share_40ft": share_40ft,
                    "routes": ["chain"],
                }
            ],
            "routes": {"chain": [x["id"] for x in chain["legs"]]},
        }
    )
    return Network(nodes, legs), scenario


# ---------------------------------------------------------------------------- statistics
def _window(days: float) -> tuple[float, float]:
    """Containers created in this window (hours) are compared: almost all are delivered."""
    tail_days = min(60.0, days / 2.0)
    return 0.0, (days - tail_days) * 24.0


def _transit_stats(trips: Any, stages: Any, days: float) -> dict[str, Any]:
    """Mean transit and its breakdown by stage kind for the containers of the window."""
    lo, hi = _window(days)
    sel = trips[(trips["created_h"] >= lo) & (trips["created_h"] < hi)]
    done = sel[sel["delivered_h"].notna()]
    out: dict[str, Any] = {
        "window_containers": len(sel),
        "window_delivered_share": len(done) / len(sel) if len(sel) else math.nan,
        "mean_transit_days": float(done["transit_days"].mean()) if len(done) else math.nan,
        "p95_transit_days": float(done["transit_days"].quantile(0.95)) if len(done) else math.nan,
    }
    if len(done):
        st = stages[stages["container"].isin(done["container"].to_numpy())]
        by_kind = st.groupby("kind", observed=True)["duration_h"].sum() / len(done) / 24.0
        out["mean_days_by_kind"] = {str(k): round(float(v), 3) for k, v in by_kind.items()}
    return out


def _corridor_load(res: Any, chain: dict[str, Any]) -> dict[str, Any]:
    """Utilisation of each server process and load factor of each leg: is it saturated?"""
    horizon = res.horizon_h
    servers = servers_of(chain)
    jobs = res.resources.dropna(subset=["start_h"])
    util: dict[str, float] = {}
    wait: dict[str, float] = {}
    for (node, proc), g in jobs.groupby(["node", "process"], observed=True):
        busy = (g["end_h"].fillna(horizon).clip(upper=horizon) - g["start_h"]).sum()
        util[f"{node}:{proc}"] = round(float(busy / (servers[(node, proc)] * horizon)), 3)
        wait[f"{node}:{proc}"] = round(float(g["wait_h"].mean()), 3)
    continuous = {x["id"] for x in chain["legs"] if x["service"]["type"] == "continuous"}
    deps = res.departures[res.departures["direction"] == "out"]
    legs: dict[str, dict[str, float]] = {}
    for leg, g in deps.groupby("leg", observed=True):
        if str(leg) in continuous:  # one truck per container: no shared capacity
            legs[str(leg)] = {"departures": len(g)}
            continue
        legs[str(leg)] = {
            "departures": len(g),
            "mean_load_factor": round(float(g["load_factor"].mean()), 3),
            "max_load_factor": round(float(g["load_factor"].max()), 3),
        }
    waits = res.stages[res.stages["kind"] == "wait"]
    mean_wait = waits.groupby("element", observed=True)["duration_h"].mean()
    for leg, value in mean_wait.items():
        if str(leg) in legs:
            legs[str(leg)]["mean_wait_h"] = round(float(value), 2)
    return {
        "utilisation": util,
        "mean_queue_h": wait,
        "legs": legs,
        "max_utilisation": max(util.values()) if util else math.nan,
        "in_transit_at_end": int(res.trips["delivered_h"].isna().sum()),
    }


def _peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 1024.0 / 1024.0


# ---------------------------------------------------------------------------- worker runs
def run_corridor(level: float, days: float, seed: int, share_40ft: float) -> dict[str, Any]:
    """One corridor run (in this process); times, counts, peak RSS and load statistics."""
    from corridor.run import simulate

    rss_imports = _peak_rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    chain = chain_spec(level, share_40ft)
    network, scenario = corridor_inputs(chain, level, days, seed, share_40ft)
    res = simulate(scenario, network=network)
    total_s = time.perf_counter() - t0
    total_cpu_s = time.process_time() - cpu0
    rss = _peak_rss_mb()  # the peak of the run, before the statistics below
    out = {
        "model": "corridor",
        "level": level,
        "engine_s": float(res.meta["wall_s"]),
        "total_s": total_s,
        "total_cpu_s": total_cpu_s,
        "containers": len(res.trips),
        "stage_rows": len(res.stages),
        "peak_rss_mb": rss,
        "rss_after_imports_mb": rss_imports,
    }
    out.update(_transit_stats(res.trips, res.stages, days))
    out.update(_corridor_load(res, chain))
    return out


def run_naive(level: float, days: float, seed: int, share_40ft: float) -> dict[str, Any]:
    """One run of the naive reference (in this process)."""
    sys.path.insert(0, str(HERE))
    from naive_reference import simulate_naive

    rss_imports = _peak_rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    chain = chain_spec(level, share_40ft)
    res = simulate_naive(chain, level, days, seed=seed, share_40ft=share_40ft)
    total_s = time.perf_counter() - t0
    total_cpu_s = time.process_time() - cpu0
    rss = _peak_rss_mb()
    out = {
        "model": "naive",
        "level": level,
        "engine_s": float(res.meta["wall_s"]),
        "total_s": total_s,
        "total_cpu_s": total_cpu_s,
        "containers": len(res.trips),
        "stage_rows": len(res.stages),
        "peak_rss_mb": rss,
        "rss_after_imports_mb": rss_imports,
    }
    out.update(_transit_stats(res.trips, res.stages, days))
    out["in_transit_at_end"] = int(res.trips["delivered_h"].isna().sum())
    return out


def _worker(
    model: str, level: float, days: float, seed: int, share_40ft: float, gc_mode: str
) -> None:
    if gc_mode == "off":
        import gc

        gc.disable()
    run = run_corridor if model == "corridor" else run_naive
    print(RESULT_PREFIX + json.dumps(run(level, days, seed, share_40ft)), flush=True)


def _load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan


def wait_for_quiet(max_load: float | None, max_wait_s: float) -> float:
    """Wait until the 1-minute load average is below ``max_load`` (at most ``max_wait_s``).

    On a shared machine this keeps runs from being timed while others compete for the CPUs.
    Returns the seconds waited.
    """
    if max_load is None:
        return 0.0
    started = time.perf_counter()
    while _load_average() >= max_load and time.perf_counter() - started < max_wait_s:
        time.sleep(5.0)
    return time.perf_counter() - started


def _spawn(
    model: str,
    level: float,
    days: float,
    seed: int,
    share_40ft: float,
    gc_mode: str,
    timeout_s: float,
) -> dict[str, Any]:
    """Run one model at one level in a fresh interpreter; its result dictionary."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        model,
        "--levels",
        f"{level:g}",
        "--days",
        f"{days:g}",
        "--seed",
        str(seed),
        "--share-40ft",
        f"{share_40ft:g}",
        "--gc",
        gc_mode,
    ]
    env = dict(os.environ, PYTHONHASHSEED="0")
    load = _load_average()
    started = time.perf_counter()
    proc = subprocess.run(
        cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout_s, check=False
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            result["process_s"] = time.perf_counter() - started
            result["load_average_before"] = load
            return result
    raise RuntimeError(
        f"{model} worker at {level:g} TEU/day failed (exit {proc.returncode}):\n{proc.stderr}"
    )


# ---------------------------------------------------------------------------- profile
def profile_corridor(level: float, days: float, seed: int, share_40ft: float, top: int) -> str:
    """cProfile of one corridor run (inputs, engine and tables); the top functions as text."""
    import cProfile
    import io
    import pstats

    from corridor.run import simulate

    chain = chain_spec(level, share_40ft)
    network, scenario = corridor_inputs(chain, level, days, seed, share_40ft)
    prof = cProfile.Profile()
    prof.enable()
    simulate(scenario, network=network)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    buf.write(f"cProfile of corridor at {level:g} TEU/day, {days:g} days\n")
    buf.write("--- by own time (tottime)\n")
    stats.sort_stats("tottime").print_stats(top)
    buf.write("--- by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


# ---------------------------------------------------------------------------- report
def _median(runs: list[dict[str, Any]], key: str) -> float:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else math.nan


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if y > 0]
    if len(pts) < 2:
        return math.nan
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx


def machine_info() -> dict[str, Any]:
    import numpy
    import pandas
    import simpy

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "corridor"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
        commit += " (corridor/ has uncommitted changes)" if dirty else ""
    except OSError:
        commit = "unknown"
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "simpy": simpy.__version__,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "commit": commit,
    }


def _fmt(x: float, spec: str) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def summarise(
    runs: dict[float, dict[str, list[dict[str, Any]]]], skipped: dict[float, str]
) -> dict[str, Any]:
    """Medians per level, the scaling exponents and the targets."""
    rows = []
    for level, by_model in runs.items():
        c, n = by_model["corridor"], by_model["naive"]
        row = {
            "level": level,
            "containers": int(_median(c, "containers")),
            "stage_rows": int(_median(c, "stage_rows")),
            "engine_s": _median(c, "engine_s"),
            "total_s": _median(c, "total_s"),
            "total_cpu_s": _median(c, "total_cpu_s"),
            "load_average_before": _median(c + n, "load_average_before"),
            "peak_rss_mb": _median(c, "peak_rss_mb"),
            "rss_after_imports_mb": _median(c, "rss_after_imports_mb"),
            "transit_days": c[0].get("mean_transit_days", math.nan) if c else math.nan,
            "max_utilisation": c[0].get("max_utilisation", math.nan) if c else math.nan,
            "naive_engine_s": _median(n, "engine_s"),
            "naive_total_s": _median(n, "total_s"),
            "naive_total_cpu_s": _median(n, "total_cpu_s"),
            "naive_rss_mb": _median(n, "peak_rss_mb"),
            "naive_transit_days": n[0].get("mean_transit_days", math.nan) if n else math.nan,
            "naive_skipped": skipped.get(level),
            "repeats": len(c),
            "naive_repeats": len(n),
        }
        row["containers_per_s_engine"] = row["containers"] / row["engine_s"]
        row["containers_per_s_total"] = row["containers"] / row["total_s"]
        row["ratio_total"] = row["naive_total_s"] / row["total_s"]
        row["ratio_engine"] = row["naive_engine_s"] / row["engine_s"]
        row["ratio_cpu"] = row["naive_total_cpu_s"] / row["total_cpu_s"]
        rows.append(row)
    levels = [r["level"] for r in rows]
    exponent_engine = _slope(levels, [r["engine_s"] for r in rows])
    exponent_total = _slope(levels, [r["total_s"] for r in rows])
    exponent_cpu = _slope(levels, [r["total_cpu_s"] for r in rows])
    # the exponent of each sweep over the levels (repeat k of every level), for the spread
    sweeps = min((len(by_model["corridor"]) for by_model in runs.values()), default=0)
    sweep_exponents = [
        _slope(levels, [runs[level]["corridor"][k]["engine_s"] for level in levels])
        for k in range(sweeps)
    ]
    targets = []
    at = [r for r in rows if r["level"] == TARGET_LEVEL]
    if at:
        r = at[0]
        targets.append(
            (
                f"{TARGET_LEVEL} TEU/day: total (incl. tables) <= {TARGET_TOTAL_S:g} s",
                f"{r['total_s']:.1f} s",
                r["total_s"] <= TARGET_TOTAL_S,
            )
        )
        targets.append(
            (
                f"{TARGET_LEVEL} TEU/day: peak RSS <= {TARGET_RSS_MB:g} MB",
                f"{r['peak_rss_mb']:.0f} MB",
                r["peak_rss_mb"] <= TARGET_RSS_MB,
            )
        )
    if at and not math.isnan(at[0]["ratio_total"]):
        targets.append(
            (
                f"{TARGET_LEVEL} TEU/day: >= {TARGET_SPEEDUP:g}x faster than naive (total)",
                f"{at[0]['ratio_total']:.1f}x",
                at[0]["ratio_total"] >= TARGET_SPEEDUP,
            )
        )
    compared = [r for r in rows if not math.isnan(r["ratio_total"])]
    if compared:
        worst = min(compared, key=lambda r: r["ratio_total"])
        targets.append(
            (
                f">= {TARGET_SPEEDUP:g}x faster than naive at every level compared (total)",
                f"min {worst['ratio_total']:.1f}x at {worst['level']:g} TEU/day",
                worst["ratio_total"] >= TARGET_SPEEDUP,
            )
        )
    for name, value in (("engine", exponent_engine), ("total", exponent_total)):
        if not math.isnan(value):
            targets.append(
                (
                    f"scaling exponent ({name} time) <= {TARGET_EXPONENT:g}",
                    f"{value:.2f}",
                    value <= TARGET_EXPONENT,
                )
            )
    return {
        "rows": rows,
        "exponent_engine": exponent_engine,
        "exponent_total": exponent_total,
        "exponent_cpu": exponent_cpu,
        "exponent_engine_sweeps": sweep_exponents,
        "targets": [{"target": t, "measured": m, "pass": bool(p)} for t, m, p in targets],
    }


def format_report(
    summary: dict[str, Any], info: dict[str, Any], argv: list[str], gc_mode: str = "on"
) -> str:
    gc_note = "" if gc_mode == "on" else " (cyclic garbage collector OFF in every run)"
    lines = [
        "corridor engine benchmark",
        "command: " + " ".join(["python", "bench/bench_engine.py", *argv]),
        f"python {info['python']} ({info['implementation']}), simpy {info['simpy']}, "
        f"numpy {info['numpy']}, pandas {info['pandas']}",
        f"cpu: {info['cpu']} x {info['cpu_count']}; {info['platform']}; "
        f"load average at start {info['load_average']}",
        f"commit: {info['commit']}",
        "",
        "medians of repeated runs, each in a fresh process; total = scenario + model build + "
        "engine + tables;",
        "cont/s = containers / total s; ratio = naive total / corridor total; "
        "transit d = mean transit days of the containers created before the last "
        "min(60 d, half the run);",
        "eng c/s = containers / engine s; cpu s = CPU time of the total (robust to a busy "
        "machine); max util = busiest server process of corridor's run;",
        "load avg = 1-minute load average before the runs (2 CPUs: above 1 means sharing)"
        + gc_note,
        "",
    ]
    header = (
        f"{'TEU/day':>7} {'containers':>10} {'engine s':>9} {'total s':>8} {'cont/s':>8} "
        f"{'RSS MB':>7} {'naive s':>8} {'naive MB':>8} {'ratio':>6} "
        f"{'transit d':>9} {'naive d':>8}"
    )
    lines += [header, "-" * len(header)]
    for r in summary["rows"]:
        naive_s = "skipped" if r["naive_repeats"] == 0 else _fmt(r["naive_total_s"], ".2f")
        lines.append(
            f"{r['level']:>7g} {r['containers']:>10,d} {r['engine_s']:>9.2f} "
            f"{r['total_s']:>8.2f} {r['containers_per_s_total']:>8,.0f} "
            f"{r['peak_rss_mb']:>7.0f} {naive_s:>8} {_fmt(r['naive_rss_mb'], '.0f'):>8} "
            f"{_fmt(r['ratio_total'], '.1f'):>6} {_fmt(r['transit_days'], '.2f'):>9} "
            f"{_fmt(r['naive_transit_days'], '.2f'):>8}"
        )
    header = (
        f"{'TEU/day':>7} {'eng c/s':>8} {'cpu s':>8} {'naive cpu':>9} {'ratio cpu':>9} "
        f"{'max util':>8} {'runs':>5} {'naive runs':>10} {'load avg':>8}"
    )
    lines += ["", header, "-" * len(header)]
    for r in summary["rows"]:
        lines.append(
            f"{r['level']:>7g} {r['containers_per_s_engine']:>8,.0f} {r['total_cpu_s']:>8.2f} "
            f"{_fmt(r['naive_total_cpu_s'], '.2f'):>9} {_fmt(r['ratio_cpu'], '.1f'):>9} "
            f"{_fmt(r['max_utilisation'], '.2f'):>8} {r['repeats']:>5} "
            f"{r['naive_repeats']:>10} {_fmt(r['load_average_before'], '.2f'):>8}"
        )
    for r in summary["rows"]:
        if r["naive_skipped"]:
            lines.append(f"naive at {r['level']:g} TEU/day: {r['naive_skipped']}")
    lines += [
        "",
        "scaling exponent (slope of log time vs log demand): "
        f"engine {_fmt(summary['exponent_engine'], '.2f')}, "
        f"total {_fmt(summary['exponent_total'], '.2f')}, "
        f"total cpu {_fmt(summary['exponent_cpu'], '.2f')}",
        "engine exponent of each sweep over the levels: "
        + (", ".join(f"{x:.2f}" for x in summary["exponent_engine_sweeps"]) or "-"),
        "",
        "targets:",
    ]
    for t in summary["targets"]:
        lines.append(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']}: {t['measured']}")
    if summary.get("days") != 365.0:
        lines.append(
            "  (the targets are for one simulated year; this shorter run is only indicative: "
            "in its first weeks the chain is still filling, so a container costs less)"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- main
def _predict_naive_s(history: list[tuple[int, float]], containers: int) -> float | None:
    """The naive model's time for ``containers``, extrapolated from the lower levels.

    With two levels or more, the local exponent of time against containers is used (at least
    1), since the naive model's cost per container grows with the load.
    """
    if not history:
        return None
    c1, t1 = history[-1]
    exponent = 1.0
    if len(history) >= 2:
        c0, t0 = history[-2]
        if c1 > c0 and t1 > 0 and t0 > 0:
            exponent = max(1.0, math.log(t1 / t0) / math.log(c1 / c0))
    return t1 * (containers / c1) ** exponent


def _progress(level: float, model: str, rep: int, r: dict[str, Any]) -> None:
    print(
        f"  {level:>6g} TEU/day {model:<8} run {rep + 1}: engine {r['engine_s']:.2f} s, "
        f"total {r['total_s']:.2f} s (cpu {r['total_cpu_s']:.2f} s), "
        f"{r['peak_rss_mb']:.0f} MB, load average before {r['load_average_before']:.2f}",
        file=sys.stderr,
        flush=True,
    )


def _parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--levels", help="demand levels, TEU/day, comma separated")
    ap.add_argument("--days", type=float, help="simulated days per run (default 365)")
    ap.add_argument("--repeats", type=int, help="runs per level and model (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke run: 30 days, 100,300, 1 repeat")
    ap.add_argument("--json", type=Path, help="write every run and the summary to this file")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--share-40ft", type=float, default=0.0, help="share of 40' containers")
    ap.add_argument("--no-naive", action="store_true", help="do not run the naive reference")
    ap.add_argument(
        "--gc",
        choices=["on", "off"],
        default="on",
        help="off: disable Python's cyclic garbage collector in the runs (a diagnostic)",
    )
    ap.add_argument(
        "--naive-max-s",
        type=float,
        default=300.0,
        help="skip a naive run predicted to take longer than this (s)",
    )
    ap.add_argument(
        "--quiet-load",
        type=float,
        metavar="LOAD",
        help="before each run, wait until the 1-minute load average is below LOAD",
    )
    ap.add_argument(
        "--quiet-wait-s",
        type=float,
        default=900.0,
        help="longest wait for --quiet-load before running anyway (s)",
    )
    ap.add_argument("--profile", type=float, metavar="LEVEL", help="cProfile one corridor run")
    ap.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    ap.add_argument("--worker", choices=["corridor", "naive"], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    quick = args.quick
    levels = args.levels or ",".join(str(x) for x in (QUICK_LEVELS if quick else DEFAULT_LEVELS))
    args.level_list = [float(x) for x in levels.split(",") if x.strip()]
    if args.days is None:
        args.days = QUICK_DAYS if quick else 365.0
    if args.repeats is None:
        args.repeats = 1 if quick else 3
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parse(argv)
    if args.worker:
        _worker(args.worker, args.level_list[0], args.days, args.seed, args.share_40ft, args.gc)
        return 0
    if args.profile is not None:
        print(profile_corridor(args.profile, args.days, args.seed, args.share_40ft, args.top))
        return 0
    info = machine_info()
    runs: dict[float, dict[str, list[dict[str, Any]]]] = {}
    skipped: dict[float, str] = {}
    naive_history: list[tuple[int, float]] = []  # (containers, naive total s) per level, 1st sweep
    levels = sorted(args.level_list)
    run_naive = dict.fromkeys(levels, not args.no_naive)
    for level in levels:
        runs[level] = {"corridor": [], "naive": []}
        if args.no_naive:
            skipped[level] = "--no-naive"
    # One sweep over the levels per repeat (not all repeats of one level, then the next): on a
    # shared machine whose speed drifts, every level then sees the same conditions, and the
    # scaling exponent is not biased by when each level happened to run.
    for rep in range(args.repeats):
        for level in levels:
            wait_for_quiet(args.quiet_load, args.quiet_wait_s)
            c = _spawn("corridor", level, args.days, args.seed, args.share_40ft, args.gc, 7200)
            runs[level]["corridor"].append(c)
            _progress(level, "corridor", rep, c)
            if not run_naive[level]:
                continue
            predicted = _predict_naive_s(naive_history, c["containers"]) if rep == 0 else None
            if predicted is not None and predicted > args.naive_max_s:
                skipped[level] = (
                    f"predicted {predicted:.0f} s from the lower levels "
                    f"(> --naive-max-s {args.naive_max_s:g} s)"
                )
                run_naive[level] = False
                continue
            wait_for_quiet(args.quiet_load, args.quiet_wait_s)
            n = _spawn("naive", level, args.days, args.seed, args.share_40ft, args.gc, 7200)
            runs[level]["naive"].append(n)
            _progress(level, "naive", rep, n)
            if rep == 0:
                naive_history.append((n["containers"], n["total_s"]))
            if n["total_s"] > args.naive_max_s and rep + 1 < args.repeats:
                skipped[level] = (
                    f"not repeated: its run took {n['total_s']:.0f} s "
                    f"(> --naive-max-s {args.naive_max_s:g} s)"
                )
                run_naive[level] = False
    summary = summarise(runs, skipped)
    summary["days"] = args.days
    report = format_report(summary, info, argv, args.gc)
    print(report)
    if args.json is not None:
        payload = {"argv": argv, "machine": info, "summary": summary, "runs": runs}
        args.json.write_text(json.dumps(payload, indent=1, default=str))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
