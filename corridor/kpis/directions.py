"""Both directions of a link: capacity offered, cargo carried, and what the imbalance leaves idle.

A link run both ways has two legs. Its vehicles (timetabled trains and sailings, when-full
trains and ships, a shared fleet) offer capacity in each direction; cargo rarely fills both.
:func:`direction_balance` puts the two directions of every link side by side over the measured
period: departures, TEU a day offered and carried, load factor, the capacity left idle, and how
much more one direction carries than the other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["BALANCE_COLUMNS", "direction_balance"]

BALANCE_COLUMNS = [
    "link",
    "leg",
    "from_node",
    "to_node",
    "departures",
    "empty_departures",
    "offered_teu_per_day",
    "carried_teu_per_day",
    "load_factor",
    "idle_teu_per_day",
    "imbalance_teu_per_day",
]


def direction_balance(
    departures: pd.DataFrame, legs: pd.DataFrame, warmup_h: float, horizon_h: float
) -> pd.DataFrame:
    """Capacity and cargo of each direction of each link with vehicles of a fixed capacity.

    Parameters
    ----------
    departures, legs
        The run's tables.
    warmup_h, horizon_h
        The measured period is from the end of the warm-up to the horizon.

    Returns
    -------
    pandas.DataFrame
        One row per leg that departed in the period with a finite capacity (trains, ships,
        trucks; not ``through`` legs, whose vehicle was counted where it was formed), columns
        :data:`BALANCE_COLUMNS`: ``departures`` and ``empty_departures`` (with no container),
        ``offered_teu_per_day`` (capacity of the departures), ``carried_teu_per_day``,
        ``load_factor`` (carried / offered), ``idle_teu_per_day`` (offered - carried) and
        ``imbalance_teu_per_day`` (carried - carried by the link's other direction; empty for a
        one-way leg). Empty runs back of a one-way fleet are not counted. Sorted by link, then
        by the capacity left idle.
    """
    days = max((horizon_h - warmup_h) / 24.0, 1e-9)
    d = departures
    d = d[(d["direction"] == "out") & (d["depart_h"] >= warmup_h) & np.isfinite(d["capacity_teu"])]
    grouped = d.groupby("leg", observed=True).agg(
        departures=("load_teu", "size"),
        empty_departures=("containers", lambda c: int((c == 0).sum())),
        offered=("capacity_teu", "sum"),
        carried=("load_teu", "sum"),
    )
    if grouped.empty:
        return pd.DataFrame(columns=BALANCE_COLUMNS)
    info = legs.set_index("id")
    out = pd.DataFrame(
        {
            "link": info.loc[grouped.index, "link"].to_numpy(),
            "leg": grouped.index.astype(str),
            "from_node": info.loc[grouped.index, "from_node"].to_numpy(),
            "to_node": info.loc[grouped.index, "to_node"].to_numpy(),
            "departures": grouped["departures"].to_numpy(),
            "empty_departures": grouped["empty_departures"].to_numpy(),
            "offered_teu_per_day": grouped["offered"].to_numpy() / days,
            "carried_teu_per_day": grouped["carried"].to_numpy() / days,
        }
    )
    out["load_factor"] = out["carried_teu_per_day"] / out["offered_teu_per_day"].where(
        out["offered_teu_per_day"] > 0
    )
    out["idle_teu_per_day"] = out["offered_teu_per_day"] - out["carried_teu_per_day"]
    carried = dict(zip(out["leg"], out["carried_teu_per_day"], strict=True))
    reverse = info["reverse"].to_dict()
    out["imbalance_teu_per_day"] = [
        c - carried.get(str(reverse[leg]), 0.0) if isinstance(reverse.get(leg), str) else np.nan
        for leg, c in zip(out["leg"], out["carried_teu_per_day"], strict=True)
    ]
    return out.sort_values(["link", "idle_teu_per_day"], ascending=[True, False]).reset_index(
        drop=True
    )[BALANCE_COLUMNS]
