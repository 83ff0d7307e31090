"""The one store of a results folder: swapped in whole, repaired after a stop, locked, checked.

A save writes ``.DIR.new-<token>`` beside ``DIR`` and swaps it in with two renames; these
tests stop it at every step (an error, a full disk, Ctrl-C), run saves at once, and check that
``DIR`` always holds one complete run, the old or the new, which ``Results.load`` reads.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from corridor import __version__
from corridor.errors import CorridorError, OutputError
from corridor.results import Results, ResultsFolderError, files
from corridor.results.store import folder_lock, read_folder, sha256_of, write_folder
from corridor.run import simulate
from tests.paths import REPO

MINI = REPO / "tests" / "data" / "cli" / "mini.yaml"


@pytest.fixture(scope="module")
def runs() -> dict[int, Results]:
    """Two runs of one scenario, told apart by their seed."""
    return {seed: simulate(MINI, seed=seed) for seed in (1, 2)}


@pytest.fixture
def saved(runs: dict[int, Results], tmp_path: Path) -> Path:
    return runs[1].save(tmp_path / "run")


def asides(folder: Path) -> list[str]:
    """What a save leaves beside the folder: hidden siblings and lock files."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def whole_run(folder: Path, runs: dict[int, Results]) -> int:
    """The seed of the run ``folder`` holds, checked to be that run's every table."""
    back = Results.load(folder)
    for name in ("trips", "stages", "departures", "resources", "closures", "routes"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(runs[back.seed], name))
    return back.seed


def stop_at_write(monkeypatch: pytest.MonkeyPatch, n: int, exc: BaseException) -> None:
    """Make the n-th low-level write of the store (from 1) raise ``exc``."""
    write_file = files.write_file
    count = [0]

    def write(path: Path, writer: Callable[[str], object]) -> None:
        count[0] += 1
        if count[0] == n:
            raise exc
        write_file(path, writer)

    monkeypatch.setattr(files, "write_file", write)


# --------------------------------------------------------------------------- the folder


def test_a_folder_lists_the_hash_of_every_file_it_holds(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [1, 2]})
    write_folder(tmp_path / "f", {"t": table}, {"s": table}, {"seed": 3})
    run = json.loads((tmp_path / "f" / "run.json").read_text())
    assert run["seed"] == 3
    assert run["files"] == {
        "t.parquet": sha256_of(tmp_path / "f" / "t.parquet"),
        "s.csv": sha256_of(tmp_path / "f" / "s.csv"),
    }
    meta, tables = read_folder(tmp_path / "f", ["t"], ["u"], ["seed"])
    assert meta == {"seed": 3}
    assert list(tables) == ["t"]  # "u" is optional and was never written
    pd.testing.assert_frame_equal(tables["t"], table)
    assert asides(tmp_path / "f") == []


def test_an_optional_table_that_run_json_lists_is_required(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [1]})
    write_folder(tmp_path / "f", {"t": table, "u": table}, {}, {})
    (tmp_path / "f" / "u.parquet").unlink()
    with pytest.raises(ResultsFolderError, match=r"missing u\.parquet"):
        read_folder(tmp_path / "f", ["t"], ["u"])


def test_run_json_records_the_corridor_version(saved: Path) -> None:
    assert json.loads((saved / "run.json").read_text())["corridor_version"] == __version__


def test_a_new_save_replaces_the_folder_whole_and_keeps_what_the_user_put_there(
    runs: dict[int, Results], saved: Path
) -> None:
    (saved / "report.html").write_text("<p>kept</p>")
    (saved / "notes").mkdir()
    (saved / "notes" / "a.txt").write_text("kept too")
    (saved / "extra.parquet").write_bytes(b"listed by no run.json: a user's file, kept")
    runs[2].save(saved)
    assert whole_run(saved, runs) == 2
    assert (saved / "report.html").read_text() == "<p>kept</p>"
    assert (saved / "notes" / "a.txt").read_text() == "kept too"
    assert (saved / "extra.parquet").exists()
    assert asides(saved) == []


