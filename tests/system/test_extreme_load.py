"""Demand far above capacity: the run completes, reports its backlog, says "saturated", and
the engine's own state grows only with what is in the system.

The output tables grow with the containers created: that is output, which a run with
``outputs: {stages: false, resources: false}`` keeps to the trips and departures tables (about
33 bytes a container while running). What is measured here is the rest: the engine's own state
(queues, events, fleets) with tracemalloc, after the run, net of the record buffers.
"""

from __future__ import annotations

import json
import sys
import tracemalloc
from array import array
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from corridor.cli.main import main
from corridor.engine.core import Engine
from corridor.errors import ScenarioError, SimulationError
from corridor.model.compile import build_model
from corridor.model.runtime import Model
from corridor.results import Results
from corridor.run import simulate
from tests.builders import flow, leg, network, node, proc, scenario
from tests.paths import DATA
from tests.strategies import time_limit

SATURATED_NOTE = (
    "saturated: the route cannot carry its demand and its backlog grows; the days above "
    "describe only the containers that got through and understate the delay."
)


def jammed_model(teu_per_day: float, days: float, outputs: bool = True) -> tuple[Any, Any]:
    """A port whose one crane handles 48 containers a day, then a train of 100 TEU twice a
    day and a border: at ``teu_per_day`` above 48 the crane's queue grows without end."""
    net = network(
        [
            node("P", proc("crane", 0.5, servers=1, activity="handling")),
            node("B", proc("border", 2.0, servers=2, per="vehicle", activity="border")),
            node("D"),
        ],
        [
            leg(
                "P-B",
                "P",
                "B",
                400,
                40,
                service={"type": "scheduled", "headway_h": 12, "capacity_teu": 100},
            ),
            leg(
                "B-D",
                "B",
                "D",
                100,
                50,
                service={"type": "when_full", "capacity_teu": 60, "max_wait_h": 24},
            ),
        ],
    )
    sc = scenario(
        [flow("f", "P", "D", teu_per_day, ["r"])],
        {"r": ["P-B", "B-D"]},
        horizon_days=days,
        warmup_days=0,
        outputs={"stages": outputs, "resources": outputs},
    )
    return sc, net


def queue_at(resources: pd.DataFrame, t: float) -> int:
    """Jobs waiting at time ``t``: arrived, not yet started."""
    started = resources["start_h"].fillna(np.inf)
    return int(((resources["arrival_h"] <= t) & (started > t)).sum())


@pytest.fixture(scope="module")
def jammed() -> Results:
    sc, net = jammed_model(teu_per_day=200, days=30)
    with time_limit(60):
        return simulate(sc, network=net)


def test_overloaded_run_completes_and_counts_its_backlog(jammed: Results) -> None:
    trips = jammed.trips
    created, delivered = len(trips), int(trips["delivered_h"].notna().sum())
    assert created > 5500  # 200 a day for 30 days
    # the crane handles 48 a day: what it did not handle is still in the system, counted
    assert delivered < 48 * 30
    s = jammed.summary()
    assert int(s["in_transit"].sum()) == created - delivered
    assert created - delivered > 4000


def test_queue_series_shows_the_backlog_growing(jammed: Results) -> None:
    crane = jammed.resources[jammed.resources["process"] == "crane"]
    day = 24.0
    queues = [queue_at(crane, t * day) for t in (5, 15, 29)]
    assert queues[0] < queues[1] < queues[2]
    # 200 arrive a day and 48 are served: the queue grows by about 152 a day
    growth = (queues[2] - queues[1]) / 14
    assert 130 < growth < 175


def test_summary_says_saturated_rather_than_printing_misleading_means(jammed: Results) -> None:
    row = jammed.summary().iloc[0]
    assert row["status"] == "saturated"
    assert row["backlog_growth_teu_per_day"] > 100
    # the means describe only the lucky few that got through
    assert row["throughput_teu_per_day"] < row["demand_teu_per_day"] / 3


def write_jam(folder: Path) -> Path:
    """A scenario file with one route that carries its demand and one that cannot."""
    point = {"type": "Point", "coordinates": [50.0, 35.0]}
    features = [
        {"type": "Feature", "geometry": {**point, "coordinates": [50.0 + i, 35.0]},
         "properties": {"id": nid, "name": nid, "country": "IR", "kind": "rail_terminal",
                        **extra}}
        for i, (nid, extra) in enumerate(
            [("P", {"processes": [{"name": "crane", "time_h": 0.5, "servers": 1}]}),
             ("Q", {}), ("D", {})]
        )
    ]  # fmt: skip
    legs = [
        ("P-D", "P", "D", {"type": "continuous"}),
        ("Q-D", "Q", "D", {"type": "scheduled", "headway_h": 24, "capacity_teu": 20}),
    ]
    at = {"P": [50.0, 35.0], "Q": [51.0, 35.0], "D": [52.0, 35.0]}
    for leg_id, a, b, service in legs:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [at[a], at[b]]},
                "properties": {"id": leg_id, "from": a, "to": b, "mode": "rail",
                               "length_km": 200, "speed_kmh": 50, "service": service},
            }
        )  # fmt: skip
    (folder / "jam.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features})
    )
    text = """\
        name: jam
        network: jam.geojson
        start_date: 2025-01-01
        horizon_days: 60
        warmup_days: 10
        seed: 4
        flows:
          - {id: light, origin: P, destination: D, teu_per_day: 10, share_40ft: 0, routes: [ok]}
          - {id: heavy, origin: Q, destination: D, teu_per_day: 30, share_40ft: 0,
             routes: [jammed]}
        routes:
          ok: [P-D]
          jammed: [Q-D]
        """
    path = folder / "jam.yaml"
    path.write_text("\n".join(line[8:] for line in text.splitlines()) + "\n")
    return path


