"""Sensitivity: which inputs drive each output, as bars with their confidence intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from corridor.views.style import axes

__all__ = ["plot_sensitivity"]


def plot_sensitivity(
    indices: pd.DataFrame, outputs: Sequence[str] | None = None, *, ax: Axes | None = None
) -> Figure:
    """The factors of a sensitivity analysis ranked by their effect, one bar per output.

    Morris: ``mu*`` (the output's change over the factor's range, in days) with its
    bootstrap interval. Sobol: the total index ``ST`` (the share of the output's variance the
    factor takes part in) with its interval, and the first-order ``S1`` as a narrow dark bar
    inside it. Factors are sorted by their largest effect, the largest at the top, like a
    tornado chart; bars at or below the noise level of the stochastic part are hatched.

    Parameters
    ----------
    indices
        :attr:`corridor.experiments.SensitivityResults.indices` (or its saved ``indices.csv``).
    outputs
        The outputs to draw (their ``output`` names); default all.
    ax
        Axes to draw on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the table has neither Morris nor Sobol indices, or names none of ``outputs``.
    """
    sobol = "ST" in indices.columns
    if not sobol and "mu_star" not in indices.columns:
        raise ValueError("the table has neither mu_star (Morris) nor ST (Sobol) columns")
    main, conf = ("ST", "ST_conf") if sobol else ("mu_star", "mu_star_conf")
    names = list(dict.fromkeys(indices["output"])) if outputs is None else list(outputs)
    table = indices[indices["output"].isin(names)]
    if table.empty:
        raise ValueError(f"no indices of {', '.join(map(repr, names))} in the table")
    names = [n for n in names if n in set(table["output"])]
    order = table.groupby("factor", sort=False)[main].max().sort_values(ascending=False)
    factors = list(order.index)
    fig, ax = axes(ax, (8, 1.5 + 0.35 * len(factors) * max(1, len(names)) ** 0.5))
    cmap = colormaps["tab10" if len(names) <= 10 else "tab20"]
    height = 0.8 / len(names)
    y0 = np.arange(len(factors), dtype=np.float64)
    handles: list[Patch] = []
    for i, name in enumerate(names):
        rows = table[table["output"] == name].set_index("factor").reindex(factors)
        y = y0 - 0.4 + height * (i + 0.5)
        value = rows[main].to_numpy(np.float64)
        err = np.nan_to_num(rows[conf].to_numpy(np.float64))
        color = cmap(i % cmap.N)
        handles.append(Patch(color=color, alpha=0.8, label=name))
        low = rows["below_noise"].fillna(False).to_numpy(bool)
        bars = ax.barh(
            y, value, height=height * 0.9, xerr=err, color=color, alpha=0.8,
            error_kw={"elinewidth": 0.8, "capsize": 2},
        )  # fmt: skip
        for bar, hatch in zip(bars, low, strict=True):
            if hatch:
                bar.set_hatch("///")
                bar.set_alpha(0.4)
        if sobol:
            ax.barh(y, rows["S1"].to_numpy(np.float64), height=height * 0.2, color="black")
    ax.set_yticks(y0, factors)
    ax.invert_yaxis()
    ax.axvline(0.0, color="0.3", lw=0.8)
    handles.append(Patch(facecolor="white", edgecolor="0.3", hatch="///", label="≤ noise level"))
    if sobol:
        handles.append(Patch(color="black", label="S1 (first order)"))
        ax.set_xlabel("Sobol total index ST (share of the output's variance) with its interval")
        ax.set_title("Which inputs drive the outputs: Sobol indices")
    else:
        ax.set_xlabel("Morris μ* (change of the output over the factor's range, days)")
        ax.set_title("Which inputs drive the outputs: Morris screening")
    ax.legend(handles=handles, fontsize="small", loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    return fig
