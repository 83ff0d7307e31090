"""Tests of corridor.choice.equilibrium: shares that the simulated costs reproduce.

Each test has an answer known without the simulation: the logit formula for fixed times, and
the fixed point of two M/M/1 queues solved from their formulas.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from corridor.choice import run_equilibrium
from corridor.experiments.executors import DaskExecutor, LocalProcesses, Serial
from tests.inputs.features import leg_feature, node_feature


def _write(folder: Path, features: list[dict[str, Any]], scenario: str) -> Path:
    (folder / "net.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    path = folder / "choose.yaml"
    path.write_text(scenario, encoding="utf-8")
    return path


def _two_roads(folder: Path) -> Path:
    """O - P - D (400 + 200 km at 40 km/h: 15 h, US$1,500) against O - Q - D (600 + 600 km
    at 50 km/h: 24 h, US$1,000), trucks, no stops: every box takes exactly its route's time."""
    features = [
        node_feature("O", 50.0, 40.0), node_feature("P", 51.0, 40.0),
        node_feature("Q", 50.5, 39.0), node_feature("D", 52.0, 40.0),
        leg_feature("OP", "O", "P", [[50, 40], [51, 40]], length_km=400, cost_usd_per_teu=1000),
        leg_feature("PD", "P", "D", [[51, 40], [52, 40]], length_km=200, cost_usd_per_teu=500),
        leg_feature("OQ", "O", "Q", [[50, 40], [50.5, 39]], length_km=600, speed_kmh=50,
                    cost_usd_per_teu=800),
        leg_feature("QD", "Q", "D", [[50.5, 39], [52, 40]], length_km=600, speed_kmh=50,
                    cost_usd_per_teu=200),
    ]  # fmt: skip
    return _write(
        folder,
        features,
        "name: two roads\nnetwork: net.geojson\nstart_date: 2024-01-01\nhorizon_days: 30\n"
        "warmup_days: 3\nflows:\n  - {id: f, origin: O, destination: D, teu_per_day: 20,\n"
        "     share_40ft: 0, arrival: fixed, routes: {short: 1, long: 1}}\n"
        "routes: {short: [OP, PD], long: [OQ, QD]}\n"
        "choice: {value_of_time_usd_per_teu_day: 100, reliability_ratio: 1, scale_per_usd: 0.01,"
        " iterations: 5}\n",
    )


def test_with_fixed_times_the_shares_are_the_logit_formula(tmp_path: Path) -> None:
    result = run_equilibrium(_two_roads(tmp_path), replications=1, out=tmp_path / "eq")
    cost = {"short": 100 * 15 / 24 + 1500, "long": 100 * 24 / 24 + 1000}  # USD per TEU
    weight = {r: math.exp(-0.01 * c) for r, c in cost.items()}
    expected = {r: w / sum(weight.values()) for r, w in weight.items()}
    assert result.converged
    shares = result.shares.set_index("route")
    for route, share in expected.items():
        assert shares.loc[route, "logit_share"] == pytest.approx(share, abs=1e-9)
        assert shares.loc[route, "share"] == pytest.approx(share, abs=1e-9)
    last = result.assignment[result.assignment["iteration"] == result.iterations - 1]
    costs = last.set_index("route")["cost_usd_per_teu"]
    assert costs["short"] == pytest.approx(cost["short"], abs=1e-6)
    assert costs["long"] == pytest.approx(cost["long"], abs=1e-6)
    # the first round runs the scenario's own shares, and the next one the logit's
    assert result.assignment.groupby("iteration")["share"].first().iloc[0] == 0.5
    assert (tmp_path / "eq" / "assignment.parquet").is_file()


