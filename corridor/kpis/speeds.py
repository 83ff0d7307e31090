"""CAREC CPMM speeds per route and per section.

*Speed without delay* (SWOD) is distance over moving time and *speed with delay* (SWD)
distance over total elapsed time, both as ratios of sums over containers (the
distance-weighted harmonic mean of per-container speeds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from corridor.kpis.routes import route_legs
from corridor.kpis.selection import _stages_of, _text, measured_trips

__all__ = ["route_speeds", "section_speeds"]


def route_speeds(
    trips: pd.DataFrame, stages: pd.DataFrame, include_warmup: bool = False
) -> pd.DataFrame:
    """CAREC speeds per route: SWOD (km / moving time) and SWD (km / total time).

    Parameters
    ----------
    trips, stages
        The run's tables.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per route: ``containers``, ``km``, ``mean_moving_h``, ``mean_transit_h``,
        ``swod_kmh`` and ``swd_kmh`` (km/h; total distance over total hours of the delivered
        containers) and ``delay_share`` (share of the transit time not moving,
        ``1 - swd / swod``).
    """
    t = measured_trips(trips, include_warmup)
    travel = _stages_of(stages, t["container"])
    travel = travel[_text(travel["kind"]) == "travel"]
    moving = travel.groupby("container")["duration_h"].sum()
    t = t.assign(moving_h=t["container"].map(moving).fillna(0.0).to_numpy())
    g = t.groupby("route", observed=True, sort=True)
    km = g["km"].sum()
    out = pd.DataFrame(
        {
            "containers": g.size(),
            "km": g["km"].mean(),
            "mean_moving_h": g["moving_h"].mean(),
            "mean_transit_h": g["transit_h"].mean(),
            "swod_kmh": km / g["moving_h"].sum().replace(0.0, np.nan),
            "swd_kmh": km / g["transit_h"].sum().replace(0.0, np.nan),
        }
    )
    out["delay_share"] = 1.0 - out["swd_kmh"] / out["swod_kmh"]
    out.index.name = "route"
    return out.reset_index()


def _named_sections(
    sections: Mapping[str, tuple[str, str]] | Iterable[tuple[str, str]],
) -> dict[str, tuple[str, str]]:
    if isinstance(sections, Mapping):
        return {str(k): (str(v[0]), str(v[1])) for k, v in sections.items()}
    return {f"{a}–{b}": (str(a), str(b)) for a, b in sections}


def section_speeds(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    departures: pd.DataFrame,
    sections: Mapping[str, tuple[str, str]] | Iterable[tuple[str, str]],
    include_warmup: bool = False,
) -> pd.DataFrame:
    """CAREC speeds on sections: chains of legs between two nodes of a route.

    A section from node A to node B starts when a container is ready to leave A (its first
    stage on the first leg: waiting for the departure) and ends when it arrives at B, so it
    includes every node on the way but not the processes at A and B themselves.

    Parameters
    ----------
    trips, stages, departures
        The run's tables (``departures`` names the nodes at the ends of each leg).
    sections
        ``{name: (from_node, to_node)}``, or ``(from_node, to_node)`` pairs (named
        ``"A–B"``).
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per section and route that runs from A to B: ``section``, ``route``,
        ``from_node``, ``to_node``, ``km``, ``containers``, ``mean_moving_h``,
        ``mean_elapsed_h``, ``swod_kmh``, ``swd_kmh``, ``delay_share``.

    Raises
    ------
    ValueError
        If a section's nodes are not in that order on any route.
    """
    named = _named_sections(sections)
    chain = route_legs(stages, departures)
    t = measured_trips(trips, include_warmup)
    s = _stages_of(stages, t["container"])
    by_route = {str(k): g for k, g in s.groupby("route", observed=True)}
    rows = []
    for name, (a, b) in named.items():
        found = False
        for route, legs in chain.groupby("route", sort=True):
            starts = legs.index[legs["from_node"] == a]
            stops = legs.index[legs["to_node"] == b]
            if not len(starts) or not len(stops):
                continue
            a_km = float(legs.loc[starts[0], "from_km"])
            b_km = float(legs.loc[stops[0], "to_km"])
            if b_km <= a_km:
                continue
            found = True
            rs = by_route.get(str(route), s.iloc[:0])
            on_leg = _text(rs["element_type"]) == "leg"
            km = rs["km"].to_numpy()
            inside = np.where(
                on_leg,
                (km > a_km + 1e-9) & (km <= b_km + 1e-9),
                (km > a_km + 1e-9) & (km < b_km - 1e-9),
            )
            rs = rs[inside]
            elapsed = rs.groupby("container")["duration_h"].sum()
            moving = rs[_text(rs["kind"]) == "travel"].groupby("container")["duration_h"].sum()
            n = len(elapsed)
            dist = b_km - a_km
            swod = dist * n / moving.sum() if moving.sum() > 0 else np.nan
            swd = dist * n / elapsed.sum() if elapsed.sum() > 0 else np.nan
            rows.append(
                {
                    "section": name,
                    "route": route,
                    "from_node": a,
                    "to_node": b,
                    "km": dist,
                    "containers": n,
                    "mean_moving_h": moving.mean() if n else np.nan,
                    "mean_elapsed_h": elapsed.mean() if n else np.nan,
                    "swod_kmh": swod,
                    "swd_kmh": swd,
                    "delay_share": 1.0 - swd / swod if n else np.nan,
                }
            )
        if not found:
            raise ValueError(
                f"section {name!r}: no route runs from {a!r} to {b!r} (in that order) "
                "among the legs the containers travelled"
            )
    return pd.DataFrame(rows)
