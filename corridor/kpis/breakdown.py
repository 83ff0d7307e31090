"""Where a container's time goes: time categories, breakdown per route, delays per node.

Each stage falls in one category (:data:`TIME_CATEGORIES`), from its ``kind`` and, for node
processes, its ``activity`` (:func:`stage_categories`):

============== ======================================================================
moving         ``travel`` stages: running on a leg, delays on the way included
waiting        ``wait`` stages: ready at a node, waiting for a departure (a sailing,
               a timetabled or block train, a truck of a fleet)
queueing       ``queue`` stages: waiting for a server of a capacity-limited process
handling       service at ``handling`` and ``other`` processes (cranes, transloading)
yard_dwell     ``dwell`` stages (``yard`` processes: port and terminal dwell)
border         service at ``border``, ``customs`` and ``inspection`` processes
gauge_change   service at ``gauge_change`` processes (bogie exchange, transshipment)
closure        ``closure`` stages: held by a closed node or leg (storm, ice, strike)
============== ======================================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from corridor.kpis.selection import _by_list, _codes, _stages_of, _text, measured_trips

__all__ = [
    "ACTIVITY_CATEGORY",
    "TIME_CATEGORIES",
    "TIME_CATEGORY_LABELS",
    "node_delays",
    "stage_categories",
    "time_breakdown",
]


TIME_CATEGORIES: tuple[str, ...] = (
    "moving",
    "waiting",
    "queueing",
    "handling",
    "yard_dwell",
    "border",
    "gauge_change",
    "closure",
)
"""Where a container's time goes, in the order charts stack them."""

TIME_CATEGORY_LABELS: Mapping[str, str] = {
    "moving": "moving",
    "waiting": "waiting for departure",
    "queueing": "queueing",
    "handling": "handling",
    "yard_dwell": "yard dwell",
    "border": "border and customs",
    "gauge_change": "gauge change",
    "closure": "closure",
}
"""Readable names of :data:`TIME_CATEGORIES`, for legends and tables."""

ACTIVITY_CATEGORY: Mapping[str, str] = {
    "handling": "handling",
    "other": "handling",
    "yard": "yard_dwell",
    "customs": "border",
    "border": "border",
    "inspection": "border",
    "gauge_change": "gauge_change",
}
"""The category of a ``service`` or ``dwell`` stage, by the activity of its node process."""

_KIND_CATEGORY = {
    "travel": "moving",
    "wait": "waiting",
    "queue": "queueing",
    "closure": "closure",
}


def stage_categories(
    stages: pd.DataFrame, activity_category: Mapping[str, str] | None = None
) -> pd.Series:
    """The time category of every stage (see :data:`TIME_CATEGORIES`).

    Parameters
    ----------
    stages
        The ``stages`` table.
    activity_category
        Category of ``service`` and ``dwell`` stages by process activity; defaults to
        :data:`ACTIVITY_CATEGORY`. Activities it does not name count as ``handling``.

    Returns
    -------
    pandas.Series
        Categorical, aligned with ``stages``.
    """
    mapping = dict(ACTIVITY_CATEGORY if activity_category is None else activity_category)
    index = {c: i for i, c in enumerate(TIME_CATEGORIES)}
    # kinds and activities are few: decide per category of each column, spread by the codes
    # (code -1, a missing value, takes the last entry)
    kind_names, kind_codes = _codes(stages["kind"])
    served_code = -2
    per_kind = [
        index[_KIND_CATEGORY[k]] if k in _KIND_CATEGORY else served_code
        if k in ("service", "dwell") else -1
        for k in kind_names
    ]  # fmt: skip
    out = np.array([*per_kind, -1])[kind_codes]
    act_names, act_codes = _codes(stages["activity"])
    by_activity = np.array(
        [*(index[mapping.get(a, "handling")] for a in act_names), index["handling"]]
    )
    known = np.array([*(a in mapping for a in act_names), False])[act_codes]
    served = out == served_code
    out[served] = by_activity[act_codes][served]
    is_dwell = np.array([*(k == "dwell" for k in kind_names), False])[kind_codes]
    out[is_dwell & ~known] = index["yard_dwell"]
    categories = pd.Categorical.from_codes(
        out.astype(np.int64), categories=pd.Index(list(TIME_CATEGORIES))
    )
    return pd.Series(categories, index=stages.index, name="category")


