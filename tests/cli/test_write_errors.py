"""The command line when it cannot write: one ``error: <path>: <what> (<hint>)``, exit 2.

``report -o``, ``export -o``, ``run --out`` and ``batch --out`` (and an experiment file's
``out:``) on a read-only folder, an existing folder or file, a missing folder and a full
disk. Tests run as root, for whom a folder's mode refuses nothing: where a refusal needs
more than a path (a file in the way, a folder where a file goes), it is made to happen where
it would, in the store's low-level write or folder creation, with the errno the system gives.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from corridor.cli.main import main
from corridor.results import Results, files
from corridor.run import simulate

DATA = Path(__file__).parent.parent / "data"
MINI = DATA / "cli" / "mini.yaml"
MM1 = DATA / "experiments" / "chain-mm1.yaml"
DISK_FULL = "the disk is full (free some space, or write to another disk)"
READ_ONLY = "read-only file system (choose a folder on a disk that can be written)"
DENIED = "permission denied (choose a folder you can write to, or ask its owner for access)"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def one_error(code: int, err: str) -> str:
    """The message of a failed command: exit 2, one line, no traceback."""
    assert code == 2, err
    assert err.startswith("error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix("error: ").rstrip("\n")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulate(MINI, seed=1).save(tmp_path_factory.mktemp("saved") / "run")


def fail_writes(monkeypatch: pytest.MonkeyPatch, code: int, after: int = 0) -> None:
    """Every low-level write of the store after the first ``after`` meets ``code``."""
    write_file = files.write_file
    count = [0]

    def write(path: Path, writer: Callable[[str], object]) -> None:
        count[0] += 1
        if count[0] > after:
            raise OSError(code, os.strerror(code), str(path))
        write_file(path, writer)

    monkeypatch.setattr(files, "write_file", write)


def read_only_below(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Folders cannot be made under ``root``, as on a disk mounted read-only."""
    mkdir = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if self.is_relative_to(root):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)


