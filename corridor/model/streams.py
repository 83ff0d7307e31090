"""Random streams: one independent generator per stochastic element.

Each stream is derived from the run's seed and the element's name with
``numpy.random.SeedSequence``, so two scenarios that differ in one element draw the same numbers
everywhere else (common random numbers), and a stream never depends on the order in which the
elements were built.
"""

from __future__ import annotations

import hashlib

import numpy as np

from corridor.model.samplers import Sampler

__all__ = ["Draws", "name_key", "stream"]


def name_key(name: str) -> tuple[int, int, int, int]:
    """A stable 128-bit key for a stream name (independent of Python's hash seed)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))  # type: ignore[return-value]


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of element ``name`` in a run with ``seed``."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=name_key(name)))
    )


class Draws:
    """Draws from one sampler on one stream, fetched in blocks for speed.

    The sequence of values depends only on the seed, the stream name and the sampler.
    """

    __slots__ = ("_buf", "_i", "_rng", "_sampler", "block")

    def __init__(self, sampler: Sampler, rng: np.random.Generator, block: int = 512) -> None:
        self._sampler = sampler
        self._rng = rng
        self.block = block
        self._buf: list[float] = []
        self._i = 0

    @property
    def mean(self) -> float:
        return self._sampler.mean

    def next(self) -> float:
        """The next draw."""
        if self._i >= len(self._buf):
            self._buf = self._sampler.draw_many(self._rng, self.block).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value

    def take(self, n: int) -> list[float]:
        """The next ``n`` draws."""
        out: list[float] = []
        while n > 0:
            if self._i >= len(self._buf):
                self._buf = self._sampler.draw_many(self._rng, max(self.block, n)).tolist()
                self._i = 0
            chunk = self._buf[self._i : self._i + n]
            self._i += len(chunk)
            n -= len(chunk)
            out.extend(chunk)
        return out


class Uniforms:
    """Uniform(0, 1) draws on one stream, fetched in blocks."""

    __slots__ = ("_buf", "_i", "_rng")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def next(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._rng.random(512).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value
