"""Saving and loading run results: complete files, consistent sets, clear errors."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from corridor.errors import OutputError
from corridor.results import Results
from corridor.run import simulate
from tests.builders import flow, leg, network, node, proc, scenario
from tests.signals import default_sigint

MINI = Path(__file__).parent.parent / "data" / "cli" / "mini.yaml"


def small_run(seed: int) -> Results:
    net = network(
        [node("A", proc("gate", {"dist": "exponential", "mean": 1.0}, servers=2)), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                300,
                50,
                service={"type": "scheduled", "headway_h": 12, "capacity_teu": 200},
            )
        ],
    )
    sc = scenario(
        [flow("f", "A", "B", 40, ["r"], share_40ft=0.5)],
        {"r": ["AB"]},
        horizon_days=20,
        warmup_days=2,
        seed=seed,
    )
    return simulate(sc, network=net)


def test_save_then_load_gives_the_same_tables(tmp_path: Path) -> None:
    res = small_run(1)
    res.save(tmp_path / "out")
    back = Results.load(tmp_path / "out")
    for name in ("trips", "stages", "departures", "resources", "closures", "routes"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(res, name))
    for name in ("processes", "nodes", "legs"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(res, name))
    assert "missing_tables" not in back.meta
    assert back.seed == 1
    assert back.horizon_h == res.horizon_h
    pd.testing.assert_frame_equal(back.summary(), res.summary())


def test_run_json_lists_a_checksum_for_every_file(tmp_path: Path) -> None:
    small_run(1).save(tmp_path)
    files = json.loads((tmp_path / "run.json").read_text())["files"]
    assert sorted(files) == [
        "closures.parquet",
        "departures.parquet",
        "legs.parquet",
        "nodes.parquet",
        "processes.parquet",
        "resources.parquet",
        "routes.parquet",
        "stages.parquet",
        "summary.csv",
        "trips.parquet",
    ]
    assert all(len(h) == 64 for h in files.values())
    assert not list(tmp_path.glob("*.tmp"))


def test_load_refuses_a_folder_mixing_two_runs(tmp_path: Path) -> None:
    small_run(1).save(tmp_path / "a")
    small_run(2).save(tmp_path / "b")
    # mixed by hand, or by a corridor that saved file by file: new trips, the old run.json
    (tmp_path / "b" / "trips.parquet").replace(tmp_path / "a" / "trips.parquet")
    with pytest.raises(OutputError) as exc:
        Results.load(tmp_path / "a")
    assert str(exc.value) == (
        f"{tmp_path / 'a' / 'trips.parquet'}: does not belong to the run that run.json "
        "describes (the folder mixes files of two runs) (run the scenario again)"
    )


def test_a_folder_saved_before_the_model_tables_loads_with_them_empty(tmp_path: Path) -> None:
    res = small_run(1)
    res.save(tmp_path)
    # what an older corridor wrote: no processes, nodes or legs, and run.json without them
    run = json.loads((tmp_path / "run.json").read_text())
    for name in ("processes", "nodes", "legs"):
        (tmp_path / f"{name}.parquet").unlink()
        del run["files"][f"{name}.parquet"]
    (tmp_path / "run.json").write_text(json.dumps(run))
    back = Results.load(tmp_path)
    assert back.meta["missing_tables"] == ["processes", "nodes", "legs"]
    assert back.processes.empty
    assert list(back.processes.columns) == list(res.processes.columns)
    assert back.nodes.empty
    assert back.legs.empty
    pd.testing.assert_frame_equal(back.trips, res.trips)
    # saving it again does not carry the notes about where it came from into run.json
    back.save(tmp_path / "again")
    again = json.loads((tmp_path / "again" / "run.json").read_text())
    assert "missing_tables" not in again
    assert "results_dir" not in again


def test_load_of_a_folder_without_results_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"no run\.json here \(give a folder written by"):
        Results.load(tmp_path)


def test_save_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("not a folder")
    with pytest.raises(OutputError) as exc:
        small_run(1).save(target)
    assert str(exc.value) == (
        f"{target}: exists and is not a folder (give --out a folder to write into)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_run_exits_cleanly_saying_nothing_was_written(
    tmp_path: Path, sig: signal.Signals
) -> None:
    long = tmp_path / "long.yaml"
    text = MINI.read_text().replace("horizon_days: 60", "horizon_days: 20000")
    long.write_text(
        text.replace("../mini-network.geojson", str(MINI.parent.parent / "mini-network.geojson"))
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "corridor.cli", "run", str(long), "--out", str(tmp_path / "o")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    time.sleep(4.0)  # well into the simulation (imports take about 2 s)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip() == "interrupted: the run stopped before it finished; nothing was written"
    assert not (tmp_path / "o").exists()


def test_the_columns_load_requires_are_the_columns_a_run_has() -> None:
    from corridor.results.results import _COLUMNS, TABLES

    res = small_run(1)
    assert {name: list(getattr(res, name).columns) for name in TABLES} == _COLUMNS