def test_a_folder_of_other_files_is_not_replaced(runs: dict[int, Results], tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("")
    with pytest.raises(OutputError) as exc:
        runs[1].save(tmp_path / "mine")
    assert str(exc.value) == (
        f"{tmp_path / 'mine'}: holds files but no results (no run.json), and a save replaces "
        "the folder (give --out a new or empty folder, or one written by 'corridor run')"
    )
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["thesis.docx"]


def test_a_folder_of_hidden_files_only_is_taken_and_they_are_kept(
    runs: dict[int, Results], tmp_path: Path
) -> None:
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / ".DS_Store").write_text("")
    runs[1].save(tmp_path / "new")
    assert (tmp_path / "new" / ".DS_Store").exists()
    assert whole_run(tmp_path / "new", runs) == 1


def test_the_current_folder_is_not_replaced(
    runs: dict[int, Results], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match=r"^\.: is the current folder \(or holds it\)"):
        runs[1].save(".")


def test_a_link_to_a_folder_stays_a_link(runs: dict[int, Results], saved: Path) -> None:
    link = saved.parent / "latest"
    link.symlink_to(saved)
    runs[2].save(link)
    assert link.is_symlink()
    assert whole_run(saved, runs) == 2


# --------------------------------------------------------------------------- failed saves


def test_a_save_on_a_full_disk_keeps_the_previous_run_and_says_so(
    runs: dict[int, Results], saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the third file of the new run finds the disk full (it replaced trips.parquet, before)
    stop_at_write(monkeypatch, 3, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError) as exc:
        runs[2].save(saved)
    assert str(exc.value) == (
        f"{saved}: cannot save the results: the disk is full (free some space, or write to "
        "another disk; the folder still holds its previous results)"
    )
    assert whole_run(saved, runs) == 1
    assert asides(saved) == []


@pytest.mark.parametrize(
    ("code", "what"),
    [
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "read-only file system"),
        (errno.EDQUOT, "the disk quota is used up"),
    ],
    ids=["EACCES", "EROFS", "EDQUOT"],
)
def test_a_new_folder_that_cannot_be_written_is_one_message(
    runs: dict[int, Results], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, what: str
) -> None:
    stop_at_write(monkeypatch, 1, OSError(code, os.strerror(code)))
    with pytest.raises(
        OutputError, match=rf"^{tmp_path / 'new'}: cannot save the results: {what} \("
    ):
        runs[1].save(tmp_path / "new")
    assert not (tmp_path / "new").exists()
    assert asides(tmp_path / "new") == []


