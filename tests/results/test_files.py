"""Single files written whole, the message of every kind of write error, modes, the lock."""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from corridor.errors import OutputError
from corridor.results import files
from corridor.results.store import (
    FolderBusyError,
    check_output_file,
    folder_lock,
    make_folder,
    output_error,
    sha256_of,
    write_atomic,
    write_table_atomic,
    write_text_atomic,
)


def fail_with(code: int) -> Callable[[str], None]:
    """A writer that starts its file, then meets ``code`` (as a full disk would)."""

    def write(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise OSError(code, os.strerror(code))

    return write


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process's umask for one test."""
    before = os.umask(0o022)

    def set_umask(mask: int) -> None:
        os.umask(mask)

    yield set_umask
    os.umask(before)


# --------------------------------------------------------------------------- writing


def test_a_failed_write_leaves_the_old_file_no_temporary_and_says_why(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("old")
    with pytest.raises(OutputError) as exc:
        write_atomic(target, fail_with(errno.ENOSPC))
    assert str(exc.value) == (
        f"{target}: cannot write: the disk is full (free some space, or write to another disk)"
    )
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_the_writer_gets_a_name_in_the_same_folder_that_does_not_exist_yet(
    tmp_path: Path,
) -> None:
    seen: list[Path] = []

    def write(tmp: str) -> None:
        seen.append(Path(tmp))
        assert not Path(tmp).exists()  # GDAL refuses to open an existing empty file
        Path(tmp).write_text("new")

    out = write_atomic(tmp_path / "map.gpkg", write, suffix=".gpkg")
    assert out == tmp_path / "map.gpkg"
    assert seen[0].parent == out.parent
    assert seen[0].name.startswith(".map.gpkg.")
    assert seen[0].suffix == ".gpkg"
    assert out.read_text() == "new"


def test_write_text_atomic_and_sha256(tmp_path: Path) -> None:
    path = write_text_atomic(tmp_path / "a.txt", "abc")
    assert path.read_text(encoding="utf-8") == "abc"
    # the SHA-256 of "abc" (FIPS 180-2, appendix B.1)
    assert sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_write_table_atomic_chooses_the_format_by_the_name(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [1, 2]})
    write_table_atomic(tmp_path / "t.csv", table)
    write_table_atomic(tmp_path / "t.parquet", table)
    assert (tmp_path / "t.csv").read_text() == "a\n1\n2\n"
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), table)
    with pytest.raises(ValueError, match=r"t\.xlsx: a table is written as \.parquet or \.csv"):
        write_table_atomic(tmp_path / "t.xlsx", table)


def test_a_file_is_not_written_into_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "r.html"
    with pytest.raises(OutputError) as exc:
        write_text_atomic(target, "x")
    assert str(exc.value) == (
        f"{target}: its folder {target.parent} does not exist (create it first with mkdir -p "
        f"{target.parent}, or choose an existing folder)"
    )
    assert not (tmp_path / "no").exists()


def test_a_file_over_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError, match=r"taken: is a folder, not a file \(give a file's path"):
        write_text_atomic(tmp_path / "taken", "x")


@pytest.mark.parametrize("free", [4096, 10 << 30], ids=["full", "not-full"])
def test_a_writer_that_loses_the_errno_on_a_full_disk_is_still_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free: int
) -> None:
    # GDAL writing a GeoPackage onto a full disk raises "no such table: gpkg_contents"
    def gdal(tmp: str) -> None:
        Path(tmp).write_bytes(b"SQLite format 3")
        raise RuntimeError("sqlite3_exec(...) failed: no such table: gpkg_contents")

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=free))
    target = tmp_path / "corridor.gpkg"
    if free > 1 << 20:
        with pytest.raises(RuntimeError, match="gpkg_contents"):
            write_atomic(target, gdal, suffix=".gpkg")
    else:
        with pytest.raises(OutputError) as exc:
            write_atomic(target, gdal, suffix=".gpkg")
        assert str(exc.value) == (
            f"{target}: cannot write: the disk is full (free some space, or write to another disk)"
        )
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.ENOSPC, "cannot write: the disk is full (free some space, or write to another"),
        (errno.EDQUOT, "cannot write: the disk quota is used up (free some space"),
        (errno.EACCES, "cannot write: permission denied (choose a folder you can write to"),
        (errno.EPERM, "cannot write: permission denied (choose a folder you can write to"),
        (errno.EROFS, "cannot write: read-only file system (choose a folder on a disk that"),
        (errno.EIO, "cannot write: input/output error (check the disk"),
        (errno.EISDIR, "is a folder, not a file (give a file's path)"),
        (errno.EEXIST, "exists and is not a folder (give a folder's path, or a new name)"),
    ],
    ids=errno.errorcode.get,
)
def test_each_errno_has_its_message(tmp_path: Path, code: int, expected: str) -> None:
    target = tmp_path / "out.csv"
    assert str(output_error(target, OSError(code, os.strerror(code)))).startswith(
        f"{target}: {expected}"
    )


