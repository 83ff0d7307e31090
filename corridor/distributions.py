"""Probability distributions named in scenario and network files, and their samplers.

A distribution is written as a mapping with a ``dist`` key and its parameters, all in the unit
of the field that holds it (hours for ``*_h`` fields)::

    time_h: {dist: lognormal, mean: 30, cv: 0.6}
    dwell_h: 12                     # a bare number is a fixed value

The pydantic models here check parameters where the file is read; :meth:`DistSpec.compile`
turns a spec into a small frozen sampler that the engine calls with its own
``numpy.random.Generator`` (one per stochastic element; see :mod:`corridor.streams`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "DIST_NAMES",
    "Dist",
    "DistSpec",
    "Sampler",
    "as_dist",
]

FloatArray = np.ndarray


class _DistBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def compile(self) -> Sampler:  # pragma: no cover - overridden
        raise NotImplementedError

    def scaled(self, factor: float) -> DistSpec:
        """The same distribution with every value multiplied by ``factor`` (CV kept)."""
        raise NotImplementedError  # pragma: no cover - overridden

    @property
    def mean(self) -> float:
        return self.compile().mean


NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Pos = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Fixed(_DistBase):
    """Always ``value``."""

    dist: Literal["fixed"] = "fixed"
    value: NonNeg

    def compile(self) -> Sampler:
        return Sampler("fixed", (self.value,), self.value)

    def scaled(self, factor: float) -> DistSpec:
        return Fixed(value=self.value * factor)


class Uniform(_DistBase):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: NonNeg
    high: NonNeg

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self

    def compile(self) -> Sampler:
        return Sampler("uniform", (self.low, self.high), (self.low + self.high) / 2)

    def scaled(self, factor: float) -> DistSpec:
        return Uniform(dist="uniform", low=self.low * factor, high=self.high * factor)


class Triangular(_DistBase):
    """Triangular with ``low`` <= ``mode`` <= ``high``."""

    dist: Literal["triangular"]
    low: NonNeg
    mode: NonNeg
    high: NonNeg

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high):
            raise ValueError(
                f"needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def compile(self) -> Sampler:
        mean = (self.low + self.mode + self.high) / 3
        return Sampler("triangular", (self.low, self.mode, self.high), mean)

    def scaled(self, factor: float) -> DistSpec:
        return Triangular(
            dist="triangular", low=self.low * factor, mode=self.mode * factor,
            high=self.high * factor,
        )


class Exponential(_DistBase):
    """Exponential with the given ``mean``."""

    dist: Literal["exponential"]
    mean_value: Pos = Field(alias="mean")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def compile(self) -> Sampler:
        return Sampler("exponential", (self.mean_value,), self.mean_value)

    def scaled(self, factor: float) -> DistSpec:
        return Exponential(dist="exponential", mean=self.mean_value * factor)


class Normal(_DistBase):
    """Normal with ``mean`` and ``sd``, truncated at 0 (negative draws are drawn again).

    The mean of the truncated distribution is above ``mean`` when ``sd`` is not small
    against it; keep ``sd`` below about ``mean / 2`` for the two to agree.
    """

    dist: Literal["normal"]
    mean_value: NonNeg = Field(alias="mean")
    sd: NonNeg

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def compile(self) -> Sampler:
        mu, sd = self.mean_value, self.sd
        if sd == 0:
            return Sampler("fixed", (mu,), mu)
        # mean of a normal truncated below at 0
        alpha = -mu / sd
        pdf = math.exp(-alpha * alpha / 2) / math.sqrt(2 * math.pi)
        cdf = 0.5 * math.erfc(alpha / math.sqrt(2))  # P(X > 0)
        return Sampler("normal", (mu, sd), mu + sd * pdf / cdf)

    def scaled(self, factor: float) -> DistSpec:
        return Normal(dist="normal", mean=self.mean_value * factor, sd=self.sd * factor)


class Lognormal(_DistBase):
    """Lognormal given by its ``mean`` and coefficient of variation ``cv`` (sd / mean)."""

    dist: Literal["lognormal"]
    mean_value: Pos = Field(alias="mean")
    cv: Annotated[float, Field(gt=0, le=20, allow_inf_nan=False)]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def compile(self) -> Sampler:
        sigma2 = math.log1p(self.cv * self.cv)
        mu = math.log(self.mean_value) - sigma2 / 2
        return Sampler("lognormal", (mu, math.sqrt(sigma2)), self.mean_value)

    def scaled(self, factor: float) -> DistSpec:
        return Lognormal(dist="lognormal", mean=self.mean_value * factor, cv=self.cv)


class Gamma(_DistBase):
    """Gamma given either by ``mean`` and ``cv`` or by ``shape`` and ``scale``."""

    dist: Literal["gamma"]
    mean_value: Pos | None = Field(default=None, alias="mean")
    cv: Annotated[float, Field(gt=0, le=20, allow_inf_nan=False)] | None = None
    shape: Pos | None = None
    scale: Pos | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_form(self) -> Gamma:
        by_moments = self.mean_value is not None and self.cv is not None
        by_shape = self.shape is not None and self.scale is not None
        mixed = (self.mean_value is not None or self.cv is not None) and (
            self.shape is not None or self.scale is not None
        )
        if mixed or not (by_moments or by_shape):
            raise ValueError("give either mean and cv, or shape and scale")
        return self

    def _shape_scale(self) -> tuple[float, float]:
        if self.shape is not None and self.scale is not None:
            return self.shape, self.scale
        assert self.mean_value is not None and self.cv is not None
        return 1.0 / (self.cv * self.cv), self.mean_value * self.cv * self.cv

    def compile(self) -> Sampler:
        k, theta = self._shape_scale()
        return Sampler("gamma", (k, theta), k * theta)

    def scaled(self, factor: float) -> DistSpec:
        k, theta = self._shape_scale()
        return Gamma(dist="gamma", shape=k, scale=theta * factor)


class Empirical(_DistBase):
    """Draws from observed ``values`` (optionally with ``weights``), with replacement."""

    dist: Literal["empirical"]
    values: Annotated[list[NonNeg], Field(min_length=1)]
    weights: list[NonNeg] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be 0")
        return self

    def compile(self) -> Sampler:
        values = tuple(float(v) for v in self.values)
        if self.weights is None:
            probs = tuple(1.0 / len(values) for _ in values)
        else:
            total = float(sum(self.weights))
            probs = tuple(w / total for w in self.weights)
        mean = sum(v * p for v, p in zip(values, probs, strict=True))
        return Sampler("empirical", values + probs, mean)

    def scaled(self, factor: float) -> DistSpec:
        return Empirical(
            dist="empirical", values=[v * factor for v in self.values], weights=self.weights
        )


DistSpec = Annotated[
    Union[Fixed, Uniform, Triangular, Exponential, Normal, Lognormal, Gamma, Empirical],
    Field(discriminator="dist"),
]
DIST_NAMES = (
    "fixed", "uniform", "triangular", "exponential", "normal", "lognormal", "gamma", "empirical",
)


def as_dist(value: object) -> object:
    """Pydantic 'before' hook: a bare number means ``{dist: fixed, value: number}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


