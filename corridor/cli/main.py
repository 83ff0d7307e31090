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
from collections.abc import Sequence

from corridor import __version__
from corridor.cli import experiments as experiment_commands
from corridor.cli import report as report_commands
from corridor.cli import run as run_commands
from corridor.errors import CorridorError

__all__ = ["build_parser", "main"]

EXIT_USAGE = 2


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
    previous = signal.signal(signal.SIGTERM, _terminate)
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
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM stops a command the way Ctrl-C does."""
    raise KeyboardInterrupt


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
