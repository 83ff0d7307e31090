"""The ``corridor`` command line."""

from corridor.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
