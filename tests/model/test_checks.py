"""Tests of corridor.model.checks: what a scenario asks of its network, every problem at once."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from corridor.errors import ScenarioError
from corridor.inputs.network import Network
from corridor.model.compile import build_model
from tests.builders import flow, leg, network, node, proc, scenario, two_way


@pytest.fixture
def chain() -> Network:
    """A -> B -> C by rail, a disabled road A -> C, a border process at B."""
    return network(
        [node("A"), node("B", proc("border", 2.0, servers=1)), node("C")],
        [
            leg("AB", "A", "B", 100, 50),
            leg("BC", "B", "C", 100, 50, service={"type": "scheduled", "headway_h": 24,
                                                   "capacity_teu": 1}),
            leg("AC", "A", "C", 150, 50, mode="road", enabled=False),
            leg("CA", "C", "A", 150, 50, mode="road"),
        ],
    )  # fmt: skip


def _problems(net: Network, routes: dict[str, list[str]], **kw: Any) -> list[str]:
    flows = kw.pop("flows", [flow("f", "A", "C", 10, list(routes))])
    with pytest.raises(ScenarioError) as err:
        build_model(scenario(flows, routes, **kw), net)
    return [f"{p.where}: {p.what}" + (f" ({p.hint})" if p.hint else "") for p in err.value.problems]


def test_unknown_and_disabled_legs_of_a_route_are_named(chain: Network) -> None:
    assert _problems(chain, {"r": ["AB", "BD"], "s": ["AC"]}) == [
        "routes.r[1]: unknown leg 'BD'",
        "routes.s[0]: leg 'AC' is disabled in this scenario (enable it with legs: "
        "{AC: {enabled: true}})",
    ]


def test_a_route_must_be_a_chain_of_legs(chain: Network) -> None:
    assert _problems(chain, {"r": ["BC", "AB"]}, flows=[flow("f", "B", "C", 1, ["r"])]) == [
        "routes.r[1]: leg 'AB' starts at 'A' but the previous leg 'BC' ends at 'C' "
        "(a route is a chain of legs, each starting where the last one ended)"
    ]


def test_a_route_must_not_loop(chain: Network) -> None:
    route = {"r": ["AB", "BC", "CA", "AB"]}
    problems = _problems(chain, route, flows=[flow("f", "A", "B", 1, ["r"])])
    assert problems == ["routes.r: the route visits a node twice (routes must not loop)"]


def test_a_flow_route_must_start_at_its_origin(chain: Network) -> None:
    problems = _problems(chain, {"r": ["BC"]}, flows=[flow("f", "A", "C", 1, ["r"])])
    assert problems == ["flows[0].routes.r: route 'r' starts at 'B', not at the flow's origin 'A'"]


def test_a_flow_route_must_end_at_its_destination(chain: Network) -> None:
    problems = _problems(chain, {"r": ["AB"]}, flows=[flow("f", "A", "C", 1, ["r"])])
    assert problems == [
        "flows[0].routes.r: route 'r' ends at 'B', not at the flow's destination 'C'"
    ]


def test_a_vehicle_too_small_for_a_40ft_container_is_named(chain: Network) -> None:
    flows = [flow("f", "A", "C", 10, ["r"], share_40ft=0.5)]
    assert _problems(chain, {"r": ["AB", "BC"]}, flows=flows) == [
        "legs.BC.service.capacity_teu: capacity 1.0 TEU cannot carry a 40' container (2 TEU) "
        "(raise capacity_teu or set share_40ft: 0)"
    ]


def test_closures_storms_and_seasons_must_name_known_elements(chain: Network) -> None:
    problems = _problems(
        chain,
        {"r": ["AB", "BC"]},
        closures=[{"elements": ["AB", "XX"], "start_day": 1, "duration_h": 5}],
        storms=[{"name": "s", "elements": ["BB"], "rate_per_month": [1] * 12, "duration_h": 5}],
        seasons=[{"name": "w", "legs": ["BX"], "annual_from": "12-01", "annual_to": "02-28",
                  "speed_factor": 0.5}],
    )  # fmt: skip
    assert problems == [
        "closures[0].elements[1]: unknown node or leg 'XX'",
        "storms[0].elements: unknown node or leg 'BB' (did you mean 'B'?)",
        "seasons[0].legs[0]: unknown leg 'BX'",
    ]


def test_capacity_change_needs_a_capacity_limited_process(chain: Network) -> None:
    changes = [
        {"node": "B", "process": "boder", "servers": 2, "at_day": 1},
        {"node": "A", "process": "x", "servers": 2, "at_day": 1},
    ]
    assert _problems(chain, {"r": ["AB", "BC"]}, capacity_changes=changes) == [
        "capacity_changes[0].process: node 'B' has no process 'boder' (did you mean 'border'?)",
        "capacity_changes[1].process: node 'A' has no process 'x'",
    ]


def test_capacity_change_of_a_pure_delay_is_a_problem() -> None:
    net = network([node("A", proc("dwell", 5.0)), node("B")], [leg("AB", "A", "B", 10, 10)])
    changes = [{"node": "A", "process": "dwell", "servers": 2, "at_day": 1}]
    assert _problems(net, {"r": ["AB"]}, flows=[flow("f", "A", "B", 1, ["r"])],
                     capacity_changes=changes) == [
        "capacity_changes[0].process: process 'dwell' at 'A' has no servers (a pure delay) "
        "(give it servers in the network or scenario)"
    ]  # fmt: skip


def test_a_timetable_with_millions_of_departures_is_refused() -> None:
    net = network(
        [node("A"), node("B")],
        [leg("AB", "A", "B", 10, 10, service={"type": "scheduled", "headway_h": 0.05,
                                              "capacity_teu": 10})],
    )  # fmt: skip
    flows = [flow("f", "A", "B", 1, ["r"])]
    (problem,) = _problems(net, {"r": ["AB"]}, flows=flows, horizon_days=3000)
    assert problem.startswith(
        "legs.AB.service.headway_h: a departure every 0.05 h means 1,440,000 departures in "
        "3000 days (more than 1,000,000)"
    )


def test_every_problem_is_reported_in_one_error(chain: Network) -> None:
    problems = _problems(
        chain,
        {"r": ["AB", "BX"]},
        legs={"ZZ": {"enabled": True}},
        closures=[{"elements": "QQ", "start_day": 1, "duration_h": 5}],
    )
    assert [p.split(":")[0] for p in problems] == [
        "legs.ZZ",
        "routes.r[1]",
        "closures[0].elements[0]",
    ]


def test_a_route_that_runs_a_leg_the_wrong_way_names_it_and_its_way_back() -> None:
    net = network(
        [node("A"), node("B"), node("C"), node("D")],
        [
            *two_way("AB", "A", "B", 100, 50),
            *two_way("BC", "B", "C", 100, 50),
            leg("CD", "C", "D", 100, 50),
        ],
    )
    problems = _problems(
        net,
        {"r": ["AB", "BC-rev"], "back": ["CD"]},
        flows=[flow("f", "A", "C", 1, ["r"]), flow("g", "D", "C", 1, ["back"])],
    )
    assert problems == [
        "routes.r[1]: leg 'BC-rev' runs C -> B, against this route, which comes from 'B' "
        "(its way back is leg 'BC')",
        "flows[1].routes.back: route 'back' starts at 'C', not at the flow's origin 'D' "
        "(the link 'CD' runs one way only (directions: forward))",
    ]


def test_a_route_that_starts_with_a_through_leg_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    net = network(
        [node("A"), node("B")], [leg("AB", "A", "B", 100, 50, service={"type": "through"})]
    )
    with caplog.at_level(logging.WARNING, logger="corridor.model.checks"):
        build_model(scenario([flow("f", "A", "B", 1, ["r"])], {"r": ["AB"]}), net)
    assert caplog.messages == [
        "test: routes.r[0]: the route starts with the through leg 'AB': its boxes leave one by "
        "one as they are ready, with no train or ship formed (start the route with a leg whose "
        "service forms vehicles (scheduled, when_full, continuous))"
    ]


def test_empties_need_a_way_back_on_every_leg_of_the_route() -> None:
    net = network([node("A"), node("B")], [leg("AB", "A", "B", 100, 50)])
    problems = _problems(net, {"r": ["AB"]}, flows=[flow("f", "A", "B", 10, ["r"])],
                         empties={"share": 0.5})  # fmt: skip
    assert problems == [
        "empties: flow 'f' sends its empties back on route 'r', but its leg 'AB' runs one way "
        "only (give the link of 'AB' a way back, or leave empties out)"
    ]
