"""Diversion: how much cargo moves between routes when a scenario changes.

With route choice the question "what if the Rasht - Astara railway opens" is answered in TEU
a day that move: onto the western branch, away from Suez and the other branches. Both
scenarios' equilibria run the same replication seeds (common random numbers), so replication
``r`` of one is paired with replication ``r`` of the other and the difference comes with a
confidence interval over the pairs.
"""

from __future__ import annotations

import pandas as pd

from corridor.experiments.analysis import t_interval

__all__ = ["DIVERSION_COLUMNS", "DIVERSION_FILE", "diversion", "diversion_lines"]

DIVERSION_FILE = "diversion.parquet"
"""Where ``corridor compare`` of choosing scenarios leaves the diversion, in its folder."""

DIVERSION_COLUMNS = [
    "flow",
    "route",
    "teu_per_day_a",
    "teu_per_day_b",
    "moved_teu_per_day",
    "share_a",
    "share_b",
    "ci_low",
    "ci_high",
    "pairs",
]


def diversion(runs_a: pd.DataFrame, runs_b: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """TEU a day carried on every route in A and in B, and what moved (B - A), with a CI.

    Parameters
    ----------
    runs_a, runs_b
        Per replication, flow and route: ``replication``, ``flow``, ``route`` and
        ``demand_teu_per_day`` (the ``runs`` table of an experiment, one scenario each): the
        TEU a day of the flow that took the route, shipped after the warm-up. Shipped, not
        delivered: deliveries in the measured window also change with transit times and
        backlogs, which would pass for cargo moving between routes.
    confidence
        Of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per flow and route (:data:`DIVERSION_COLUMNS`); a route missing in one
        scenario carries 0 there. Sorted by flow, then by what moved, most gained first.
    """
    keys = ["replication", "flow", "route"]
    a = runs_a[[*keys, "demand_teu_per_day", "share"]]
    b = runs_b[[*keys, "demand_teu_per_day", "share"]]
    both = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"))
    pairs = set(runs_a["replication"]) & set(runs_b["replication"])
    both = both[both["replication"].isin(pairs)].fillna(
        {"demand_teu_per_day_a": 0.0, "demand_teu_per_day_b": 0.0, "share_a": 0.0, "share_b": 0.0}
    )
    rows = []
    for (flow, route), g in both.groupby(["flow", "route"], sort=True):
        moved = g["demand_teu_per_day_b"] - g["demand_teu_per_day_a"]
        ci = t_interval(moved, confidence)
        rows.append(
            {
                "flow": flow,
                "route": route,
                "teu_per_day_a": float(g["demand_teu_per_day_a"].mean()),
                "teu_per_day_b": float(g["demand_teu_per_day_b"].mean()),
                "moved_teu_per_day": ci.estimate,
                "share_a": float(g["share_a"].mean()),
                "share_b": float(g["share_b"].mean()),
                "ci_low": ci.low,
                "ci_high": ci.high,
                "pairs": len(g),
            }
        )
    out = pd.DataFrame(rows, columns=DIVERSION_COLUMNS)
    return out.sort_values(["flow", "moved_teu_per_day"], ascending=[True, False]).reset_index(
        drop=True
    )


def diversion_lines(
    table: pd.DataFrame, change: str, min_effect_teu_per_day: float = 0.5, confidence: float = 0.95
) -> list[str]:
    """One sentence per flow: ``<change>: western +12.3 TEU/day (95 % CI 10.1-14.5), ...``.

    Routes that move less than ``min_effect_teu_per_day`` are left out of the sentence as no
    practical change.
    """
    level = f"{confidence * 100:g} %"
    lines = []
    for flow, g in table.groupby("flow", sort=True):
        parts = []
        for route, moved, low, high, sa, sb in zip(
            g["route"], g["moved_teu_per_day"], g["ci_low"], g["ci_high"], g["share_a"],
            g["share_b"], strict=True,
        ):  # fmt: skip
            if abs(moved) < min_effect_teu_per_day:
                continue
            ci = "" if low != low else f"{level} CI {low:+.1f} to {high:+.1f}; "
            parts.append(f"{route} {moved:+.1f} TEU/day ({ci}share {sa:.1%} -> {sb:.1%})")
        text = ", ".join(parts) or (
            f"no route gains or loses {min_effect_teu_per_day:g} TEU/day or more"
        )
        lines.append(f"flow {flow!s}: {change}: {text}")
    return lines