def _category_hours(stages: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Hours per container and category, with ``keys`` (columns of stages) kept."""
    s = stages.assign(category=stage_categories(stages))
    table = s.pivot_table(
        index=["container", *keys],
        columns="category",
        values="duration_h",
        aggfunc="sum",
        observed=True,
    )
    return table.reindex(columns=list(TIME_CATEGORIES)).fillna(0.0)


def time_breakdown(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    by: str | Sequence[str] = "route",
    include_warmup: bool = False,
) -> pd.DataFrame:
    """Mean hours per container in each time category, per route (or flow).

    Parameters
    ----------
    trips, stages
        The run's tables.
    by
        Column(s) of ``trips`` to group by: ``"route"``, ``"flow"`` or both.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``containers``, ``total_h`` (mean transit time, hours), one
        ``<category>_h`` column per :data:`TIME_CATEGORIES` (mean hours per container) and one
        ``share_<category>`` column (share of ``total_h``). Delivered containers only.
    """
    keys = _by_list(by)
    t = measured_trips(trips, include_warmup)
    s = _stages_of(stages, t["container"]).dropna(subset=["duration_h"])
    per = _category_hours(s, [])
    per = per.reindex(t["container"].to_numpy(), fill_value=0.0)
    per.index.name = "container"
    groups = t.set_index("container")[keys].loc[per.index]
    joined = pd.concat([groups, per], axis=1)
    agg = joined.groupby(keys, observed=True, sort=True)
    means = agg[list(TIME_CATEGORIES)].mean()
    out = means.add_suffix("_h")
    out.insert(0, "containers", agg.size())
    out.insert(1, "total_h", means.sum(axis=1))
    total = out["total_h"].replace(0.0, np.nan)
    for cat in TIME_CATEGORIES:
        out[f"share_{cat}"] = out[f"{cat}_h"] / total
    return out.reset_index()


def node_delays(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    departures: pd.DataFrame | None = None,
    include_warmup: bool = False,
) -> pd.DataFrame:
    """Time containers spend at each node, per visiting container.

    Stages at a node's processes count at that node. Waiting for a departure (and closures
    of a leg) count at the leg's start node when ``departures`` is given (it names the nodes
    of each leg), and are left out otherwise.

    Parameters
    ----------
    trips, stages
        The run's tables.
    departures
        The ``departures`` table, to place waiting for a leg at its start node.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per node: ``node``, ``containers`` (that had a stage there),
        ``mean_delay_h`` (mean hours at the node per visiting container: everything but
        moving), ``p90_delay_h``, and mean hours per category (``<category>_h``).
        Delivered containers only.
    """
    t = measured_trips(trips, include_warmup)
    s = _stages_of(stages, t["container"]).dropna(subset=["duration_h"])
    s = s[_text(s["kind"]) != "travel"]
    element = pd.Series(_text(s["element"]), index=s.index)
    node = element.where(_text(s["element_type"]) == "node")
    if departures is not None and len(departures):
        out_deps = departures[departures["direction"].astype(str) == "out"]
        start_of = dict(
            zip(out_deps["leg"].astype(str), out_deps["from_node"].astype(str), strict=True)
        )
        node = node.fillna(element.map(start_of))
    s = s.assign(node=node).dropna(subset=["node"])
    per = _category_hours(s, ["node"])
    per["delay_h"] = per.sum(axis=1)
    g = per.groupby(level="node", sort=True)
    out = pd.DataFrame(
        {
            "containers": g.size(),
            "mean_delay_h": g["delay_h"].mean(),
            "p90_delay_h": g["delay_h"].quantile(0.9),
        }
    )
    cats = [c for c in TIME_CATEGORIES if c != "moving"]
    for cat in cats:
        out[f"{cat}_h"] = g[cat].mean()
    out.index.name = "node"
    return out.reset_index()
