"""On-time share against a promise, spread of transit times, and throughput."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from corridor.kpis.selection import _by_list, measured_trips

__all__ = ["THROUGHPUT", "THROUGHPUT_TITLE", "reliability", "throughput"]

THROUGHPUT = "throughput_teu_per_day"
"""The column that holds :func:`throughput` in every table."""
THROUGHPUT_TITLE = "throughput (TEU/day delivered, created after warm-up)"
"""How printed tables and reports head :data:`THROUGHPUT`."""


def reliability(
    trips: pd.DataFrame,
    promised_days: float | Mapping[str, float],
    end_h: float | None = None,
    by: str | Sequence[str] = "route",
    include_warmup: bool = False,
) -> pd.DataFrame:
    """On-time share against a promised transit time, and the spread of transit times.

    A container is on time if it was delivered within the promise. A container still in
    transit at ``end_h`` whose age already exceeds the promise is late; one younger than the
    promise is left out (it may still make it). Without ``end_h``, containers in transit are
    left out.

    Parameters
    ----------
    trips
        The ``trips`` table.
    promised_days
        The promise in days, one for all or ``{route: days}`` (routes it does not name get
        no on-time share).
    end_h
        End of the simulated horizon, hours (``Results.horizon_h``).
    by
        Column(s) of ``trips`` to group by.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``promised_days``, ``counted`` (containers judged), ``on_time``,
        ``on_time_share``, ``late_in_transit``, ``mean_days``, ``p50_days``, ``p90_days``,
        ``p95_days`` (of delivered containers) and ``spread_p95_p50_days``.
    """
    keys = _by_list(by)
    t = measured_trips(trips, include_warmup, delivered_only=False)
    rows = []
    for key, g in t.groupby(keys, observed=True, sort=True):
        key_t = key if isinstance(key, tuple) else (key,)
        route = str(g["route"].iloc[0]) if "route" in g else ""
        if isinstance(promised_days, Mapping):
            promise = promised_days.get(route, math.nan)
        else:
            promise = float(promised_days)
        done = g["transit_days"].dropna()
        late_open = 0
        if end_h is not None and promise == promise:
            age_days = (end_h - g.loc[g["delivered_h"].isna(), "created_h"]) / 24.0
            late_open = int((age_days > promise).sum())
        on_time = int((done <= promise).sum()) if promise == promise else 0
        counted = len(done) + late_open
        q = done.quantile([0.5, 0.9, 0.95]) if len(done) else pd.Series([np.nan] * 3)
        rows.append(
            {
                **dict(zip(keys, key_t, strict=True)),
                "promised_days": promise,
                "counted": counted,
                "on_time": on_time,
                "on_time_share": on_time / counted if counted and promise == promise else np.nan,
                "late_in_transit": late_open,
                "mean_days": done.mean() if len(done) else np.nan,
                "p50_days": float(q.iloc[0]),
                "p90_days": float(q.iloc[1]),
                "p95_days": float(q.iloc[2]),
                "spread_p95_p50_days": float(q.iloc[2] - q.iloc[0]),
            }
        )
    return pd.DataFrame(rows)


def throughput(
    trips: pd.DataFrame,
    end_h: float,
    start_h: float = 0.0,
    by: str | Sequence[str] = "route",
) -> pd.DataFrame:
    """Throughput: TEU delivered per day of the measured period. corridor's one definition.

    Counts shippers' containers (``trips.kind == "loaded"``: no empties sent back, no probes)
    created at or after ``start_h`` (the warm-up) and delivered before ``end_h`` (the
    horizon), over the days from ``start_h`` to ``end_h``. Containers created during the
    warm-up are left out even when they arrive in the measured period, so throughput is
    comparable with the demand of the same period (``demand_teu_per_day``) and with the
    transit times, which are over the same containers. The run summary, ``corridor run``,
    the report, ``route_kpis`` (CSV and GeoPackage) and experiments all use this function.

    Parameters
    ----------
    trips
        The ``trips`` table.
    end_h
        End of the period, hours (usually ``Results.horizon_h``).
    start_h
        Start of the period, hours (usually ``Results.warmup_h``).
    by
        Column(s) of ``trips`` to group by.

    Returns
    -------
    pandas.DataFrame
        One row per group with a container counted: ``containers``, ``teu``,
        ``containers_per_day`` and ``throughput_teu_per_day``.
    """
    keys = _by_list(by)
    days = max(end_h - start_h, 1e-9) / 24.0
    d = trips["delivered_h"]
    keep = (trips["created_h"] >= start_h) & (d < end_h)
    if "kind" in trips:  # empties sent back and probes are no shipper's cargo
        keep &= trips["kind"] == "loaded"
    t = trips[keep]
    g = t.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame({"containers": g.size(), "teu": g["teu"].sum().astype(float)})
    out["containers_per_day"] = out["containers"] / days
    out[THROUGHPUT] = out["teu"] / days
    return out.reset_index()
