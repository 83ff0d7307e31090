"""``corridor`` with the experiment commands, for tests that run it as a real process."""

from __future__ import annotations

import sys

from corridor import cli

if __name__ == "__main__":  # spawned workers import this file too
    sys.exit(cli.main(sys.argv[1:]))