# What fields hold: a distribution, or a bare number standing for a fixed value.
Dist = Annotated[DistSpec, Field(json_schema_extra={"description": "a distribution"})]


@dataclass(frozen=True, slots=True)
class Sampler:
    """A compiled distribution: draws from the generator it is handed.

    ``params`` are the numpy parameters of ``kind``; ``mean`` is the distribution's mean.
    """

    kind: str
    params: tuple[float, ...]
    mean: float

    @property
    def is_fixed(self) -> bool:
        return self.kind == "fixed"

    def draw(self, rng: np.random.Generator) -> float:
        """One draw."""
        return float(self.draw_many(rng, 1)[0]) if self.kind != "fixed" else self.params[0]

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
            if p[0] == p[2]:
                return np.full(n, p[0])
            return rng.triangular(p[0], p[1], p[2], n)
        if k == "normal":
            out = rng.normal(p[0], p[1], n)
            bad = out < 0
            while bad.any():  # truncation at 0 by rejection
                out[bad] = rng.normal(p[0], p[1], int(bad.sum()))
                bad = out < 0
            return out
        if k == "empirical":
            m = len(p) // 2
            return rng.choice(np.asarray(p[:m]), size=n, p=np.asarray(p[m:]))
        raise AssertionError(f"unknown sampler kind {k!r}")  # pragma: no cover
