"""Tests of corridor.choice.calibrate: route constants that give back the target shares."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from corridor.choice import calibrate_constants, constants_for, logit_shares, run_equilibrium
from corridor.inputs.scenario import load_scenario
from tests.choice.test_equilibrium import _two_roads


def test_constants_give_back_the_targets_through_the_logit() -> None:
    costs = {"a": 5000.0, "b": 6200.0, "c": 4100.0}
    targets = {"a": 60, "b": 30, "c": 10}  # TEU a day, read as shares
    sizes = {"a": 0.4, "b": 0.7, "c": 1.0}
    k = constants_for(costs, targets, 0.0025, sizes)
    assert k["a"] == 0.0  # the largest share is the reference
    # by hand: K_b = (6200 - 5000) + (ln 0.3 - ln 0.6 - ln 0.7 + ln 0.4) / 0.0025
    assert k["b"] == pytest.approx(1200 + (math.log(0.5) + math.log(0.4 / 0.7)) / 0.0025)
    shares = logit_shares(costs, 0.0025, k, sizes)
    for route, teu in targets.items():
        assert shares[route] == pytest.approx(teu / 100, abs=1e-12)


def test_a_named_reference_gets_zero_and_the_shares_do_not_change() -> None:
    costs = {"a": 100.0, "b": 300.0}
    k = constants_for(costs, {"a": 1, "b": 3}, 0.01, reference="a")
    assert k["a"] == 0.0
    assert k["b"] == pytest.approx(200 + math.log(3) / 0.01)
    assert logit_shares(costs, 0.01, k)["b"] == pytest.approx(0.75, abs=1e-12)


def test_a_route_nobody_takes_has_no_constant() -> None:
    with pytest.raises(ValueError) as err:
        constants_for({"a": 1.0, "b": 2.0}, {"a": 1, "b": 0}, 0.01)
    assert str(err.value) == (
        "route(s) b: a target share of 0 has no constant (leave the route out of the flow, or "
        "give it a share)"
    )


def test_calibrated_scenario_starts_settled_at_its_shares(tmp_path: Path) -> None:
    path = _two_roads(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "routes: {short: 1, long: 1}", "routes: {short: 1, long: 3}"
    )
    path.write_text(text, encoding="utf-8")
    table = calibrate_constants(path, replications=2, out=tmp_path / "cal")
    # every box takes exactly its route's time: short 15 h + US$1,500, long 24 h + US$1,000,
    # at US$100 a day, plus the reliability term (no spread): costs 1562.5 and 1100
    rows = table.set_index("route")
    assert rows.loc["short", "cost_usd_per_teu"] == pytest.approx(1562.5, abs=1e-6)
    assert rows.loc["long", "cost_usd_per_teu"] == pytest.approx(1100.0, abs=1e-6)
    assert rows.loc["long", "constant_usd_per_teu"] == 0.0
    expected = (1562.5 - 1100.0) + math.log(1 / 3) / 0.01
    assert rows.loc["short", "constant_usd_per_teu"] == pytest.approx(expected, abs=1e-6)
    assert (tmp_path / "cal" / "calibration.csv").is_file()

    constants = {str(r): float(v) for r, v in rows["constant_usd_per_teu"].items()}
    scenario = load_scenario(path)
    calibrated = scenario.with_changes(
        choice={**scenario.choice.model_dump(), "constants_usd_per_teu": constants}  # type: ignore[union-attr]
    )
    result = run_equilibrium(calibrated, replications=1, out=tmp_path / "eq")
    assert result.converged
    assert result.iterations == 1
    shares = result.shares.set_index("route")["logit_share"]
    assert shares["short"] == pytest.approx(0.25, abs=1e-9)
    assert shares["long"] == pytest.approx(0.75, abs=1e-9)


def test_a_scenario_without_choice_is_refused(tmp_path: Path) -> None:
    path = _two_roads(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("choice:")], encoding="utf-8")
    with pytest.raises(ValueError) as err:
        calibrate_constants(path, out=tmp_path / "cal")
    assert str(err.value) == (
        "scenario 'two roads': no flow chooses its routes (give choice: to the scenario or to a "
        "flow with two routes or more)"
    )
