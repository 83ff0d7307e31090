"""Progress of a batch for people: a rich progress bar on a terminal, plain lines otherwise.

Both are :class:`~corridor.experiments.runner.RunEvent` callbacks for
:func:`corridor.run_experiment`; :func:`progress_reporter` picks one for a stream.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from corridor.experiments.runner import ProgressCallback, RunEvent

__all__ = ["LineProgress", "progress_reporter"]


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class LineProgress:
    """One line per stored run (at most one every ``every_s`` seconds, and always the last).

    Lines read ``[5/16] mini-baseline rep 2 done (0.4 s); 11 left, about 6 s``.
    """

    def __init__(self, stream: TextIO, every_s: float = 2.0) -> None:
        self.stream = stream
        self.every_s = every_s
        self._last = -float("inf")

    def __call__(self, event: RunEvent) -> None:
        if event.label is None:
            done = f", {event.skipped} already done" if event.skipped else ""
            print(f"{event.total} runs{done}; running on {event.executor}", file=self.stream)
            self._last = time.monotonic()
            return
        now = time.monotonic()
        if now - self._last < self.every_s and event.done < event.total:
            return
        self._last = now
        left = event.total - event.done
        eta = f", about {_duration(event.eta_s)}" if event.eta_s is not None and left else ""
        print(
            f"[{event.done}/{event.total}] {event.label} rep {event.replication} done "
            f"({event.wall_s or 0:.1f} s); {left} left{eta}",
            file=self.stream,
            flush=True,
        )


@contextlib.contextmanager
def progress_reporter(stream: TextIO) -> Iterator[ProgressCallback]:
    """A progress callback for ``stream``: a bar with ETA on a terminal, lines otherwise."""
    if not stream.isatty():
        yield LineProgress(stream)
        return
    console = Console(file=stream)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task_id = None

    def update(event: RunEvent) -> None:
        nonlocal task_id
        if task_id is None:
            task_id = bar.add_task(
                f"on {event.executor}", total=event.total, completed=event.skipped
            )
            if event.skipped:
                console.print(f"{event.skipped} of {event.total} runs already done")
        if event.label is not None:
            bar.update(task_id, completed=event.done)

    with bar:
        yield update
