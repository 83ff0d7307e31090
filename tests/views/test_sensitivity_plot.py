"""The sensitivity chart: factors ranked by their largest effect, a bar per output."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from corridor.views.plots import plot_sensitivity


def _morris() -> pd.DataFrame:
    rows = []
    for output, effects in (("a P50", (2.0, 0.5, 0.0)), ("a − b P50", (1.0, 3.0, 0.0))):
        for factor, mu_star in zip(("x", "y", "z"), effects, strict=True):
            rows.append(
                {
                    "output": output,
                    "factor": factor,
                    "mu_star": mu_star,
                    "mu_star_conf": 0.1,
                    "below_noise": mu_star == 0.0,
                }
            )
    return pd.DataFrame(rows)


def test_morris_bars_are_ranked_by_the_largest_effect() -> None:
    fig = plot_sensitivity(_morris())
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["y", "x", "z"]  # 3.0, 2.0, 0.0
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == [0.0, 0.0, 0.5, 1.0, 2.0, 3.0]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2  # z, at the noise level, in both outputs
    assert "Morris" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["a P50", "a − b P50"]


def test_sobol_draws_st_with_s1_inside_on_a_given_axes() -> None:
    table = pd.DataFrame(
        {
            "output": ["a P50"] * 2,
            "factor": ["x", "y"],
            "S1": [0.6, 0.1],
            "S1_conf": [0.05, 0.05],
            "ST": [0.7, 0.2],
            "ST_conf": [0.05, 0.05],
            "below_noise": [False, False],
        }
    )
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_sensitivity(table, ax=ax) is fig
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == [0.1, 0.2, 0.6, 0.7]
    assert "Sobol" in ax.get_xlabel()


def test_a_table_without_indices_or_outputs_is_an_error() -> None:
    with pytest.raises(ValueError, match="neither mu_star"):
        plot_sensitivity(pd.DataFrame({"output": ["a"], "factor": ["x"]}))
    with pytest.raises(ValueError, match="no indices of 'b P90'"):
        plot_sensitivity(_morris(), outputs=["b P90"])
