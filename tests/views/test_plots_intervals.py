"""Charts of experiments: forest plots of intervals and of paired differences, convergence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.axes import Axes

from corridor.kpis import ALL_ROUTES
from corridor.views.figures import save_figure
from corridor.views.plots import (
    plot_intervals,
    plot_paired_differences,
    plot_replication_convergence,
)


def _top_down(ax: Axes) -> list[str]:
    """The row labels from the top of the chart down."""
    ticks = zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True)
    return [label for _, label in sorted(ticks, reverse=True)]


def _comparison() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "level": ["route", "flow", "route"],
            "flow": ["f", "f", "f"],
            "route": ["r2", ALL_ROUTES, "r1"],
            "metric": "p50_days",
            "diff": [3.0, 0.4, -1.0],
            "ci_low": [2.5, 0.1, -1.5],
            "ci_high": [3.5, 0.7, -0.5],
            "unit": "d",
            "significant": True,
            "practical": [True, False, True],
        }
    )


def test_forest_plot_has_a_row_per_difference_top_down(tmp_path: Path) -> None:
    fig = plot_paired_differences(_comparison(), "p50_days", min_effect_days=0.5)
    ax = fig.axes[0]
    assert _top_down(ax) == ["f r2", "f (all routes)", "f r1"]  # the table's order
    assert "P50 transit (days)" in ax.get_xlabel()
    path = save_figure(fig, tmp_path / "forest.svg")
    assert "<svg" in path.read_text(encoding="utf-8")[:500]


def test_forest_plot_of_a_missing_metric_says_which_there_are() -> None:
    with pytest.raises(
        ValueError, match=r"no comparison rows for metric 'p95_days' \(metrics: p50_days\)"
    ):
        plot_paired_differences(_comparison(), "p95_days")


def test_save_figure_refuses_other_suffixes(tmp_path: Path) -> None:
    fig = plot_paired_differences(_comparison())
    with pytest.raises(ValueError, match=r"f\.pdf: a chart is written as png or svg; .*f\.png"):
        save_figure(fig, tmp_path / "f.pdf")


def test_intervals_and_convergence_draw_one_row_or_line_per_route() -> None:
    stats = pd.DataFrame(
        {"scenario": "A", "flow": "f", "route": ["r1", "r2"], "metric": "mean_days",
         "mean": [5.0, 3.0], "ci_low": [4.0, 2.5], "ci_high": [6.0, 3.5], "unit": "d"}
    )  # fmt: skip
    fig = plot_intervals(stats, "mean_days", labels={"r1": "Route one"})
    assert _top_down(fig.axes[0]) == ["f r2", "f Route one"]  # smallest mean on top
    conv = pd.DataFrame(
        {"scenario": "A", "flow": "f", "route": "r1", "metric": "mean_days",
         "replications": [1, 2, 3], "mean": [1.0, 1.5, 2.0],
         "half_width": [float("nan"), 6.4, 2.5], "unit": "d"}
    )  # fmt: skip
    fig = plot_replication_convergence(conv, "mean_days")
    top, bottom = fig.axes[:2]
    assert list(top.lines[0].get_ydata()) == [1.0, 1.5, 2.0]
    assert bottom.get_ylabel() == "CI half-width (days)"
