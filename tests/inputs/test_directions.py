"""Tests of two-way links in the network file: the way back, its overrides, its checks."""

from __future__ import annotations

from typing import Any

from corridor.inputs.network import load_network
from tests.inputs.features import (
    WriteJson,
    collection,
    leg_feature,
    load_error,
    node_feature,
    small_features,
)

LINE = [[50.0, 40.0], [51.0, 40.0]]
SAILING = {"type": "scheduled", "capacity_teu": 100, "headway_h": 24,
           "fleet": {"vehicles": 2, "turnaround_h": 6}}  # fmt: skip


def _legs(write_json: WriteJson, **props: Any) -> dict[str, Any]:
    features = [*small_features()[:2], leg_feature("L1", "A", "B", LINE, **props)]
    return dict(load_network(write_json(collection(features), "net.geojson")).legs)


def test_a_link_runs_both_ways_by_default(write_json: WriteJson) -> None:
    legs = _legs(write_json, name="A - B", length_km=120, cost_usd_per_teu=90)
    out, back = legs["L1"], legs["L1-rev"]
    assert (back.from_node, back.to_node) == ("B", "A")
    assert (back.length_km, back.speed_kmh, back.cost_usd_per_teu) == (120.0, 40.0, 90.0)
    assert back.coords == out.coords[::-1]
    assert back.name == "A - B (back)"
    assert (out.link, out.reverse, back.link, back.reverse) == ("L1", "L1-rev", "L1", "L1")


def test_directions_forward_makes_a_one_way_leg(write_json: WriteJson) -> None:
    legs = _legs(write_json, directions="forward")
    assert list(legs) == ["L1"]
    assert legs["L1"].reverse is None


def test_the_way_back_takes_its_own_figures_and_the_links_fleet(write_json: WriteJson) -> None:
    back_service = {"type": "scheduled", "capacity_teu": 100, "headway_h": 24, "offset_h": 12}
    legs = _legs(
        write_json,
        mode="sea",
        service=SAILING,
        reverse={"id": "B-A", "speed_kmh": 20, "service": back_service, "cost_usd_per_teu": 5},
    )
    back = legs["B-A"]
    assert (back.speed_kmh, back.cost_usd_per_teu) == (20.0, 5.0)
    assert back.service.offset_h == 12  # type: ignore[union-attr]
    assert back.service.fleet == legs["L1"].service.fleet  # type: ignore[union-attr]


def test_the_way_back_cannot_have_a_fleet_of_its_own(write_json: WriteJson) -> None:
    message = load_error(
        write_json,
        [*small_features()[:2], leg_feature("L1", "A", "B", LINE, reverse={"service": SAILING})],
    )
    assert "features[2] (leg L1).reverse: the way back has no fleet of its own" in message
    assert "declared once, on its service, and serves both ways" in message


def test_a_one_way_link_cannot_describe_a_way_back(write_json: WriteJson) -> None:
    feature = leg_feature("L1", "A", "B", LINE, directions="forward", reverse={"speed_kmh": 9})
    message = load_error(write_json, [*small_features()[:2], feature])
    assert "reverse describes the way back, but directions is forward (one way): drop one" in (
        message
    )


def test_the_way_back_may_not_take_another_features_id(write_json: WriteJson) -> None:
    features = [
        *small_features()[:2],
        leg_feature("L1", "A", "B", LINE, reverse={"id": "L2"}),
        leg_feature("L2", "A", "B", LINE, directions="forward"),
    ]
    message = load_error(write_json, features)
    assert (
        "features[2] (leg L1).reverse.id: the way back's id 'L2' is also the id of features[3] "
        "(give the way back another id (reverse: {id: ...}), or make the link one way "
        "(directions: forward))"
    ) in message


def test_a_process_by_direction_must_name_nodes_of_the_network(write_json: WriteJson) -> None:
    border = {"name": "exit", "time_h": 2, "leaving_to": ["B", "BB"]}
    features = [
        node_feature("A", 50.0, 40.0, processes=[border]),
        *small_features()[1:],
    ]
    message = load_error(write_json, features)
    assert "features[0] (node A).processes[0].leaving_to[1]: no node 'BB' in the network" in (
        message
    )
