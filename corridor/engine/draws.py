"""Draws for the engine: values from a sampler on its random stream, fetched in blocks."""

from __future__ import annotations

import numpy as np

from corridor.model.samplers import Sampler

__all__ = ["Draws", "Uniforms"]


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
