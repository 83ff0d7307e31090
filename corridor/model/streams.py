"""Random streams: one independent generator per stochastic element.

Each stream is derived from the run's seed and the element's name with
``numpy.random.SeedSequence``, so two scenarios that differ in one element draw the same numbers
everywhere else (common random numbers), and a stream never depends on the order in which the
elements were built.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["name_key", "stream"]


def name_key(name: str) -> tuple[int, int, int, int]:
    """A stable 128-bit key for a stream name (independent of Python's hash seed)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))  # type: ignore[return-value]


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of element ``name`` in a run with ``seed``."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=name_key(name)))
    )
