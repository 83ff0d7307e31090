"""Queues, utilisation, servers over time and load factors, by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from corridor import kpis
from corridor.results import Results
from corridor.run import load_model, simulate
from tests.builders import flow, scenario
from tests.small_runs import two_leg_network


def _jobs() -> pd.DataFrame:
    # one server: job 0 served 0-4, job 1 waits 1-4 and is served 4-6, job 2 waits 2-6 and
    # is still in service at the end (no end time)
    return pd.DataFrame(
        {
            "node": "B",
            "process": "lane",
            "activity": "border",
            "arrival_h": [0.0, 1.0, 2.0],
            "start_h": [0.0, 4.0, 6.0],
            "end_h": [4.0, 6.0, math.nan],
            "wait_h": [0.0, 3.0, 4.0],
            "containers": [1, 3, 1],
            "teu": [1.0, 4.0, 2.0],
        }
    )


def test_queue_length_series_of_a_tiny_resources_table() -> None:
    s = kpis.resource_series(_jobs())
    assert s["time_h"].tolist() == [0.0, 1.0, 2.0, 4.0, 6.0]
    assert s["queue"].tolist() == [0, 1, 2, 1, 0]
    assert s["queue_containers"].tolist() == [0, 3, 4, 1, 0]
    assert s["busy"].tolist() == [1, 1, 1, 1, 1]


def test_utilisation_and_time_averaged_queue_by_hand() -> None:
    u = kpis.utilisation(_jobs(), {("B", "lane"): 1}, end_h=10.0).iloc[0]
    assert u["utilisation"] == pytest.approx(1.0)  # busy all 10 h
    # queue: 1 job over [1, 2), 2 over [2, 4), 1 over [4, 6): 7 job-hours in 10 h
    assert u["mean_queue"] == pytest.approx(0.7)
    assert u["max_queue"] == 2
    assert u["mean_wait_h"] == pytest.approx(7 / 3)
    halved = kpis.utilisation(_jobs(), {("B", "lane"): 2}, end_h=10.0).iloc[0]
    assert halved["utilisation"] == pytest.approx(0.5)


def test_utilisation_without_a_server_count_is_missing_not_wrong() -> None:
    u = kpis.utilisation(_jobs(), None, end_h=10.0).iloc[0]
    assert math.isnan(u["utilisation"])
    assert u["mean_busy"] == pytest.approx(1.0)


def _crane_doubled_on_day_5() -> Results:
    """The two-leg run over 10 days, its crane going from 1 to 3 servers on day 5."""
    sc = scenario(
        [flow("f", "O", "D", 1.0, {"main": 1.0})],
        {"main": ["O-X", "X-X", "X-D"]},
        horizon_days=10,
        capacity_changes=[{"node": "O", "process": "crane", "servers": 3, "at_day": 5}],
    )
    return simulate(sc, network=two_leg_network())


def test_servers_of_a_run_average_capacity_changes_over_time() -> None:
    processes = _crane_doubled_on_day_5().processes
    assert kpis.servers_of(processes) == {("O", "crane"): pytest.approx(2.0)}  # 1 then 3
    # over the first 8 days: 5 days at 1 and 3 days at 3 servers
    assert kpis.servers_of(processes, end_h=192.0) == {("O", "crane"): pytest.approx(14 / 8)}


def test_utilisation_takes_the_servers_from_the_processes_table() -> None:
    res = _crane_doubled_on_day_5()
    u = kpis.utilisation(res.resources, res.processes, res.horizon_h).set_index("node")
    assert u.loc["O", "servers"] == pytest.approx(2.0)
    assert u.loc["O", "utilisation"] == pytest.approx(u.loc["O", "mean_busy"] / 2.0)


def test_utilisation_refuses_a_model_and_names_the_table_to_pass() -> None:
    sc = scenario([flow("f", "O", "D", 1.0, {"main": 1.0})], {"main": ["O-X", "X-X", "X-D"]})
    model = load_model(sc, two_leg_network())
    with pytest.raises(TypeError, match=r"pass the run's processes table \(results.processes\)"):
        kpis.utilisation(_jobs(), model, end_h=10.0)


def test_load_factors_per_leg() -> None:
    deps = pd.DataFrame(
        {
            "leg": ["a", "a", "a", "b"],
            "mode": ["rail", "rail", "rail", "sea"],
            "from_node": ["X", "X", "Y", "Y"],
            "to_node": ["Y", "Y", "X", "Z"],
            "direction": ["out", "out", "return", "out"],
            "load_teu": [90.0, 45.0, 0.0, 10.0],
            "capacity_teu": [90.0, 90.0, 90.0, 100.0],
            "load_factor": [1.0, 0.5, 0.0, 0.1],
        }
    )
    lf = kpis.load_factors(deps).set_index("leg")
    assert lf.loc["a", "departures"] == 2  # the empty return is left out
    assert lf.loc["a", "load_factor"] == pytest.approx(135 / 180)
    assert lf.loc["a", "share_full"] == pytest.approx(0.5)
    assert lf.loc["b", "mean_load_factor"] == pytest.approx(0.1)
    assert (
        kpis.load_factors(deps, include_returns=True).set_index("leg").loc["a", "departures"] == 3
    )