def denied(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders cannot be written (what ``access(2)`` says to a user without permission)."""
    monkeypatch.setattr(os, "access", lambda path, mode: False)


# ----------------------------------------------------------------------------- report -o


def test_report_into_a_folder_without_permission(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    denied(monkeypatch)
    code, err = run_cli(capsys, "report", saved, "-o", tmp_path / "r.html", "--no-map")
    assert one_error(code, err) == f"{tmp_path / 'r.html'}: cannot write: {DENIED}"


def test_report_onto_a_read_only_disk(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_writes(monkeypatch, errno.EROFS)
    code, err = run_cli(capsys, "report", saved, "-o", tmp_path / "r.html", "--no-map")
    assert one_error(code, err) == f"{tmp_path / 'r.html'}: cannot write: {READ_ONLY}"
    assert list(tmp_path.iterdir()) == []


def test_report_onto_an_existing_folder(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path
) -> None:
    code, err = run_cli(capsys, "report", saved, "-o", tmp_path, "--no-map")
    assert one_error(code, err) == (
        f"{tmp_path}: is a folder, not a file (give a file's path, such as "
        f"{tmp_path / 'report.html'})"
    )


def test_report_into_a_missing_folder_is_refused_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path
) -> None:
    target = tmp_path / "nonexistent" / "dir" / "r.html"
    code, err = run_cli(capsys, "report", saved, "-o", target, "--no-map")
    assert one_error(code, err) == (
        f"{target}: its folder {target.parent} does not exist (create it first with mkdir -p "
        f"{target.parent}, or choose an existing folder)"
    )
    assert not (tmp_path / "nonexistent").exists()


def test_report_of_a_folder_mixing_two_runs(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path
) -> None:
    mixed = simulate(MINI, seed=42).save(tmp_path / "mixed")
    simulate(MINI, seed=7).trips.to_parquet(mixed / "trips.parquet", index=False)
    code, err = run_cli(capsys, "report", mixed, "-o", tmp_path / "r.html", "--no-map")
    assert one_error(code, err) == (
        f"{mixed / 'trips.parquet'}: does not belong to the run that run.json describes (the "
        "folder mixes files of two runs) (run the scenario again)"
    )
    assert not (tmp_path / "r.html").exists()


# ----------------------------------------------------------------------------- export -o


def test_export_onto_an_existing_file(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path
) -> None:
    (tmp_path / "taken").write_text("keep me")
    code, err = run_cli(capsys, "export", saved, "-o", tmp_path / "taken")
    assert one_error(code, err) == (
        f"{tmp_path / 'taken'}: exists and is not a folder (give -o a folder to write into)"
    )
    assert (tmp_path / "taken").read_text() == "keep me"


def test_export_into_a_read_only_folder(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_only_below(monkeypatch, tmp_path)
    code, err = run_cli(capsys, "export", saved, "-o", tmp_path / "gis")
    assert one_error(code, err) == f"{tmp_path / 'gis'}: cannot create the folder: {READ_ONLY}"


def test_export_into_a_folder_without_permission(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    denied(monkeypatch)
    code, err = run_cli(capsys, "export", saved, "-o", tmp_path)
    assert one_error(code, err) == f"{tmp_path}: cannot write: {DENIED}"


def test_export_onto_a_full_disk(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_writes(monkeypatch, errno.ENOSPC, after=2)
    code, err = run_cli(capsys, "export", saved, "-o", tmp_path / "x", "--format", "csv")
    # the third file: trips, departures (stages.csv only with --stages), then resources
    assert one_error(code, err) == f"{tmp_path / 'x' / 'resources.csv'}: cannot write: {DISK_FULL}"
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["departures.csv", "trips.csv"]


# ----------------------------------------------------------------------------- run --out


def test_run_onto_a_full_disk_keeps_the_previous_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = simulate(MINI, seed=1).save(tmp_path / "run")
    fail_writes(monkeypatch, errno.ENOSPC, after=2)
    code, err = run_cli(capsys, "run", MINI, "--seed", "2", "--out", out, "--format", "csv")
    assert one_error(code, err) == (
        f"{out}: cannot save the results: the disk is full (free some space, or write to "
        "another disk; the folder still holds its previous results)"
    )
    monkeypatch.undo()
    assert Results.load(out).seed == 1


def test_run_into_a_folder_without_permission_fails_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    denied(monkeypatch)
    code = main(["run", str(MINI), "--out", str(tmp_path / "run"), "--format", "csv"])
    out, err = capsys.readouterr()
    assert one_error(code, err) == f"{tmp_path / 'run'}: cannot write: {DENIED}"
    assert out == ""  # nothing was simulated


# ----------------------------------------------------------------------------- batch --out


def test_batch_into_a_read_only_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_only_below(monkeypatch, tmp_path)
    code, err = run_cli(capsys, "batch", MM1, "-n", "1", "-j", "1", "--out", tmp_path / "b")
    assert one_error(code, err) == f"{tmp_path / 'b'}: cannot create the folder: {READ_ONLY}"


def test_batch_onto_an_existing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("keep me")
    code, err = run_cli(capsys, "batch", MM1, "-n", "1", "-j", "1", "--out", tmp_path / "taken")
    assert one_error(code, err) == (
        f"{tmp_path / 'taken'}: exists and is not a folder (give --out a folder to write into)"
    )


def test_batch_onto_a_full_disk(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_writes(monkeypatch, errno.ENOSPC, after=1)  # the manifest, then the first run
    code, err = run_cli(capsys, "batch", MM1, "-n", "2", "-j", "1", "--out", tmp_path / "b")
    assert "Traceback" not in err
    message = one_error(code, err.splitlines()[-1] + "\n")  # after the progress lines
    assert message.startswith(f"{tmp_path / 'b' / 'runs'}/")
    assert message.endswith(f".parquet: cannot write: {DISK_FULL}")


def test_an_experiment_file_whose_out_is_read_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    experiment = tmp_path / "exp.yaml"
    experiment.write_text(
        f"name: ro\nscenarios: [{MM1}]\nreplications: 1\nseed: 3\nout: mounted/exp\n"
    )
    read_only_below(monkeypatch, tmp_path / "mounted")
    code, err = run_cli(capsys, "batch", experiment, "-j", "1")
    assert one_error(code, err) == (
        f"{tmp_path / 'mounted' / 'exp'}: cannot create the folder: {READ_ONLY}"
    )
