"""KPIs against hand-computed answers: a deterministic two-leg run and tiny hand-made tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from corridor import kpis
from corridor.results.tables import Results
from corridor.run import load_model
from tests.builders import flow, scenario
from tests.small_runs import branching_run, two_leg_network, two_leg_run

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


@pytest.fixture(scope="module")
def run() -> Results:
    return two_leg_run()


@pytest.fixture(scope="module")
def busy() -> Results:
    return branching_run()


# --------------------------------------------------------------------------- speeds, breakdown


def test_swod_and_swd_of_a_two_leg_journey_by_hand(run: Results) -> None:
    s = kpis.route_speeds(run.trips, run.stages).set_index("route").loc["main"]
    assert s["km"] == pytest.approx(510.0)
    assert s["mean_moving_h"] == pytest.approx(13.0)
    assert s["mean_transit_h"] == pytest.approx(27.0)
    assert s["swod_kmh"] == pytest.approx(510.0 / 13.0)
    assert s["swd_kmh"] == pytest.approx(510.0 / 27.0)
    assert s["delay_share"] == pytest.approx(1 - 13.0 / 27.0)


def test_time_breakdown_splits_the_transit_time_by_category(run: Results) -> None:
    b = kpis.time_breakdown(run.trips, run.stages).set_index("route").loc["main"]
    assert b["total_h"] == pytest.approx(27.0)
    assert b["moving_h"] == pytest.approx(13.0)
    assert b["handling_h"] == pytest.approx(2.0)
    assert b["border_h"] == pytest.approx(12.0)
    for cat in ("waiting", "queueing", "yard_dwell", "gauge_change", "closure"):
        assert b[f"{cat}_h"] == 0.0
    assert b["share_border"] == pytest.approx(12.0 / 27.0)


def test_time_breakdown_adds_up_to_the_mean_transit_time(busy: Results) -> None:
    b = kpis.time_breakdown(busy.trips, busy.stages).set_index("route")
    cats = [f"{c}_h" for c in kpis.TIME_CATEGORIES]
    np.testing.assert_allclose(b[cats].sum(axis=1), b["total_h"])
    mean_transit = kpis.measured_trips(busy.trips).groupby("route", observed=True)["transit_h"]
    np.testing.assert_allclose(b["total_h"], mean_transit.mean().loc[b.index], rtol=1e-9)
    assert (b["waiting_h"] > 0).all()
    assert (b["yard_dwell_h"] > 0).all()
    assert b.loc["west", "gauge_change_h"] > 0
    assert b.loc["east", "gauge_change_h"] == 0


def test_stage_categories_follow_kind_and_activity() -> None:
    stages = pd.DataFrame(
        {
            "kind": ["travel", "wait", "queue", "service", "service", "dwell", "service"],
            "activity": ["rail", "sea", "border", "customs", "gauge_change", "yard", "other"],
        }
    )
    got = kpis.stage_categories(stages).astype(str).tolist()
    assert got == [
        "moving", "waiting", "queueing", "border", "gauge_change", "yard_dwell", "handling",
    ]  # fmt: skip


def test_section_speed_between_two_nodes_by_hand(run: Results) -> None:
    s = kpis.section_speeds(run.trips, run.stages, run.departures, [("O", "X-AZ")]).iloc[0]
    # from ready to leave O to arrival at X-AZ: rail 10 h, exit 5 h, link 1 h
    assert s["section"] == "O–X-AZ"
    assert s["km"] == pytest.approx(410.0)
    assert s["mean_moving_h"] == pytest.approx(11.0)
    assert s["mean_elapsed_h"] == pytest.approx(16.0)
    assert s["swod_kmh"] == pytest.approx(410.0 / 11.0)
    assert s["swd_kmh"] == pytest.approx(410.0 / 16.0)


def test_section_that_no_route_runs_is_an_error_naming_it(run: Results) -> None:
    with pytest.raises(ValueError, match=r"section 'back': no route runs from 'D' to 'O'"):
        kpis.section_speeds(run.trips, run.stages, run.departures, {"back": ("D", "O")})


def test_route_legs_gives_order_lengths_and_end_nodes(run: Results) -> None:
    legs = kpis.route_legs(run.stages, run.departures)
    assert legs["leg"].tolist() == ["O-X", "X-X", "X-D"]
    assert legs["length_km"].tolist() == [400.0, 10.0, 100.0]
    assert legs["from_node"].tolist() == ["O", "X-IR", "X-AZ"]
    assert legs["to_node"].tolist() == ["X-IR", "X-AZ", "D"]
    assert legs["mode"].tolist() == ["rail", "road", "road"]


def test_node_delays_per_visiting_container(run: Results) -> None:
    d = kpis.node_delays(run.trips, run.stages, run.departures).set_index("node")
    assert d.loc["X-IR", "mean_delay_h"] == pytest.approx(5.0)
    assert d.loc["X-AZ", "border_h"] == pytest.approx(7.0)
    assert d.loc["O", "handling_h"] == pytest.approx(2.0)


def test_waiting_for_a_departure_counts_at_the_legs_start_node(busy: Results) -> None:
    d = kpis.node_delays(busy.trips, busy.stages, busy.departures).set_index("node")
    assert d.loc["P", "waiting_h"] > 0  # block trains and ships leave from P
    assert d.loc["M", "waiting_h"] == 0  # the destination


# --------------------------------------------------------------------------- borders


@pytest.mark.parametrize(
    ("node_id", "crossing"),
    [("AST-IR", "AST"), ("AST-AZ", "AST"), ("SAMUR_RU", "SAMUR"), ("SARAKHS", "SARAKHS"),
     ("INCHEH-BORUN", "INCHEH-BORUN"), ("A-B", "A-B")],
)  # fmt: skip
def test_crossing_name_strips_a_country_code(node_id: str, crossing: str) -> None:
    assert kpis.crossing_name(node_id) == crossing


def test_border_crossing_time_from_two_nodes(run: Results) -> None:
    assert kpis.default_crossings(run.stages) == {"X": ["X-AZ", "X-IR"]}
    b = kpis.border_crossing_times(run.trips, run.stages).iloc[0]
    # exit 5 h + link 1 h + entry 7 h, entry to exit; 12 h of it in the two posts
    assert b["crossing"] == "X"
    assert b["nodes"] == "X-AZ + X-IR"
    assert b["mean_h"] == pytest.approx(13.0)
    assert b["p95_h"] == pytest.approx(13.0)
    assert b["mean_at_nodes_h"] == pytest.approx(12.0)
    assert b["containers"] == len(kpis.measured_trips(run.trips))


def test_border_crossing_with_an_explicit_mapping_and_by_route(run: Results) -> None:
    b = kpis.border_crossing_times(run.trips, run.stages, {"exit only": ["X-IR"]}, by_route=True)
    assert b[["crossing", "route"]].values.tolist() == [["exit only", "main"]]
    assert b.loc[0, "mean_h"] == pytest.approx(5.0)


def test_default_crossings_group_border_posts_of_a_network(busy: Results) -> None:
    # W-AZ only changes gauge, but it is named as the other side of W-IR's crossing
    found = kpis.default_crossings(busy.stages)
    assert found == {"E": ["E"], "W": ["W-AZ", "W-IR"]}
    times = kpis.border_crossing_times(busy.trips, busy.stages).set_index("crossing")
    assert (times["mean_h"] >= times["mean_at_nodes_h"]).all()
    assert (
        times.loc["W", "containers"] == (kpis.measured_trips(busy.trips)["route"] == "west").sum()
    )


# --------------------------------------------------------------------------- reliability


def _trips(transit_days: list[float], created_h: list[float] | None = None) -> pd.DataFrame:
    n = len(transit_days)
    created = np.array(created_h if created_h is not None else [0.0] * n)
    transit = np.array(transit_days) * 24.0
    return pd.DataFrame(
        {
            "container": np.arange(n),
            "flow": "f",
            "route": "r",
            "teu": np.ones(n, dtype=int),
            "created_h": created,
            "delivered_h": created + transit,
            "transit_h": transit,
            "transit_days": transit / 24.0,
            "km": 1000.0,
            "cost_usd": 500.0,
            "in_warmup": False,
        }
    )


def test_on_time_share_and_p95_p50_spread_by_hand() -> None:
    t = _trips([10, 11, 12, 13, 20])
    r = kpis.reliability(t, promised_days=12).iloc[0]
    assert r["counted"] == 5
    assert r["on_time"] == 3
    assert r["on_time_share"] == pytest.approx(0.6)
    assert r["p50_days"] == pytest.approx(12.0)
    assert r["p95_days"] == pytest.approx(13 + 0.8 * 7)  # linear interpolation
    assert r["spread_p95_p50_days"] == pytest.approx(13 + 0.8 * 7 - 12)


def test_containers_in_transit_past_the_promise_count_as_late() -> None:
    t = _trips([10, 11, math.nan, math.nan], created_h=[0, 0, 0, 900])
    # at 960 h (40 days) the third is 40 days old (late), the fourth 2.5 days (not judged)
    r = kpis.reliability(t, promised_days=12, end_h=960.0).iloc[0]
    assert r["counted"] == 3
    assert r["late_in_transit"] == 1
    assert r["on_time_share"] == pytest.approx(2 / 3)


def test_throughput_counts_deliveries_in_the_period() -> None:
    t = _trips([1, 1, 1, 1], created_h=[0, 24, 48, 240])
    t.loc[1, "teu"] = 2
    out = kpis.throughput(t, end_h=240.0, start_h=24.0).iloc[0]
    # delivered at 24, 48, 72 and 264 h: three in [24, 240), 4 TEU over 9 days
    assert out["containers"] == 3
    assert out["teu_per_day"] == pytest.approx(4 / 9)


# --------------------------------------------------------------------------- capacity


def _jobs() -> pd.DataFrame:
    # one server: job 0 served 0-4, job 1 waits 1-4 and is served 4-6, job 2 waits 2-6 and
    # is still in service at the end (no end time)
    return pd.DataFrame(
        {
            "node": "B",
            "process": "lane",
            "activity": "border",
            "arrival_h": [0.0, 1.0, 2.0],
            "start_h": [0.0, 4.0, 6.0],
            "end_h": [4.0, 6.0, math.nan],
            "wait_h": [0.0, 3.0, 4.0],
            "containers": [1, 3, 1],
            "teu": [1.0, 4.0, 2.0],
        }
    )


def test_queue_length_series_of_a_tiny_resources_table() -> None:
    s = kpis.resource_series(_jobs())
    assert s["time_h"].tolist() == [0.0, 1.0, 2.0, 4.0, 6.0]
    assert s["queue"].tolist() == [0, 1, 2, 1, 0]
    assert s["queue_containers"].tolist() == [0, 3, 4, 1, 0]
    assert s["busy"].tolist() == [1, 1, 1, 1, 1]


def test_utilisation_and_time_averaged_queue_by_hand() -> None:
    u = kpis.utilisation(_jobs(), {("B", "lane"): 1}, end_h=10.0).iloc[0]
    assert u["utilisation"] == pytest.approx(1.0)  # busy all 10 h
    # queue: 1 job over [1, 2), 2 over [2, 4), 1 over [4, 6): 7 job-hours in 10 h
    assert u["mean_queue"] == pytest.approx(0.7)
    assert u["max_queue"] == 2
    assert u["mean_wait_h"] == pytest.approx(7 / 3)
    halved = kpis.utilisation(_jobs(), {("B", "lane"): 2}, end_h=10.0).iloc[0]
    assert halved["utilisation"] == pytest.approx(0.5)


def test_utilisation_without_a_server_count_is_missing_not_wrong() -> None:
    u = kpis.utilisation(_jobs(), None, end_h=10.0).iloc[0]
    assert math.isnan(u["utilisation"])
    assert u["mean_busy"] == pytest.approx(1.0)


def test_servers_of_a_model_average_capacity_changes_over_time() -> None:
    sc = scenario(
        [flow("f", "O", "D", 1.0, {"main": 1.0})],
        {"main": ["O-X", "X-X", "X-D"]},
        horizon_days=10,
        capacity_changes=[{"node": "O", "process": "crane", "servers": 3, "at_day": 5}],
    )
    model = load_model(sc, two_leg_network())
    assert kpis.servers_of(model) == {("O", "crane"): pytest.approx(2.0)}  # 1 then 3


def test_load_factors_per_leg() -> None:
    deps = pd.DataFrame(
        {
            "leg": ["a", "a", "a", "b"],
            "mode": ["rail", "rail", "rail", "sea"],
            "from_node": ["X", "X", "Y", "Y"],
            "to_node": ["Y", "Y", "X", "Z"],
            "direction": ["out", "out", "return", "out"],
            "load_teu": [90.0, 45.0, 0.0, 10.0],
            "capacity_teu": [90.0, 90.0, 90.0, 100.0],
            "load_factor": [1.0, 0.5, 0.0, 0.1],
        }
    )
    lf = kpis.load_factors(deps).set_index("leg")
    assert lf.loc["a", "departures"] == 2  # the empty return is left out
    assert lf.loc["a", "load_factor"] == pytest.approx(135 / 180)
    assert lf.loc["a", "share_full"] == pytest.approx(0.5)
    assert lf.loc["b", "mean_load_factor"] == pytest.approx(0.1)
    assert (
        kpis.load_factors(deps, include_returns=True).set_index("leg").loc["a", "departures"] == 3
    )


# --------------------------------------------------------------------------- cost and CO2e


def test_cost_per_teu_is_legs_plus_node_charges(run: Results) -> None:
    c = kpis.cost_per_teu(run.trips).iloc[0]
    assert c["usd_per_teu"] == pytest.approx(100 + 80 + 20)
    assert c["usd_per_teu_km"] == pytest.approx(200 / 510)


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


def test_stage_costs_need_tariffs(run: Results) -> None:
    bare = run.stages.drop(columns="cost_usd")
    with pytest.raises(ValueError, match="need the network's tariffs"):
        kpis.stage_costs(bare, run.trips)
    costs = kpis.stage_costs(bare, run.trips, two_leg_network())
    np.testing.assert_allclose(costs, run.stages["cost_usd"])
    per_container = costs.groupby(run.stages["container"]).sum()
    delivered = kpis.measured_trips(run.trips)["container"]
    np.testing.assert_allclose(per_container.loc[delivered], 200.0)


# --------------------------------------------------------------------------- ESCAP points


def test_time_distance_points_of_one_container_by_hand(run: Results) -> None:
    costs = kpis.stage_costs(run.stages, run.trips, two_leg_network())
    p = kpis.time_distance_points(run.trips, run.stages, costs)
    first = p[p["container"] == p["container"].min()]
    assert first["km"].tolist() == [0.0, 400.0, 410.0, 510.0]
    assert first["arrive_h"].tolist() == [0.0, 12.0, 18.0, 27.0]
    assert first["depart_h"].tolist() == [2.0, 17.0, 25.0, 27.0]
    assert first["arrive_usd_per_teu"].tolist() == [0.0, 120.0, 120.0, 200.0]
    assert first["depart_usd_per_teu"].tolist() == [20.0, 120.0, 120.0, 200.0]


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
