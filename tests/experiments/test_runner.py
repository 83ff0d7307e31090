"""Running experiments: the store, resuming, interrupts, and executors that agree."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

import corridor
from corridor.experiments import (
    DaskExecutor,
    ExperimentError,
    ExperimentInterrupted,
    ExperimentSpec,
    LocalProcesses,
    RunEvent,
    Serial,
    load_experiment,
    load_experiment_spec,
    run_experiment,
)
from corridor.experiments.store import StoreBusyError, store_lock
from tests.experiments.conftest import LANES


def _trips(out: Path) -> pd.DataFrame:
    trips = load_experiment(out).trips()
    return trips.sort_values(["scenario", "replication", "container"]).reset_index(drop=True)


def test_every_run_is_stored_with_a_manifest(pair_spec: ExperimentSpec) -> None:
    results = run_experiment(pair_spec, executor=Serial())
    assert results is not None
    files = sorted(p.relative_to(pair_spec.out).as_posix() for p in results.run_files())
    assert len(files) == 6
    assert all(f.startswith("runs/mm1-") and f.endswith(".parquet") for f in files)
    manifest = json.loads((pair_spec.out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["root_seed"] == 5
    assert manifest["versions"]["corridor"] == corridor.__version__
    assert {s["label"] for s in manifest["scenarios"]} == {"mm1", "mm1-faster"}
    assert all(len(s["content_hash"]) == 64 for s in manifest["scenarios"])
    assert all(r["finished"] and r["wall_s"] > 0 for r in manifest["runs"])
    assert manifest["timing"]["runs_done_now"] == 6
    assert results.complete
    assert list(results.runs.columns[:5]) == ["scenario", "replication", "seed", "flow", "route"]
    assert len(results.runs) == 6  # one flow and one route per scenario


def test_the_store_is_plain_parquet_for_pandas_and_pyarrow(pair_spec: ExperimentSpec) -> None:
    run_experiment(pair_spec, executor=Serial(), load=False)
    runs = pair_spec.out / "runs"
    by_pandas = pd.read_parquet(runs)  # a folder of Parquet files, no corridor needed
    by_arrow = ds.dataset(runs, format="parquet").to_table().to_pandas()
    assert len(by_pandas) == len(by_arrow) > 0
    assert set(by_pandas["scenario"].astype(str)) == {"mm1", "mm1-faster"}
    assert sorted(by_pandas["replication"].unique()) == [0, 1, 2]
    assert by_pandas["seed"].nunique() == 3  # the same three seeds in both scenarios


def test_running_again_skips_finished_runs(pair_spec: ExperimentSpec) -> None:
    run_experiment(pair_spec, executor=Serial(), load=False)
    before = {p: p.stat().st_mtime_ns for p in (pair_spec.out / "runs").rglob("*.parquet")}
    events: list[RunEvent] = []
    run_experiment(pair_spec, executor=Serial(), progress=events.append, load=False)
    assert [(e.done, e.total, e.skipped) for e in events] == [(6, 6, 6)]
    after = {p: p.stat().st_mtime_ns for p in (pair_spec.out / "runs").rglob("*.parquet")}
    assert before == after


def test_more_replications_keep_the_earlier_ones(pair_spec: ExperimentSpec) -> None:
    run_experiment(pair_spec, executor=Serial(), load=False)
    first = _trips(pair_spec.out)
    events: list[RunEvent] = []
    run_experiment(
        pair_spec.with_options(replications=4),
        executor=Serial(),
        progress=events.append,
        load=False,
    )
    assert events[-1].done == 8
    assert events[0].skipped == 6
    again = _trips(pair_spec.out)
    pd.testing.assert_frame_equal(
        again[again["replication"] < 3].reset_index(drop=True), first, check_categorical=False
    )


def test_ctrl_c_keeps_the_finished_runs_and_says_so(pair_spec: ExperimentSpec) -> None:
    def interrupt_after_two(event: RunEvent) -> None:
        if event.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(ExperimentInterrupted) as err:
        run_experiment(pair_spec, executor=Serial(), progress=interrupt_after_two)
    assert str(err.value) == (
        f"interrupted: kept 2 of 6 runs in {pair_spec.out} (every finished run is saved); "
        "run the same command again to do the other 4"
    )
    assert isinstance(err.value, KeyboardInterrupt)
    manifest = json.loads((pair_spec.out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert sum(r["finished"] for r in manifest["runs"]) == 2
    partial = load_experiment(pair_spec.out)
    assert not partial.complete
    assert len(partial.run_files()) == 2
    events: list[RunEvent] = []
    run_experiment(pair_spec, executor=Serial(), progress=events.append, load=False)
    assert events[0].skipped == 2
    assert events[-1].done == 6


def test_a_second_batch_on_the_same_folder_is_refused(pair_spec: ExperimentSpec) -> None:
    with store_lock(pair_spec.out), pytest.raises(StoreBusyError) as err:
        run_experiment(pair_spec, executor=Serial())
    assert str(err.value).startswith(f"{pair_spec.out}: corridor batch (pid ")
    assert str(err.value).endswith(
        "is writing to this folder; wait for it to finish or give another --out"
    )


def test_half_written_files_are_never_read_and_are_cleaned_up(pair_spec: ExperimentSpec) -> None:
    run_experiment(pair_spec.with_options(replications=1), executor=Serial(), load=False)
    folder = next((pair_spec.out / "runs").iterdir())
    junk = folder / ".rep0001-seed1.parquet.abc.tmp"
    junk.write_bytes(b"PAR1 half a file")
    results = load_experiment(pair_spec.out)  # the temporary file is not a run
    assert len(results.run_files()) == 2
    run_experiment(pair_spec, executor=Serial(), load=False)
    assert not junk.exists()


def test_warmup_override_changes_only_the_statistics(pair_spec: ExperimentSpec) -> None:
    run_experiment(pair_spec, executor=Serial(), load=False)
    own = load_experiment(pair_spec.out)
    later = load_experiment(pair_spec.out, warmup=30.0)
    assert set(own.scenarios["warmup_days"]) == {5.0}
    assert set(later.scenarios["warmup_days"]) == {30.0}
    assert (later.runs["created"] < own.runs["created"]).all()


@pytest.mark.slow
def test_serial_and_local_processes_give_identical_tables(tmp_path: Path) -> None:
    spec = load_experiment_spec(LANES)
    run_experiment(spec.with_options(out=tmp_path / "serial"), executor=Serial(), load=False)
    with LocalProcesses(2) as pool:
        run_experiment(spec.with_options(out=tmp_path / "pool"), executor=pool, load=False)
    pd.testing.assert_frame_equal(_trips(tmp_path / "serial"), _trips(tmp_path / "pool"))
    pd.testing.assert_frame_equal(
        load_experiment(tmp_path / "serial").runs, load_experiment(tmp_path / "pool").runs
    )


@pytest.mark.slow
def test_a_dask_local_cluster_gives_identical_tables(tmp_path: Path) -> None:
    spec = load_experiment_spec(LANES)
    run_experiment(spec.with_options(out=tmp_path / "serial"), executor=Serial(), load=False)
    with DaskExecutor(None, n_workers=2, threads_per_worker=1) as cluster:
        assert cluster.workers == 2
        run_experiment(spec.with_options(out=tmp_path / "dask"), executor=cluster, load=False)
    pd.testing.assert_frame_equal(_trips(tmp_path / "serial"), _trips(tmp_path / "dask"))


def test_a_warmup_longer_than_the_runs_is_an_error(pair_spec: ExperimentSpec) -> None:
    run_experiment(pair_spec.with_options(replications=1), executor=Serial(), load=False)
    with pytest.raises(ExperimentError) as err:
        load_experiment(pair_spec.out, warmup=150.0)
    assert str(err.value) == (
        "warmup: a warm-up of 150 days leaves nothing of the 150-day runs of 'mm1' "
        "(give fewer days)"
    )
