"""CAREC TFI1: border crossings found by name and the time to clear them."""

from __future__ import annotations

import pytest

from corridor import kpis
from corridor.results import Results

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


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


def test_default_crossings_take_node_kinds_from_the_nodes_table(run: Results) -> None:
    nodes = run.nodes.assign(kind=lambda t: t["kind"].where(t["id"] != "D", "border"))
    # D is a border node only by its kind: it becomes a crossing of its own
    assert kpis.default_crossings(run.stages, nodes) == {"D": ["D"], "X": ["X-AZ", "X-IR"]}
