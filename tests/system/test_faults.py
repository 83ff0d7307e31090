"""Faults: a save killed or stopped at any moment leaves one whole run; interrupts say so.

``Results.save`` writes the new folder beside the old one (``.DIR.new-<token>``) and swaps it
in with two renames (:mod:`corridor.results.store`). So however a save ends, ``DIR`` (after
the repair that the next read or save makes) holds the previous run or the new one, every file
of it, never a mix; nothing is left beside it or inside it.

Ways of stopping writers: the real ``corridor run ... --out DIR`` killed (SIGKILL) at a random
moment after it printed its summary, when it is about to save or saving; a helper process that
saves two runs in turn, forever, killed after a random delay, so that every kill lands inside
a save; SIGINT and SIGTERM while saving (exit 130 and one line saying what the folder holds);
and two ``corridor run --out DIR`` at once.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from corridor.cli.main import GRACE_S
from corridor.inputs.scenario import load_scenario
from corridor.results import Results, recover_folder
from corridor.run import simulate
from tests.paths import REPO
from tests.signals import default_sigint

MINI = REPO / "tests" / "data" / "cli" / "mini.yaml"
OLD_SEED, NEW_SEED = 1, 2
ASIDE_NAME = re.compile(r"\.out\.(new|old)-[0-9a-f]{8}")

Contents = dict[str, Any]


def read_contents(folder: Path) -> Contents:
    """What a reader gets from each result file (run.json without its wall-clock time)."""
    out: Contents = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix == ".parquet":
            out[path.name] = pd.read_parquet(path)
        elif path.suffix == ".json":
            meta = json.loads(path.read_text(encoding="utf-8"))
            meta.pop("wall_s", None)
            out[path.name] = meta
        else:
            out[path.name] = path.read_bytes()
    return out


def same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b) and list(a.columns) == list(b.columns)
    return bool(a == b)


def check_folder(folder: Path, old: Contents, new: Contents) -> str:
    """After the repair the next read or save makes, ``folder`` holds every file of the old
    run or every file of the new one, and nothing else; nothing is left beside it. Returns
    "old" or "new"."""
    recover_folder(folder)
    beside = [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]
    assert beside == [], f"left beside the folder: {beside}"
    hidden = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert hidden == [], f"hidden files in the folder: {hidden}"
    got = read_contents(folder)  # raises if a file is truncated or not a whole file
    assert set(got) == set(old), f"files {sorted(got)} != {sorted(old)}"
    if all(same(content, old[name]) for name, content in got.items()):
        origin = "old"
    else:
        mixed = [name for name, content in got.items() if not same(content, new[name])]
        assert mixed == [], f"{mixed} are not the new run's, the others are not the old run's"
        origin = "new"
    loaded = Results.load(folder)  # the one reader agrees
    assert same(loaded.trips, old["trips.parquet"] if origin == "old" else new["trips.parquet"])
    return origin


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The old and new runs of the CLI test scenario, saved, with what a reader gets."""
    folder = tmp_path_factory.mktemp("runs")
    scenario = load_scenario(MINI)
    out: dict[str, Any] = {"folder": folder}
    for label, seed in (("old", OLD_SEED), ("new", NEW_SEED)):
        results = simulate(scenario, seed=seed)
        results.save(folder / label)
        out[label] = read_contents(folder / label)
        out[f"{label}_results"] = results
    return out


def fresh_old(runs: dict[str, Any], target: Path) -> Path:
    """A folder holding a complete previous result (the old run)."""
    runs["old_results"].save(target)
    return target


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "corridor.cli", *args]


def unbuffered_env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}


