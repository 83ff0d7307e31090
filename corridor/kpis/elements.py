"""One row of KPIs per route, per node and per leg: what maps, reports and exports show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.kpis.breakdown import node_delays
from corridor.kpis.capacity import load_factors
from corridor.kpis.costs import cost_per_teu
from corridor.kpis.emissions import co2e_per_teu
from corridor.kpis.reliability import THROUGHPUT, reliability, throughput
from corridor.kpis.selection import measured_trips
from corridor.kpis.speeds import route_speeds

__all__ = ["leg_kpis", "node_kpis", "route_kpis"]


def route_kpis(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    horizon_h: float,
    warmup_h: float = 0.0,
    promised_days: float | None = None,
) -> pd.DataFrame:
    """Per route: transit days, reliability, CAREC speeds, cost and CO2e per TEU.

    Parameters
    ----------
    trips, stages
        The run's tables.
    horizon_h, warmup_h
        The run's horizon and warm-up, hours (for containers late in transit and the
        throughput).
    promised_days
        For the on-time share; without it the share is left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by route: ``delivered``, ``mean_days``, ``p50_days``, ``p90_days``,
        ``p95_days``, ``spread_p95_p50_days``, ``on_time_share`` (with a promise), ``km``,
        ``swod_kmh``, ``swd_kmh``, ``usd_per_teu``, ``co2e_kg_per_teu``, ``throughput_teu_per_day``
        (:func:`corridor.kpis.throughput`).
    """
    rel = reliability(trips, promised_days if promised_days else np.nan, horizon_h)
    rel = rel.set_index("route")
    speeds = route_speeds(trips, stages).set_index("route")
    cost = cost_per_teu(trips).set_index("route")
    out = pd.DataFrame(index=rel.index.astype(str))
    delivered = measured_trips(trips).groupby("route", observed=True).size()
    out["delivered"] = delivered.reindex(rel.index).fillna(0).astype(int).to_numpy()
    for col in ("mean_days", "p50_days", "p90_days", "p95_days", "spread_p95_p50_days"):
        out[col] = rel[col].to_numpy()
    if promised_days:
        out["on_time_share"] = rel["on_time_share"].to_numpy()
    out = out.join(speeds[["km", "swod_kmh", "swd_kmh"]].set_axis(speeds.index.astype(str)))
    out = out.join(cost[["usd_per_teu"]].set_axis(cost.index.astype(str)))
    try:
        co2 = co2e_per_teu(trips, stages).set_index("route")
        out = out.join(co2[["co2e_kg_per_teu"]])
    except ValueError:  # a leg with a mode/fuel that has no default factor
        out["co2e_kg_per_teu"] = np.nan
    tp = throughput(trips, horizon_h, warmup_h).set_index("route")
    out = out.join(tp[[THROUGHPUT]].set_axis(tp.index.astype(str)))
    out[THROUGHPUT] = out[THROUGHPUT].fillna(0.0)
    out.index.name = "route"
    return out


def node_kpis(
    trips: pd.DataFrame, stages: pd.DataFrame, departures: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per node: time spent there (:func:`corridor.kpis.node_delays`), indexed by node id."""
    return node_delays(trips, stages, departures).set_index("node")


def leg_kpis(trips: pd.DataFrame, stages: pd.DataFrame, departures: pd.DataFrame) -> pd.DataFrame:
    """Per leg: its departures and how full they left, and the time containers spent on it.

    Returns
    -------
    pandas.DataFrame
        Indexed by leg id (every leg with a departure or a delivered container):
        ``departures``, ``teu_carried``, ``capacity_teu``, ``load_factor``, ``share_full``
        (see :func:`corridor.kpis.load_factors`), ``containers`` (delivered containers that
        travelled the leg), ``mean_wait_h`` (waiting for a departure, per container) and
        ``mean_travel_h``.
    """
    lf = load_factors(departures).set_index("leg")
    lf = lf[["departures", "teu_carried", "capacity_teu", "load_factor", "share_full"]]
    t = measured_trips(trips)
    s = stages[stages["container"].isin(t["container"].to_numpy())]
    s = s[s["element_type"].astype(str) == "leg"]
    kind = s["kind"].astype(str)
    per = s.assign(
        wait=np.where(kind == "wait", s["duration_h"], 0.0),
        travel=np.where(kind == "travel", s["duration_h"], 0.0),
        element=s["element"].astype(str),
    )
    per = per.groupby(["element", "container"])[["wait", "travel"]].sum()
    g = per.groupby(level="element")
    on_legs = pd.DataFrame(
        {
            "containers": g.size(),
            "mean_wait_h": g["wait"].mean(),
            "mean_travel_h": g["travel"].mean(),
        }
    )
    out = lf.set_axis(lf.index.astype(str)).join(on_legs, how="outer")
    out.index.name = "leg"
    return out
