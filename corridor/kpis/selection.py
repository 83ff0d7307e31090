"""Which containers KPIs are computed over, and small helpers shared by the KPI modules.

Unless a function says otherwise, statistics are over containers created after the warm-up
(``trips.in_warmup`` is false) and delivered before the end of the horizon
(:func:`measured_trips`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["measured_trips"]


def measured_trips(
    trips: pd.DataFrame,
    include_warmup: bool = False,
    delivered_only: bool = True,
    include_empties: bool = False,
) -> pd.DataFrame:
    """The trips that statistics are computed over: shippers' containers, after the warm-up.

    Parameters
    ----------
    trips
        The ``trips`` table.
    include_warmup
        Keep containers created during the warm-up.
    delivered_only
        Keep only containers delivered before the end of the horizon.
    include_empties
        Keep empty containers sent back to balance the directions (``kind == "empty"``) and
        the probes that time a choosing flow's routes (``kind == "probe"``); they take
        capacity but are no shipper's cargo.

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
    if not include_empties and "kind" in trips:
        keep &= (trips["kind"] == "loaded").to_numpy()
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


def _codes(column: pd.Series) -> tuple[list[str], np.ndarray]:
    """The category names (as str) and codes of a column, made categorical if it is not."""
    cat = column.astype("category")
    return [str(c) for c in cat.cat.categories], cat.cat.codes.to_numpy()
