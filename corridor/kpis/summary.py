"""The per flow and route summary of a run: counts, throughput, saturation, transit days."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.engine.records import STAGE_KINDS
from corridor.kpis.reliability import THROUGHPUT, throughput

__all__ = ["ALL_ROUTES", "SUMMARY_COLUMNS", "summarize"]

ALL_ROUTES = "(all routes)"
"""The ``route`` of a row about a whole flow: its containers on every route pooled."""

SUMMARY_COLUMNS = [
    "flow",
    "route",
    "share",
    "created",
    "delivered",
    "in_transit",
    "teu_delivered",
    "throughput_teu_per_day",
    "demand_teu_per_day",
    "backlog_growth_teu_per_day",
    "status",
    "mean_days",
    "p50_days",
    "p90_days",
    "p95_days",
    "max_days",
]


def _backlog_growth(g: pd.DataFrame, warmup_h: float, horizon_h: float) -> float:
    """Slope (TEU per day) of the TEU in the system over the second half of the measured period."""
    times = np.linspace(warmup_h + (horizon_h - warmup_h) / 2, horizon_h, 41)
    created = np.sort(g["created_h"].to_numpy())
    created_teu = np.cumsum(g["teu"].to_numpy()[np.argsort(g["created_h"].to_numpy())])
    done = g.dropna(subset=["delivered_h"])
    order = np.argsort(done["delivered_h"].to_numpy())
    delivered = done["delivered_h"].to_numpy()[order]
    delivered_teu = np.cumsum(done["teu"].to_numpy()[order])

    def upto(ts: np.ndarray, cum: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(ts, times, side="right")
        return np.where(idx > 0, cum[np.maximum(idx - 1, 0)] if len(cum) else 0.0, 0.0)

    backlog = upto(created, created_teu) - upto(delivered, delivered_teu)
    return float(np.polyfit(times / 24.0, backlog, 1)[0])


def summarize(
    trips: pd.DataFrame, stages: pd.DataFrame, warmup_h: float, horizon_h: float
) -> pd.DataFrame:
    """The per flow and route summary of a run (:meth:`corridor.results.Results.summary`).

    ``share`` is the route's part of its flow's containers (created after the warm-up).
    ``status`` is ``saturated`` when the route cannot carry its demand: the TEU in the system
    grow by more than 5 % of the daily demand per day over the second half of the measured
    period, and either more containers are under way at the end than Little's law expects at
    the delivered containers' mean transit time, or transit times rise by more than 0.05 day
    per day of the period. Then the transit statistics describe only the
    containers that got through and understate the real delay. ``no deliveries`` means no
    container created after the warm-up arrived before the end, though the backlog does not
    grow (the route is longer than the measured period). Empty containers sent back to
    balance the directions and probes that time a choosing flow's routes (``trips.kind`` other
    than ``loaded``) are left out.
    """
    measured_days = max((horizon_h - warmup_h) / 24.0, 1e-9)
    t = trips[~trips["in_warmup"]]
    if "kind" in t:  # empties sent back and probes that time routes are no shipper's cargo
        t = t[t["kind"] == "loaded"]
    rows = []
    tp = throughput(t, horizon_h, warmup_h, by=["flow", "route"])
    tp_of = dict(zip(zip(tp["flow"], tp["route"], strict=True), tp[THROUGHPUT], strict=True))
    per_flow = t.groupby("flow", observed=True).size().to_dict()
    for (flow, route), g in t.groupby(["flow", "route"], observed=True, sort=True):
        done = g["transit_days"].dropna()
        q = done.quantile([0.5, 0.9, 0.95]) if len(done) else pd.Series([np.nan] * 3)
        in_transit = int(g["delivered_h"].isna().sum())
        demand_teu_day = g["teu"].sum() / measured_days
        growth = _backlog_growth(g, warmup_h, horizon_h) if len(g) > 1 else 0.0
        expected_in_system = len(g) / measured_days * (done.mean() if len(done) else 0.0)
        rising = 0.0  # days of transit added per day of creation
        if len(done) > 10:
            x = g.loc[done.index, "created_h"].to_numpy() / 24.0
            if np.ptp(x) > 0:
                rising = float(np.polyfit(x, done.to_numpy(), 1)[0])
        if not len(done):
            status = "saturated" if growth > 0.05 * demand_teu_day else "no deliveries"
        elif growth > 0.05 * demand_teu_day and (
            in_transit > 1.5 * expected_in_system + 5 or rising > 0.05
        ):
            status = "saturated"
        else:
            status = "ok"
        rows.append(
            {
                "flow": flow,
                "route": route,
                "share": len(g) / per_flow[flow],
                "created": len(g),
                "delivered": len(done),
                "in_transit": in_transit,
                "teu_delivered": int(g.loc[g["delivered_h"].notna(), "teu"].sum()),
                THROUGHPUT: tp_of.get((flow, route), 0.0),
                "demand_teu_per_day": demand_teu_day,
                "backlog_growth_teu_per_day": growth,
                "status": status,
                "mean_days": done.mean() if len(done) else np.nan,
                "p50_days": float(q.iloc[0]),
                "p90_days": float(q.iloc[1]),
                "p95_days": float(q.iloc[2]),
                "max_days": done.max() if len(done) else np.nan,
            }
        )
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    if len(stages) and len(out):
        delivered_ids = t.loc[t["delivered_h"].notna(), "container"]
        s = stages[stages["container"].isin(delivered_ids)]
        by = (
            s.groupby(["flow", "route", "kind"], observed=True)["duration_h"]
            .sum()
            .unstack("kind")
            .fillna(0.0)
        )
        total = by.sum(axis=1).replace(0, np.nan)
        share = by.div(total, axis=0)
        for kind in STAGE_KINDS:
            col = share[kind] if kind in share else pd.Series(0.0, index=share.index)
            out[f"share_{kind}"] = [
                float(col.get((f, r), np.nan))
                for f, r in zip(out["flow"], out["route"], strict=True)
            ]
    return out
