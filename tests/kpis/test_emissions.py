"""CO2e per TEU and per leg, and the default factors."""

from __future__ import annotations

import pytest

from corridor import kpis
from corridor.results import Results

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


def test_co2e_total_with_given_factors(run: Results) -> None:
    factors = {("rail", "diesel"): 0.02, ("road", "diesel"): 0.1}
    e = kpis.co2e_per_teu(run.trips, run.stages, factors=factors).iloc[0]
    # 400 km x 0.02 + (10 + 100) km x 0.1 = 8 + 11 kg per TEU
    assert e["co2e_kg_per_teu"] == pytest.approx(19.0)
    assert e["co2e_kg_per_teu_rail"] == pytest.approx(8.0)
    assert e["co2e_g_per_teu_km"] == pytest.approx(19000 / 510)
    teu = kpis.measured_trips(run.trips)["teu"].sum()
    assert e["co2e_t"] == pytest.approx(teu * 19.0 / 1000)


def test_co2e_leg_fuel_override_and_missing_factor_message(run: Results) -> None:
    factors = {("rail", "diesel"): 0.02, ("rail", "electric"): 0.01, ("road", "diesel"): 0.1}
    legs = kpis.co2e_by_leg(run.stages, factors, leg_fuel={"O-X": "electric"})
    assert legs.set_index("leg").loc["O-X", "co2e_kg_per_teu"] == pytest.approx(4.0)
    with pytest.raises(ValueError, match=r"no emission factor for mode/fuel road/hydrogen"):
        kpis.co2e_by_leg(run.stages, factors, leg_fuel={"X-D": "hydrogen"})


def test_default_emission_factors_state_their_status_and_basis() -> None:
    f = kpis.emission_factors()
    assert set(f["status"]) == {"published", "assumption"}
    sea = f[(f["mode"] == "sea") & (f["fuel"] == "hfo")].iloc[0]
    assert sea["kg_co2e_per_teu_km"] == pytest.approx(0.0894)
    assert "GLEC" in sea["basis"]
    assert (f["basis"].str.len() > 10).all()


def test_route_co2e_agrees_with_the_trips_when_legs_have_their_own_factors() -> None:
    from corridor.run import simulate
    from tests.builders import flow, leg, network, node, scenario

    net = network(
        [node("A"), node("B"), node("C")],
        [
            leg("AB", "A", "B", 1000, 25, mode="sea", co2e_kg_per_teu_km=0.05),
            leg("BC", "B", "C", 500, 40),  # no factor: the default table's rail/diesel
        ],
    )
    sc = scenario(
        [flow("f", "A", "C", 10, ["r"], share_40ft=0.5)], {"r": ["AB", "BC"]}, horizon_days=10
    )
    res = simulate(sc, network=net)
    per_route = kpis.co2e_per_teu(res.trips, res.stages).set_index("route")
    rail = (
        kpis.emission_factors()
        .set_index(["mode", "fuel"])
        .loc[("rail", "diesel"), "kg_co2e_per_teu_km"]
    )
    assert per_route.loc["r", "co2e_kg_per_teu"] == pytest.approx(1000 * 0.05 + 500 * rail)
    assert per_route.loc["r", "co2e_kg_per_teu_sea"] == pytest.approx(50.0)
