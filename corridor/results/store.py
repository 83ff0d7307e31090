"""The one reader and writer of files that must never be seen half-written, and of a run's
results folder.

Every file corridor writes for others to read goes through :func:`write_atomic`: it is
written under a temporary name in its own folder (``.NAME.<random>.tmp``, so readers that
glob for the real names never see it), flushed to disk and renamed into place. A reader sees
the old file or the whole new one, never a part.

A results folder holds one Parquet file per table, ``summary.csv`` and ``run.json``, written
last, which lists the SHA-256 of every other file (:func:`write_folder`). :func:`read_folder`
checks those hashes, so a folder left by a save interrupted half-way (new tables beside an
older run's) is recognised, not read as one run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.errors import OutputError, Problem

__all__ = [
    "RUN_JSON",
    "ResultsFolderError",
    "check_output_folder",
    "read_folder",
    "sha256_of",
    "write_atomic",
    "write_folder",
    "write_text_atomic",
]

RUN_JSON = "run.json"
_HINT = "give a folder written by 'corridor run SCENARIO --out FOLDER'"


class ResultsFolderError(OutputError):
    """A results folder is missing, incomplete, unreadable, or mixes files of two runs."""


# --------------------------------------------------------------------------- single files


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's content, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: str | Path, write: Callable[[str], object], *, suffix: str = ".tmp") -> Path:
    """Write ``path`` through a temporary file in its folder, then rename it into place.

    Parameters
    ----------
    path
        The file to write; its folder is created if needed.
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
    Whatever ``write`` raises; the temporary file is removed and an old ``path`` is left as
    it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    try:
        Path(tmp).unlink()
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return target


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` with :func:`write_atomic`; return ``path``."""

    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    return write_atomic(path, write)


# --------------------------------------------------------------------------- results folders


def check_output_folder(directory: str | Path) -> Path:
    """Check that results can be saved to ``directory`` (before spending time on a run).

    Raises
    ------
    OutputError
        When it is a file, or neither it nor its nearest existing parent can be written.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise OutputError.single(
            out, "", "exists and is not a folder", "give --out a folder to write the tables into"
        )
    probe = out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError.single(
            out,
            "",
            f"cannot write results: {probe} is a file, not a folder",
            "choose a folder path for --out",
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError.single(
            out,
            "",
            f"cannot write results: {probe} is not writable",
            "choose a folder you can write to",
        )
    return out


def _to_parquet(table: pd.DataFrame, path: str) -> None:
    table.to_parquet(path, index=False)


def _to_csv(table: pd.DataFrame, path: str) -> None:
    table.to_csv(path, index=False)


def write_folder(
    directory: str | Path,
    tables: Mapping[str, pd.DataFrame],
    csv: Mapping[str, pd.DataFrame],
    run: Mapping[str, Any],
) -> Path:
    """Write a results folder: ``tables`` as ``NAME.parquet``, ``csv`` as ``NAME.csv``, then
    ``run.json`` with ``run`` and the SHA-256 of every file under ``files``.

    Raises
    ------
    OutputError
        When ``directory`` is a file or cannot be written.
    """
    out = check_output_folder(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        writes = [(f"{n}.parquet", partial(_to_parquet, t)) for n, t in tables.items()]
        writes += [(f"{n}.csv", partial(_to_csv, t)) for n, t in csv.items()]
        for name, write in writes:
            files[name] = sha256_of(write_atomic(out / name, write))
        text = json.dumps({**run, "files": files}, indent=2, default=str)
        write_text_atomic(out / RUN_JSON, text)
    except OSError as exc:
        raise OutputError.single(
            out,
            "",
            f"cannot write results: {exc.strerror or exc}",
            "check the folder's permissions and free space",
        ) from None
    return out


def _fail(folder: Path, problems: list[Problem]) -> ResultsFolderError:
    """One problem about one file is reported as that file's; several as the folder's."""
    if len(problems) == 1 and problems[0].where:
        p = problems[0]
        return ResultsFolderError.single(folder / p.where, "", p.what, p.hint)
    return ResultsFolderError(folder, problems)


def read_folder(
    directory: str | Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    keys: Sequence[str] = (),
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Read a folder written by :func:`write_folder`, checking that its files belong together.

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

    Returns
    -------
    (dict, dict)
        The entries of ``run.json`` (without ``files``), and the tables read by name.

    Raises
    ------
    ResultsFolderError
        Listing every problem: the folder or files missing, ``run.json`` or a table
        unreadable, a file whose SHA-256 is not the one ``run.json`` lists (a save
        interrupted half-way).
    """
    folder = Path(directory)
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

    wanted = [*required, *(n for n in optional if f"{n}.parquet" in files)]
    missing = [f"{n}.parquet" for n in wanted if not (folder / f"{n}.parquet").is_file()]
    if not run_json.is_file():
        missing.append(RUN_JSON)
    if missing:
        problems.insert(0, Problem("", f"missing {', '.join(missing)}", _HINT))
        raise _fail(folder, problems)

    for name, expected in files.items():
        path = folder / name
        if path.is_file() and sha256_of(path) != expected:
            problems.append(
                Problem(
                    name,
                    "does not belong to the run that run.json describes "
                    "(a save was interrupted half-way)",
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
    if problems:
        raise _fail(folder, problems)
    return meta, tables
