"""Reliability and throughput on tiny hand-made trips tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from corridor import kpis


def _trips(transit_days: list[float], created_h: list[float] | None = None) -> pd.DataFrame:
    n = len(transit_days)
    created = np.array(created_h if created_h is not None else [0.0] * n)
    transit = np.array(transit_days) * 24.0
    return pd.DataFrame(
        {
            "container": np.arange(n),
            "flow": "f",
            "route": "r",
            "teu": np.ones(n, dtype=int),
            "created_h": created,
            "delivered_h": created + transit,
            "transit_h": transit,
            "transit_days": transit / 24.0,
            "km": 1000.0,
            "cost_usd": 500.0,
            "in_warmup": False,
        }
    )


def test_on_time_share_and_p95_p50_spread_by_hand() -> None:
    t = _trips([10, 11, 12, 13, 20])
    r = kpis.reliability(t, promised_days=12).iloc[0]
    assert r["counted"] == 5
    assert r["on_time"] == 3
    assert r["on_time_share"] == pytest.approx(0.6)
    assert r["p50_days"] == pytest.approx(12.0)
    assert r["p95_days"] == pytest.approx(13 + 0.8 * 7)  # linear interpolation
    assert r["spread_p95_p50_days"] == pytest.approx(13 + 0.8 * 7 - 12)


def test_containers_in_transit_past_the_promise_count_as_late() -> None:
    t = _trips([10, 11, math.nan, math.nan], created_h=[0, 0, 0, 900])
    # at 960 h (40 days) the third is 40 days old (late), the fourth 2.5 days (not judged)
    r = kpis.reliability(t, promised_days=12, end_h=960.0).iloc[0]
    assert r["counted"] == 3
    assert r["late_in_transit"] == 1
    assert r["on_time_share"] == pytest.approx(2 / 3)


def test_throughput_counts_boxes_created_and_delivered_in_the_period() -> None:
    t = _trips([1, 1, 1, 1], created_h=[0, 24, 48, 240])
    t.loc[1, "teu"] = 2
    out = kpis.throughput(t, end_h=240.0, start_h=24.0).iloc[0]
    # created at 0 (in the warm-up), 24, 48, 240; delivered at 24, 48, 72, 264 h:
    # the second (2 TEU) and third (1 TEU) count, 3 TEU over 9 days
    assert out["containers"] == 2
    assert out["throughput_teu_per_day"] == pytest.approx(3 / 9)


def test_throughput_leaves_out_empties_and_probes() -> None:
    t = _trips([1, 1, 1], created_h=[24, 24, 24])
    t["kind"] = ["loaded", "empty", "probe"]
    out = kpis.throughput(t, end_h=240.0, start_h=24.0).iloc[0]
    assert out["containers"] == 1
    assert out["throughput_teu_per_day"] == pytest.approx(1 / 9)
