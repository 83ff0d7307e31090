"""CAREC speeds (SWOD, SWD) per route and per section, by hand."""

from __future__ import annotations

import pytest

from corridor import kpis
from corridor.results import Results

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


def test_swod_and_swd_of_a_two_leg_journey_by_hand(run: Results) -> None:
    s = kpis.route_speeds(run.trips, run.stages).set_index("route").loc["main"]
    assert s["km"] == pytest.approx(510.0)
    assert s["mean_moving_h"] == pytest.approx(13.0)
    assert s["mean_transit_h"] == pytest.approx(27.0)
    assert s["swod_kmh"] == pytest.approx(510.0 / 13.0)
    assert s["swd_kmh"] == pytest.approx(510.0 / 27.0)
    assert s["delay_share"] == pytest.approx(1 - 13.0 / 27.0)


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
