"""Writing single files whole, the errors a write meets, and the lock of a folder.

Part of the one store (:mod:`corridor.results.store`, which also offers these names): views,
commands and experiments write through these functions, so one place turns an ``OSError``
into a message a user can act on.

* :func:`write_atomic` (and :func:`write_text_atomic`, :func:`write_table_atomic`) writes a
  file under a hidden temporary name in its own folder (``.NAME.<8 hex>.tmp``, so readers
  that look for the real names never see it), flushes it to disk and renames it into place:
  a reader sees the old file or the whole new one, never a part. Files are created as a
  plain ``open()`` creates them, so they get the mode the umask gives (0644 under umask
  022, 0640 under 027); so do folders (:func:`make_folder`).
* :func:`output_error` turns an ``OSError`` into an :class:`~corridor.errors.OutputError`
  naming the path, what went wrong and a hint: ``ENOSPC`` "the disk is full",
  ``EACCES``/``EPERM`` "permission denied", ``EROFS`` "read-only file system", ``EISDIR``,
  ``ENOTDIR``, ``EEXIST``, ``ENOENT`` and the rest.
* :func:`folder_lock` is the one lock of a folder (a results folder being saved, an
  experiment's store): an advisory ``flock`` that the system releases when the process ends.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pandas as pd

from corridor.errors import CorridorError, OutputError

__all__ = [
    "FolderBusyError",
    "check_output_file",
    "file_in_the_way",
    "folder_lock",
    "fsync_folder",
    "make_folder",
    "output_error",
    "sha256_of",
    "table_writer",
    "text_writer",
    "writable_problem",
    "write_atomic",
    "write_file",
    "write_table_atomic",
    "write_text_atomic",
]

log = logging.getLogger(__name__)

_NEARLY_FULL = 1 << 20  # bytes: a write that fails with less room left failed for room
_DISK_FULL = ("the disk is full", "free some space, or write to another disk")
_DENIED = ("permission denied", "choose a folder you can write to, or ask its owner for access")
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: _DISK_FULL,
    errno.EDQUOT: ("the disk quota is used up", _DISK_FULL[1]),
    errno.EFBIG: ("the file is too large for this disk", "write to another disk"),
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EROFS: ("read-only file system", "choose a folder on a disk that can be written"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter path"),
    errno.EBUSY: ("the folder is in use (a mount point?)", "give a folder inside it"),
    errno.EIO: ("input/output error", "check the disk and its connection"),
}


class FolderBusyError(CorridorError, RuntimeError):
    """Another process is writing to the same folder."""


# --------------------------------------------------------------------------- errors


def file_in_the_way(path: Path) -> Path | None:
    """The first existing part of ``path``'s folders that is not a folder, if any."""
    for part in reversed(path.parents):
        if part.exists() and not part.is_dir():
            return part
    return None


def output_error(path: str | Path, exc: OSError, doing: str = "cannot write") -> OutputError:
    """The error a user reads for ``exc``, met while writing ``path``.

    ``doing`` leads the reason (``"cannot save the results"``) where the reason is a state of
    the disk; where it is the path itself (a folder given for a file), it is left out.
    """
    target = Path(path)
    code = exc.errno
    if code == errno.EISDIR:
        return OutputError.single(target, "", "is a folder, not a file", "give a file's path")
    if code == errno.EEXIST or (code == errno.ENOTDIR and target.is_file()):
        return OutputError.single(
            target, "", "exists and is not a folder", "give a folder's path, or a new name"
        )
    if code == errno.ENOTDIR:
        blocker = file_in_the_way(target) or target.parent
        return OutputError.single(
            target, "", f"{blocker} is a file, not a folder", "choose a path through folders"
        )
    if code == errno.ENOENT:
        return OutputError.single(
            target, "", f"its folder {target.parent} does not exist",
            f"create it first with mkdir -p {target.parent}, or choose an existing folder",
        )  # fmt: skip
    what, hint = _REASONS.get(code or 0, (exc.strerror or str(exc), "check the disk"))
    return OutputError.single(target, "", f"{doing}: {what}", hint)


