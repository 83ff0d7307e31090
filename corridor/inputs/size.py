"""How much a scenario makes over its horizon, known before any model is built.

:func:`expected_flow_containers` is the mean number of containers a flow creates;
:func:`expected_windows` the number of closure and season windows (storms by their mean), which
the scenario's validation keeps under :data:`corridor.inputs.limits.MAX_TIME_WINDOWS`. Both are
pure functions of the validated fields, cheap enough to run on every load.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from corridor.inputs.limits import HOURS_PER_YEAR
from corridor.inputs.windows import Closure, Season, StormSpec

if TYPE_CHECKING:
    from corridor.inputs.flows import FlowSpec

__all__ = [
    "expected_arrivals",
    "expected_flow_containers",
    "expected_windows",
    "month_coverage",
]


def expected_flow_containers(flow: FlowSpec, horizon_h: float) -> float:
    """The mean number of containers ``flow`` creates in ``horizon_h`` hours.

    The flow creates containers at ``teu_per_day / 24 / (1 + share_40ft)`` an hour (a 40'
    container is 2 TEU), growing by ``growth_pct_per_year`` compounded continuously over years
    of 8,760 h, as the engine does: ``rate(t) = rate(0) * G ** (t / 8760)`` with
    ``G = 1 + growth / 100``. Its integral over the horizon is
    ``rate(0) * (G ** (H / 8760) - 1) / (ln G / 8760)``.
    """
    per_h = flow.teu_per_day / 24.0 / (1.0 + flow.share_40ft)
    return expected_arrivals(per_h, 1.0 + flow.growth_pct_per_year / 100.0, horizon_h)


def expected_arrivals(per_h: float, growth_per_year: float, horizon_h: float) -> float:
    """The integral over ``horizon_h`` of ``per_h * growth_per_year ** (t / 8760)``.

    ``growth_per_year`` is the factor a year (1.15 for 15 %). Beyond ``exp(700)`` the result
    is capped: every figure would be absurd anyway.
    """
    if growth_per_year <= 0:
        return 0.0
    g = math.log(growth_per_year) / HOURS_PER_YEAR
    if g == 0:
        return per_h * horizon_h
    return per_h * math.expm1(min(g * horizon_h, 700.0)) / g


def month_coverage(start: dt.datetime, horizon_h: float) -> tuple[float, ...]:
    """How much of each calendar month (January first) the horizon covers, in months.

    A 45-day horizon from 1 January covers January whole and half of February:
    ``(1.0, 0.5, 0, ...)`` (February 2025 has 28 days, so 14 of them are 0.5). The mean number
    of storms of a month is its rate times its coverage, as the model draws them.
    """
    covered = [0.0] * 12
    month_start = dt.datetime(start.year, start.month, 1)
    while True:
        nxt = (month_start + dt.timedelta(days=32)).replace(day=1)
        a = max(0.0, (month_start - start).total_seconds() / 3600.0)
        b = min(horizon_h, (nxt - start).total_seconds() / 3600.0)
        if a >= horizon_h:
            break
        covered[month_start.month - 1] += (b - a) / ((nxt - month_start).total_seconds() / 3600)
        month_start = nxt
    return tuple(covered)


def _years_spanned(start: dt.datetime, horizon_h: float) -> int:
    """Calendar years an annual window is laid in (as the model does: one before the start)."""
    end = start + dt.timedelta(hours=horizon_h)
    return end.year - start.year + 2


def _window_count(window: Closure | Season, years: int) -> int:
    return years if window.annual_from is not None else 1


def expected_windows(
    start: dt.datetime,
    horizon_h: float,
    closures: Sequence[Closure],
    storms: Sequence[StormSpec],
    seasons: Sequence[Season],
) -> list[tuple[tuple[str, int], float]]:
    """The windows each closure, storm and season makes, counted once per element or leg.

    Returns ``[((field, index), windows), ...]``: an annual window counts once per calendar
    year it is laid in; a storm its expected number of storms (:func:`month_coverage`).
    """
    years = _years_spanned(start, horizon_h)
    coverage = month_coverage(start, horizon_h) if storms else ()
    out: list[tuple[tuple[str, int], float]] = []
    for i, closure in enumerate(closures):
        out.append((("closures", i), _window_count(closure, years) * len(closure.elements)))
    for i, storm in enumerate(storms):
        mean = math.fsum(r * c for r, c in zip(storm.rate_per_month, coverage, strict=True))
        out.append((("storms", i), mean * len(storm.elements)))
    for i, season in enumerate(seasons):
        out.append((("seasons", i), _window_count(season, years) * len(season.legs)))
    return out
