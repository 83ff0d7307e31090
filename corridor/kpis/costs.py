"""Cost per TEU of routes and the cost each stage adds, in US dollars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor.kpis.selection import _by_list, _text, measured_trips

if TYPE_CHECKING:
    from corridor.inputs.network import Network

__all__ = ["cost_per_teu", "stage_costs"]


def cost_per_teu(
    trips: pd.DataFrame, by: str | Sequence[str] = "route", include_warmup: bool = False
) -> pd.DataFrame:
    """Cost per TEU of delivered containers: leg tariffs plus node charges.

    Parameters
    ----------
    trips
        The ``trips`` table (its ``cost_usd`` is legs plus node charges, per container).
    by
        Column(s) of ``trips`` to group by.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``containers``, ``teu``, ``cost_usd`` (total), ``usd_per_teu``,
        ``usd_per_teu_km`` (USD per TEU and km of the route).
    """
    keys = _by_list(by)
    t = measured_trips(trips, include_warmup)
    t = t.assign(teu_km=t["teu"] * t["km"])
    g = t.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame(
        {
            "containers": g.size(),
            "teu": g["teu"].sum().astype(float),
            "cost_usd": g["cost_usd"].sum(),
        }
    )
    out["usd_per_teu"] = out["cost_usd"] / out["teu"].replace(0.0, np.nan)
    out["usd_per_teu_km"] = out["cost_usd"] / g["teu_km"].sum().replace(0.0, np.nan)
    return out.reset_index()


def stage_costs(
    stages: pd.DataFrame, trips: pd.DataFrame, network: Network | None = None
) -> pd.Series:
    """The cost in USD that each stage adds to its container.

    Uses the stages' own ``cost_usd`` column when the table has one. Otherwise it is built
    from ``network``: a leg's ``cost_usd_per_teu`` is charged on its ``travel`` stage, a node
    process's ``cost_usd_per_teu`` on its ``service`` or ``dwell`` stage, both times the
    container's TEU. Scenario changes to tariffs are then not seen.

    Parameters
    ----------
    stages, trips
        The run's tables.
    network
        The network with the tariffs.

    Returns
    -------
    pandas.Series
        USD, aligned with ``stages``.

    Raises
    ------
    ValueError
        If the stages have no ``cost_usd`` and no network is given.
    """
    if "cost_usd" in stages:
        return stages["cost_usd"].astype(float)
    if network is None:
        raise ValueError(
            "stage costs need the network's tariffs (network=...) or a cost_usd column in "
            "the stages table"
        )
    leg_cost = {leg.id: leg.cost_usd_per_teu for leg in network.legs.values()}
    proc_cost = {
        (n.id, p.name): p.cost_usd_per_teu for n in network.nodes.values() for p in n.processes
    }
    kind = _text(stages["kind"])
    element = _text(stages["element"])
    process = _text(stages["process"])
    teu = stages["container"].map(trips.set_index("container")["teu"]).to_numpy(dtype=float)
    per_teu = np.zeros(len(stages))
    travel = kind == "travel"
    per_teu[travel] = [leg_cost.get(e, 0.0) for e in element[travel]]
    served = (kind == "service") | (kind == "dwell")
    per_teu[served] = [
        proc_cost.get((e, p), 0.0) for e, p in zip(element[served], process[served], strict=True)
    ]
    return pd.Series(per_teu * teu, index=stages.index, name="cost_usd")
