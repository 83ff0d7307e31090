"""What a path given as an input file is, when it is not a file that can be read.

A directory, ``/dev/null``, a FIFO or a socket named as a scenario, a base scenario or a
network is not "missing": the message says what it is. Reading such a path would also go wrong
in its own way (a FIFO blocks until someone writes to it; ``/dev/zero`` never ends), so readers
ask :func:`file_problem` before they open anything.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MISSING", "file_problem"]

MISSING = "does not exist"

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_problem(path: str | Path, *, empty_ok: bool = False) -> str | None:
    """Why ``path`` is not a regular file with something in it; None when it is one.

    Returns
    -------
    str or None
        ``"does not exist"`` (:data:`MISSING`), ``"is a directory, not a file"``, ``"is not a
        regular file (a FIFO)"`` (or a character device such as ``/dev/null``, a block device,
        a socket), ``"is empty"`` (unless ``empty_ok``), or ``"cannot be read: <reason>"``.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return MISSING
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    for is_kind, kind in _KINDS:
        if is_kind(mode):
            return f"is not a regular file ({kind})"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    if info.st_size == 0 and not empty_ok:
        return "is empty"
    return None
