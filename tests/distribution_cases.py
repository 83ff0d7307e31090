"""Distributions as files write them, with their theoretical moments: shared by the tests of the
input specs (tests/inputs/test_distributions.py) and of the samplers (tests/model/test_samplers.py).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import TypeAdapter

from corridor.inputs.distributions import Dist, DistSpec
from corridor.model.samplers import Sampler

__all__ = ["N_DRAWS", "THEORY", "dist", "draws", "sampler_of"]

N_DRAWS = 200_000
_DIST = TypeAdapter(Dist)


def dist(value: Any) -> DistSpec:
    """A distribution as a file would give it."""
    return _DIST.validate_python(value)


def sampler_of(spec: DistSpec) -> Sampler:
    """The sampler the model builds for ``spec``."""
    return Sampler(*spec.sampler_args())


def _std_normal_pdf(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _truncated_normal_moments(mu: float, sd: float) -> tuple[float, float]:
    """Mean and variance of N(mu, sd) truncated below at 0."""
    alpha = -mu / sd
    tail = 0.5 * math.erfc(alpha / math.sqrt(2))
    lam = _std_normal_pdf(alpha) / tail
    return mu + sd * lam, sd * sd * (1 + alpha * lam - lam * lam)


def _empirical_moments(values: list[float], weights: list[float]) -> tuple[float, float]:
    total = sum(weights)
    mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total
    var = sum(w * (v - mean) ** 2 for v, w in zip(values, weights, strict=True)) / total
    return mean, var


# (file form, theoretical mean, theoretical variance)
THEORY: dict[str, tuple[Any, float, float]] = {
    "fixed": ({"dist": "fixed", "value": 7.5}, 7.5, 0.0),
    "uniform": ({"dist": "uniform", "low": 2, "high": 10}, 6.0, 64 / 12),
    "triangular": (
        {"dist": "triangular", "low": 1, "mode": 3, "high": 11},
        5.0,
        (1 + 9 + 121 - 3 - 11 - 33) / 18,
    ),
    "exponential": ({"dist": "exponential", "mean": 4}, 4.0, 16.0),
    "normal": ({"dist": "normal", "mean": 10, "sd": 2}, *_truncated_normal_moments(10, 2)),
    "normal-truncated": ({"dist": "normal", "mean": 1, "sd": 2}, *_truncated_normal_moments(1, 2)),
    "lognormal": ({"dist": "lognormal", "mean": 30, "cv": 0.6}, 30.0, (0.6 * 30) ** 2),
    "gamma-moments": ({"dist": "gamma", "mean": 12, "cv": 0.5}, 12.0, 36.0),
    "gamma-shape": ({"dist": "gamma", "shape": 3, "scale": 2}, 6.0, 12.0),
    "empirical": (
        {"dist": "empirical", "values": [1, 5, 20], "weights": [2, 1, 1]},
        *_empirical_moments([1, 5, 20], [2, 1, 1]),
    ),
    "empirical-unweighted": (
        {"dist": "empirical", "values": [2, 4, 9]},
        *_empirical_moments([2, 4, 9], [1, 1, 1]),
    ),
}


def draws(spec: DistSpec, seed: int = 2024) -> np.ndarray[Any, np.dtype[np.float64]]:
    return sampler_of(spec).draw_many(np.random.default_rng(seed), N_DRAWS)
