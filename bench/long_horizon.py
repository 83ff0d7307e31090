"""Long horizons: wall time and peak memory of the baseline over 20 years.

Run from the repository root::

    .venv/bin/python bench/long_horizon.py                       # 7,300 days, three variants
    .venv/bin/python bench/long_horizon.py --days 730 --variants full,no-stages
    .venv/bin/python bench/long_horizon.py --json long.json --save /tmp/long-out

The scenario (``scenarios/instc-baseline.yaml`` by default) is run with its ``horizon_days``
replaced, at its own (baseline) demand, once per variant of its ``outputs``:

``full``          stages and resources recorded (the default of a scenario);
``no-stages``     ``outputs: {stages: false}``: no per-stage rows;
``trips-only``    ``outputs: {stages: false, resources: false}``: trips and departures only.

``--overload 100,400,1600`` runs instead the overloaded model of
``tests/system/test_extreme_load.py`` (a port crane that handles 48 containers a day, fed 200 a day)
for each horizon in days, with and without detailed outputs: peak memory against the
containers created and still in the system.

Each run happens in a fresh subprocess (this script in ``--worker`` mode), so that its peak
resident memory (``ru_maxrss``) is its own. The time is split into loading and checking the
inputs, the simulation itself, building the tables, the summary and (with ``--save``) writing
them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "LONG_HORIZON "
VARIANTS = {
    "full": {"stages": True, "resources": True},
    "no-stages": {"stages": False, "resources": True},
    "trips-only": {"stages": False, "resources": False},
}


def worker(scenario_path: str, days: float, variant: str, save: str | None) -> dict[str, Any]:
    """One run in this process; the figures of each phase."""
    sys.path.insert(0, str(ROOT))
    from corridor.engine.core import Engine
    from corridor.inputs.network import load_network
    from corridor.inputs.scenario import OutputSpec, load_scenario
    from corridor.model.compile import build_model
    from corridor.results import Results

    t0 = time.perf_counter()
    scenario = load_scenario(scenario_path)
    scenario = scenario.with_changes(
        horizon_days=days, outputs=OutputSpec(**VARIANTS[variant]).model_dump()
    )
    assert scenario.network_path is not None
    model = build_model(scenario, load_network(scenario.network_path))
    t1 = time.perf_counter()
    rss_before_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rec = Engine(model).run()
    t2 = time.perf_counter()
    rss_after_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = Results.from_records(model, rec)
    t3 = time.perf_counter()
    summary = results.summary()
    t4 = time.perf_counter()
    if save:
        results.save(Path(save) / variant)
    t5 = time.perf_counter()
    trips = results.trips
    return {
        "variant": variant,
        "days": days,
        "containers": len(trips),
        "delivered": int(trips["delivered_h"].notna().sum()),
        "in_transit_at_end": int(trips["delivered_h"].isna().sum()),
        "stage_rows": len(results.stages),
        "resource_rows": len(results.resources),
        "departure_rows": len(results.departures),
        "saturated_routes": int((summary["status"] == "saturated").sum()),
        "load_s": round(t1 - t0, 1),
        "simulate_s": round(t2 - t1, 1),
        "tables_s": round(t3 - t2, 1),
        "summary_s": round(t4 - t3, 1),
        "save_s": round(t5 - t4, 1) if save else None,
        "total_s": round(t5 - t0, 1),
        "peak_rss_mb_before_run": round(rss_before_run / 1024),
        "peak_rss_mb_after_run": round(rss_after_run / 1024),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def overload_worker(days: float, variant: str) -> dict[str, Any]:
    """The overloaded model of the extreme-load tests over ``days``."""
    sys.path.insert(0, str(ROOT))
    from corridor.engine.core import Engine
    from corridor.model.compile import build_model
    from corridor.results import Results
    from tests.system.test_extreme_load import jammed_model

    sc, net = jammed_model(200, days, outputs=variant == "full")
    model = build_model(sc, net)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    rec = Engine(model).run()
    t1 = time.perf_counter()
    rss_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    trips = Results.from_records(model, rec).trips
    return {
        "variant": variant,
        "days": days,
        "containers": len(trips),
        "in_system_at_end": int(trips["delivered_h"].isna().sum()),
        "simulate_s": round(t1 - t0, 1),
        "rss_mb_before_run": round(rss_before / 1024),
        "peak_rss_mb_run": round(rss_run / 1024),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run_variant(
    scenario: str, days: float, variant: str, save: str | None, overload: bool = False
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", variant, "--scenario", scenario]
    command += ["--days", str(days)] + (["--save", save] if save else [])
    command += ["--overload", "worker"] if overload else []
    proc = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    raise RuntimeError(f"{variant} failed (status {proc.returncode}):\n{proc.stderr[-3000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="scenarios/instc-baseline.yaml")
    parser.add_argument("--days", type=float, default=7300.0, help="horizon (default 20 years)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated")
    parser.add_argument("--save", help="also save each run's tables under this folder")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--overload", help="horizons in days of the overloaded model instead")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if args.overload:
            result = overload_worker(args.days, args.worker)
        else:
            result = worker(args.scenario, args.days, args.worker, args.save)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0
    if args.overload:
        rows = []
        for days in (float(d) for d in args.overload.split(",")):
            for variant in ("full", "trips-only"):
                r = run_variant(args.scenario, days, variant, None, overload=True)
                rows.append(r)
                print(
                    f"overload {days:6g} d {variant:10} {r['containers']:9,} containers, "
                    f"{r['in_system_at_end']:9,} in the system at the end: simulate "
                    f"{r['simulate_s']:6.1f} s, peak RSS {r['peak_rss_mb']:6,} MB "
                    f"(before the run {r['rss_mb_before_run']:,} MB, end of run "
                    f"{r['peak_rss_mb_run']:,} MB)",
                    flush=True,
                )
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
        return 0
    print(
        f"{args.scenario}, {args.days:g} days; python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    results = []
    for variant in args.variants.split(","):
        r = run_variant(args.scenario, args.days, variant, args.save)
        results.append(r)
        print(
            f"{variant:10} {r['containers']:9,} containers ({r['in_transit_at_end']:,} in "
            f"transit at the end), {r['stage_rows']:11,} stage rows: simulate "
            f"{r['simulate_s']:7.1f} s, tables {r['tables_s']:6.1f} s, "
            f"total {r['total_s']:7.1f} s; "
            f"peak RSS {r['peak_rss_mb']:6,} MB (after the run {r['peak_rss_mb_after_run']:,} MB)",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
