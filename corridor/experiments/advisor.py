"""How many replications give a confidence interval of a target half-width.

With ``n`` replications whose values have standard deviation ``s``, the t interval's
half-width is ``t(1 - α/2, n - 1) · s / √n``. From a pilot experiment (its ``s`` estimated from
the replications run so far), the advice is the smallest ``n`` for which that half-width is at
most the target (Law, *Simulation Modeling and Analysis*, 5th ed., section 9.4.1, the
"approximate number of replications"). It is an estimate: ``s`` itself is uncertain, so run
the advised number and check the interval; with fewer than about 10 pilot replications, add a
margin.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy.stats import t as student_t

__all__ = ["advise_replications", "replications_needed"]

MAX_REPLICATIONS = 100_000


def replications_needed(sd: float, half_width: float, confidence: float = 0.95) -> int:
    """The smallest number of replications (at least 2) whose t interval is that narrow.

    Parameters
    ----------
    sd
        Standard deviation of one replication's value (from a pilot), in the value's unit.
    half_width
        Target half-width, same unit, > 0.
    confidence
        Two-sided confidence level.

    Raises
    ------
    ValueError
        If ``half_width`` is not positive or ``sd`` is negative or NaN.
    """
    if not half_width > 0:
        raise ValueError(f"the target half-width must be > 0, got {half_width}")
    if not sd >= 0:
        raise ValueError(f"the standard deviation must be >= 0, got {sd}")
    if sd == 0:
        return 2
    p = 0.5 + confidence / 2.0
    n = max(2, math.ceil((1.959964 * sd / half_width) ** 2))  # normal approximation, a floor
    while float(student_t.ppf(p, n - 1)) * sd / math.sqrt(n) > half_width:
        n += 1
        if n > MAX_REPLICATIONS:
            return MAX_REPLICATIONS
    while n > 2 and float(student_t.ppf(p, n - 2)) * sd / math.sqrt(n - 1) <= half_width:
        n -= 1
    return n


def advise_replications(
    statistics: pd.DataFrame,
    half_width: float | None = None,
    relative: float | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Replications needed per scenario, flow, route and statistic for a target precision.

    Parameters
    ----------
    statistics
        From :func:`corridor.experiments.analysis.summary_statistics` (needs ``n``, ``mean``,
        ``sd``, ``half_width``).
    half_width
        Target half-width in each statistic's own unit (days for transit times, TEU/day for
        throughput).
    relative
        Target half-width as a share of the mean (0.05 for ± 5 %); used where ``half_width``
        is not given, or together with it (the stricter of the two wins).
    confidence
        Two-sided confidence level.

    Returns
    -------
    DataFrame
        The input's key columns with ``n`` (replications so far), ``half_width`` (now),
        ``target``, ``needed`` and ``more`` (``needed - n``, at least 0).

    Raises
    ------
    ValueError
        If neither target is given.
    """
    if half_width is None and relative is None:
        raise ValueError("give a target half-width, a relative one, or both")
    out = statistics.copy()
    targets: list[float] = []
    needed: list[int | None] = []
    for _, row in out.iterrows():
        goals = []
        if half_width is not None:
            goals.append(half_width)
        if relative is not None and row["mean"] == row["mean"] and row["mean"] != 0:
            goals.append(relative * abs(row["mean"]))
        target = min(goals) if goals else math.nan
        targets.append(target)
        if row["n"] < 2 or not target > 0 or row["sd"] != row["sd"]:
            needed.append(None)
        else:
            needed.append(replications_needed(float(row["sd"]), target, confidence))
    out["target"] = targets
    out["needed"] = pd.array(needed, dtype="Int64")
    out["more"] = (out["needed"] - out["n"]).clip(lower=0)
    keep = [c for c in ("scenario", "flow", "route", "metric", "unit") if c in out]
    return out[[*keep, "n", "half_width", "target", "needed", "more"]]
