"""Tests of corridor.choice.diversion: the cargo that moves between routes, paired by run."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from corridor.choice import diversion, diversion_lines


def _runs(rows: list[tuple[int, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"replication": r, "flow": "f", "route": route, "demand_teu_per_day": teu,
             "share": share, "throughput_teu_per_day": -1.0}
            for r, route, teu, share in rows
        ]
    )  # fmt: skip


def test_what_moves_is_shipped_cargo_paired_by_replication() -> None:
    a = _runs([(0, "west", 60, 0.6), (0, "suez", 40, 0.4), (1, "west", 62, 0.62),
               (1, "suez", 38, 0.38)])  # fmt: skip
    b = _runs([(0, "west", 70, 0.7), (0, "suez", 30, 0.3), (1, "west", 76, 0.76),
               (1, "suez", 24, 0.24), (0, "rail", 1, 0.01), (1, "rail", 3, 0.03)])  # fmt: skip
    table = diversion(a, b).set_index("route")
    # west moved +10 and +14 in the two pairs: mean 12, standard deviation 2 sqrt 2, so the
    # t interval is 12 +- t(0.975, 1) x 2 sqrt 2 / sqrt 2
    half = stats.t.ppf(0.975, 1) * 2.0
    assert table.loc["west", "moved_teu_per_day"] == pytest.approx(12.0)
    assert table.loc["west", "ci_low"] == pytest.approx(12.0 - half)
    assert table.loc["west", "ci_high"] == pytest.approx(12.0 + half)
    assert table.loc["west", "share_a"] == pytest.approx(0.61)
    assert table.loc["west", "share_b"] == pytest.approx(0.73)
    # a route only B has carried nothing in A
    assert table.loc["rail", "teu_per_day_a"] == 0.0
    assert table.loc["rail", "moved_teu_per_day"] == pytest.approx(2.0)
    assert list(table.index) == ["west", "rail", "suez"]  # most gained first
    assert table["pairs"].tolist() == [2, 2, 2]


def test_the_sentence_leaves_out_small_moves() -> None:
    a = _runs([(0, "west", 60, 0.6), (0, "suez", 40, 0.4)])
    b = _runs([(0, "west", 70, 0.7), (0, "suez", 29.8, 0.298), (0, "rail", 0.2, 0.002)])
    lines = diversion_lines(diversion(a, b), "railway open")
    assert lines == [
        "flow f: railway open: west +10.0 TEU/day (share 60.0% -> 70.0%), "
        "suez -10.2 TEU/day (share 40.0% -> 29.8%)"
    ]
