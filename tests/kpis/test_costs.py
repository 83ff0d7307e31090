"""Cost per TEU and the cost each stage adds."""

from __future__ import annotations

import numpy as np
import pytest

from corridor import kpis
from corridor.results import Results
from tests.small_runs import two_leg_network

# The two-leg run (see tests/small_runs.py): crane 2 h at O, rail 400 km at 40 km/h (10 h),
# border exit 5 h at X-IR, link 10 km at 10 km/h (1 h), border entry 7 h at X-AZ, road 100 km
# at 50 km/h (2 h): 27 h for 510 km, 13 h of it moving.


def test_cost_per_teu_is_legs_plus_node_charges(run: Results) -> None:
    c = kpis.cost_per_teu(run.trips).iloc[0]
    assert c["usd_per_teu"] == pytest.approx(100 + 80 + 20)
    assert c["usd_per_teu_km"] == pytest.approx(200 / 510)


def test_stage_costs_need_tariffs(run: Results) -> None:
    bare = run.stages.drop(columns="cost_usd")
    with pytest.raises(ValueError, match="need the network's tariffs"):
        kpis.stage_costs(bare, run.trips)
    costs = kpis.stage_costs(bare, run.trips, two_leg_network())
    np.testing.assert_allclose(costs, run.stages["cost_usd"])
    per_container = costs.groupby(run.stages["container"]).sum()
    delivered = kpis.measured_trips(run.trips)["container"]
    np.testing.assert_allclose(per_container.loc[delivered], 200.0)
