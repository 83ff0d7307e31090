"""Tests of corridor.inputs.routing: the network graph, k shortest routes and leg-chain checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corridor.errors import InputError, Problem, RoutingError
from corridor.inputs.distributions import Exponential, Fixed
from corridor.inputs.network import Leg, Network, Node, load_network
from corridor.inputs.routing import Route, k_shortest_routes, network_graph, route_legs_connect
from corridor.inputs.specs import ContinuousService, ProcessSpec

CONTINUOUS = ContinuousService(type="continuous")
EXPONENTIAL_3 = Exponential.model_validate({"dist": "exponential", "mean": 3})


def node(node_id: str, *processes: ProcessSpec) -> Node:
    return Node(node_id, node_id.title(), "IR", "rail_terminal", 50.0, 40.0, processes)


def leg(leg_id: str, start: str, end: str, length_km: float, **fields: Any) -> Leg:
    """A leg at 1 km/h, so that its running time in hours equals its length in km."""
    fields.setdefault("speed_kmh", 1.0)
    return Leg(leg_id, start, end, "rail", length_km, CONTINUOUS, **fields)


def network(nodes: list[Node], legs: list[Leg]) -> Network:
    return Network({n.id: n for n in nodes}, {x.id: x for x in legs}, source="hand.geojson")


@pytest.fixture
def diamond() -> Network:
    """A -> D four ways (free-flow hours in brackets), plus a faster leg that is disabled.

    A-C-B-D (5 + 1 + 10 = 16), A-B-D over the better of two parallel legs (7 + 10 = 17),
    A-C-D (5 + 15 = 20), A-D (30).
    """
    return network(
        [node("A"), node("B"), node("C"), node("D")],
        [
            leg("AB1", "A", "B", 10),
            leg("AB2", "A", "B", 7),
            leg("BD", "B", "D", 10),
            leg("AC", "A", "C", 5),
            leg("CD", "C", "D", 15),
            leg("AD", "A", "D", 30),
            leg("CB", "C", "B", 1),
            leg("AD_CLOSED", "A", "D", 1, enabled=False),
        ],
    )


# ----------------------------------------------------------------------------- the graph


def test_graph_has_one_edge_per_enabled_leg_keyed_by_leg_id(diamond: Network) -> None:
    graph = network_graph(diamond)
    assert sorted(k for _, _, k in graph.edges(keys=True)) == [
        "AB1", "AB2", "AC", "AD", "BD", "CB", "CD",
    ]  # fmt: skip
    assert graph.edges["A", "B", "AB2"]["leg"] == "AB2"


def test_graph_keeps_nodes_without_legs() -> None:
    graph = network_graph(network([node("A"), node("B"), node("LONELY")], [leg("AB", "A", "B", 1)]))
    assert "LONELY" in graph.nodes


def test_edge_time_is_running_plus_mean_delay() -> None:
    net = network(
        [node("A"), node("B")],
        [leg("AB", "A", "B", 100, speed_kmh=40.0, delay_h=EXPONENTIAL_3)],
    )
    edge = network_graph(net).edges["A", "B", "AB"]
    assert edge["time_h"] == pytest.approx(100 / 40 + 3)
    assert (edge["length_km"], edge["mode"]) == (100, "rail")


def test_edge_time_uses_the_running_time_distribution_when_given() -> None:
    net = network(
        [node("A"), node("B")],
        [leg("AB", "A", "B", 100, speed_kmh=None, running_time_h=Fixed(value=12))],
    )
    assert network_graph(net).edges["A", "B", "AB"]["time_h"] == 12.0


def test_edge_time_adds_expected_transit_processes_at_the_to_node() -> None:
    processes = (
        ProcessSpec(name="unload", time_h=4),  # every container: 4 h
        ProcessSpec(name="inspect", time_h=10, probability=0.25),  # a quarter of them: 2.5 h
        ProcessSpec(name="customs", time_h=24, at=["destination"]),  # not for transit
    )
    net = network([node("A", *processes), node("B", *processes)], [leg("AB", "A", "B", 10)])
    assert network_graph(net).edges["A", "B", "AB"]["time_h"] == pytest.approx(10 + 4 + 2.5)


def test_edge_cost_adds_expected_transit_process_costs() -> None:
    inspect = ProcessSpec(name="inspect", time_h=1, probability=0.5, cost_usd_per_teu=40)
    net = network(
        [node("A"), node("B", inspect)], [leg("AB", "A", "B", 10, cost_usd_per_teu=100.0)]
    )
    assert network_graph(net).edges["A", "B", "AB"]["cost_usd_per_teu"] == pytest.approx(120.0)


# ----------------------------------------------------------------------------- k shortest


def test_k_shortest_routes_are_ordered_by_time(diamond: Network) -> None:
    routes = k_shortest_routes(diamond, "A", "D", k=3)
    assert routes == [
        Route(("AC", "CB", "BD"), ("A", "C", "B", "D"), 16.0, 16.0),
        Route(("AB2", "BD"), ("A", "B", "D"), 17.0, 17.0),
        Route(("AC", "CD"), ("A", "C", "D"), 20.0, 20.0),
    ]


def test_fewer_routes_than_k_are_all_returned(diamond: Network) -> None:
    routes = k_shortest_routes(diamond, "A", "D", k=10)
    assert [r.time_h for r in routes] == [16.0, 17.0, 20.0, 30.0]


def test_parallel_legs_collapse_to_the_best_one(diamond: Network) -> None:
    routes = k_shortest_routes(diamond, "A", "D", k=10)
    assert all("AB1" not in r.legs for r in routes)


def test_disabled_legs_are_not_used(diamond: Network) -> None:
    routes = k_shortest_routes(diamond, "A", "D", k=10)
    assert all("AD_CLOSED" not in r.legs for r in routes)


def test_routes_can_be_ranked_by_cost() -> None:
    net = network(
        [node("A"), node("B"), node("C")],
        [
            leg("FAST", "A", "C", 10, cost_usd_per_teu=900.0),
            leg("AB", "A", "B", 20, cost_usd_per_teu=100.0),
            leg("BC", "B", "C", 20, cost_usd_per_teu=100.0),
        ],
    )
    by_cost = k_shortest_routes(net, "A", "C", weight="cost_usd_per_teu")
    assert [(r.legs, r.cost_usd_per_teu) for r in by_cost] == [
        (("AB", "BC"), 200.0),
        (("FAST",), 900.0),
    ]
    assert k_shortest_routes(net, "A", "C", k=1)[0].legs == ("FAST",)


def test_routes_on_the_mini_network(data_dir: Path) -> None:
    mini = load_network(data_dir / "mini-network.geojson")
    routes = k_shortest_routes(mini, "SOUTH", "END")
    # road: 450/50 + border 6 (triangular 2, 4, 12) + 52/3 (triangular 14, 16, 22) = 32.3 h
    # west rail: about 376 km / 40 + delay 6 + 700/35 = about 35.4 h
    # sea: SOUTH -> NORTH has no way on to END, as the road NORTH -> END is disabled
    assert [r.legs for r in routes] == [("ROAD_S_B", "ROAD_B_E"), ("RAIL_S_W", "RAIL_W_E")]
    assert routes[0].time_h == pytest.approx(9 + 6 + 52 / 3)
    assert routes[0].length_km == 450 + 720


def test_unknown_origin_is_an_error_with_a_suggestion(diamond: Network) -> None:
    with pytest.raises(RoutingError) as info:
        k_shortest_routes(diamond, "AA", "D")
    assert str(info.value) == (
        "hand.geojson: origin: no node 'AA' in the network (did you mean 'A'?)"
    )


def test_unknown_origin_and_destination_are_both_reported(diamond: Network) -> None:
    with pytest.raises(InputError) as info:
        k_shortest_routes(diamond, "XX", "YY")
    assert [p.render() for p in info.value.problems] == [
        "origin: no node 'XX' in the network (node ids are the id of Point features)",
        "destination: no node 'YY' in the network (node ids are the id of Point features)",
    ]


def test_no_path_is_an_error_naming_both_nodes(diamond: Network) -> None:
    with pytest.raises(RoutingError) as info:
        k_shortest_routes(diamond, "D", "A")
    assert str(info.value) == (
        "hand.geojson: no route from 'D' to 'A' over enabled legs (legs are one-way: check the "
        "direction of from/to; 1 leg is disabled (enabled: false))"
    )


def test_same_origin_and_destination_is_an_error(diamond: Network) -> None:
    with pytest.raises(RoutingError, match="destination: is the origin 'A'"):
        k_shortest_routes(diamond, "A", "A")


def test_k_below_one_is_refused(diamond: Network) -> None:
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        k_shortest_routes(diamond, "A", "D", k=0)


def test_unknown_weight_is_refused(diamond: Network) -> None:
    with pytest.raises(ValueError, match="weight 'hours' is not one of 'time_h', 'length_km'"):
        k_shortest_routes(diamond, "A", "D", weight="hours")


# ----------------------------------------------------------------------------- leg chains


def test_connected_chain_has_no_problems(diamond: Network) -> None:
    assert route_legs_connect(diamond, ["AC", "CB", "BD"]) == []


def test_disabled_leg_in_a_chain_is_not_a_problem(diamond: Network) -> None:
    assert route_legs_connect(diamond, ["AD_CLOSED"]) == []


def test_break_in_a_chain_names_both_legs_and_positions(diamond: Network) -> None:
    assert route_legs_connect(diamond, ["AC", "BD"], where="routes.west") == [
        Problem(
            "routes.west[1]",
            "leg 'BD' starts at 'B', but the leg before it ('AC', position 0) ends at 'C'",
            "each leg must start at the node where the previous one ends",
        )
    ]


def test_unknown_leg_in_a_chain_is_a_problem_with_a_suggestion(diamond: Network) -> None:
    assert route_legs_connect(diamond, ["AC", "CBB", "BD"]) == [
        Problem("route[1]", "no leg 'CBB' in the network", "did you mean 'CB'?")
    ]


def test_repeated_leg_in_a_chain_is_a_problem(diamond: Network) -> None:
    problems = route_legs_connect(diamond, ["AC", "CB", "AC"])
    assert problems[0] == Problem(
        "route[2]", "leg 'AC' is already at position 0", "a route passes each leg once"
    )


def test_empty_chain_is_a_problem(diamond: Network) -> None:
    assert [p.render() for p in route_legs_connect(diamond, [], where="routes.west")] == [
        "routes.west: the route has no legs (list its leg ids in travel order)"
    ]
