"""The per flow and route summary: counts, transit days, shares, saturation status."""

from __future__ import annotations

import pytest

from corridor import kpis
from corridor.results import Results


def test_summary_of_the_two_leg_run_by_hand(run: Results) -> None:
    s = kpis.summarize(run.trips, run.stages, run.warmup_h, run.horizon_h)
    assert list(s.columns[: len(kpis.SUMMARY_COLUMNS)]) == kpis.SUMMARY_COLUMNS
    row = s.iloc[0]
    assert (row["flow"], row["route"], row["status"]) == ("f", "main", "ok")
    assert row["p50_days"] == pytest.approx(27 / 24)  # every container takes 27 h
    assert row["max_days"] == pytest.approx(27 / 24)
    assert row["created"] == row["delivered"] + row["in_transit"]
    assert row["share_travel"] == pytest.approx(13 / 27)


def test_results_summary_is_summarize_of_its_tables(busy: Results) -> None:
    expected = kpis.summarize(busy.trips, busy.stages, busy.warmup_h, busy.horizon_h)
    assert busy.summary().equals(expected)