def test_a_file_on_the_path_is_named(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    target = tmp_path / "plain" / "sub" / "r.html"
    error = output_error(target, OSError(errno.ENOTDIR, "Not a directory"))
    assert str(error) == (
        f"{target}: {tmp_path / 'plain'} is a file, not a folder (choose a path through folders)"
    )


def test_make_folder_under_a_file_says_which_file(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    with pytest.raises(OutputError, match=r"plain is a file, not a folder"):
        make_folder(tmp_path / "plain" / "sub")


def test_make_folder_on_a_read_only_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(OutputError) as exc:
        make_folder(tmp_path / "new")
    assert str(exc.value) == (
        f"{tmp_path / 'new'}: cannot create the folder: read-only file system (choose a folder "
        "on a disk that can be written)"
    )


# --------------------------------------------------------------------------- checks before work


def test_check_output_file_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as exc:
        check_output_file(tmp_path)
    assert str(exc.value) == (
        f"{tmp_path}: is a folder, not a file (give a file's path, such as "
        f"{tmp_path / 'report.html'})"
    )


def test_check_output_file_refuses_a_missing_folder_and_creates_none(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "r.html"
    with pytest.raises(OutputError, match=r"its folder .*b does not exist \(create it first"):
        check_output_file(target)
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize(
    ("read_only", "expected"),
    [
        (True, "read-only file system (choose a folder on a disk that can be written)"),
        (
            False,
            "permission denied (choose a folder you can write to, or ask its owner for access)",
        ),
    ],
    ids=["read-only", "denied"],
)
def test_check_output_file_refuses_a_folder_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: bool, expected: str
) -> None:
    # as root every folder is writable unless its disk is read-only: the refusal is simulated
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    flags = os.ST_RDONLY if read_only else 0
    monkeypatch.setattr(os, "statvfs", lambda path: type("Stat", (), {"f_flag": flags})())
    with pytest.raises(OutputError) as exc:
        check_output_file(tmp_path / "r.html")
    assert str(exc.value) == f"{tmp_path / 'r.html'}: cannot write: {expected}"


# --------------------------------------------------------------------------- modes


@pytest.mark.parametrize(
    ("mask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_files_and_folders_follow_the_umask(
    tmp_path: Path,
    umask: Callable[[int], None],
    mask: int,
    file_mode: int,
    folder_mode: int,
) -> None:
    umask(mask)
    folder = make_folder(tmp_path / "shared" / "out")
    written = [
        write_text_atomic(folder / "a.txt", "x"),
        write_table_atomic(folder / "t.csv", pd.DataFrame({"a": [1]})),
        write_table_atomic(folder / "t.parquet", pd.DataFrame({"a": [1]})),
    ]
    assert [oct(p.stat().st_mode & 0o777) for p in written] == [oct(file_mode)] * 3
    assert oct(folder.stat().st_mode & 0o777) == oct(folder_mode)
    assert oct(folder.parent.stat().st_mode & 0o777) == oct(folder_mode)


# --------------------------------------------------------------------------- the lock


def test_a_held_lock_refuses_a_writer_that_will_not_wait(tmp_path: Path) -> None:
    with (
        folder_lock(tmp_path, who="corridor batch"),
        pytest.raises(FolderBusyError) as exc,
        folder_lock(tmp_path, wait=False),
    ):
        pass
    assert str(exc.value) == (
        f"{tmp_path}: corridor batch (pid {os.getpid()}) is writing to this folder; wait for it "
        "to finish or give another --out"
    )


def test_a_writer_that_waits_gets_the_lock_when_it_is_let_go(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "run"
    order: list[str] = []

    def second() -> None:
        with folder_lock(folder, beside=True, who="second"):
            order.append("second")

    with folder_lock(folder, beside=True, who="first"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]
    assert f"{folder}: waiting for first (pid {os.getpid()}) to finish" in caplog.text
    assert not (tmp_path / ".run.lock").exists()  # a lock beside a folder is removed


def test_a_lock_inside_a_folder_stays_for_the_next_batch(tmp_path: Path) -> None:
    with folder_lock(tmp_path, who="corridor batch"):
        pass
    with folder_lock(tmp_path, wait=False):
        pass
    assert (tmp_path / ".lock").is_file()


def test_the_low_level_write_is_the_one_every_file_goes_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    write_file = files.write_file

    def spy(path: Path, write: Callable[[str], object]) -> None:
        calls.append(path.name)
        write_file(path, write)

    monkeypatch.setattr(files, "write_file", spy)
    write_text_atomic(tmp_path / "a.txt", "x")
    write_table_atomic(tmp_path / "t.csv", pd.DataFrame({"a": [1]}))
    assert [c.split(".")[1] for c in calls] == ["a", "t"]
