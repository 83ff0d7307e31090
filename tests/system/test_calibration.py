"""Calibration: the INSTC baseline against observed journeys, and the scenarios' effects.

The bands and the reasoning behind them are in docs/validation.md:

* the two observed journeys of the calibration set (Railway Gazette 2016: Mumbai -> Moscow,
  ship loaded 20 Sep, arrived Vorsino 12 Oct; the June 2022 southbound pilot, 24 days) are
  compared with their calibration scenarios on the same endpoints: each observation must be a
  plausible draw (between the modelled P10 and P90) and the modelled P50 within a band;
* the baseline's door-to-door P50s stay in their bands, and their means agree with a hand
  calculation from the network's figures;
* each scenario moves the branches the right way; paired comparisons use the same seeds
  (common random numbers), over several seeds where one run is noisy.

Every test here runs the simulator for a few seconds, so all are marked slow.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pytest

from corridor.inputs.network import Network, load_network
from corridor.inputs.scenario import Scenario, load_scenario
from corridor.results import Results
from corridor.run import simulate
from tests.paths import SCENARIOS, SEEDS

pytestmark = pytest.mark.slow


OBSERVED_2016_DAYS = 22.5  # ship loaded in Mumbai 20 Sep 2016, at Vorsino 12 Oct: "23 days"
OBSERVED_2022_DAYS = 24.0  # St Petersburg -> Nhava Sheva, Jun 2022: "the entire journey took 24 d"

WESTERN_ROUTES = ("western",)
EASTERN_ROUTES = ("eastern_sarakhs_volgograd", "eastern_sarakhs_saratov", "eastern_incheh_borun")
CASPIAN_ROUTES = (
    "trans_caspian_anzali_astrakhan",
    "trans_caspian_anzali_olya",
    "trans_caspian_anzali_makhachkala",
    "trans_caspian_amirabad_olya",
    "trans_caspian_amirabad_makhachkala",
)


# --- helpers ---------------------------------------------------------------------------------


def scenario(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


def transit_days(
    runs: Iterable[Results], routes: Iterable[str], created_before_h: float = np.inf
) -> pd.Series:
    """Door-to-door days of the delivered containers on ``routes`` created after the warm-up
    (and before ``created_before_h``), pooled over ``runs``."""
    wanted = set(routes)
    parts = []
    for r in runs:
        t = r.trips
        keep = ~t["in_warmup"] & t["route"].astype(str).isin(wanted) & t["delivered_h"].notna()
        keep &= t["created_h"] < created_before_h
        parts.append(t.loc[keep, "transit_days"])
    return pd.concat(parts, ignore_index=True)


def node_times_h(results: Results, network: Network, route: str) -> tuple[pd.DataFrame, ...]:
    """Per container of ``route`` (delivered, created after the warm-up): the hour its vehicle
    leaves each node, and the hour it arrives at each node, from the stages table."""
    t = results.trips
    ids = t.loc[~t["in_warmup"] & (t["route"] == route) & t["delivered_h"].notna(), "container"]
    s = results.stages
    s = s[s["container"].isin(ids) & (s["kind"] == "travel")]
    legs = [network.legs[str(e)] for e in s["element"]]
    s = s.assign(from_node=[leg.from_node for leg in legs], to_node=[leg.to_node for leg in legs])
    leave = s.pivot_table(index="container", columns="from_node", values="start_h", aggfunc="min")
    arrive = s.pivot_table(index="container", columns="to_node", values="end_h", aggfunc="max")
    return leave, arrive


def between_days(
    runs: Iterable[Results], network: Network, route: str, start: str, end: str
) -> pd.Series:
    """Days from the vehicle leaving node ``start`` to the vehicle reaching node ``end``."""
    parts = []
    for r in runs:
        leave, arrive = node_times_h(r, network, route)
        parts.append((arrive[end] - leave[start]) / 24.0)
    return pd.concat(parts, ignore_index=True).dropna()


# --- runs, shared by the tests of this module -------------------------------------------------


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(SEEDS / "instc.geojson")


@pytest.fixture(scope="module")
def baseline_runs(network: Network) -> list[Results]:
    """The baseline as written (one year), seeds 1 and 2."""
    return [simulate(scenario("instc-baseline"), seed=s, network=network) for s in (1, 2)]


# --- the observed journeys -------------------------------------------------------------------


def test_2016_western_trial_is_a_plausible_draw_of_its_scenario(network: Network) -> None:
    run = simulate(scenario("calibration-2016-trial"), seed=1, network=network)
    days = between_days([run], network, "western", "NSA", "MOW")  # ship leaves -> train arrives
    p10, p50, p90 = days.quantile([0.1, 0.5, 0.9])
    assert 19.1 <= p50 <= 25.9, f"P50 {p50:.1f} d outside 22.5 d +- 15 %"
    assert p10 <= OBSERVED_2016_DAYS <= p90, f"observed {OBSERVED_2016_DAYS} d not in P10-P90"


def test_2022_southbound_pilot_is_a_plausible_draw_of_its_scenario(network: Network) -> None:
    runs = [simulate(scenario("calibration-2022-pilot"), seed=s, network=network) for s in (1, 2)]
    days = between_days(runs, network, "southbound_2022", "SPB", "NSA")  # train leaves -> ship in
    p10, p50, p90 = days.quantile([0.1, 0.5, 0.9])
    assert 20.4 <= p50 <= 27.6, f"P50 {p50:.1f} d outside 24 d +- 15 %"
    assert p10 <= OBSERVED_2022_DAYS <= p90, f"observed {OBSERVED_2022_DAYS} d not in P10-P90"


def test_pilot_booked_on_its_connections_is_a_week_faster_than_a_random_box(
    baseline_runs: list[Results], network: Network
) -> None:
    # the baseline's commercial southbound box waits for a train to fill and two weekly sailings
    pilot = [simulate(scenario("calibration-2022-pilot"), seed=1, network=network)]
    commercial = transit_days(baseline_runs, ["southbound_2022"]).median()
    booked = transit_days(pilot, ["southbound_2022"]).median()
    # ~8 d of waits avoided (train formation, two weekly sailings), ~4 d more on single wagons
    assert 3.0 <= commercial - booked <= 8.0


# --- the baseline ------------------------------------------------------------------------------


def test_baseline_western_door_to_door_p50_is_within_its_band(
    baseline_runs: list[Results],
) -> None:
    # the 2016 trial's 22.5 d, as a commercial box: -4.1 d (container trains, not single
    # wagons, on 2,170 km of Russian rail), +5.0 d at Nhava Sheva, +2.0 d at Moscow: 25.4 d
    p50 = transit_days(baseline_runs, WESTERN_ROUTES).median()
    assert 21.6 <= p50 <= 29.2


@pytest.mark.parametrize(
    ("routes", "low", "high"),
    [
        (EASTERN_ROUTES, 21.1, 28.5),  # hand calculation 24.8 d +- 15 %
        (CASPIAN_ROUTES, 26.2, 35.5),  # 30.9 d (via Astrakhan) +- 15 %
        (("suez",), 36.2, 49.0),  # 42.6 d +- 15 %
    ],
    ids=["eastern", "trans-caspian", "suez"],
)
def test_baseline_branch_p50_is_within_its_band(
    baseline_runs: list[Results], routes: tuple[str, ...], low: float, high: float
) -> None:
    p50 = transit_days(baseline_runs, routes).median()
    assert low <= p50 <= high


@pytest.mark.parametrize(
    ("route", "hand_days"),
    [
        ("western", 23.1),
        ("trans_caspian_anzali_astrakhan", 30.9),
        ("eastern_sarakhs_volgograd", 24.8),
        ("eastern_incheh_borun", 25.2),
        ("suez", 42.6),
    ],
)
def test_baseline_mean_agrees_with_the_hand_calculation(
    baseline_runs: list[Results], route: str, hand_days: float
) -> None:
    # hand: length / speed + delays + mean dwell, clearance and handling + half a headway or
    # fill time for each departure (docs/validation.md); the rest is queueing
    mean = transit_days(baseline_runs, [route]).mean()
    assert abs(mean - hand_days) <= 0.08 * hand_days, f"{route}: {mean:.1f} d vs {hand_days} d"


def test_suez_route_is_longer_than_the_western_branch(baseline_runs: list[Results]) -> None:
    suez = transit_days(baseline_runs, ["suez"])
    western = transit_days(baseline_runs, WESTERN_ROUTES)
    assert suez.median() > western.median() + 10.0
    trips = baseline_runs[0].trips
    km = trips.groupby("route", observed=True)["km"].first()
    assert km["suez"] > 2.0 * km["western"]


def test_suez_reference_keeps_the_suez_route_slower_than_the_western_branch(
    baseline_runs: list[Results], network: Network
) -> None:
    # all Nhava Sheva -> Moscow boxes by sea; half a year is enough for the comparison
    shorter = scenario("suez-reference").with_changes(horizon_days=150, warmup_days=30)
    run = simulate(shorter, seed=1, network=network)
    assert transit_days([run], ["suez"]).median() > (
        transit_days(baseline_runs[:1], WESTERN_ROUTES).median() + 10.0
    )


# --- scenario effects (common random numbers: same seeds as the baseline runs) ---------------


def test_rasht_astara_railway_shortens_the_western_branch(
    baseline_runs: list[Results], network: Network
) -> None:
    rail = [simulate(scenario("rasht-astara-rail"), seed=s, network=network) for s in (1, 2)]
    for base_run, rail_run in zip(baseline_runs, rail, strict=True):
        base = transit_days([base_run], WESTERN_ROUTES)
        new = transit_days([rail_run], WESTERN_ROUTES)
        assert new.mean() < base.mean()
        assert new.quantile(0.95) < base.quantile(0.95)
    # where the time is saved: Rasht -> Astara (Iran) by rail instead of transfer and truck
    truck = between_days(baseline_runs, network, "western", "THR", "AST-IR")
    by_rail = between_days(rail, network, "western", "THR", "AST-IR")
    assert by_rail.mean() < truck.mean() - 0.5


def test_border_reform_shortens_every_rail_branch(
    baseline_runs: list[Results], network: Network
) -> None:
    reform = [simulate(scenario("border-reform"), seed=s, network=network) for s in (1, 2)]
    for routes in (WESTERN_ROUTES, *((r,) for r in EASTERN_ROUTES), CASPIAN_ROUTES):
        before = transit_days(baseline_runs, routes).median()
        after = transit_days(reform, routes).median()
        assert after < before, f"{routes}: {after:.2f} d not below {before:.2f} d"
    # the Suez route crosses none of the corridor's borders
    assert transit_days(reform, ["suez"]).median() == pytest.approx(
        transit_days(baseline_runs, ["suez"]).median(), abs=0.5
    )


def test_hard_winter_lengthens_the_trans_caspian_p95_more_than_its_p50(
    network: Network,
) -> None:
    winter = scenario("caspian-winter")
    # the baseline over the same dates: its season-average ice and storms, same seeds
    base = scenario("instc-baseline").with_changes(
        start_date=winter.start_date,
        horizon_days=winter.horizon_days,
        warmup_days=winter.warmup_days,
    )
    seeds = (1, 2, 4)
    w_runs = [simulate(winter, seed=s, network=network) for s in seeds]
    b_runs = [simulate(base, seed=s, network=network) for s in seeds]
    # boxes created up to the end of the ice season (5 Mar), all delivered by the horizon
    cut_h = (pd.Timestamp("2025-03-05") - pd.Timestamp(winter.start_date)) / pd.Timedelta(hours=1)
    w = transit_days(w_runs, CASPIAN_ROUTES, cut_h)
    b = transit_days(b_runs, CASPIAN_ROUTES, cut_h)
    d50 = w.median() - b.median()
    d95 = w.quantile(0.95) - b.quantile(0.95)
    assert d50 > 1.0
    assert d95 > d50
    # the other branches do not cross the Caspian
    western_shift = transit_days(w_runs, WESTERN_ROUTES, cut_h).median() - (
        transit_days(b_runs, WESTERN_ROUTES, cut_h).median()
    )
    assert abs(western_shift) < 0.3


def test_demand_growth_saturates_the_anzali_sailing_before_the_rail_branches(
    network: Network,
) -> None:
    # year 5 at 15 % a year (x2.0): the weekly 131-TEU Anzali -> Astrakhan/Olya ship cannot
    # carry its ~24 TEU/day; the western branch is close to, the eastern far from, its limit
    summary = simulate(scenario("demand-growth-y05"), seed=1, network=network).summary()
    status = dict(zip(summary["route"], summary["status"], strict=True))
    assert status["trans_caspian_anzali_astrakhan"] == "saturated"
    assert status["western"] == "ok"
    assert all(status[r] == "ok" for r in EASTERN_ROUTES)
