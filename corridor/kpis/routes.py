"""The chain of legs of every route, as the simulated containers travelled it."""

from __future__ import annotations

import pandas as pd

from corridor.kpis.selection import _text

__all__ = ["route_legs"]


def route_legs(stages: pd.DataFrame, departures: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chain of legs of every route, as far as the simulated containers went.

    Leg order and lengths come from the stages' cumulative ``km`` (a leg's stages carry the
    distance travelled at its end). The nodes at each end come from ``departures`` when given.

    Parameters
    ----------
    stages
        The ``stages`` table.
    departures
        The ``departures`` table, for ``from_node`` and ``to_node``.

    Returns
    -------
    pandas.DataFrame
        One row per route and leg, in route order: ``route``, ``seq`` (0 for the first leg),
        ``leg``, ``mode``, ``from_km``, ``to_km``, ``length_km``, ``from_node``, ``to_node``
        (empty without ``departures``).
    """
    legs = stages[_text(stages["element_type"]) == "leg"]
    first = (
        legs.groupby(["route", "element"], observed=True, sort=False)
        .agg(to_km=("km", "first"), mode=("activity", "first"))
        .reset_index()
        .rename(columns={"element": "leg"})
    )
    first["route"] = first["route"].astype(str)
    first["leg"] = first["leg"].astype(str)
    first["mode"] = first["mode"].astype(str)
    first = first.sort_values(["route", "to_km"], kind="stable").reset_index(drop=True)
    first["seq"] = first.groupby("route").cumcount()
    first["from_km"] = first.groupby("route")["to_km"].shift(1).fillna(0.0)
    first["length_km"] = first["to_km"] - first["from_km"]
    ends: dict[str, tuple[str, str]] = {}
    if departures is not None and len(departures):
        out = departures[departures["direction"].astype(str) == "out"]
        pairs = out[["leg", "from_node", "to_node"]].astype(str).drop_duplicates("leg")
        ends = {
            str(leg): (str(a), str(b))
            for leg, a, b in zip(pairs["leg"], pairs["from_node"], pairs["to_node"], strict=True)
        }
    first["from_node"] = [ends.get(x, (None, None))[0] for x in first["leg"]]
    first["to_node"] = [ends.get(x, (None, None))[1] for x in first["leg"]]
    columns = ["route", "seq", "leg", "mode", "from_km", "to_km", "length_km"]
    chain: pd.DataFrame = first[[*columns, "from_node", "to_node"]]
    return chain
