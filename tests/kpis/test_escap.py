"""The points of the ESCAP time/cost-distance chart, by hand."""

from __future__ import annotations

from corridor import kpis
from corridor.results import Results
from tests.small_runs import two_leg_network

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


def test_time_distance_points_of_one_container_by_hand(run: Results) -> None:
    costs = kpis.stage_costs(run.stages, run.trips, two_leg_network())
    p = kpis.time_distance_points(run.trips, run.stages, costs)
    first = p[p["container"] == p["container"].min()]
    assert first["km"].tolist() == [0.0, 400.0, 410.0, 510.0]
    assert first["arrive_h"].tolist() == [0.0, 12.0, 18.0, 27.0]
    assert first["depart_h"].tolist() == [2.0, 17.0, 25.0, 27.0]
    assert first["arrive_usd_per_teu"].tolist() == [0.0, 120.0, 120.0, 200.0]
    assert first["depart_usd_per_teu"].tolist() == [20.0, 120.0, 120.0, 200.0]
