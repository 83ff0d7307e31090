"""The runtime form of a distribution: a small frozen sampler drawing with numpy.

A :class:`Sampler` holds a distribution in numpy's terms (built from an input spec's
``sampler_args()``) and draws from the ``numpy.random.Generator`` it is handed, one per
stochastic element. It imports numpy only, so the engine can use it without the input side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["FloatArray", "Sampler", "SamplerSpec", "sampler_of"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Sampler:
    """A compiled distribution: draws from the generator it is handed.

    ``params`` are the numpy parameters of ``kind`` (for ``empirical``: the values, then their
    probabilities); ``mean`` is the distribution's mean. :meth:`draw` and :meth:`draw_many`
    consume the generator's stream in the same way, so ``n`` calls of ``draw`` give the same
    numbers as one call of ``draw_many(rng, n)``.
    """

    kind: str
    params: tuple[float, ...]
    mean: float

    @property
    def is_fixed(self) -> bool:
        return self.kind == "fixed"

    def draw(self, rng: np.random.Generator) -> float:
        """One draw."""
        k, p = self.kind, self.params
        if k == "fixed":
            return p[0]
        if k == "exponential":
            return float(rng.exponential(p[0]))
        if k == "lognormal":
            return float(rng.lognormal(p[0], p[1]))
        if k == "gamma":
            return float(rng.gamma(p[0], p[1]))
        if k == "uniform":
            return float(rng.uniform(p[0], p[1]))
        if k == "triangular":
            return float(rng.triangular(p[0], p[1], p[2]))
        if k == "normal":
            while True:  # truncation at 0 by rejection; accepts at least half the draws
                x = float(rng.normal(p[0], p[1]))
                if x >= 0:
                    return x
        return float(self.draw_many(rng, 1)[0])

    def draw_many(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` independent draws as a float64 array."""
        k, p = self.kind, self.params
        if k == "fixed":
            return np.full(n, p[0])
        if k == "exponential":
            return rng.exponential(p[0], n)
        if k == "lognormal":
            return rng.lognormal(p[0], p[1], n)
        if k == "gamma":
            return rng.gamma(p[0], p[1], n)
        if k == "uniform":
            return rng.uniform(p[0], p[1], n)
        if k == "triangular":
            return rng.triangular(p[0], p[1], p[2], n)
        if k == "normal":
            # Keep the non-negative draws in stream order. Each batch asks only for what is
            # still missing, so the stream is consumed exactly as by repeated draw().
            kept: list[FloatArray] = []
            need = n
            while need > 0:
                batch = rng.normal(p[0], p[1], need)
                batch = batch[batch >= 0]
                kept.append(batch)
                need -= batch.size
            return np.concatenate(kept) if kept else np.empty(0)
        if k == "empirical":
            m = len(p) // 2
            return np.asarray(
                rng.choice(np.asarray(p[:m]), size=n, p=np.asarray(p[m:])), dtype=np.float64
            )
        raise AssertionError(f"unknown sampler kind {k!r}")  # pragma: no cover


class SamplerSpec(Protocol):
    """A distribution of the inputs (``corridor.inputs.distributions``), as it is compiled."""

    def sampler_args(self) -> tuple[str, tuple[float, ...], float]: ...


def sampler_of(spec: SamplerSpec) -> Sampler:
    """The sampler of a distribution of the scenario or network."""
    return Sampler(*spec.sampler_args())
