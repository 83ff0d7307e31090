"""The long fuzz run: the checks of tests/inputs/test_fuzz_*.py over many more inputs.

Run from the repository root::

    .venv/bin/python bench/fuzz_long.py                    # 12,541 inputs, about 3 minutes
    .venv/bin/python bench/fuzz_long.py --scale 0.1        # a tenth, for a smoke run
    .venv/bin/python bench/fuzz_long.py --seed 2 --simulate --json fuzz.json

Each input (a mutated scenario or network, or damaged bytes) is loaded with ``load_scenario``,
``load_network`` and ``build_model`` under a time limit, as in CI, but with a fixed seed of its
own (``--seed``) so that it tries other inputs than CI does, and without stopping at the first
failure: every failure is counted and the first of each kind is printed. With ``--simulate``
the models that compile are also run (small ones, under a time limit), which finds engine
crashes on strange but valid inputs.

Exit status 1 if any input ended in anything but a model or a CorridorError (or hung).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from corridor.engine.core import Engine  # noqa: E402
from corridor.results import Results  # noqa: E402
from tests.inputs.test_fuzz_network import try_network  # noqa: E402
from tests.inputs.test_fuzz_scenario import try_scenario  # noqa: E402
from tests.strategies import (  # noqa: E402
    Hang,
    base_network,
    base_scenario,
    corrupted_bytes,
    dump_json,
    dump_yaml,
    mutated,
    network_tricks,
    time_limit,
    yaml_text_tricks,
)

# inputs per family at --scale 1
FAMILIES: dict[str, int] = {
    "scenario documents": 5000,
    "scenario bytes": 1500,
    "scenario YAML tricks": 1000,
    "network documents": 3000,
    "network bytes": 1000,
    "network tricks": 1500,
}
SIM_LIMIT_S = 20.0
SIM_MAX_CONTAINERS = 20_000


def strategy_of(family: str) -> st.SearchStrategy[tuple[bytes, str]]:
    """Inputs of a family as (bytes, description)."""
    if family == "scenario documents":
        return st.tuples(mutated(base_scenario()), st.booleans()).map(
            lambda c: (dump_yaml(c[0][0], unicode=c[1]), "; ".join(c[0][1]))
        )
    if family == "scenario bytes":
        return corrupted_bytes(dump_yaml(base_scenario()))
    if family == "scenario YAML tricks":
        return mutated(base_scenario(), max_mutations=1).flatmap(
            lambda c: yaml_text_tricks(dump_yaml(c[0]))
        )
    if family == "network documents":
        return mutated(base_network()).map(lambda c: (dump_json(c[0]), "; ".join(c[1])))
    if family == "network bytes":
        return corrupted_bytes(dump_json(base_network()))
    return network_tricks(base_network())


def simulate_outcome(model: Any) -> str:
    """Run a compiled model if it is small: "ran", "skipped" (too big) or "crash: ..."."""
    per_h = sum(f.containers_per_h * max(1.0, f.growth_per_year) for f in model.flows)
    if per_h * model.horizon_h > SIM_MAX_CONTAINERS:
        return "skipped"
    try:
        with time_limit(SIM_LIMIT_S):
            rec = Engine(model).run()
            Results.from_records(model, rec).summary()
    except Hang:
        return "hang"
    except Exception as exc:  # a valid model the engine cannot run: a bug to report
        return f"crash: {type(exc).__name__}: {str(exc)[:80]}"
    return "ran"


def run_family(
    family: str, count: int, rng_seed: int, folder: Path, simulate: bool
) -> dict[str, Any]:
    outcomes: Counter[str] = Counter()
    failures: dict[str, str] = {}
    is_network = family.startswith("network")
    attempt: Callable[[Path, bytes], Any] = try_network if is_network else try_scenario

    @seed(rng_seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy_of(family))
    def check(case: tuple[bytes, str]) -> None:
        raw, what = case
        try:
            outcome = attempt(folder, raw)
        except Hang:
            outcomes["hang"] += 1
            failures.setdefault("hang", what)
            return
        except BaseException as exc:  # anything else is what this run looks for
            key = f"{type(exc).__name__}: {str(exc)[:100]}"
            outcomes["failure"] += 1
            failures.setdefault(key, f"{what}\n{traceback.format_exc()[-1500:]}")
            return
        outcomes[outcome.kind] += 1
        if simulate and outcome.model is not None:
            ran = simulate_outcome(outcome.model)
            outcomes[f"engine {ran.split(':')[0]}"] += 1
            if ran.startswith(("crash", "hang")):
                failures.setdefault(f"engine {ran}", what)

    started = time.perf_counter()
    check()
    return {
        "family": family,
        "inputs": sum(v for k, v in outcomes.items() if not k.startswith("engine")),
        "outcomes": dict(outcomes),
        "failures": failures,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count")
    parser.add_argument("--seed", type=int, default=1, help="hypothesis seed (CI is fixed)")
    parser.add_argument("--simulate", action="store_true", help="also run small models")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # mutated legs far from their nodes warn, by design
    reports = []
    with tempfile.TemporaryDirectory(prefix="corridor-fuzz-long-") as name:
        for family, count in FAMILIES.items():
            n = max(1, round(count * args.scale))
            report = run_family(family, n, args.seed, Path(name) / family[:3], args.simulate)
            reports.append(report)
            shown = ", ".join(f"{k} {v}" for k, v in sorted(report["outcomes"].items()))
            print(
                f"{family:22} {report['inputs']:6,} inputs in {report['seconds']:6.1f} s: {shown}"
            )
            for key, example in report["failures"].items():
                print(f"  FAILURE {key}\n    {example[:600]}")
    total = sum(r["inputs"] for r in reports)
    bad = sum(r["outcomes"].get("failure", 0) + r["outcomes"].get("hang", 0) for r in reports)
    print(f"total: {total:,} inputs, {bad} ended in another exception or hung")
    if args.json:
        args.json.write_text(json.dumps({"seed": args.seed, "families": reports}, indent=2))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
