"""Capacity: vehicle load factors, queues and busy servers over time, utilisation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from corridor.inputs.network import Network

__all__ = ["load_factors", "resource_series", "servers_of", "utilisation"]


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


def servers_of(processes: pd.DataFrame, end_h: float | None = None) -> dict[tuple[str, str], float]:
    """Servers of every capacity-limited process of a run, averaged over time.

    Parameters
    ----------
    processes
        The run's ``processes`` table: servers of each process from ``from_h``, capacity
        changes included (:func:`corridor.results.model_tables.processes_table`).
    end_h
        Average the servers over ``[0, end_h]`` hours; defaults to the horizon (where the
        last row of each process ends, ``until_h``).

    Returns
    -------
    dict
        ``{(node, process): servers}`` (a float when capacity changes over time).
    """
    if processes.empty:
        return {}
    groups = processes.groupby(["node", "process"], sort=False, observed=True)
    end = float(groups["until_h"].last().max()) if end_h is None else end_h
    return {
        (str(node), str(process)): _time_average(
            g["from_h"].to_numpy(dtype=float), g["servers"].to_numpy(dtype=float), 0.0, end
        )
        for (node, process), g in groups
    }


def _servers_from_network(network: Network) -> dict[tuple[str, str], float]:
    return {
        (n.id, p.name): float(p.servers)
        for n in network.nodes.values()
        for p in n.processes
        if p.servers is not None
    }


def utilisation(
    resources: pd.DataFrame,
    servers: Mapping[tuple[str, str], float] | pd.DataFrame | Network | None,
    end_h: float,
    start_h: float = 0.0,
) -> pd.DataFrame:
    """Utilisation, queues and waits of every capacity-limited process.

    Parameters
    ----------
    resources
        The ``resources`` table.
    servers
        Servers per ``(node, process)``: the run's ``processes`` table (exact, with capacity
        changes, averaged over ``[0, end_h]`` by :func:`servers_of`), a mapping, or a
        :class:`~corridor.inputs.network.Network` (its own servers: scenario changes are not
        seen). Processes without a known count get no utilisation.
    end_h, start_h
        The period to average over, hours.

    Returns
    -------
    pandas.DataFrame
        One row per process: ``node``, ``process``, ``activity``, ``servers``, ``jobs``,
        ``containers``, ``busy_h`` (server-hours in service), ``mean_busy`` (servers busy on
        average), ``utilisation`` (``mean_busy / servers``), ``mean_queue``, ``max_queue``
        (jobs waiting), ``mean_wait_h`` and ``p90_wait_h`` (jobs arrived in the period).

    Raises
    ------
    TypeError
        If ``servers`` is a compiled model: pass the run's ``processes`` table instead.
    """
    known = _known_servers(servers, end_h)
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


def _known_servers(
    servers: Mapping[tuple[str, str], float] | pd.DataFrame | Network | None, end_h: float
) -> dict[tuple[str, str], float]:
    if servers is None:
        return {}
    if isinstance(servers, pd.DataFrame):
        return servers_of(servers, end_h)
    if isinstance(servers, Mapping):
        return dict(servers)
    if hasattr(servers, "capacity_changes"):
        raise TypeError(
            "servers: a compiled model is no longer accepted; pass the run's processes table "
            "(results.processes), which has its servers over time"
        )
    return _servers_from_network(servers)