def writable_problem(folder: Path) -> OSError | None:
    """Why files cannot be made in ``folder`` (which exists), as an OSError, or None.

    Asked before a long run, so that it fails at once; root passes it on any disk that is
    not read-only, and then a refusal is met, and reported, when the files are written.
    """
    if os.access(folder, os.W_OK | os.X_OK):
        return None
    with contextlib.suppress(OSError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return OSError(errno.EROFS, "read-only file system")
    return OSError(errno.EACCES, "permission denied")


# --------------------------------------------------------------------------- single files


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's content, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_folder(path: Path) -> None:
    """Flush a folder's entries (names made, renamed, removed) to disk."""
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_file(path: Path, write: Callable[[str], object]) -> None:
    """Have ``write`` create ``path``, then flush it to disk: the one low-level write under
    every file of the store (tests make it fail as a full disk would)."""
    write(str(path))
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _full(path: Path) -> bool:
    """Whether the disk of ``path``'s folder has (next to) no room left: under 1 MiB."""
    try:
        return shutil.disk_usage(path.parent).free < _NEARLY_FULL
    except OSError:
        return False


def make_folder(path: str | Path, doing: str = "cannot create the folder") -> Path:
    """Create the folder ``path`` and its parents if needed (modes as the umask gives).

    Raises
    ------
    OutputError
        When it cannot be created (a file in the way, no permission, a read-only disk ...).
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(folder, exc, doing) from None
    return folder


def write_atomic(path: str | Path, write: Callable[[str], object], *, suffix: str = ".tmp") -> Path:
    """Write ``path`` through a temporary file in its folder, then rename it into place.

    Parameters
    ----------
    path
        The file to write. Its folder must exist (:func:`make_folder`).
    write
        Called with the temporary file's name, which does not exist yet (some writers, such
        as GDAL's, refuse to open an existing empty file); it must create the file.
    suffix
        The end of the temporary name, for writers that choose a format by it (``".gpkg"``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        For an ``OSError`` (:func:`output_error`), or any error of ``write`` when the disk is
        then full (some writers lose the ``ENOSPC``); anything else ``write`` raises is
        raised as it is. Either way the temporary file is removed and an old ``path`` kept.
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{suffix}")
    try:
        write_file(tmp, write)
        os.replace(tmp, target)
    except BaseException as exc:
        full = isinstance(exc, Exception) and not isinstance(exc, OSError) and _full(target)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise output_error(target, exc) from None
        if full:  # GDAL (GeoPackage, GeoJSON) says "no such table" or the like, not ENOSPC
            raise output_error(target, OSError(errno.ENOSPC, "no space left")) from exc
        raise
    fsync_folder(target.parent)
    return target


def text_writer(text: str, path: str) -> None:
    """Write UTF-8 ``text`` to ``path`` (a writer for :func:`write_atomic`)."""
    Path(path).write_text(text, encoding="utf-8")


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` with :func:`write_atomic`; return ``path``."""
    return write_atomic(path, partial(text_writer, text))


def table_writer(table: pd.DataFrame, kind: str, path: str) -> None:
    """Write ``table`` to ``path`` as ``kind``, ``".parquet"`` or ``".csv"`` (a writer for
    :func:`write_atomic`)."""
    if kind == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)


def write_table_atomic(path: str | Path, table: pd.DataFrame) -> Path:
    """Write ``table`` to ``path`` (``.parquet`` or ``.csv``) with :func:`write_atomic`."""
    kind = Path(path).suffix
    if kind not in (".parquet", ".csv"):
        raise ValueError(f"{path}: a table is written as .parquet or .csv, not {kind!r}")
    return write_atomic(path, partial(table_writer, table, kind))


def check_output_file(path: str | Path) -> Path:
    """Check that a file can be written at ``path`` (before the work of making it).

    Its folder must exist: it is not created, so a mistyped path is an error rather than a
    new tree of folders.

    Raises
    ------
    OutputError
        When ``path`` is a folder, its folder does not exist or is a file, or the folder
        cannot be written (no permission, a read-only disk).
    """
    target = Path(path)
    if target.is_dir():
        hint = f"give a file's path, such as {target / 'report.html'}"
        raise OutputError.single(target, "", "is a folder, not a file", hint)
    folder = target.parent
    if file_in_the_way(target) is not None:
        raise output_error(target, OSError(errno.ENOTDIR, "not a folder"))
    if not folder.is_dir():
        raise output_error(target, OSError(errno.ENOENT, "no such folder"))
    problem = writable_problem(folder)
    if problem is not None:
        raise output_error(target, problem)
    return target


# --------------------------------------------------------------------------- the lock


def _flock(fd: int, wait: bool, folder: Path) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise
    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
    if not wait:
        raise FolderBusyError(
            f"{folder}: {holder} is writing to this folder; wait for it to finish or give "
            "another --out"
        )
    log.warning("%s: waiting for %s to finish writing this folder", folder, holder)
    fcntl.flock(fd, fcntl.LOCK_EX)


def _acquire(lock: Path, folder: Path, wait: bool) -> int:
    """A descriptor of the file ``lock``, locked."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _flock(fd, wait, folder)
            held, now = os.fstat(fd), os.stat(lock)
            if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                return fd
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the holder removed the file as it let go: lock the new one


@contextlib.contextmanager
def folder_lock(
    folder: str | Path, *, beside: bool = False, wait: bool = True, who: str = "corridor"
) -> Iterator[None]:
    """Hold a folder's lock, the one lock of the store: an advisory ``flock``, which the
    system releases when the process ends however it ends, so a killed writer never leaves a
    folder locked.

    Parameters
    ----------
    folder
        The folder.
    beside
        Lock ``.NAME.lock`` beside the folder, and remove it when done (a results folder,
        which a save replaces whole: :mod:`corridor.results.store`), instead of
        ``NAME/.lock`` inside it (an experiment's store, which a batch writes into).
    wait
        Wait for the holder, with a warning naming it; otherwise raise.
    who
        Written into the lock file, for the messages of those who wait.

    Raises
    ------
    FolderBusyError
        If ``wait`` is false and another process holds the lock.
    OSError
        If the lock file cannot be made.
    """
    where = Path(folder)
    lock = where.parent / f".{where.name}.lock" if beside else where / ".lock"
    fd = _acquire(lock, where, wait)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{who} (pid {os.getpid()})".encode(), 0)
        yield
    finally:
        if beside:  # while it is held: one who waits on the old file then takes a new one
            with contextlib.suppress(OSError):
                lock.unlink()
        os.close(fd)
