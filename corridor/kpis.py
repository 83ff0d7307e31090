"""Key performance indicators: pure functions over a run's tables.

Every function takes the tables of :class:`corridor.results.Results` (``trips``, ``stages``,
``departures``, ``resources``) and returns a new :class:`pandas.DataFrame`; nothing is changed
in place and nothing is drawn (see :mod:`corridor.plots`). Times are hours (``_h``) or days
(``_days``), distances kilometres, speeds km/h, costs US dollars, emissions kg CO2e.

Which containers count
    Unless a function says otherwise, statistics are over containers created after the warm-up
    (``trips.in_warmup`` is false) and delivered before the end of the horizon. A container
    still in transit has no transit time yet; counting only the fast ones that made it would
    bias long routes, so :func:`reliability` also counts those already later than the promise.

Time categories (:data:`TIME_CATEGORIES`)
    Each stage falls in one category, from its ``kind`` and, for node processes, its
    ``activity`` (:func:`stage_categories`):

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

CAREC Corridor Performance Measurement and Monitoring (CPMM) indicators
    *Time to clear a border crossing point* (TFI1) is measured from the container's first stage
    at any node of the crossing to the end of its last stage there, so both countries' posts
    and the link between them (waiting for the shuttle train, the run across) are included,
    as CAREC counts them from entry to exit (:func:`border_crossing_times`). *Speed without
    delay* (SWOD) is distance over moving time and *speed with delay* (SWD) distance over total
    elapsed time (:func:`route_speeds`, :func:`section_speeds`), both as ratios of sums over
    containers (the distance-weighted harmonic mean of per-container speeds).

Border crossings by name
    A crossing is a set of node ids. By default (:func:`default_crossings`) the border nodes
    are grouped by :func:`crossing_name`: a node id ending in a separator (``-``, ``_`` or a
    space) and a 2 or 3 letter country code belongs to the crossing named by the rest, so
    ``AST-IR`` and ``AST-AZ`` form the crossing ``AST``; any other id is a crossing of its own.
    Pass an explicit mapping ``{crossing: [node ids]}`` to group differently.

Emissions
    CO2e is distance times a factor per mode and fuel, in kg CO2e per TEU-km, well-to-wheel
    (:func:`emission_factors`, overridable). See that function for every default value, its
    source, and which values are assumptions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from corridor.compiled import Model
    from corridor.network import Network

__all__ = [
    "ACTIVITY_CATEGORY",
    "DEFAULT_FUEL_BY_MODE",
    "TIME_CATEGORIES",
    "TIME_CATEGORY_LABELS",
    "border_crossing_times",
    "co2e_by_leg",
    "co2e_per_teu",
    "cost_per_teu",
    "crossing_name",
    "default_crossings",
    "emission_factors",
    "load_factors",
    "measured_trips",
    "node_delays",
    "reliability",
    "resource_series",
    "route_legs",
    "route_speeds",
    "section_speeds",
    "servers_of",
    "stage_categories",
    "stage_costs",
    "throughput",
    "time_breakdown",
    "time_distance_points",
    "utilisation",
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

DEFAULT_FUEL_BY_MODE: Mapping[str, str] = {"sea": "hfo", "rail": "diesel", "road": "diesel"}
"""The fuel assumed for a leg of each mode unless told otherwise (:func:`co2e_by_leg`)."""

_COUNTRY_SUFFIX = re.compile(r"^(?P<name>.+?)[-_ ](?P<cc>[A-Za-z]{2,3})$")


# --------------------------------------------------------------------------- selection


def measured_trips(
    trips: pd.DataFrame, include_warmup: bool = False, delivered_only: bool = True
) -> pd.DataFrame:
    """The trips that statistics are computed over.

    Parameters
    ----------
    trips
        The ``trips`` table.
    include_warmup
        Keep containers created during the warm-up.
    delivered_only
        Keep only containers delivered before the end of the horizon.

    Returns
    -------
    pandas.DataFrame
        A filtered view of ``trips`` (same columns).
    """
    keep = np.ones(len(trips), dtype=bool)
    if not include_warmup and "in_warmup" in trips:
        keep &= ~trips["in_warmup"].to_numpy(dtype=bool)
    if delivered_only:
        keep &= trips["delivered_h"].notna().to_numpy()
    return trips[keep]


def _stages_of(stages: pd.DataFrame, containers: pd.Series | pd.Index) -> pd.DataFrame:
    return stages[stages["container"].isin(np.asarray(containers))]


def _text(column: pd.Series) -> np.ndarray:
    """A column as an object array of str; fast for categoricals (the tables' text columns),
    which ``astype(str)`` would convert value by value."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = np.asarray([str(c) for c in column.cat.categories] + [""], dtype=object)
        return names[column.cat.codes.to_numpy()]  # code -1 (missing) takes the last: ""
    return np.asarray(column.astype(str), dtype=object)


def _by_list(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


# --------------------------------------------------------------------------- time breakdown


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


def _codes(column: pd.Series) -> tuple[list[str], np.ndarray]:
    """The category names (as str) and codes of a column, made categorical if it is not."""
    cat = column.astype("category")
    return [str(c) for c in cat.cat.categories], cat.cat.codes.to_numpy()


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


# --------------------------------------------------------------------------- routes and legs


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


# --------------------------------------------------------------------------- borders


def crossing_name(node_id: str) -> str:
    """The crossing a border node belongs to, by the naming convention.

    ``AST-IR`` and ``AST-AZ`` belong to ``AST``; ``SAMUR_RU`` to ``SAMUR``; an id without a
    2 or 3 letter suffix after ``-``, ``_`` or a space is a crossing of its own.

    Parameters
    ----------
    node_id
        A node id.

    Returns
    -------
    str
        The crossing's name.
    """
    match = _COUNTRY_SUFFIX.match(node_id)
    return match.group("name") if match else node_id


def default_crossings(stages: pd.DataFrame, network: Network | None = None) -> dict[str, list[str]]:
    """Border crossings found in a run: border nodes grouped by :func:`crossing_name`.

    A node is a border node if the network gives it the kind ``border`` or if any of its
    processes has the activity ``border`` (seen in ``stages``). Other nodes whose id names
    the same crossing join it (``AST-AZ`` with a gauge change joins the border post
    ``AST-IR``), since CAREC counts gauge change at a crossing as part of its time.

    Parameters
    ----------
    stages
        The ``stages`` table.
    network
        The network, for node kinds; optional.

    Returns
    -------
    dict
        ``{crossing: [node ids]}``, sorted by name.
    """
    at_nodes = stages[_text(stages["element_type"]) == "node"]
    element = _text(at_nodes["element"])
    border = set(element[_text(at_nodes["activity"]) == "border"])
    every = set(element)
    if network is not None:
        border |= {n.id for n in network.nodes.values() if n.kind == "border"}
        every |= set(network.nodes)
    names = {crossing_name(node) for node in border}
    groups: dict[str, list[str]] = {}
    for node in sorted(every):
        if node in border or crossing_name(node) in names:
            groups.setdefault(crossing_name(node), []).append(node)
    return dict(sorted(groups.items()))


def border_crossing_times(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    crossings: Mapping[str, Sequence[str]] | None = None,
    network: Network | None = None,
    by_route: bool = False,
    include_warmup: bool = False,
) -> pd.DataFrame:
    """CAREC TFI1: time to clear each border crossing, both sides together.

    For each delivered container that passes a crossing, the time runs from the start of its
    first stage at any of the crossing's nodes to the end of its last stage at any of them,
    so queues, formalities on both sides, gauge change and the link between the two posts
    all count.

    Parameters
    ----------
    trips, stages
        The run's tables.
    crossings
        ``{crossing: [node ids]}``; defaults to :func:`default_crossings`.
    network
        The network, for :func:`default_crossings`.
    by_route
        One row per crossing and route instead of per crossing.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        ``crossing`` (and ``route``), ``nodes`` (joined by ``" + "``), ``containers``,
        ``mean_h``, ``p50_h``, ``p90_h``, ``p95_h``, ``max_h`` and ``mean_at_nodes_h`` (the
        part spent in the nodes' processes, hours).
    """
    groups = default_crossings(stages, network) if crossings is None else dict(crossings)
    t = measured_trips(trips, include_warmup)
    s = _stages_of(stages, t["container"])
    s = s[_text(s["element_type"]) == "node"]
    element = pd.Series(_text(s["element"]), index=s.index)
    keys = ["route"] if by_route else []
    columns = ["crossing", *keys, "nodes", "containers", "mean_h", "p50_h", "p90_h", "p95_h"]
    rows = []
    for name, nodes in groups.items():
        here = s[element.isin(list(nodes))]
        if here.empty:
            continue
        per = here.groupby("container").agg(
            start=("start_h", "min"), end=("end_h", "max"), at_nodes=("duration_h", "sum")
        )
        per["span"] = per["end"] - per["start"]
        per["route"] = t.set_index("container").loc[per.index, "route"].astype(str)
        for key, g in per.groupby(keys) if keys else [((), per)]:
            q = g["span"].quantile([0.5, 0.9, 0.95])
            row: dict[str, Any] = {"crossing": name}
            if keys:
                row["route"] = key[0] if isinstance(key, tuple) else key
            row |= {
                "nodes": " + ".join(nodes),
                "containers": len(g),
                "mean_h": g["span"].mean(),
                "p50_h": q.iloc[0],
                "p90_h": q.iloc[1],
                "p95_h": q.iloc[2],
                "max_h": g["span"].max(),
                "mean_at_nodes_h": g["at_nodes"].mean(),
            }
            rows.append(row)
    return pd.DataFrame(rows, columns=[*columns, "max_h", "mean_at_nodes_h"])


# --------------------------------------------------------------------------- reliability


def reliability(
    trips: pd.DataFrame,
    promised_days: float | Mapping[str, float],
    end_h: float | None = None,
    by: str | Sequence[str] = "route",
    include_warmup: bool = False,
) -> pd.DataFrame:
    """On-time share against a promised transit time, and the spread of transit times.

    A container is on time if it was delivered within the promise. A container still in
    transit at ``end_h`` whose age already exceeds the promise is late; one younger than the
    promise is left out (it may still make it). Without ``end_h``, containers in transit are
    left out.

    Parameters
    ----------
    trips
        The ``trips`` table.
    promised_days
        The promise in days, one for all or ``{route: days}`` (routes it does not name get
        no on-time share).
    end_h
        End of the simulated horizon, hours (``Results.horizon_h``).
    by
        Column(s) of ``trips`` to group by.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``promised_days``, ``counted`` (containers judged), ``on_time``,
        ``on_time_share``, ``late_in_transit``, ``mean_days``, ``p50_days``, ``p90_days``,
        ``p95_days`` (of delivered containers) and ``spread_p95_p50_days``.
    """
    keys = _by_list(by)
    t = measured_trips(trips, include_warmup, delivered_only=False)
    rows = []
    for key, g in t.groupby(keys, observed=True, sort=True):
        key_t = key if isinstance(key, tuple) else (key,)
        route = str(g["route"].iloc[0]) if "route" in g else ""
        if isinstance(promised_days, Mapping):
            promise = promised_days.get(route, math.nan)
        else:
            promise = float(promised_days)
        done = g["transit_days"].dropna()
        late_open = 0
        if end_h is not None and promise == promise:
            age_days = (end_h - g.loc[g["delivered_h"].isna(), "created_h"]) / 24.0
            late_open = int((age_days > promise).sum())
        on_time = int((done <= promise).sum()) if promise == promise else 0
        counted = len(done) + late_open
        q = done.quantile([0.5, 0.9, 0.95]) if len(done) else pd.Series([np.nan] * 3)
        rows.append(
            {
                **dict(zip(keys, key_t, strict=True)),
                "promised_days": promise,
                "counted": counted,
                "on_time": on_time,
                "on_time_share": on_time / counted if counted and promise == promise else np.nan,
                "late_in_transit": late_open,
                "mean_days": done.mean() if len(done) else np.nan,
                "p50_days": float(q.iloc[0]),
                "p90_days": float(q.iloc[1]),
                "p95_days": float(q.iloc[2]),
                "spread_p95_p50_days": float(q.iloc[2] - q.iloc[0]),
            }
        )
    return pd.DataFrame(rows)


def throughput(
    trips: pd.DataFrame,
    end_h: float,
    start_h: float = 0.0,
    by: str | Sequence[str] = "route",
) -> pd.DataFrame:
    """Containers and TEU delivered per day within a period.

    Parameters
    ----------
    trips
        The ``trips`` table.
    end_h
        End of the period, hours (usually ``Results.horizon_h``).
    start_h
        Start of the period, hours (usually ``Results.warmup_h``).
    by
        Column(s) of ``trips`` to group by.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``containers``, ``teu``, ``containers_per_day``, ``teu_per_day``
        (deliveries with ``start_h <= delivered_h < end_h``).
    """
    keys = _by_list(by)
    days = max(end_h - start_h, 1e-9) / 24.0
    d = trips["delivered_h"]
    t = trips[(d >= start_h) & (d < end_h)]
    g = t.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame({"containers": g.size(), "teu": g["teu"].sum().astype(float)})
    out["containers_per_day"] = out["containers"] / days
    out["teu_per_day"] = out["teu"] / days
    return out.reset_index()


def load_factors(departures: pd.DataFrame, include_returns: bool = False) -> pd.DataFrame:
    """How full the vehicles leaving on each leg were.

    Parameters
    ----------
    departures
        The ``departures`` table.
    include_returns
        Count empty return runs of fleets too (left out by default).

    Returns
    -------
    pandas.DataFrame
        One row per leg: ``leg``, ``mode``, ``from_node``, ``to_node``, ``departures``,
        ``teu_carried``, ``capacity_teu`` (offered), ``load_factor`` (TEU carried over TEU
        offered), ``mean_load_factor`` (mean over departures), ``p10_load_factor``,
        ``p50_load_factor``, ``p90_load_factor``, ``share_full`` (departures at 99.9 % or more)
        and ``share_empty``.
    """
    d = departures if include_returns else departures[departures["direction"].astype(str) == "out"]
    lf = d["load_factor"]
    d = d.assign(full=lf >= 0.999, empty=d["load_teu"] <= 0)
    g = d.groupby("leg", observed=True, sort=True)
    out = pd.DataFrame(
        {
            "mode": g["mode"].first().astype(str),
            "from_node": g["from_node"].first().astype(str),
            "to_node": g["to_node"].first().astype(str),
            "departures": g.size(),
            "teu_carried": g["load_teu"].sum(),
            "capacity_teu": g["capacity_teu"].sum(),
        }
    )
    out["load_factor"] = out["teu_carried"] / out["capacity_teu"].replace(0.0, np.nan)
    out["mean_load_factor"] = g["load_factor"].mean()
    for q in (10, 50, 90):
        out[f"p{q}_load_factor"] = g["load_factor"].quantile(q / 100)
    out["share_full"] = g["full"].mean()
    out["share_empty"] = g["empty"].mean()
    out.index.name = "leg"
    return out.reset_index()


# --------------------------------------------------------------------------- resources


def resource_series(
    resources: pd.DataFrame, node: str | None = None, process: str | None = None
) -> pd.DataFrame:
    """Queue length and busy servers over time at capacity-limited processes.

    Built from the jobs: the queue is jobs arrived minus jobs started, busy servers are jobs
    started minus jobs ended. A job is one container, or one vehicle's group for processes
    that serve per vehicle. The values are steps: each holds from its ``time_h`` until the
    next row of the same process.

    Parameters
    ----------
    resources
        The ``resources`` table.
    node, process
        Keep only this node and/or process.

    Returns
    -------
    pandas.DataFrame
        ``node``, ``process``, ``time_h``, ``queue`` (jobs waiting), ``queue_containers``,
        ``busy`` (jobs in service), sorted by process and time, one row per moment the state
        changes (after every event at that moment).
    """
    r = resources
    if node is not None:
        r = r[r["node"].astype(str) == node]
    if process is not None:
        r = r[r["process"].astype(str) == process]
    frames = []
    for (nd, pr), g in r.groupby(["node", "process"], observed=True, sort=True):
        n = g["containers"].to_numpy(dtype=float)
        arr, start, end = (g[c].to_numpy(dtype=float) for c in ("arrival_h", "start_h", "end_h"))
        ok_s, ok_e = ~np.isnan(start), ~np.isnan(end)
        time = np.concatenate([arr, start[ok_s], end[ok_e]])
        dq = np.concatenate([np.ones(len(arr)), -np.ones(ok_s.sum()), np.zeros(ok_e.sum())])
        dqc = np.concatenate([n, -n[ok_s], np.zeros(ok_e.sum())])
        db = np.concatenate([np.zeros(len(arr)), np.ones(ok_s.sum()), -np.ones(ok_e.sum())])
        order = np.argsort(time, kind="stable")
        frame = pd.DataFrame(
            {
                "node": str(nd),
                "process": str(pr),
                "time_h": time[order],
                "queue": np.cumsum(dq[order]),
                "queue_containers": np.cumsum(dqc[order]),
                "busy": np.cumsum(db[order]),
            }
        )
        frames.append(frame.drop_duplicates("time_h", keep="last"))
    if not frames:
        return pd.DataFrame(
            {
                "node": pd.Series(dtype=str),
                "process": pd.Series(dtype=str),
                "time_h": pd.Series(dtype=float),
                "queue": pd.Series(dtype=float),
                "queue_containers": pd.Series(dtype=float),
                "busy": pd.Series(dtype=float),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    for col in ("queue", "queue_containers", "busy"):
        out[col] = out[col].round(9).astype(int)
    return out


def _time_average(times: np.ndarray, values: np.ndarray, start: float, end: float) -> float:
    """Mean of a step function (``values[i]`` from ``times[i]``, 0 before) over [start, end]."""
    if end <= start:
        return math.nan
    if not len(times):
        return 0.0
    t = np.clip(np.append(times, end), start, end)
    return float(np.sum(values * np.diff(t)) / (end - start))


def servers_of(model: Model, end_h: float | None = None) -> dict[tuple[str, str], float]:
    """Servers of every capacity-limited process of a model, averaged over time.

    Parameters
    ----------
    model
        The compiled model of the run (:func:`corridor.run.load_model`).
    end_h
        Average the servers over ``[0, end_h]`` hours, taking the scenario's capacity changes
        into account; defaults to the horizon.

    Returns
    -------
    dict
        ``{(node, process): servers}`` (a float when capacity changes over time).
    """
    end = model.horizon_h if end_h is None else end_h
    out: dict[tuple[str, str], float] = {}
    for node in model.nodes:
        for p in node.processes:
            if p.servers is None:
                continue
            times, values = [0.0], [float(p.servers)]
            for t, ni, pi, servers in model.capacity_changes:
                if ni == node.index and pi == p.index:
                    times.append(t)
                    values.append(float(servers))
            out[(node.id, p.name)] = _time_average(np.array(times), np.array(values), 0.0, end)
    return out


def _servers_from_network(network: Network) -> dict[tuple[str, str], float]:
    return {
        (n.id, p.name): float(p.servers)
        for n in network.nodes.values()
        for p in n.processes
        if p.servers is not None
    }


def utilisation(
    resources: pd.DataFrame,
    servers: Mapping[tuple[str, str], float] | Model | Network | None,
    end_h: float,
    start_h: float = 0.0,
) -> pd.DataFrame:
    """Utilisation, queues and waits of every capacity-limited process.

    Parameters
    ----------
    resources
        The ``resources`` table.
    servers
        Servers per ``(node, process)``: a mapping, the run's compiled
        :class:`~corridor.compiled.Model` (exact, with capacity changes, via
        :func:`servers_of`), or the :class:`~corridor.network.Network` (its own servers:
        scenario changes are not seen). Processes without a known count get no utilisation.
    end_h, start_h
        The period to average over, hours.

    Returns
    -------
    pandas.DataFrame
        One row per process: ``node``, ``process``, ``activity``, ``servers``, ``jobs``,
        ``containers``, ``busy_h`` (server-hours in service), ``mean_busy`` (servers busy on
        average), ``utilisation`` (``mean_busy / servers``), ``mean_queue``, ``max_queue``
        (jobs waiting), ``mean_wait_h`` and ``p90_wait_h`` (jobs arrived in the period).
    """
    from corridor.compiled import Model
    from corridor.network import Network

    if isinstance(servers, Model):
        known = servers_of(servers, end_h)
    elif isinstance(servers, Network):
        known = _servers_from_network(servers)
    else:
        known = dict(servers or {})
    series = resource_series(resources)
    rows = []
    for (nd, pr), g in resources.groupby(["node", "process"], observed=True, sort=True):
        s = series[(series["node"] == str(nd)) & (series["process"] == str(pr))]
        times = s["time_h"].to_numpy()
        mean_busy = _time_average(times, s["busy"].to_numpy(dtype=float), start_h, end_h)
        mean_queue = _time_average(times, s["queue"].to_numpy(dtype=float), start_h, end_h)
        inside = (times >= start_h) & (times < end_h)
        arrived = g[(g["arrival_h"] >= start_h) & (g["arrival_h"] < end_h)]
        c = known.get((str(nd), str(pr)), math.nan)
        rows.append(
            {
                "node": str(nd),
                "process": str(pr),
                "activity": str(g["activity"].iloc[0]),
                "servers": c,
                "jobs": len(arrived),
                "containers": int(arrived["containers"].sum()),
                "busy_h": mean_busy * (end_h - start_h),
                "mean_busy": mean_busy,
                "utilisation": mean_busy / c if c and c == c else math.nan,
                "mean_queue": mean_queue,
                "max_queue": int(s["queue"].to_numpy()[inside].max()) if inside.any() else 0,
                "mean_wait_h": arrived["wait_h"].mean(),
                "p90_wait_h": arrived["wait_h"].quantile(0.9),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- cost


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


# --------------------------------------------------------------------------- emissions


def emission_factors() -> pd.DataFrame:
    """Default CO2e factors per mode and fuel, kg CO2e per TEU-km, well-to-wheel.

    The factors follow the GLEC Framework / ISO 14083 approach (well-to-wheel, averages that
    include empty running and typical loads). Only the sea value is a published figure, and
    it was read from a secondary listing, not from the GLEC document itself. The rail and road
    values are **assumptions** of the right order of magnitude, to be replaced with
    sourced values (for instance from the GLEC Framework v3 default tables) before any
    emissions figure is quoted:

    ====  ========  =====  =================================================================
    mode  fuel      kg     basis
    ====  ========  =====  =================================================================
    sea   hfo       0.089  GLEC Framework v3.1 (2024) trade-lane default, container ship (dry),
                           Europe–Africa: 0.0894 kg CO2e/TEU-km, as listed by Climatiq. Used as
                           a stand-in for Indian Ocean services; small Caspian river-sea ships
                           probably emit more per TEU-km (assumption).
    sea   lng       0.075  assumption: about 15 % below hfo.
    rail  diesel    0.25   assumption: about 25 g CO2e/t-km for a diesel container train
                           times 10 t of cargo per TEU.
    rail  electric  0.10   assumption: about 10 g CO2e/t-km on a fossil-heavy grid
                           times 10 t per TEU.
    road  diesel    0.70   assumption: about 70 g CO2e/t-km for a 40 t articulated truck
                           times 10 t per TEU.
    road  lng       0.60   assumption: about 15 % below diesel.
    ====  ========  =====  =================================================================

    Returns
    -------
    pandas.DataFrame
        ``mode``, ``fuel``, ``kg_co2e_per_teu_km``, ``status`` (``published`` or
        ``assumption``) and ``basis``. Change it and pass it to :func:`co2e_per_teu`.
    """
    rows = [
        (
            "sea",
            "hfo",
            0.0894,
            "published",
            "GLEC Framework v3.1 (2024) trade-lane default, container ship (dry), Europe-Africa, "
            "via Climatiq's listing; stand-in for Indian Ocean and Caspian services",
        ),
        ("sea", "lng", 0.075, "assumption", "about 15 % below the hfo value"),
        (
            "rail",
            "diesel",
            0.25,
            "assumption",
            "about 25 g CO2e/t-km for a diesel container train x 10 t cargo per TEU",
        ),
        (
            "rail",
            "electric",
            0.10,
            "assumption",
            "about 10 g CO2e/t-km on a fossil-heavy grid x 10 t cargo per TEU",
        ),
        (
            "road",
            "diesel",
            0.70,
            "assumption",
            "about 70 g CO2e/t-km for a 40 t articulated truck x 10 t cargo per TEU",
        ),
        ("road", "lng", 0.60, "assumption", "about 15 % below the diesel value"),
    ]
    return pd.DataFrame(rows, columns=["mode", "fuel", "kg_co2e_per_teu_km", "status", "basis"])


def _factor_table(
    factors: pd.DataFrame | Mapping[tuple[str, str], float] | None,
) -> dict[tuple[str, str], float]:
    if factors is None:
        factors = emission_factors()
    if isinstance(factors, pd.DataFrame):
        return {
            (str(m), str(f)): float(v)
            for m, f, v in zip(
                factors["mode"], factors["fuel"], factors["kg_co2e_per_teu_km"], strict=True
            )
        }
    return {(str(m), str(f)): float(v) for (m, f), v in factors.items()}


def co2e_by_leg(
    stages: pd.DataFrame,
    factors: pd.DataFrame | Mapping[tuple[str, str], float] | None = None,
    fuel_by_mode: Mapping[str, str] | None = None,
    leg_fuel: Mapping[str, str] | None = None,
    departures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """CO2e per TEU of every leg of every route.

    Parameters
    ----------
    stages
        The ``stages`` table (for the legs of each route, their modes and lengths).
    factors
        kg CO2e per TEU-km by ``(mode, fuel)``: a table like :func:`emission_factors` or a
        mapping; defaults to :func:`emission_factors`.
    fuel_by_mode
        The fuel of legs by mode; defaults to :data:`DEFAULT_FUEL_BY_MODE`.
    leg_fuel
        The fuel of particular legs, by leg id (electrified rail, say).
    departures
        For the legs' end nodes (optional).

    Returns
    -------
    pandas.DataFrame
        :func:`route_legs` with ``fuel``, ``kg_co2e_per_teu_km`` and ``co2e_kg_per_teu``.

    Raises
    ------
    ValueError
        If a leg's mode and fuel have no factor.
    """
    table = _factor_table(factors)
    fuels = dict(DEFAULT_FUEL_BY_MODE if fuel_by_mode is None else fuel_by_mode)
    chain = route_legs(stages, departures)
    fuel = [
        (leg_fuel or {}).get(leg, fuels.get(mode, ""))
        for leg, mode in zip(chain["leg"], chain["mode"], strict=True)
    ]
    missing = sorted({(m, f) for m, f in zip(chain["mode"], fuel, strict=True)} - set(table))
    if missing:
        shown = ", ".join(f"{m}/{f or '?'}" for m, f in missing)
        raise ValueError(
            f"no emission factor for mode/fuel {shown}; known: "
            + ", ".join(f"{m}/{f}" for m, f in sorted(table))
        )
    factor = [table[(m, f)] for m, f in zip(chain["mode"], fuel, strict=True)]
    out = chain.assign(fuel=fuel, kg_co2e_per_teu_km=factor)
    out["co2e_kg_per_teu"] = out["length_km"] * out["kg_co2e_per_teu_km"]
    return out


def co2e_per_teu(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    factors: pd.DataFrame | Mapping[tuple[str, str], float] | None = None,
    fuel_by_mode: Mapping[str, str] | None = None,
    leg_fuel: Mapping[str, str] | None = None,
    include_warmup: bool = False,
) -> pd.DataFrame:
    """CO2e per TEU and per TEU-km of each route, and the total for delivered containers.

    Parameters
    ----------
    trips, stages
        The run's tables.
    factors, fuel_by_mode, leg_fuel
        As for :func:`co2e_by_leg`.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per route: ``km``, ``co2e_kg_per_teu``, ``co2e_g_per_teu_km``,
        ``co2e_kg_per_teu_<mode>`` for each mode, ``teu`` delivered and ``co2e_t`` (tonnes for
        them).
    """
    legs = co2e_by_leg(stages, factors, fuel_by_mode, leg_fuel)
    per_route = legs.groupby("route", sort=True).agg(
        km=("length_km", "sum"), co2e_kg_per_teu=("co2e_kg_per_teu", "sum")
    )
    per_route["co2e_g_per_teu_km"] = (
        1000.0 * per_route["co2e_kg_per_teu"] / per_route["km"].replace(0.0, np.nan)
    )
    by_mode = legs.pivot_table(
        index="route", columns="mode", values="co2e_kg_per_teu", aggfunc="sum"
    ).fillna(0.0)
    for mode in by_mode.columns:
        per_route[f"co2e_kg_per_teu_{mode}"] = by_mode[mode]
    t = measured_trips(trips, include_warmup)
    teu = t.groupby(t["route"].astype(str))["teu"].sum().astype(float)
    per_route["teu"] = teu.reindex(per_route.index).fillna(0.0)
    per_route["co2e_t"] = per_route["teu"] * per_route["co2e_kg_per_teu"] / 1000.0
    per_route.index.name = "route"
    return per_route.reset_index()


# --------------------------------------------------------------------------- ESCAP paths


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
