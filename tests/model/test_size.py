"""Tests of corridor.model.size, and of the refusal of runs that would not fit in memory."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from corridor.cli.main import main
from corridor.errors import SimulationError
from corridor.inputs.scenario import load_scenario
from corridor.model.compile import build_model
from corridor.model.size import estimate_size
from corridor.run import load_model, simulate
from tests.builders import flow, leg, network, node, proc, scenario
from tests.paths import SCENARIOS


def _chain(teu_per_day: float, days: float, **flow_kw: object) -> tuple[object, object]:
    net = network(
        [node("A", proc("gate", 1.0, servers=2)), node("B", proc("yard", 5.0)), node("C")],
        [leg("AB", "A", "B", 100, 50), leg("BC", "B", "C", 100, 50)],
    )
    sc = scenario([flow("f", "A", "C", teu_per_day, ["r"], **flow_kw)], {"r": ["AB", "BC"]},
                  horizon_days=days)  # fmt: skip
    return sc, net


def test_containers_are_the_demand_over_the_horizon() -> None:
    sc, net = _chain(24, 10)  # one 20' container an hour for 240 h
    size = estimate_size(build_model(sc, net))  # type: ignore[arg-type]
    assert size.containers == pytest.approx(240.0)
    # per container: gate (1.5) + yard (1.5, the yard applies everywhere) + 2 legs x 2
    assert size.stage_rows == pytest.approx(240 * (1.5 + 1.5 + 4))
    assert size.job_rows == pytest.approx(240.0)  # one job at the gate


def test_growth_integrates_over_the_horizon() -> None:
    sc, net = _chain(24, 730, growth_pct_per_year=100)  # doubling every 8,760 h
    size = estimate_size(build_model(sc, net))  # type: ignore[arg-type]
    g = math.log(2) / 8760
    assert size.containers == pytest.approx((math.exp(g * 730 * 24) - 1) / g)  # = 3 years' worth


def test_forty_foot_containers_halve_the_count_per_teu() -> None:
    sc, net = _chain(24, 10, share_40ft=1.0)
    assert estimate_size(build_model(sc, net)).containers == pytest.approx(120.0)  # type: ignore[arg-type]


def test_the_estimate_of_the_baseline_is_close_to_what_it_creates() -> None:
    results = simulate(SCENARIOS / "instc-baseline.yaml")
    size = estimate_size(load_model(load_scenario(SCENARIOS / "instc-baseline.yaml")))
    assert size.containers == pytest.approx(len(results.trips), rel=0.03)
    assert size.stage_rows >= len(results.stages)  # errs on the large side
    assert size.stage_rows < 2 * len(results.stages)


def test_a_run_too_large_for_the_machine_is_refused_before_it_starts() -> None:
    sc, net = _chain(100_000, 365 * 60)
    with pytest.raises(SimulationError) as err:
        simulate(sc, network=net)  # type: ignore[arg-type]
    message = str(err.value)
    assert "this run would be too large for this machine: about 2.2 billion containers" in message
    assert "GB of memory available" in message
    assert "pass --no-size-check, or check_size=False in Python" in message


def test_validate_prints_the_size_and_refuses_what_run_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(SCENARIOS / "instc-baseline.yaml")]) == 0
    out = capsys.readouterr().out
    assert "size: a run takes about " in out
    big = tmp_path / "big.yaml"
    big.write_text(
        f"extends: {SCENARIOS / 'instc-baseline.yaml'}\nname: big\nhorizon_days: 21900\n"
        "flows: [{id: nsa-mow, origin: NSA, destination: MOW, teu_per_day: 100000, "
        "routes: {western: 1}}]\n",
        encoding="utf-8",
    )
    assert main(["validate", str(big)]) == 2
    assert "this run would be too large for this machine" in capsys.readouterr().err
    assert main(["validate", str(big), "--no-size-check"]) == 0
