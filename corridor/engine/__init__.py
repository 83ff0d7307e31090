"""The SimPy engine: runs a frozen model and writes columnar records."""

from corridor.engine.core import Engine

__all__ = ["Engine"]