def _two_queues(folder: Path, fast_mu: float = 1.5, days: int = 300) -> Path:
    """Two parallel routes, each through one single-server node with exponential service
    (mean 1/1.5 h and 1 h); Poisson arrivals, 1.2 an hour; the legs take no time to speak of."""

    def server(node_id: str, mu: float, lon: float) -> dict[str, Any]:
        process = {"name": "serve", "time_h": {"dist": "exponential", "mean": 1 / mu},
                   "servers": 1}  # fmt: skip
        return node_feature(node_id, lon, 39.0, processes=[process])

    features = [
        node_feature("O", 50.0, 40.0), server("S1", fast_mu, 50.5), server("S2", 1.0, 50.6),
        node_feature("D", 51.0, 40.0),
    ]  # fmt: skip
    at = {"O": [50.0, 40.0], "S1": [50.5, 39.0], "S2": [50.6, 39.0], "D": [51.0, 40.0]}
    for a, b in (("O", "S1"), ("S1", "D"), ("O", "S2"), ("S2", "D")):
        features.append(leg_feature(f"{a}{b}", a, b, [at[a], at[b]], length_km=1, speed_kmh=1000))
    return _write(
        folder,
        features,
        "name: two queues\nnetwork: net.geojson\nstart_date: 2024-01-01\n"
        f"horizon_days: {days}\nwarmup_days: 20\nseed: 5\n"
        "flows:\n  - {id: f, origin: O, destination: D, teu_per_day: 28.8, share_40ft: 0,\n"
        "     routes: {one: 1, two: 1}}\n"
        "routes: {one: [OS1, S1D], two: [OS2, S2D]}\n"
        "choice: {value_of_time_usd_per_teu_day: 2400, scale_per_usd: 0.02, path_size: false,\n"
        "         probe_teu_per_day: 0.001, iterations: 40, tolerance: 0.005}\n",
    )


def _mm1_fixed_point(lam: float = 1.2, mu1: float = 1.5, mu2: float = 1.0) -> float:
    """The share of route one at which the logit of the M/M/1 costs returns it (bisection)."""

    def excess(s: float) -> float:
        w1, w2 = 1 / (mu1 - lam * s), 1 / (mu2 - lam * (1 - s))  # mean time in system, h
        g1, g2 = 2400 * w1 / 24, 2400 * w2 / 24  # USD per TEU
        return 1 / (1 + math.exp(-0.02 * (g2 - g1))) - s

    low, high = 1 - mu2 / lam + 1e-9, 1 - 1e-9  # route two is stable only above this share
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if excess(low) * excess(mid) > 0 else (low, mid)
    return (low + high) / 2


@pytest.mark.slow
def test_two_mm1_routes_settle_at_the_fixed_point_of_their_formulas(tmp_path: Path) -> None:
    expected = _mm1_fixed_point()
    assert expected == pytest.approx(0.6532, abs=1e-4)
    result = run_equilibrium(_two_queues(tmp_path), replications=4, out=tmp_path / "eq", jobs=1)
    one = result.shares.set_index("route").loc["one"]
    half_width = (one["ci_high"] - one["ci_low"]) / 2
    assert one["ci_low"] - 0.01 <= expected <= one["ci_high"] + 0.01, (one, half_width)
    assert abs(one["share"] - expected) < 0.03
    assert half_width < 0.05


@pytest.mark.slow
def test_a_faster_route_never_loses_share(tmp_path: Path) -> None:
    shares = []
    for mu in (1.5, 1.7):
        folder = tmp_path / f"mu{mu}"
        folder.mkdir()
        result = run_equilibrium(_two_queues(folder, mu, days=120), replications=2, jobs=1)
        shares.append(result.shares.set_index("route").loc["one", "share"])
    assert shares[1] > shares[0]


@pytest.mark.slow
def test_the_equilibrium_is_the_same_serially_on_two_processes_and_on_dask(
    tmp_path: Path,
) -> None:
    scenario = _two_queues(tmp_path, days=60)
    tables = []
    for name, executor in (
        ("serial", Serial()),
        ("processes", LocalProcesses(2)),
        ("dask", DaskExecutor(n_workers=2, processes=True)),
    ):
        with executor:
            result = run_equilibrium(
                scenario, replications=2, out=tmp_path / name, executor=executor
            )
        tables.append(result.assignment)
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], tables[2])


def test_resuming_an_equilibrium_runs_nothing_again(tmp_path: Path) -> None:
    scenario = _two_roads(tmp_path)
    first = run_equilibrium(scenario, replications=1, out=tmp_path / "eq")
    events: list[Any] = []
    again = run_equilibrium(scenario, replications=1, out=tmp_path / "eq", progress=events.append)
    assert events  # one start event per round
    assert all(e.label is None and e.skipped == e.total for e in events)  # nothing ran
    pd.testing.assert_frame_equal(first.assignment, again.assignment)
