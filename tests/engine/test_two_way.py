"""Both directions of a link: symmetric runs, vehicles that rotate, processes by direction.

Each test has an answer worked out by hand from deterministic times.
"""

from __future__ import annotations

import pytest

from corridor.results import Results
from corridor.run import simulate
from tests.builders import flow, network, node, proc, scenario, two_way


def _mirror_runs(**service: object) -> Results:
    """A - B - C, every link both ways, the same demand each way, fixed times everywhere."""
    svc = {"type": "scheduled", "headway_h": 12, "capacity_teu": 500, **service}
    net = network(
        [
            node("A", proc("gate", 2.0)),
            node("B", proc("border", 3.0, servers=1, per="vehicle")),
            node("C", proc("gate", 2.0)),
        ],
        [*two_way("AB", "A", "B", 500, 50, svc), *two_way("BC", "B", "C", 500, 50, svc)],
    )
    sc = scenario(
        [
            flow("north", "A", "C", 20, ["up"], arrival="fixed"),
            flow("south", "C", "A", 20, ["down"], arrival="fixed"),
        ],
        {"up": ["AB", "BC"], "down": ["BC-rev", "AB-rev"]},
        horizon_days=60,
        warmup_days=10,
    )
    return simulate(sc, network=net)


def test_a_symmetric_network_takes_the_same_time_both_ways() -> None:
    results = _mirror_runs()
    trips = results.trips
    trips = trips[trips["created_h"].between(10 * 24, 50 * 24, inclusive="left")]
    assert trips["delivered_h"].notna().all()
    north = trips.loc[trips["flow"] == "north", "transit_h"]
    south = trips.loc[trips["flow"] == "south", "transit_h"]
    assert len(north) == len(south) == 800  # 20 a day for 40 days
    # gate 2 h, wait for the 12-hourly train, 10 h, border 3 h, wait, 10 h, gate 2 h
    assert sorted(north.round(6).unique()) == sorted(south.round(6).unique())
    assert north.mean() == pytest.approx(south.mean(), abs=1e-9)


def _rotation(demand_back_teu_per_day: float) -> tuple[Results, dict[str, float]]:
    """One link A - B, 400 km at 20 km/h (20 h each way), a fleet of 3 ships of 100 TEU,
    6 h in port at each end: a round trip of 2 x (20 + 6) = 52 h."""
    fleet = {"vehicles": 3, "turnaround_h": 6}
    svc = {"type": "when_full", "capacity_teu": 100, "max_wait_h": 4, "fleet": fleet}
    net = network([node("A"), node("B")], two_way("AB", "A", "B", 400, 20, svc, mode="sea"))
    flows = [flow("out", "A", "B", 400, ["out"], arrival="fixed")]
    if demand_back_teu_per_day > 0:
        flows.append(flow("back", "B", "A", demand_back_teu_per_day, ["back"], arrival="fixed"))
    sc = scenario(flows, {"out": ["AB"], "back": ["AB-rev"]}, horizon_days=400, warmup_days=40)
    bound = {"trips_per_day": 3 * 24 / 52, "teu_per_day": 3 * 100 * 24 / 52}
    return simulate(sc, network=net), bound


def _per_day(results: Results, leg: str, column: str) -> float:
    dep = results.departures
    window = dep[(dep["leg"] == leg) & (dep["depart_h"] >= 40 * 24) & (dep["depart_h"] < 390 * 24)]
    return float(window[column].sum() / 350) if column != "trips" else len(window) / 350


def test_a_fleet_carries_at_most_n_c_per_round_trip_each_way() -> None:
    results, bound = _rotation(demand_back_teu_per_day=400)  # both ways far above capacity
    for leg in ("AB", "AB-rev"):
        assert _per_day(results, leg, "trips") == pytest.approx(bound["trips_per_day"], rel=0.02)
        carried = _per_day(results, leg, "load_teu")
        assert carried <= bound["teu_per_day"] * 1.005
        assert carried == pytest.approx(bound["teu_per_day"], rel=0.02)  # 577 TEU a day
    assert (results.departures["load_teu"] <= 100).all()
    assert set(results.departures["direction"]) == {"out"}  # no empty 'return' runs


