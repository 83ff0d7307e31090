"""Time windows in simulation hours: closures, seasons and generated storms.

A window in a scenario is written in calendar dates, in days after the start, or as an annual
``MM-DD`` range (``annual_from: "12-15"``, ``annual_to: "03-05"``: every year from the 15th of
December to the end of the 5th of March). Here they become ``(start_h, end_h)`` pairs clipped to
the run's horizon.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from corridor.inputs.scenario import Scenario
from corridor.inputs.windows import Closure, Season, StormSpec
from corridor.model.runtime import ClosureRecord, SeasonRT, Window
from corridor.model.samplers import sampler_of
from corridor.model.streams import stream

__all__ = ["closure_records", "seasons_by_leg", "storm_closures", "window_hours"]


def _annual(month_day: str, year: int) -> dt.datetime:
    month, day = (int(x) for x in month_day.split("-"))
    if month == 2 and day == 29:  # a 29 February in a year without one
        try:
            return dt.datetime(year, 2, 29)
        except ValueError:
            return dt.datetime(year, 3, 1)
    return dt.datetime(year, month, day)


def window_hours(window: Closure | Season, scenario: Scenario) -> list[Window]:
    """The window(s) as hours after the scenario start, clipped to [0, horizon]."""
    horizon = scenario.horizon_h
    out: list[Window] = []
    if window.start is not None:
        start = scenario.hours_since_start(window.start)
        if window.end is not None:
            end = scenario.hours_since_start(window.end)
        else:
            assert window.duration_h is not None
            end = start + window.duration_h
        out.append((start, end))
    elif window.start_day is not None:
        start = window.start_day * 24.0
        end = (
            window.end_day * 24.0
            if window.end_day is not None
            else start + (window.duration_h or 0)
        )
        out.append((start, end))
    else:
        assert window.annual_from is not None
        assert window.annual_to is not None
        first = scenario.start_date.year - 1
        last = (scenario.start_date + dt.timedelta(hours=horizon)).year
        for year in range(first, last + 1):
            begin = _annual(window.annual_from, year)
            finish = _annual(window.annual_to, year)
            if finish < begin:
                finish = _annual(window.annual_to, year + 1)
            finish += dt.timedelta(days=1)  # annual_to is inclusive
            out.append((scenario.hours_since_start(begin), scenario.hours_since_start(finish)))
    return [(max(0.0, a), min(horizon, b)) for a, b in out if b > 0 and a < horizon and b > a]


def storm_closures(storm: StormSpec, scenario: Scenario, seed: int) -> list[ClosureRecord]:
    """Storms drawn month by month from the storm's own stream.

    In each calendar month the number of storm starts is Poisson with the month's rate (scaled
    by the part of the month inside the horizon); starts are uniform in that part; each storm
    lasts one draw of ``duration_h`` and closes every listed element.
    """
    rng = stream(seed, f"storms:{storm.name}")
    duration = sampler_of(storm.duration_h)
    horizon = scenario.horizon_h
    start = scenario.start_date
    out: list[ClosureRecord] = []
    month_start = dt.datetime(start.year, start.month, 1)
    while True:
        nxt = (month_start + dt.timedelta(days=32)).replace(day=1)
        a = max(0.0, scenario.hours_since_start(month_start))
        b = min(horizon, scenario.hours_since_start(nxt))
        if a >= horizon:
            break
        month_h = (nxt - month_start).total_seconds() / 3600.0
        rate = storm.rate_per_month[month_start.month - 1] * (b - a) / month_h
        n = int(rng.poisson(rate)) if rate > 0 else 0
        if n:
            starts = np.sort(rng.uniform(a, b, n))
            lengths = duration.draw_many(rng, n)
            for s, length in zip(starts.tolist(), lengths.tolist(), strict=True):
                end = min(horizon, s + length)
                if end > s:
                    out.extend(
                        ClosureRecord(e, s, end, f"storm {storm.name}") for e in storm.elements
                    )
        month_start = nxt
    return out


def closure_records(scenario: Scenario, seed: int) -> list[ClosureRecord]:
    """Every closure of the run: the scenario's windows, then its generated storms."""
    records: list[ClosureRecord] = []
    for closure in scenario.closures:
        for elem in closure.elements:
            records.extend(
                ClosureRecord(elem, a, b, closure.reason or "closure")
                for a, b in window_hours(closure, scenario)
            )
    for storm in scenario.storms:
        records.extend(storm_closures(storm, scenario, seed))
    return records


def seasons_by_leg(scenario: Scenario, leg_ids: Sequence[str]) -> list[list[SeasonRT]]:
    """The season windows inside the horizon of each leg, in the order of ``leg_ids``.

    Seasons naming an unknown leg are skipped here (the checks report them).
    """
    position = {leg_id: i for i, leg_id in enumerate(leg_ids)}
    out: list[list[SeasonRT]] = [[] for _ in leg_ids]
    for season in scenario.seasons:
        extra = sampler_of(season.extra_delay_h) if season.extra_delay_h is not None else None
        for leg_id in season.legs:
            if leg_id not in position:
                continue
            for a, b in window_hours(season, scenario):
                out[position[leg_id]].append(
                    SeasonRT(
                        season.name,
                        a,
                        b,
                        season.speed_factor,
                        season.capacity_factor,
                        season.headway_factor,
                        extra,
                    )
                )
    return out
