"""Tests of corridor.choice.logit: the path-size logit against its formula."""

from __future__ import annotations

import math

import pytest

from corridor.choice.logit import logit_shares, path_sizes


def test_shares_equal_the_logit_formula() -> None:
    costs = {"a": 3000.0, "b": 3400.0, "c": 5100.0}
    got = logit_shares(costs, 0.0025, {"c": 500.0})
    e = {"a": math.exp(-0.0025 * 3000), "b": math.exp(-0.0025 * 3400),
         "c": math.exp(-0.0025 * (5100 - 500))}  # fmt: skip
    for r in costs:
        assert got[r] == pytest.approx(e[r] / sum(e.values()), abs=1e-12)


def test_two_identical_routes_split_half_and_half() -> None:
    legs = {"a": [("x", 100.0)], "b": [("y", 100.0)]}
    got = logit_shares({"a": 1000.0, "b": 1000.0}, 0.01, sizes=path_sizes(legs))
    assert got == {"a": 0.5, "b": 0.5}


def test_a_route_alone_has_a_path_size_of_one_and_shared_legs_count_by_length() -> None:
    sizes = path_sizes({"a": [("x", 300.0), ("y", 100.0)], "b": [("x", 300.0), ("z", 50.0)]})
    assert sizes["a"] == pytest.approx(300 / 400 / 2 + 100 / 400)
    assert sizes["b"] == pytest.approx(300 / 350 / 2 + 50 / 350)
    assert path_sizes({"a": [("x", 1.0)]}) == {"a": 1.0}


def test_a_duplicated_route_does_not_double_its_share() -> None:
    costs = {"sea": 4000.0, "rail": 4300.0}
    alone = logit_shares(costs, 0.003, sizes=path_sizes({"sea": [("s", 1)], "rail": [("r", 1)]}))
    twice = logit_shares(
        {**costs, "rail2": 4300.0},
        0.003,
        sizes=path_sizes({"sea": [("s", 1)], "rail": [("r", 1)], "rail2": [("r", 1)]}),
    )
    assert twice["rail"] + twice["rail2"] == pytest.approx(alone["rail"], abs=1e-12)
    assert twice["sea"] == pytest.approx(alone["sea"], abs=1e-12)
    # without the correction, the duplicate would take more than the route alone
    plain = logit_shares({**costs, "rail2": 4300.0}, 0.003)
    assert plain["rail"] + plain["rail2"] > alone["rail"] * 1.5


def test_huge_costs_do_not_overflow() -> None:
    got = logit_shares({"a": 1e6, "b": 1e6 + 10}, 1.0)
    assert got["a"] == pytest.approx(1 / (1 + math.exp(-10)))
