"""The chain of legs of every route."""

from __future__ import annotations

from corridor import kpis
from corridor.results import Results

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


def test_route_legs_gives_order_lengths_and_end_nodes(run: Results) -> None:
    legs = kpis.route_legs(run.stages, run.departures)
    assert legs["leg"].tolist() == ["O-X", "X-X", "X-D"]
    assert legs["length_km"].tolist() == [400.0, 10.0, 100.0]
    assert legs["from_node"].tolist() == ["O", "X-IR", "X-AZ"]
    assert legs["to_node"].tolist() == ["X-IR", "X-AZ", "D"]
    assert legs["mode"].tolist() == ["rail", "road", "road"]
