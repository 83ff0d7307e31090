"""``corridor`` with the experiment commands, for tests that run it as a real process."""

from __future__ import annotations

import sys

from corridor import cli

if __name__ == "__main__":  # spawned workers import this file too
    if "corridor.cli_experiments" not in cli._COMMAND_MODULES:
        cli._COMMAND_MODULES = (*cli._COMMAND_MODULES, "corridor.cli_experiments")
    sys.exit(cli.main(sys.argv[1:]))
