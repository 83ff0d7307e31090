"""Warm-up: how much of the start of each run to leave out of steady-state statistics.

A run starts empty: no queues, no containers on the way. Containers created early see a
system that is not yet in its steady state, so their transit times are biased (usually low).
Three choices, set by an experiment's ``warmup``:

``scenario``
    each scenario's own ``warmup_days`` (the default);
``<days>``
    a fixed period for every scenario;
``mser5``
    detected by MSER-5 (White, Cobb & Spratt 2000) on each scenario's transit-time series,
    as below.

MSER-5 here
-----------
For each scenario and route, the *transit-time series* is the mean transit time of the
containers created on each day (bins of :data:`BIN_H` hours), pooled over the scenario's
replications (Hoad, Robinson & Davies 2011 recommend applying MSER-5 to the output averaged
over replications). Days whose containers are not yet 90 % delivered at the end of the run are
left off the end: they hold only the fast containers (right censoring). The series is cut into
batches of 5 days; for each candidate cut ``d`` (in batches),

    MSER(d) = sum_{j > d} (Z_j - mean_{j > d} Z)^2 / (k - d)^2

over the ``k`` batch means ``Z_j``, and the cut is the ``d`` that minimises it: the point after
which the rest of the series is most precisely estimated. The minimum is searched in the first
half of the series; when the overall minimum lies in the second half the series has no clear
steady state (a growing backlog, or runs too short), which is reported as not ``reliable``.
The scenario's warm-up is the latest cut over its routes, so that every route has settled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BIN_H", "MserResult", "WarmupCut", "detect_warmup", "mser", "transit_series"]

log = logging.getLogger(__name__)

BIN_H = 24.0
"""Width of the bins of the transit-time series, hours (one day)."""
MIN_BATCHES = 10
"""Below this many batches, MSER-5 is not attempted."""
MIN_DELIVERED_SHARE = 0.9


@dataclass(frozen=True)
class MserResult:
    """The outcome of MSER on one series.

    Attributes
    ----------
    cut
        Observations to drop from the start (a multiple of the batch size).
    batches
        Number of batch means.
    statistic
        MSER at the chosen cut.
    reliable
        Whether the overall minimum lies in the first half of the series.
    """

    cut: int
    batches: int
    statistic: float
    reliable: bool


def mser(series: Sequence[float] | np.ndarray, batch_size: int = 5) -> MserResult:
    """MSER-``batch_size`` truncation point of ``series`` (MSER-5 by default).

    Parameters
    ----------
    series
        The output series in time order; NaNs are not allowed.
    batch_size
        Observations per batch mean (5 for MSER-5); a remainder at the end is dropped.

    Raises
    ------
    ValueError
        If the series has fewer than two batches or holds NaN.
    """
    x = np.asarray(series, dtype=np.float64)
    if np.isnan(x).any():
        raise ValueError("the series holds NaN")
    k = x.size // batch_size
    if k < 2:
        raise ValueError(f"MSER needs at least {2 * batch_size} observations, got {x.size}")
    z = x[: k * batch_size].reshape(k, batch_size).mean(axis=1)
    # sums over the tail z[d:], for every d, from the end
    tail_sum = np.cumsum(z[::-1])[::-1]
    tail_sq = np.cumsum((z * z)[::-1])[::-1]
    remaining = np.arange(k, 0, -1, dtype=np.float64)
    sse = np.maximum(tail_sq - tail_sum * tail_sum / remaining, 0.0)
    stat = sse / remaining**2
    last = k - 2  # keep at least two batches
    overall = int(np.argmin(stat[: last + 1]))
    half = max(0, k // 2)
    first_half = int(np.argmin(stat[: half + 1]))
    return MserResult(
        cut=first_half * batch_size,
        batches=k,
        statistic=float(stat[first_half]),
        reliable=overall <= half,
    )


def transit_series(tables: Iterable[pd.DataFrame], horizon_h: float) -> pd.DataFrame:
    """Daily transit-time series per route, pooled over replications.

    Parameters
    ----------
    tables
        The stored tables of one scenario's runs (``route``, ``created_h``, ``delivered_h``).
    horizon_h
        The runs' horizon, hours.

    Returns
    -------
    DataFrame
        One row per route and day bin: ``route``, ``bin`` (day number), ``start_h``,
        ``created``, ``delivered``, ``mean_transit_h`` (over the delivered).
    """
    bins = int(np.ceil(horizon_h / BIN_H))
    parts = []
    for t in tables:
        b = np.minimum((t["created_h"].to_numpy() // BIN_H).astype(np.int64), bins - 1)
        transit = (t["delivered_h"] - t["created_h"]).to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "route": t["route"].astype(str).to_numpy(),
                    "bin": b,
                    "delivered": ~np.isnan(transit),
                    "transit_h": np.nan_to_num(transit),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            columns=["route", "bin", "start_h", "created", "delivered", "mean_transit_h"]
        )
    pooled = pd.concat(parts, ignore_index=True)
    grouped = pooled.groupby(["route", "bin"], sort=True)
    out = grouped.agg(
        created=("delivered", "size"),
        delivered=("delivered", "sum"),
        total_h=("transit_h", "sum"),
    ).reset_index()
    out["mean_transit_h"] = out["total_h"] / out["delivered"].replace(0, np.nan)
    out["start_h"] = out["bin"] * BIN_H
    return out[["route", "bin", "start_h", "created", "delivered", "mean_transit_h"]]


@dataclass(frozen=True)
class WarmupCut:
    """The warm-up chosen for one scenario.

    Attributes
    ----------
    method
        ``scenario``, ``fixed`` or ``mser5``.
    days
        The warm-up, days from the start.
    reliable
        For ``mser5``: whether every route's series had a clear steady state.
    routes
        For ``mser5``: per route ``route``, ``cut_days``, ``batches``, ``reliable``.
    """

    method: str
    days: float
    reliable: bool = True
    routes: pd.DataFrame | None = None


def detect_warmup(series: pd.DataFrame, fallback_days: float) -> WarmupCut:
    """MSER-5 on each route's series; the scenario's cut is the latest route cut.

    Parameters
    ----------
    series
        From :func:`transit_series`.
    fallback_days
        Used (and reported as not reliable) when no route has a series long enough.
    """
    rows = []
    for route, s in series.groupby("route", sort=True):
        s = s.sort_values("bin")
        share = s["delivered"] / s["created"]
        settled = s[share >= MIN_DELIVERED_SHARE]
        if settled.empty:
            rows.append({"route": route, "cut_days": np.nan, "batches": 0, "reliable": False})
            continue
        settled = s[s["bin"] <= settled["bin"].max()].dropna(subset=["mean_transit_h"])
        values = settled["mean_transit_h"].to_numpy()
        if values.size < 5 * MIN_BATCHES:
            rows.append(
                {"route": route, "cut_days": np.nan, "batches": values.size // 5, "reliable": False}
            )
            continue
        result = mser(values, 5)
        cut_days = float(settled["start_h"].iloc[result.cut]) / 24.0
        rows.append(
            {
                "route": route,
                "cut_days": cut_days,
                "batches": result.batches,
                "reliable": result.reliable,
            }
        )
    routes = pd.DataFrame(rows, columns=["route", "cut_days", "batches", "reliable"])
    found = routes["cut_days"].dropna()
    if found.empty:
        log.warning(
            "MSER-5: no route has a series of %d days; kept %g days", 5 * MIN_BATCHES, fallback_days
        )
        return WarmupCut("mser5", fallback_days, reliable=False, routes=routes)
    return WarmupCut(
        "mser5", float(found.max()), reliable=bool(routes["reliable"].all()), routes=routes
    )