def test_with_demand_one_way_the_ships_come_back_empty() -> None:
    results, bound = _rotation(demand_back_teu_per_day=0)
    back = results.departures[results.departures["leg"] == "AB-rev"]
    assert (back["load_teu"] == 0).all()
    assert (back["containers"] == 0).all()
    # at B a ship waits its 4 h for cargo before it runs back empty: a cycle of 52 + 4 h
    per_day = 3 * 24 / 56
    assert _per_day(results, "AB-rev", "trips") == pytest.approx(per_day, rel=0.02)
    assert _per_day(results, "AB", "trips") == pytest.approx(per_day, rel=0.02)
    assert per_day < bound["trips_per_day"]


def test_a_border_process_applies_by_direction_of_travel() -> None:
    net = network(
        [
            node("A"),
            node(
                "B",
                proc("exit_to_c", 1.0, leaving_to=["C"]),
                proc("entry_from_c", 5.0, arriving_from=["C"]),
            ),
            node("C"),
        ],
        [*two_way("AB", "A", "B", 100, 50), *two_way("BC", "B", "C", 100, 50)],
    )
    sc = scenario(
        [flow("north", "A", "C", 10, ["up"]), flow("south", "C", "A", 10, ["down"])],
        {"up": ["AB", "BC"], "down": ["BC-rev", "AB-rev"]},
        horizon_days=20,
    )
    stages = simulate(sc, network=net).stages
    at_b = stages[stages["element"] == "B"]
    assert set(at_b.loc[at_b["flow"] == "north", "process"]) == {"exit_to_c"}
    assert set(at_b.loc[at_b["flow"] == "south", "process"]) == {"entry_from_c"}


def _empties_run(share: float | None) -> Results:
    """60 TEU a day A -> B and 20 back; trains of 50 TEU every 12 h each way."""
    svc = {"type": "scheduled", "headway_h": 12, "capacity_teu": 50}
    net = network([node("A"), node("B")], two_way("AB", "A", "B", 240, 40, svc))
    extra = {} if share is None else {"empties": {"share": share}}
    sc = scenario(
        [
            flow("out", "A", "B", 60, ["go"], arrival="fixed"),
            flow("back", "B", "A", 20, ["ret"], arrival="fixed"),
        ],
        {"go": ["AB"], "ret": ["AB-rev"]},
        horizon_days=120,
        warmup_days=20,
        **extra,
    )
    return simulate(sc, network=net)


def test_empties_return_the_imbalance_on_the_lighter_direction() -> None:
    full, none = _empties_run(0.5), _empties_run(None)
    empties = full.trips[full.trips["kind"] == "empty"]
    assert set(empties["flow"]) == {"out:empty"}
    assert set(empties["route"]) == {"go:back"}
    assert set(empties["origin"]) == {"B"}
    # half of the 40 TEU a day of imbalance comes back empty: 20 TEU a day on the way back
    window = empties[empties["created_h"].between(20 * 24, 100 * 24, inclusive="left")]
    assert window["teu"].sum() / 80 == pytest.approx(20, abs=0.5)
    back = full.departures[full.departures["leg"] == "AB-rev"]["load_teu"].mean()
    back_without = none.departures[none.departures["leg"] == "AB-rev"]["load_teu"].mean()
    assert back == pytest.approx(back_without * 2, rel=0.05)  # 40 TEU a day instead of 20
    # shippers' statistics leave the empties out, and the loaded flows are unchanged
    assert set(full.summary()["flow"]) == {"out", "back"}
    loaded = full.trips[full.trips["kind"] == "loaded"]
    columns = ["created_h", "delivered_h", "teu"]
    assert loaded["flow"].astype(str).tolist() == none.trips["flow"].astype(str).tolist()
    assert loaded[columns].reset_index(drop=True).equals(none.trips[columns])
