"""A batch killed outright, or interrupted with Ctrl-C, resumes and loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from corridor.experiments import Serial, experiment_from_scenarios, load_experiment, run_experiment
from tests.experiments.conftest import MM1, MM1_FASTER
from tests.signals import default_sigint

ROOT = Path(__file__).resolve().parents[2]
REPLICATIONS = 8


def _batch(out: Path, *options: str, replications: int = REPLICATIONS) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "corridor.cli", "batch", str(MM1), str(MM1_FASTER)]
    args += ["-n", str(replications), "--seed", "17", "--out", str(out), *options]
    return subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )


def _wait_for_runs(out: Path, at_least: int, proc: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = len(list((out / "runs").glob("*/rep*.parquet"))) if out.exists() else 0
        if found >= at_least:
            return found
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} runs after 120 s")


def _trips(out: Path) -> pd.DataFrame:
    trips = load_experiment(out).trips()
    return trips.sort_values(["scenario", "replication", "container"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The containers of the same batch, never interrupted."""
    out = tmp_path_factory.mktemp("reference")
    spec = experiment_from_scenarios([MM1, MM1_FASTER], replications=REPLICATIONS, seed=17, out=out)
    run_experiment(spec, executor=Serial(), load=False)
    return _trips(out)


@pytest.mark.slow
def test_a_batch_killed_with_sigkill_resumes_to_the_same_results(
    tmp_path: Path, reference: pd.DataFrame
) -> None:
    # two local processes: the batch (the parent, which alone writes the store) is killed
    # outright while both workers are busy
    out = tmp_path / "out"
    proc = _batch(out, "-j", "2")
    _wait_for_runs(out, 4, proc)
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    # the pool's workers notice that their parent is gone and end
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
    finished = len(list((out / "runs").glob("*/rep*.parquet")))
    assert 4 <= finished < 2 * REPLICATIONS
    partial = load_experiment(out)  # only whole files are read
    assert len(partial.run_files()) == finished
    assert not partial.complete

    again = _batch(out, "-j", "2")
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    assert f"{2 * REPLICATIONS} runs, {finished} already done" in stderr
    assert "mm1-faster" in stdout
    assert not list(out.rglob("*.tmp"))
    pd.testing.assert_frame_equal(_trips(out), reference)


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_and_keeps_finished_runs(tmp_path: Path) -> None:
    # queued runs are cancelled; the runs under way are finished and kept. A run takes a few
    # hundredths of a second, so the batch is made long enough (1,000 runs) that it is still
    # going when Ctrl-C comes.
    n = 500
    out = tmp_path / "out"
    proc = _batch(out, "-j", "2", replications=n)
    _wait_for_runs(out, 3, proc)
    workers = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    kept = len(list((out / "runs").glob("*/rep*.parquet")))
    assert (
        f"interrupted: kept {kept} of {2 * n} runs in {out} (every finished run is "
        f"saved); run the same command again to do the other {2 * n - kept}"
    ) in stderr
    assert "Traceback" not in stderr
    assert "stopping: finishing the runs under way (Ctrl-C again to abandon them)" in stderr
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