@pytest.mark.parametrize("n", [1, 6, 10, 11])  # first table, a middle one, summary, run.json
def test_ctrl_c_at_any_write_keeps_the_previous_run(
    runs: dict[int, Results], saved: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    stop_at_write(monkeypatch, n, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        runs[2].save(saved)
    assert whole_run(saved, runs) == 1
    assert asides(saved) == []


@pytest.mark.parametrize("at", [1, 2])
def test_ctrl_c_at_either_rename_leaves_one_whole_run(
    runs: dict[int, Results], saved: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    rename = os.rename
    count = [0]

    def interrupted(src: Any, dst: Any) -> None:
        count[0] += 1
        if count[0] == at:
            raise KeyboardInterrupt
        rename(src, dst)

    monkeypatch.setattr(os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runs[2].save(saved)
    monkeypatch.setattr(os, "rename", rename)
    # before the first rename: the old run; between the two: the swap is finished
    assert whole_run(saved, runs) == (1 if at == 1 else 2)
    assert asides(saved) == []


# --------------------------------------------------------------------------- repair


def killed_between_the_renames(runs: dict[int, Results], saved: Path) -> None:
    """What ``kill -9`` between the two renames leaves: the new folder complete beside the
    old one renamed aside, and no ``DIR``."""
    new = saved.parent / "staging"
    runs[2].save(new)
    saved.rename(saved.with_name(f".{saved.name}.old-0123abcd"))
    new.rename(saved.with_name(f".{saved.name}.new-0123abcd"))


def test_a_reader_finishes_a_swap_that_was_killed_half_way(
    runs: dict[int, Results], saved: Path
) -> None:
    killed_between_the_renames(runs, saved)
    assert not saved.exists()
    assert whole_run(saved, runs) == 2
    assert asides(saved) == []


def test_a_save_finishes_a_swap_that_was_killed_half_way(
    runs: dict[int, Results], saved: Path
) -> None:
    killed_between_the_renames(runs, saved)
    runs[1].save(saved)
    assert whole_run(saved, runs) == 1
    assert asides(saved) == []


def test_leftovers_of_a_killed_save_are_removed_and_never_read(
    runs: dict[int, Results], saved: Path
) -> None:
    half = saved.with_name(f".{saved.name}.new-89abcdef")
    half.mkdir()
    (half / "trips.parquet").write_bytes(b"PAR1 half a file")
    other = saved.with_name(f".{saved.name}.new-folder.new-89abcdef")  # another folder's
    other.mkdir()
    assert whole_run(saved, runs) == 1
    assert not half.exists()
    assert other.exists()


def test_a_reader_neither_waits_for_a_save_under_way_nor_touches_its_folder(
    runs: dict[int, Results], saved: Path
) -> None:
    writing = saved.with_name(f".{saved.name}.new-89abcdef")
    writing.mkdir()
    with folder_lock(saved, beside=True, who="a save"):
        assert whole_run(saved, runs) == 1
        assert writing.exists()
    assert whole_run(saved, runs) == 1  # the save is gone (killed): now it is a leftover
    assert not writing.exists()


# --------------------------------------------------------------------------- saves at once


def read_while_saving(folder: Path, runs: dict[int, Results], seen: list[Any]) -> None:
    """A reader while the saves go on: each read is one run or the other (or an error)."""
    for _ in range(3):
        try:
            seen.append(whole_run(folder, runs))
        except Exception as exc:
            seen.append(exc)


@pytest.mark.slow
def test_saves_at_once_leave_one_whole_run_never_a_mix(
    runs: dict[int, Results], tmp_path: Path
) -> None:
    tries = 12
    for i in range(tries):
        folder = runs[1].save(tmp_path / f"run{i}")
        read: list[Any] = []
        threads = [threading.Thread(target=runs[s].save, args=(folder,)) for s in (2, 1)]
        threads.append(threading.Thread(target=read_while_saving, args=(folder, runs, read)))
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert set(read) <= {1, 2}, read
        assert whole_run(folder, runs) in (1, 2)
        assert asides(folder) == []


# --------------------------------------------------------------------------- reading


def test_load_gives_back_the_saved_tables(runs: dict[int, Results], saved: Path) -> None:
    back = Results.load(saved)
    for name in ("trips", "stages", "departures", "resources", "closures"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(runs[1], name))
    assert (back.horizon_h, back.warmup_h, back.start_date, back.seed) == (
        runs[1].horizon_h,
        runs[1].warmup_h,
        runs[1].start_date,
        1,
    )
    assert back.meta["results_dir"] == str(saved)


def test_load_lists_every_missing_file(saved: Path) -> None:
    (saved / "stages.parquet").unlink()
    (saved / "run.json").unlink()
    with pytest.raises(ResultsFolderError, match=r"missing stages.parquet, run.json") as e:
        Results.load(saved)
    assert isinstance(e.value, CorridorError)
    assert isinstance(e.value, OutputError)
    assert isinstance(e.value, ValueError)


def test_load_reports_a_bad_run_json_and_a_damaged_table(saved: Path) -> None:
    (saved / "run.json").write_text(json.dumps({"scenario": "x"}))
    (saved / "trips.parquet").write_bytes(b"not parquet")
    with pytest.raises(ResultsFolderError) as e:
        Results.load(saved)
    text = str(e.value)
    assert "2 problems" in text
    assert "trips.parquet: cannot be read" in text
    assert "run.json: missing key(s) seed, start_date, horizon_h, warmup_h" in text


def test_load_of_a_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a")
    with pytest.raises(ResultsFolderError, match="is a file, not a results folder"):
        Results.load(f)


def test_load_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ResultsFolderError, match=r"nope: no such folder \(give a folder"):
        Results.load(tmp_path / "nope")


def rewrite(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change run.json as another tool or version would (its hashes stay right)."""
    run = json.loads((folder / "run.json").read_text())
    change(run)
    (folder / "run.json").write_text(json.dumps(run))


def test_a_table_without_its_columns_is_refused(saved: Path) -> None:
    trips = pd.read_parquet(saved / "trips.parquet").drop(columns=["teu", "cost_usd"])
    trips.to_parquet(saved / "trips.parquet", index=False)
    digest = sha256_of(saved / "trips.parquet")
    rewrite(saved, lambda run: run["files"].update({"trips.parquet": digest}))
    with pytest.raises(ResultsFolderError) as exc:
        Results.load(saved)
    assert str(exc.value) == (
        f"{saved / 'trips.parquet'}: missing column(s) teu, cost_usd (it was not written by "
        "corridor's save; run the scenario again)"
    )


def bump(version: str, major: int, minor: int) -> str:
    parts = [int(p) for p in version.split(".")[:2]]
    return f"{parts[0] + major}.{max(parts[1] + minor, 0)}.0"


def test_a_folder_of_a_newer_major_version_is_refused(saved: Path) -> None:
    newer = bump(__version__, 1, 0)
    rewrite(saved, lambda run: run.update(corridor_version=newer))
    with pytest.raises(ResultsFolderError) as exc:
        Results.load(saved)
    assert str(exc.value) == (
        f"{saved / 'run.json'}: written by corridor {newer}, newer than this corridor "
        f"{__version__} (install corridor {newer} or later to read it, or run the scenario "
        "again)"
    )


def test_a_folder_of_a_newer_minor_version_is_read_with_a_warning(
    saved: Path, caplog: pytest.LogCaptureFixture
) -> None:
    newer = bump(__version__, 0, 1)
    rewrite(saved, lambda run: run.update(corridor_version=newer))
    with caplog.at_level(logging.WARNING, logger="corridor.results.store"):
        Results.load(saved)
    assert (
        f"{saved} was written by corridor {newer}, newer than this corridor {__version__}: "
        "what it added is not read" in caplog.text
    )


def test_a_folder_of_an_older_version_or_of_none_is_read(saved: Path) -> None:
    rewrite(saved, lambda run: run.update(corridor_version="0.0.1"))
    Results.load(saved)
    rewrite(saved, lambda run: run.pop("corridor_version"))
    Results.load(saved)


def test_a_version_that_is_not_one_is_refused(saved: Path) -> None:
    rewrite(saved, lambda run: run.update(corridor_version="banana"))
    with pytest.raises(ResultsFolderError, match=r"corridor_version 'banana' is not a version"):
        Results.load(saved)


# --------------------------------------------------------------------------- modes


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    before = os.umask(0o022)
    yield os.umask
    os.umask(before)


@pytest.mark.parametrize(
    ("mask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_a_saved_folder_follows_the_umask(
    runs: dict[int, Results],
    tmp_path: Path,
    umask: Callable[[int], int],
    mask: int,
    file_mode: int,
    folder_mode: int,
) -> None:
    umask(mask)
    out = runs[1].save(tmp_path / "shared" / "run")
    runs[2].save(out)  # the swapped-in folder too
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert set(modes.values()) == {file_mode}, {k: oct(v) for k, v in modes.items()}
    assert out.stat().st_mode & 0o777 == folder_mode
    assert (tmp_path / "shared").stat().st_mode & 0o777 == folder_mode
