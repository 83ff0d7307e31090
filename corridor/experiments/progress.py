"""Progress of a batch for people: a tqdm bar, in a terminal, a log or a notebook alike.

:class:`ProgressBar` is a :class:`~corridor.experiments.runner.RunEvent` callback for
:func:`corridor.run_experiment` and :func:`corridor.experiments.find_saturation`; it draws
``tqdm.auto``'s bar, which is a widget in Jupyter and text elsewhere. In a notebook::

    run_experiment(spec, progress=ProgressBar())

:func:`progress_reporter` is the command line's: the same bar on a stream, closed when the
batch ends or fails. On a stream that is not a terminal (a log file, a pipe) the bar is
redrawn at most every two seconds.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from tqdm.auto import tqdm

from corridor.experiments.runner import ProgressCallback, RunEvent

__all__ = ["ProgressBar", "progress_reporter"]


class ProgressBar:
    """A progress bar of the runs of a batch, opened by the batch's first event.

    The first line says how many runs there are, how many were found done and where they run
    (``8 runs, 4 already done; running on 2 local processes``); the bar then counts stored
    runs with the rate and the time left, and is closed at the last run.

    Parameters
    ----------
    stream
        Where to write (standard error by default); ignored in a notebook, which shows a widget.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self._bar: Any = None

    def __call__(self, event: RunEvent) -> None:
        if event.label is None:
            self.close()
            done = f", {event.skipped} already done" if event.skipped else ""
            print(f"{event.total} runs{done}; running on {event.executor}", file=self.stream)
            terminal = self.stream.isatty()
            self._bar = tqdm(
                total=event.total, initial=event.skipped, unit="run", desc="runs",
                file=self.stream, mininterval=0.1 if terminal else 2.0, dynamic_ncols=terminal,
                ascii=not terminal,
            )  # fmt: skip
            return
        if self._bar is None:
            return
        self._bar.set_postfix_str(f"{event.label} rep {event.replication}", refresh=False)
        self._bar.update(event.done - self._bar.n)
        if event.done >= event.total:
            self.close()

    def close(self) -> None:
        """Close the bar (also when the batch stopped before its last run)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextlib.contextmanager
def progress_reporter(stream: TextIO) -> Iterator[ProgressCallback]:
    """A :class:`ProgressBar` on ``stream``, closed when the block ends."""
    bar = ProgressBar(stream)
    try:
        yield bar
    finally:
        bar.close()
