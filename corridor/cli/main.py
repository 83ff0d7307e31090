"""The ``corridor`` command line: the parser, logging, signals and error handling.

The commands are in one module per group, each adding its own with ``register``:
:mod:`corridor.cli.run` (run, validate, routes, schema), :mod:`corridor.cli.experiments`
(batch, compare, saturation) and :mod:`corridor.cli.report` (report, export).

Errors in the user's input print ``error: <file>: <where>: <what> (<hint>)`` and exit with
status 2, with no traceback. Anything else is a bug in corridor and keeps its traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Sequence

from corridor import __version__
from corridor.cli import choice as choice_commands
from corridor.cli import experiments as experiment_commands
from corridor.cli import report as report_commands
from corridor.cli import run as run_commands
from corridor.cli import sensitivity as sensitivity_commands
from corridor.errors import CorridorError

__all__ = ["build_parser", "main"]

EXIT_USAGE = 2
GRACE_S = 2.0  # how long Ctrl-C or SIGTERM may take to unwind before the command stops at once


def build_parser() -> argparse.ArgumentParser:
    """The ``corridor`` parser with every command."""
    parser = argparse.ArgumentParser(
        prog="corridor",
        description="Simulate container freight on the International North-South Transport "
        "Corridor (INSTC): transit times, reliability, bottlenecks, what-ifs.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.dedent("""\
            start here:
              corridor run scenarios/instc-baseline.yaml
              corridor routes seeds/instc.geojson NSA MOW -k 3
            scenario fields: docs/scenario-reference.md
            """),
    )
    parser.add_argument("--version", action="version", version=f"corridor {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log lines (-v info, -vv debug)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    run_commands.register(sub)
    experiment_commands.register(sub)
    choice_commands.register(sub)
    sensitivity_commands.register(sub)
    report_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``corridor`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (
        logging.WARNING
        if args.verbose == 0
        else logging.INFO
        if args.verbose == 1
        else logging.DEBUG
    )
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    args.interrupted = "nothing was written"
    timers: list[threading.Timer] = []

    def stop(signum: int, frame: object) -> None:
        """Ctrl-C and SIGTERM: unwind as a KeyboardInterrupt, and stop at once if that stalls."""
        timer = threading.Timer(GRACE_S, _stop_at_once)
        timer.daemon = True
        timer.start()
        timers.append(timer)
        raise KeyboardInterrupt

    # (a SIGINT that the shell ignores, as for a command started with nohup ... &, stays ignored)
    signals = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signals.append(signal.SIGINT)
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        return int(args.func(args))
    except CorridorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"interrupted: {args.interrupted}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (corridor ... | head): stop quietly, as command-line tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        for timer in timers:
            timer.cancel()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_at_once() -> None:
    """The end of a command that did not unwind within :data:`GRACE_S` of Ctrl-C or SIGTERM.

    Python handles a signal between two of its own steps, so a long call inside a library
    (numpy, pandas, Arrow) delays the KeyboardInterrupt until it returns. Files are written to
    temporary names and renamed into place whole, and a results folder is written beside the
    old one and swapped in whole (:mod:`corridor.results.store`), so stopping here leaves the
    old files and folders or the new ones, and only hidden leftovers that the next save or
    read removes.
    """
    os.write(
        2, b"interrupted: stopped at once; files and folders are written whole or not at all\n"
    )
    os._exit(130)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
