"""Which containers the statistics count."""

from __future__ import annotations

import math

import pandas as pd

from corridor import kpis


def test_measured_trips_leave_out_the_warm_up_and_those_in_transit() -> None:
    trips = pd.DataFrame(
        {
            "container": [0, 1, 2],
            "in_warmup": [True, False, False],
            "delivered_h": [5.0, 9.0, math.nan],
        }
    )
    assert kpis.measured_trips(trips)["container"].tolist() == [1]
    assert kpis.measured_trips(trips, include_warmup=True)["container"].tolist() == [0, 1]
    assert kpis.measured_trips(trips, delivered_only=False)["container"].tolist() == [1, 2]
