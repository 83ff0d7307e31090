"""Time windows in simulation hours: closures, seasons and generated storms.

A window in a scenario is written in calendar dates, in days after the start, or as an annual
``MM-DD`` range (``annual_from: "12-15"``, ``annual_to: "03-05"``: every year from the 15th of
December to the end of the 5th of March). Here they become ``(start_h, end_h)`` pairs clipped to
the run's horizon.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from corridor.inputs.scenario import Scenario
from corridor.inputs.windows import Closure, Season, StormSpec
from corridor.model.samplers import Sampler
from corridor.model.streams import stream

__all__ = [
    "ClosureRecord",
    "OpenTimes",
    "merge_windows",
    "storm_closures",
    "window_hours",
]

Window = tuple[float, float]


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


def merge_windows(windows: Iterable[Window]) -> list[Window]:
    """Sorted, non-overlapping windows covering the same time (touching windows joined)."""
    merged: list[list[float]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


@dataclass(frozen=True, slots=True)
class ClosureRecord:
    """One closure of one element, for the output table."""

    element: str
    start_h: float
    end_h: float
    reason: str


def storm_closures(storm: StormSpec, scenario: Scenario, seed: int) -> list[ClosureRecord]:
    """Storms drawn month by month from the storm's own stream.

    In each calendar month the number of storm starts is Poisson with the month's rate (scaled
    by the part of the month inside the horizon); starts are uniform in that part; each storm
    lasts one draw of ``duration_h`` and closes every listed element.
    """
    rng = stream(seed, f"storms:{storm.name}")
    duration = Sampler(*storm.duration_h.sampler_args())
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


class OpenTimes:
    """When an element is open: the merged closure windows of one element."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, windows: Sequence[Window]) -> None:
        merged = merge_windows(windows)
        self._starts = [a for a, _ in merged]
        self._ends = [b for _, b in merged]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def open_at(self, t: float) -> float:
        """The first moment at or after ``t`` when the element is open."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self._ends[i]:
            return self._ends[i]
        return t

    def closed_between(self, a: float, b: float) -> float:
        """Hours of closure inside [a, b]."""
        if not self._starts or b <= a:
            return 0.0
        total = 0.0
        i = max(0, bisect.bisect_right(self._starts, a) - 1)
        while i < len(self._starts) and self._starts[i] < b:
            total += max(0.0, min(b, self._ends[i]) - max(a, self._starts[i]))
            i += 1
        return total
