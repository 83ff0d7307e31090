"""The one reader and writer of a run's results folder (and, through
:mod:`corridor.results.files`, of every file corridor saves).

A results folder ``DIR`` holds one Parquet file per table, ``summary.csv`` and ``run.json``,
written last, which lists the SHA-256 of every other file and the corridor version that
wrote it. :func:`write_folder` replaces the folder whole:

1. take the folder's lock, ``.DIR.lock`` beside it (:func:`folder_lock`: a second save waits
   for the first, so the last complete save wins), and repair what a stopped save left (6);
2. write every file into a new hidden sibling, ``.DIR.new-<token>``, each flushed to disk,
   ``run.json`` last; link into it what else the old ``DIR`` holds (say, a report saved
   there), so nothing of the user's is lost;
3. rename ``DIR`` to ``.DIR.old-<token>`` (the same token);
4. rename ``.DIR.new-<token>`` to ``DIR`` and flush the parent folder;
5. remove ``.DIR.old-<token>``, then the lock file.
6. Repair (:func:`recover_folder`; under the lock, by every save and by a reader that finds
   hidden siblings): when ``DIR`` exists, every ``.DIR.new-*`` and ``.DIR.old-*`` is a
   leftover and is removed; when it does not, the stop fell between steps 3 and 4, so
   ``.DIR.new-<token>`` (complete: ``DIR`` is renamed aside only after step 2) becomes
   ``DIR``.

A save stopped at any moment (an error, a full disk, Ctrl-C, ``kill -9``, a power cut) thus
leaves ``DIR`` holding the previous run or the new one, each complete, never a mix; only for
the moment between steps 3 and 4 is the name ``DIR`` missing, and the next reader or save
finishes the swap. Because the new folder is made beside ``DIR``, saving needs write access
to ``DIR``'s parent; ``DIR`` must be new, empty or a results folder (not, say, a home folder
given by mistake), and not the current folder.

:func:`read_folder` repairs a stopped save; it does not wait for one under way, but reads
the folder again if a save swapped it while it was read. It checks the hashes all the same:
a folder mixed by hand, or by a corridor before this protocol, is refused, not read as one
run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.errors import OutputError, Problem
from corridor.results import files
from corridor.results.files import (
    FolderBusyError,
    check_output_file,
    folder_lock,
    fsync_folder,
    make_folder,
    output_error,
    sha256_of,
    writable_problem,
    write_atomic,
    write_table_atomic,
    write_text_atomic,
)

__all__ = [
    "RUN_JSON",
    "FolderBusyError",
    "ResultsFolderError",
    "check_output_file",
    "check_output_folder",
    "folder_lock",
    "make_folder",
    "output_error",
    "read_folder",
    "recover_folder",
    "sha256_of",
    "write_atomic",
    "write_folder",
    "write_table_atomic",
    "write_text_atomic",
]

log = logging.getLogger(__name__)

RUN_JSON = "run.json"
_HINT = "give a folder written by 'corridor run SCENARIO --out FOLDER'"


class ResultsFolderError(OutputError):
    """A results folder is missing, incomplete, unreadable, or mixes files of two runs."""


# --------------------------------------------------------------------------- results folders


def _real(directory: str | Path) -> Path:
    """The folder itself: a link to a folder is followed, so the link stays a link."""
    return Path(os.path.realpath(directory))


def _asides(folder: Path) -> dict[str, list[Path]]:
    """The hidden siblings a save makes (``.NAME.new-<token>``, ``.NAME.old-<token>``)."""
    found: dict[str, list[Path]] = {"new": [], "old": []}
    pattern = re.compile(rf"\.{re.escape(folder.name)}\.(new|old)-[0-9a-f]{{8}}")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder.parent):
            match = pattern.fullmatch(entry.name)
            if match:
                found[match.group(1)].append(folder.parent / entry.name)
    return found


def _recover(folder: Path) -> None:
    """Finish or clean up after a save that stopped (step 6 of the module's docstring). The
    caller holds the folder's exclusive lock, so no live save owns what is found."""
    asides = _asides(folder)
    if not folder.exists():
        for old in asides["old"]:
            new = old.with_name(old.name.replace(".old-", ".new-"))
            if new in asides["new"]:
                os.rename(new, folder)  # stopped between the two renames: finish the swap
                log.warning("%s: finished a save that was stopped half-way", folder)
                break
        else:
            if asides["old"]:  # the new one is gone (by hand): put the old one back
                os.rename(asides["old"][0], folder)
        fsync_folder(folder.parent)
    for leftover in (*asides["new"], *asides["old"]):
        if leftover.exists():
            _remove(leftover)
            log.info("%s: removed %s, left by a save that was stopped", folder, leftover.name)


def _remove(aside: Path) -> None:
    """Remove a hidden sibling; one that cannot be removed is tried again by the next save."""
    shutil.rmtree(aside, ignore_errors=True)
    if aside.exists():
        log.warning("could not remove %s; the next save tries again", aside)


def recover_folder(directory: str | Path) -> None:
    """Repair what a stopped save left beside ``directory`` (see the module's docstring),
    waiting for a save under way to finish first.

    Raises
    ------
    OSError
        If the parent folder cannot be written.
    """
    folder = _real(directory)
    with folder_lock(folder, beside=True, who="corridor (repair)"):
        _recover(folder)


def _is_results_folder(folder: Path) -> bool:
    return (folder / RUN_JSON).is_file() or any(folder.glob("*.parquet"))


def check_output_folder(directory: str | Path, *, flag: str = "--out", whole: bool = True) -> Path:
    """Check that results can be saved to ``directory`` (before spending time on a run).

    Parameters
    ----------
    directory
        The folder.
    flag
        The command-line option that names it, for the hints.
    whole
        The folder is replaced whole (a results folder): it must be new, empty or a results
        folder, and its parent must be writable. Otherwise files are written into it.

    Raises
    ------
    OutputError
        When it is a file, a folder on its path is a file, it holds files but no results, or
        neither it nor its nearest existing parent can be written.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise OutputError.single(
            out, "", "exists and is not a folder", f"give {flag} a folder to write into"
        )
    blocker = files.file_in_the_way(out)
    if blocker is not None:
        raise OutputError.single(
            out, "", f"{blocker} is a file, not a folder", f"choose a folder path for {flag}"
        )
    real = _real(out)
    if whole and _real(os.getcwd()).is_relative_to(real):
        raise OutputError.single(
            out, "", "is the current folder (or holds it), which a save would replace",
            f"give {flag} a folder inside it, such as {out / 'results'}",
        )  # fmt: skip
    shown_files = out.is_dir() and any(not p.name.startswith(".") for p in out.iterdir())
    if whole and shown_files and not _is_results_folder(out):
        raise OutputError.single(
            out, "", "holds files but no results (no run.json), and a save replaces the folder",
            f"give {flag} a new or empty folder, or one written by 'corridor run'",
        )  # fmt: skip
    probe = real.parent if whole or not out.exists() else real
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    problem = writable_problem(probe)
    if problem is not None:
        shown = out if probe in (real, real.parent) else probe
        raise output_error(shown, problem)
    return out


def _carry_over(old: Path, new: Path, written: set[str]) -> None:
    """Link into ``new`` what ``old`` holds besides a run's files: a report saved in the
    folder, notes. (Copied where the disk has no hard links.)"""
    listed = set()
    with contextlib.suppress(OSError, ValueError):
        listed = set(json.loads((old / RUN_JSON).read_text(encoding="utf-8")).get("files", {}))
    stale = re.compile(r"\..+\.[0-9a-zA-Z_]+\.tmp")  # temporaries of an older corridor's save
    for entry in old.iterdir():
        name = entry.name
        if name in written or name in listed or name == RUN_JSON or stale.fullmatch(name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(new / name))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _save(
    folder: Path, writes: list[tuple[str, Callable[[str], object]]], run: dict[str, Any]
) -> None:
    """Steps 2 to 5 of the module's docstring; the caller holds the lock."""
    while True:
        token = secrets.token_hex(4)
        new = folder.with_name(f".{folder.name}.new-{token}")
        try:
            new.mkdir()
            break
        except FileExistsError:
            continue
    try:
        hashes: dict[str, str] = {}
        for name, write in writes:
            files.write_file(new / name, write)
            hashes[name] = sha256_of(new / name)
        text = json.dumps({**run, "files": hashes}, indent=2, default=str)
        files.write_file(new / RUN_JSON, partial(files.text_writer, text))
        if folder.is_dir():
            _carry_over(folder, new, {*hashes, RUN_JSON})
        fsync_folder(new)
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old-{token}")
            os.rename(folder, old)
            os.rename(new, folder)
            fsync_folder(folder.parent)
            _remove(old)
        else:
            os.rename(new, folder)
            fsync_folder(folder.parent)
    except BaseException:
        with contextlib.suppress(OSError):  # what is not repaired now is at the next save
            _recover(folder)
        raise


def write_folder(
    directory: str | Path,
    tables: Mapping[str, pd.DataFrame],
    csv: Mapping[str, pd.DataFrame],
    run: Mapping[str, Any],
) -> Path:
    """Write a results folder: ``tables`` as ``NAME.parquet``, ``csv`` as ``NAME.csv``, then
    ``run.json`` with ``run`` and the SHA-256 of every file under ``files``; the folder is
    replaced whole (see the module's docstring), after any save under way has finished.

    Raises
    ------
    OutputError
        When ``directory`` cannot be a results folder (:func:`check_output_folder`) or the
        save fails (the disk is full ...); the folder then holds what it held before.
    """
    out = check_output_folder(directory)
    folder = _real(out)
    make_folder(folder.parent)
    before: tuple[int, int] | None = None
    writes: list[tuple[str, Callable[[str], object]]] = [
        *((f"{n}.parquet", partial(files.table_writer, t, ".parquet")) for n, t in tables.items()),
        *((f"{n}.csv", partial(files.table_writer, t, ".csv")) for n, t in csv.items()),
    ]
    try:
        with folder_lock(folder, beside=True, who="corridor (saving results)"):
            _recover(folder)
            before = _identity(folder)
            _save(folder, writes, dict(run))
    except OSError as exc:
        error = output_error(out, exc, "cannot save the results")
        if before is not None and _identity(folder) == before:
            p = error.problems[0]
            kept = "; the folder still holds its previous results"
            error = OutputError.single(out, "", p.what, p.hint + kept)
        raise error from None
    return out


# --------------------------------------------------------------------------- reading


def _fail(folder: Path, problems: list[Problem]) -> ResultsFolderError:
    """One problem about one file is reported as that file's; several as the folder's."""
    if len(problems) == 1 and problems[0].where:
        p = problems[0]
        return ResultsFolderError.single(folder / p.where, "", p.what, p.hint)
    return ResultsFolderError(folder, problems)


def _version(text: object) -> tuple[int, int] | None:
    match = re.match(r"(\d+)\.(\d+)", str(text))
    return (int(match.group(1)), int(match.group(2))) if match else None


def _check_version(meta: Mapping[str, Any], version: str, folder: Path) -> Problem | None:
    """A folder written by another major version is refused; by a newer minor one, read with
    a warning naming both; by an older one (or before versions were recorded), read."""
    wrote = meta.get("corridor_version")
    mine = _version(version)
    if wrote is None or mine is None:  # written before corridor recorded its version
        return None
    theirs = _version(wrote)
    if theirs is None:
        return Problem(RUN_JSON, f"corridor_version {wrote!r} is not a version number", _HINT)
    if theirs[0] > mine[0]:
        return Problem(
            RUN_JSON,
            f"written by corridor {wrote}, newer than this corridor {version}",
            f"install corridor {wrote} or later to read it, or run the scenario again",
        )
    if theirs[0] < mine[0]:
        return Problem(
            RUN_JSON,
            f"written by corridor {wrote}, which this corridor {version} cannot read",
            "run the scenario again with this corridor",
        )
    if theirs[1] > mine[1]:
        log.warning(
            "%s was written by corridor %s, newer than this corridor %s: what it added is not read",
            folder,
            wrote,
            version,
        )
    return None


def read_folder(
    directory: str | Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    keys: Sequence[str] = (),
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
    version: str | None = None,
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Read a folder written by :func:`write_folder`, checking that its files belong together.

    A save stopped half-way is first repaired (:func:`recover_folder`). A save under way is
    not waited for: the folder is read as it is, and read again if a save swapped it
    while it was read.

    Parameters
    ----------
    directory
        The folder.
    required
        Tables that must be there (``NAME.parquet``).
    optional
        Tables read when there; a folder written before they existed has none. One that
        ``run.json`` lists is required all the same.
    keys
        Entries that ``run.json`` must have.
    columns
        Columns that a table must have, by table.
    version
        The reader's corridor version, compared with ``run.json``'s ``corridor_version``: a
        folder written by another major version is refused, by a newer minor one read with
        a warning naming both.

    Returns
    -------
    (dict, dict)
        The entries of ``run.json`` (without ``files``), and the tables read by name.

    Raises
    ------
    ResultsFolderError
        Listing every problem: the folder or files missing, ``run.json`` or a table
        unreadable, a file whose SHA-256 is not the one ``run.json`` lists, a table without
        the ``columns`` it needs, a ``corridor_version`` this version cannot read.
    """
    folder = Path(directory)
    real = _real(folder)
    for attempt in range(3):
        if any(_asides(real).values()):
            _repair(real)
        before = _identity(real)
        try:
            result = _read(folder, required, optional, keys, columns or {}, version)
        except ResultsFolderError:
            if attempt < 2 and _identity(real) != before:
                continue  # a save swapped the folder while it was read: read the new one
            raise
        if attempt == 2 or _identity(real) == before:
            return result
    raise AssertionError("unreachable")  # pragma: no cover


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder the name stands for now (a swap changes it), or None if none."""
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _repair(folder: Path) -> None:
    """A reader's repair: what a save under way leaves beside the folder is its own, so only
    when no save holds the lock (or the folder's name is missing) is anything changed."""
    wait = not folder.exists()
    with (
        contextlib.suppress(FolderBusyError, OSError),  # read what is there
        folder_lock(folder, beside=True, wait=wait, who="corridor (repair)"),
    ):
        _recover(folder)


def _read(
    folder: Path,
    required: Sequence[str],
    optional: Sequence[str],
    keys: Sequence[str],
    columns: Mapping[str, Sequence[str]],
    version: str | None,
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    if not folder.exists():
        raise ResultsFolderError.single(folder, "", "no such folder", _HINT)
    if not folder.is_dir():
        raise ResultsFolderError.single(folder, "", "is a file, not a results folder", _HINT)
    run_json = folder / RUN_JSON
    present = [n for n in required if (folder / f"{n}.parquet").is_file()]
    if not run_json.is_file() and not present:
        raise ResultsFolderError.single(folder, "", f"no {RUN_JSON} here", _HINT)

    problems: list[Problem] = []
    meta: dict[str, Any] = {}
    files: dict[str, str] = {}
    if run_json.is_file():
        try:
            loaded = json.loads(run_json.read_text(encoding="utf-8"))
            if not isinstance(loaded, dict):
                raise ValueError("expected a JSON object")
            meta = loaded
            files = dict(meta.pop("files", None) or {})
            absent = [k for k in keys if k not in meta]
            if absent:
                problems.append(Problem(RUN_JSON, f"missing key(s) {', '.join(absent)}"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(RUN_JSON, f"cannot be read: {exc}"))
    if version is not None:
        problem = _check_version(meta, version, folder)
        if problem is not None:
            raise _fail(folder, [problem])

    wanted = [*required, *(n for n in optional if f"{n}.parquet" in files)]
    missing = [f"{n}.parquet" for n in wanted if not (folder / f"{n}.parquet").is_file()]
    if not run_json.is_file():
        missing.append(RUN_JSON)
    if missing:
        problems.insert(0, Problem("", f"missing {', '.join(missing)}", _HINT))
        raise _fail(folder, problems)

    for name, expected in files.items():
        path = folder / name
        try:
            actual = sha256_of(path) if path.is_file() else expected
        except OSError as exc:  # gone since it was listed: a save swapped the folder
            problems.append(Problem(name, f"cannot be read: {exc}"))
            continue
        if actual != expected:
            problems.append(
                Problem(
                    name,
                    "does not belong to the run that run.json describes "
                    "(the folder mixes files of two runs)",
                    "run the scenario again",
                )
            )
    names = [*required, *(n for n in optional if (folder / f"{n}.parquet").is_file())]
    tables: dict[str, pd.DataFrame] = {}
    for name in names:
        try:
            tables[name] = pd.read_parquet(folder / f"{name}.parquet")
        except Exception as exc:  # pyarrow raises several types for damaged files
            problems.append(Problem(f"{name}.parquet", f"cannot be read: {exc}"))
            continue
        lacking = [c for c in columns.get(name, ()) if c not in tables[name].columns]
        if lacking:
            problems.append(
                Problem(
                    f"{name}.parquet",
                    f"missing column(s) {', '.join(lacking)}",
                    "it was not written by corridor's save; run the scenario again",
                )
            )
    if problems:
        raise _fail(folder, problems)
    return meta, tables
