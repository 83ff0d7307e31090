"""Tests of corridor.views.plots.choice: the convergence and diversion charts."""

from __future__ import annotations

import pandas as pd

from corridor.views import plots


def _assignment() -> pd.DataFrame:
    rows = []
    for k, (s, gap) in enumerate([(0.5, 0.4), (0.9, 0.05), (0.88, 0.004)]):
        for route, share in (("a", s), ("b", 1 - s)):
            rows.append({"iteration": k, "flow": "f", "route": route, "share": share, "gap": gap})
    return pd.DataFrame(rows)


def test_convergence_draws_a_line_per_route_and_the_gap() -> None:
    fig = plots.plot_convergence(_assignment())
    shares, gap = fig.axes
    assert [line.get_label() for line in shares.get_lines()] == ["a", "b"]
    assert list(gap.get_lines()[0].get_ydata()) == [0.4, 0.05, 0.004]
    assert gap.get_yscale() == "log"


def test_diversion_draws_a_bar_per_route_sorted_by_what_moved() -> None:
    moved = pd.DataFrame(
        {"flow": ["f", "f"], "route": ["suez", "western"], "moved_teu_per_day": [-9.0, 10.0],
         "ci_low": [-10.0, 9.0], "ci_high": [-8.0, 11.0]}
    )  # fmt: skip
    fig = plots.plot_diversion(moved)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["suez", "western"]
    assert [p.get_width() for p in ax.patches] == [-9.0, 10.0]