# ----------------------------------------------------------------------------- kill -9


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_cli_killed_while_saving_leaves_whole_old_or_new_files(
    runs: dict[str, Any], tmp_path: Path
) -> None:
    rng = random.Random(6)
    target = fresh_old(runs, tmp_path / "out")
    seen = set()
    for _ in range(3):
        command = cli_command("run", str(MINI), "--seed", str(NEW_SEED), "--format", "csv")
        proc = subprocess.Popen(
            [*command, "--out", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=unbuffered_env(),
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # the summary is printed just before the tables are saved
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
        seen.add(check_folder(target, runs["old"], runs["new"]))
    assert seen <= {"old", "new"}  # each kill left one whole run, never a mix


HELPER = textwrap.dedent(
    """\
    import os, pickle, signal, sys, time
    from pathlib import Path

    old, new = (pickle.loads(Path(p).read_bytes()) for p in sys.argv[1:3])
    target = Path(sys.argv[3])
    for line in sys.stdin:
        if not line.startswith("go"):
            break
        delay = float(line.split()[1])
        pid = os.fork()
        if pid == 0:  # the writer: new and old runs in turn until it is killed
            while True:
                new.save(target)
                old.save(target)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print("killed", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_writer_killed_at_random_moments_leaves_whole_old_or_new_files(
    runs: dict[str, Any], tmp_path: Path
) -> None:
    trials = 15
    rng = random.Random(7)
    target = fresh_old(runs, tmp_path / "out")
    pickles = []
    for label in ("old", "new"):
        path = tmp_path / f"{label}.pickle"
        path.write_bytes(pickle.dumps(runs[f"{label}_results"]))
        pickles.append(str(path))
    helper = tmp_path / "writer.py"
    helper.write_text(HELPER)
    proc = subprocess.Popen(
        [sys.executable, str(helper), *pickles, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=unbuffered_env(),
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    origins = []
    try:
        for _ in range(trials):
            proc.stdin.write(f"go {rng.uniform(0.05, 1.0):.3f}\n")
            proc.stdin.flush()
            assert proc.stdout.readline() == "killed\n"
            origins.append(check_folder(target, runs["old"], runs["new"]))
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0
    # every kill landed inside a save (they follow each other), and each left one whole run
    assert set(origins) <= {"old", "new"}, origins


def test_an_interrupted_save_keeps_the_old_run_and_leaves_nothing(
    runs: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = fresh_old(runs, tmp_path / "out")
    written: list[Path] = []
    to_parquet = pd.DataFrame.to_parquet

    def interrupted(self: pd.DataFrame, path: Any, *args: Any, **kwargs: Any) -> None:
        written.append(Path(path))
        to_parquet(self, path, *args, **kwargs)
        if len(written) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runs["new_results"].save(target)
    monkeypatch.undo()
    # the new run was written into a hidden sibling, removed when the save stopped
    assert {p.parent.parent for p in written} == {target.parent}
    assert all(ASIDE_NAME.fullmatch(p.parent.name) for p in written)
    assert not written[0].parent.exists()
    assert check_folder(target, runs["old"], runs["new"]) == "old"


# ----------------------------------------------------------------------------- SIGINT, SIGTERM


def start_run(target: Path) -> subprocess.Popen[str]:
    """``corridor -v run`` of the CLI scenario over a long horizon; returns once it is
    simulating (its log says the network is loaded)."""
    scenario = target.parent / "long.yaml"
    # 15,000 days: several seconds of simulation, so that the signal sent half a second after
    # the network is loaded always lands during the run (3,000 days took about 1 s)
    text = MINI.read_text().replace("horizon_days: 60", "horizon_days: 15000")
    scenario.write_text(
        text.replace("../mini-network.geojson", str(MINI.parent.parent / "mini-network.geojson"))
    )
    proc = subprocess.Popen(
        cli_command("-v", "run", str(scenario), "--out", str(target), "--format", "csv"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=unbuffered_env(),
        preexec_fn=default_sigint,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if "loaded network" in line:
            return proc
    raise AssertionError("the run never loaded its network")


def messages(stderr: str) -> list[str]:
    """stderr without the -v log lines."""
    return [line for line in stderr.splitlines() if not line.startswith(("INFO ", "DEBUG "))]


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_interrupted_run_exits_130_saying_nothing_was_written(
    runs: dict[str, Any], tmp_path: Path, sig: signal.Signals
) -> None:
    # Ctrl-C, and SIGTERM (which corridor.cli.main turns into the same), during the simulation
    target = fresh_old(runs, tmp_path / "out")
    proc = start_run(target)
    time.sleep(0.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    lines = messages(err)
    assert proc.returncode == 130, err
    assert len(lines) == 1, err
    assert lines[0].startswith("interrupted: ")
    assert "nothing was" in lines[0]
    assert "Traceback" not in err
    assert check_folder(target, runs["old"], runs["new"]) == "old"


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_a_signal_while_saving_leaves_one_whole_run_and_says_so(
    runs: dict[str, Any], tmp_path: Path, sig: signal.Signals
) -> None:
    rng = random.Random(8)
    target = fresh_old(runs, tmp_path / "out")
    for _ in range(2):
        command = cli_command("run", str(MINI), "--seed", str(NEW_SEED), "--format", "csv")
        proc = subprocess.Popen(
            [*command, "--out", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=unbuffered_env(),
            preexec_fn=default_sigint,
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err
        origin = check_folder(target, runs["old"], runs["new"])
        if "saved tables to" in err:  # the save was over before the signal came
            # (a signal after main() returned ends the interpreter quietly: status -2 or -15)
            assert proc.returncode in (0, -sig)
            assert origin == "new"
            continue
        assert proc.returncode == 130, err
        assert err == (
            f"interrupted: stopped while saving to {target}: it holds its previous results or "
            "this run's, complete (a save replaces the folder whole, never file by file)\n"
        )


# ----------------------------------------------------------------------------- saves at once


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_runs_saving_to_one_folder_at_once_leave_one_whole_run(
    runs: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "out"
    origins = []
    for _ in range(4):
        commands = [
            [*cli_command("run", str(MINI), "--seed", str(seed), "--format", "csv"), "--out"]
            for seed in (OLD_SEED, NEW_SEED)
        ]
        procs = [
            subprocess.Popen(
                [*command, str(target)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=unbuffered_env(),
            )
            for command in commands
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err  # both saved: the second waited for the first
        origins.append(check_folder(target, runs["old"], runs["new"]))
    assert set(origins) <= {"old", "new"}, origins


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_a_runaway_run_stops_within_seconds_of_a_signal(
    tmp_path: Path, sig: signal.Signals
) -> None:
    # The demand of a world port on the mini network for a year, run past the size check: the
    # kind of run that once ignored SIGTERM for minutes while it grew to gigabytes.
    scenario_file = tmp_path / "runaway.yaml"
    scenario_file.write_text(
        MINI.read_text(encoding="utf-8")
        .replace("../mini-network.geojson", str(MINI.parent.parent / "mini-network.geojson"))
        .replace("horizon_days: 60", "horizon_days: 365")
        .replace("teu_per_day: 40", "teu_per_day: 100000"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = subprocess.Popen(
        cli_command("run", str(scenario_file), "--no-size-check", "--out", str(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=unbuffered_env(),
        preexec_fn=default_sigint,
    )
    time.sleep(4.0)
    assert proc.poll() is None, "the run ended before the signal"
    sent = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < GRACE_S + 2.0, took
    assert err.startswith("interrupted: ")
    assert "Traceback" not in err
    assert not out.exists()
