"""The generalised cost of each route of a flow, from the containers that travelled it.

Per TEU, in US dollars::

    GC = value_of_time x mean days + tariff + reliability_ratio x value_of_time x (P90 - P50)
         + carbon price x t CO2e

The days are door to door, of the flow's own containers on the route and of its probes
(:mod:`corridor.model.probes`), created after the warm-up and early enough to have arrived:
at least the longest delivered transit of the route before the end of the run. A container of
that window still under way at the end counts with the days it has spent so far: on a route
that cannot carry its traffic the delay then shows in the cost (as a lower bound) instead of
being left out with the boxes that never arrived. The tariff is the route's cost per TEU as
modelled (legs and node charges), its CO2e the route's emissions per TEU (0 where a leg has no
emission factor).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from corridor.model.probes import PROBE_INFIX

__all__ = ["COST_COLUMNS", "generalised_cost", "route_costs"]

COST_COLUMNS = [
    "flow",
    "route",
    "containers",
    "mean_days",
    "p50_days",
    "p90_days",
    "tariff_usd_per_teu",
    "co2e_t_per_teu",
    "cost_usd_per_teu",
]


def route_costs(
    runs: pd.DataFrame,
    parameters: Mapping[str, Mapping[str, Any]],
    warmup_h: float,
    horizon_h: float,
) -> pd.DataFrame:
    """The generalised cost of every route of every choosing flow.

    Parameters
    ----------
    runs
        Containers of one or more runs (the trips table, or experiment run tables pooled):
        ``flow``, ``kind``, ``route``, ``teu``, ``created_h``, ``delivered_h``, ``cost_usd``,
        ``co2e_kg``.
    parameters
        Flow id -> its choice parameters (:func:`corridor.inputs.choice.choice_of`).
    warmup_h, horizon_h
        Containers created in the warm-up are left out; those not delivered by the horizon
        count with the days they have spent so far.

    Returns
    -------
    pandas.DataFrame
        One row per flow and route, columns :data:`COST_COLUMNS`.
    """
    t = runs[runs["created_h"] >= warmup_h]
    flow = t["flow"].astype(str)
    kind = t["kind"].astype(str) if "kind" in t else pd.Series("loaded", index=t.index)
    base = flow.str.split(PROBE_INFIX, n=1, regex=False).str[0]
    mine = base.isin(list(parameters)) & kind.isin(["loaded", "probe"])
    t = t[mine].assign(base=base[mine])
    end = t["delivered_h"].fillna(horizon_h).to_numpy()
    t = t.assign(days=(end - t["created_h"].to_numpy()) / 24.0)
    rows = []
    for (f, route), g in t.groupby(["base", "route"], observed=True, sort=True):
        done = g["delivered_h"].notna()
        if done.any():  # leave out the last boxes, which had no time to arrive
            longest_h = float((g.loc[done, "delivered_h"] - g.loc[done, "created_h"]).max())
            early = g["created_h"] <= horizon_h - longest_h
            g = g[early] if early.any() else g
        teu = float(g["teu"].sum())
        co2e = float(np.nansum(g["co2e_kg"].to_numpy())) / teu / 1000.0
        p50, p90 = g["days"].quantile([0.5, 0.9]).to_numpy()
        row: dict[str, Any] = {
            "flow": f,
            "route": str(route),
            "containers": len(g),
            "mean_days": float(g["days"].mean()),
            "p50_days": float(p50),
            "p90_days": float(p90),
            "tariff_usd_per_teu": float(g["cost_usd"].sum()) / teu,
            "co2e_t_per_teu": co2e,
        }
        row["cost_usd_per_teu"] = generalised_cost(row, parameters[str(f)])
        rows.append(row)
    return pd.DataFrame(rows, columns=COST_COLUMNS)


def generalised_cost(row: Mapping[str, float], parameters: Mapping[str, Any]) -> float:
    """The generalised cost (USD per TEU) of a route's figures ``row`` for a flow's parameters."""
    vot = float(parameters["value_of_time_usd_per_teu_day"])
    return (
        vot * row["mean_days"]
        + row["tariff_usd_per_teu"]
        + float(parameters["reliability_ratio"]) * vot * (row["p90_days"] - row["p50_days"])
        + float(parameters["carbon_usd_per_t"]) * row["co2e_t_per_teu"]
    )