def test_cli_table_flags_the_saturated_route(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["run", str(write_jam(tmp_path))])
    out = capsys.readouterr().out
    assert code == 0
    rows = {
        line.split()[1]: line for line in out.splitlines() if line.startswith(("light", "heavy"))
    }
    assert rows["jammed"].rstrip().endswith("saturated")
    assert rows["ok"].rstrip().endswith("ok")
    assert SATURATED_NOTE in out


def test_summary_of_a_route_that_keeps_up_says_ok() -> None:
    sc, net = jammed_model(teu_per_day=30, days=40)
    row = simulate(sc, network=net).summary().iloc[0]
    assert row["status"] == "ok"


# ----------------------------------------------------------------------------- memory


def engine_state_bytes(model: Model) -> tuple[int, int, int]:
    """(engine state after the run, net of its record buffers; containers; in system)."""
    tracemalloc.start()
    try:
        engine = Engine(model)
        before = tracemalloc.get_traced_memory()[0]
        rec = engine.run()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    buffers = sum(sys.getsizeof(v) for v in vars(rec).values() if isinstance(v, array))
    buffers += sys.getsizeof(engine.pos)  # legs done per container: a record of sorts
    created = len(rec.c_flow)
    delivered = sum(1 for t in rec.c_delivered if t == t)  # not NaN
    return after - before - buffers, created, created - delivered


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_engine_state_does_not_grow_with_containers_when_the_route_keeps_up() -> None:
    short = engine_state_bytes(build_model(*jammed_model(40, 60, outputs=False)))
    long = engine_state_bytes(build_model(*jammed_model(40, 240, outputs=False)))
    assert long[1] > 3.5 * short[1]  # four times the containers...
    assert long[0] < 200_000  # ...and the engine still holds a few kB of queues and events
    assert long[0] < 2 * short[0] + 50_000


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_engine_state_grows_only_with_the_backlog_when_overloaded() -> None:
    for days in (25, 100):
        state, created, in_system = engine_state_bytes(
            build_model(*jammed_model(200, days, outputs=False))
        )
        assert in_system > 0.6 * created
        assert state / in_system < 400  # bytes per container waiting: a queue entry or two


def test_a_backlog_past_the_limit_stops_the_run_naming_the_route() -> None:
    sc, net = jammed_model(teu_per_day=200, days=30)
    # about 152 containers a day pile up at the crane: 1,000 are in the system after a week
    with pytest.raises(SimulationError) as err:
        simulate(sc, network=net, max_in_system=1_000)
    message = str(err.value)
    assert message.startswith("after ")
    assert "more than the limit of 1,000 (route 'r' holds" in message
    assert "the network cannot carry this demand" in message


def test_the_backlog_limit_is_an_error_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario_file = tmp_path / "jam.yaml"
    scenario_file.write_text(
        "name: jam\nnetwork: " + str(DATA / "mini-network.geojson") + "\n"
        "start_date: 2024-01-01\nhorizon_days: 200\n"
        "flows: [{id: f, origin: SOUTH, destination: END, teu_per_day: 400, routes: [r]}]\n"
        "routes: {r: [ROAD_S_B, ROAD_B_E]}\n"
        "nodes: {BORDER: {processes: {border: {servers: 1, time_h: 1}}}}\n",
        encoding="utf-8",
    )
    assert main(["run", str(scenario_file), "--max-in-system", "500"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: after ")
    assert "more than the limit of 500" in err


@pytest.mark.parametrize(
    ("seed", "what"),
    [
        (-1, "-1 is less than 0"),
        ("a", "expected a whole number, got text ('a')"),
        (1.5, "expected a whole number, got 1.5"),
        (True, "expected a whole number, got a boolean"),
        (2**64, "must be less than 2**63"),
        ([1, 2], "expected a whole number"),
    ],
)
def test_simulate_checks_its_seed_as_scenario_files_do(seed: object, what: str) -> None:
    sc, net = jammed_model(teu_per_day=10, days=5)
    with pytest.raises(ScenarioError) as err:
        simulate(sc, seed=seed, network=net)  # type: ignore[arg-type]
    assert str(err.value).startswith("simulate(seed=...): ")
    assert what in str(err.value)
