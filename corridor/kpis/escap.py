"""Each container's path for the UN ESCAP time/cost-distance chart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor.kpis.routes import route_legs
from corridor.kpis.selection import _stages_of, _text, measured_trips

__all__ = ["time_distance_points"]


def time_distance_points(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    costs: pd.Series | None = None,
    include_warmup: bool = False,
) -> pd.DataFrame:
    """Each delivered container's path for the ESCAP time/cost-distance chart.

    The path of a route with legs 0..n-1 has nodes 0..n at cumulative distances
    ``km_0 = 0 < km_1 < ... < km_n``. At node i the container *arrives* (the end of the
    travel on leg i-1, or its creation at the origin) and *departs* (the start of the travel
    on leg i, or its delivery at the destination): everything in between, node processes and
    waiting for the departure, is the vertical step of the chart; travel is the slope.

    Parameters
    ----------
    trips, stages
        The run's tables.
    costs
        Cost of each stage in USD (:func:`stage_costs`), for cumulative cost; optional.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per container and node: ``container``, ``route``, ``node_seq`` (0 at the
        origin), ``km``, ``arrive_h`` and ``depart_h`` (hours since the container was created)
        and, with ``costs``, ``arrive_usd`` and ``depart_usd`` (cumulative cost, USD).
    """
    t = measured_trips(trips, include_warmup)
    chain = route_legs(stages)
    s = _stages_of(stages, t["container"])
    if costs is not None:
        s = s.assign(cost_usd=costs.reindex(s.index).fillna(0.0).to_numpy())
    by_route = {str(k): g for k, g in s.groupby("route", observed=True)}
    created = t.set_index("container")["created_h"]
    delivered = t.set_index("container")["delivered_h"]
    frames = []
    for route, legs in chain.groupby("route", sort=True):
        ids = t.loc[t["route"].astype(str) == route, "container"].to_numpy()
        if not len(ids):
            continue
        n_legs = len(legs)
        node_km = np.concatenate([[0.0], legs["to_km"].to_numpy()])
        seq_of = dict(zip(legs["leg"], legs["seq"], strict=True))
        rs = by_route.get(str(route), s.iloc[:0])
        row_of = pd.Series(np.arange(len(ids)), index=ids)
        r = row_of.loc[rs["container"].to_numpy()].to_numpy()
        arrive = np.empty((len(ids), n_legs + 1))
        depart = np.empty((len(ids), n_legs + 1))
        arrive[:, 0] = created.loc[ids].to_numpy()
        depart[:, n_legs] = delivered.loc[ids].to_numpy()
        travel = _text(rs["kind"]) == "travel"
        seq = pd.Series(_text(rs["element"])).map(seq_of).to_numpy()
        tr_r, tr_seq = r[travel], seq[travel].astype(int)
        depart[tr_r, tr_seq] = rs["start_h"].to_numpy()[travel]
        arrive[tr_r, tr_seq + 1] = rs["end_h"].to_numpy()[travel]
        base = arrive[:, :1]
        frame = pd.DataFrame(
            {
                "container": np.repeat(ids, n_legs + 1),
                "route": route,
                "node_seq": np.tile(np.arange(n_legs + 1), len(ids)),
                "km": np.tile(node_km, len(ids)),
                "arrive_h": (arrive - base).ravel(),
                "depart_h": (depart - base).ravel(),
            }
        )
        if costs is not None:
            # leg costs are charged on the slope into node i+1, node charges on node i's step
            leg_part = np.zeros((len(ids), n_legs + 1))
            node_part = np.zeros((len(ids), n_legs + 1))
            teu = t.set_index("container")["teu"].loc[rs["container"].to_numpy()]
            cost = rs["cost_usd"].to_numpy() / teu.to_numpy(dtype=float)
            np.add.at(leg_part, (tr_r, tr_seq + 1), cost[travel])
            at_node = _text(rs["element_type"]) == "node"
            node_seq = np.searchsorted(node_km, rs["km"].to_numpy()[at_node] - 1e-6)
            np.add.at(node_part, (r[at_node], node_seq), cost[at_node])
            before = np.zeros_like(node_part)
            before[:, 1:] = node_part[:, :-1]  # charges at node i-1 are paid on arrival at i
            cum_arrive = np.cumsum(leg_part + before, axis=1)
            frame["arrive_usd_per_teu"] = cum_arrive.ravel()
            frame["depart_usd_per_teu"] = (cum_arrive + node_part).ravel()
        frames.append(frame)
    columns = ["container", "route", "node_seq", "km", "arrive_h", "depart_h"]
    if costs is not None:
        columns += ["arrive_usd_per_teu", "depart_usd_per_teu"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
