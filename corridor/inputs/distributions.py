"""Probability distributions named in scenario and network files.

A distribution is written as a mapping with a ``dist`` key and its parameters, all in the unit
of the field that holds it (hours for ``*_h`` fields)::

    time_h: {dist: lognormal, mean: 30, cv: 0.6}
    dwell_h: 12                     # a bare number is a fixed value

The pydantic models here check parameters where the file is read. Each spec gives its numpy
form with ``sampler_args()`` -> ``(kind, params, mean)``, from which the model builds the
small frozen :class:`corridor.model.samplers.Sampler` that the engine draws from with its own
``numpy.random.Generator`` (one per stochastic element, so that scenarios share random draws).

Every distribution here is of a duration in hours, so every value and parameter is checked to
be a finite number from 0 to 10 years (:data:`corridor.inputs.limits.HOURS`); a coefficient of
variation is from 0.001 to 20. Scaling (:meth:`scaled`, for a scenario's ``time_factor``) may
take a distribution past those bounds, by at most the factor's own bound (100 times).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from corridor.inputs.frozen import Items
from corridor.inputs.limits import CV, GAMMA_SHAPE, HOURS, POSITIVE_HOURS, WEIGHT, number_text

__all__ = [
    "DIST_NAMES",
    "DIST_PARAMS",
    "Dist",
    "DistSpec",
    "Empirical",
    "Exponential",
    "Fixed",
    "Gamma",
    "Lognormal",
    "Normal",
    "SamplerArgs",
    "Triangular",
    "Uniform",
    "as_dist",
]

SamplerArgs = tuple[str, tuple[float, ...], float]
"""A distribution in numpy's terms: ``(kind, params, mean)``, the fields of a ``Sampler``.

``kind`` is a numpy draw (``"fixed"``, ``"uniform"``, ``"triangular"``, ``"exponential"``,
``"normal"`` truncated at 0, ``"lognormal"``, ``"gamma"``, ``"empirical"``), ``params`` its
numpy parameters (for ``empirical``: the values, then their probabilities) and ``mean`` the
distribution's mean."""

DIST_NAMES = (
    "fixed",
    "uniform",
    "triangular",
    "exponential",
    "normal",
    "lognormal",
    "gamma",
    "empirical",
)
# The parameters each distribution takes, as written in files.
DIST_PARAMS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "exponential": ("mean",),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "cv"),
    "gamma": ("mean", "cv", "shape", "scale"),
    "empirical": ("values", "weights"),
}

NonNeg = Annotated[float, HOURS]
Pos = Annotated[float, POSITIVE_HOURS]
Cv = Annotated[float, CV]
Shape = Annotated[float, GAMMA_SHAPE]
Weight = Annotated[float, WEIGHT]


def _check_factor(factor: float) -> None:
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError(f"scale factor must be a finite number > 0, got {factor!r}")


class _DistBase(BaseModel):
    # Parameters named ``mean`` are stored as ``mean_value`` (``mean`` is the distribution's
    # mean, a property). Files, Python code and dumps alike say ``mean``:
    # Lognormal(dist="lognormal", mean=30, cv=0.6).model_dump() == {..., "mean": 30.0, ...}
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)

    def sampler_args(self) -> SamplerArgs:  # pragma: no cover - overridden
        """The distribution in numpy's terms, ``(kind, params, mean)``; see :data:`SamplerArgs`."""
        raise NotImplementedError

    def scaled(self, factor: float) -> DistSpec:  # pragma: no cover - overridden
        """The same distribution with every value multiplied by ``factor`` > 0 (CV kept).

        Not validated again: the values are valid ones times a valid factor, and may exceed
        the bound of a file's durations by that factor.
        """
        raise NotImplementedError

    @property
    def mean(self) -> float:
        """The distribution's mean (for ``normal``, of the distribution truncated at 0)."""
        return self.sampler_args()[2]


class Fixed(_DistBase):
    """Always ``value``."""

    dist: Literal["fixed"] = "fixed"
    value: NonNeg = Field(description="the value")

    def sampler_args(self) -> SamplerArgs:
        return "fixed", (self.value,), self.value

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        return self.model_copy(update={"value": self.value * factor})


class Uniform(_DistBase):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: NonNeg = Field(description="smallest value")
    high: NonNeg = Field(description="largest value, >= low")

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g}) must be >= low ({self.low:g})")
        return self

    def sampler_args(self) -> SamplerArgs:
        if self.low == self.high:
            return "fixed", (self.low,), self.low
        return "uniform", (self.low, self.high), (self.low + self.high) / 2

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        return self.model_copy(update={"low": self.low * factor, "high": self.high * factor})


class Triangular(_DistBase):
    """Triangular with ``low`` <= ``mode`` <= ``high``."""

    dist: Literal["triangular"]
    low: NonNeg = Field(description="smallest value")
    mode: NonNeg = Field(description="most likely value")
    high: NonNeg = Field(description="largest value")

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high):
            raise ValueError(
                f"needs low <= mode <= high, got low {self.low:g}, mode {self.mode:g}, "
                f"high {self.high:g}"
            )
        return self

    def sampler_args(self) -> SamplerArgs:
        if self.low == self.high:
            return "fixed", (self.low,), self.low
        mean = (self.low + self.mode + self.high) / 3
        return "triangular", (self.low, self.mode, self.high), mean

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        return self.model_copy(
            update={
                "low": self.low * factor,
                "mode": self.mode * factor,
                "high": self.high * factor,
            }
        )


class Exponential(_DistBase):
    """Exponential with the given ``mean`` (memoryless; CV 1)."""

    dist: Literal["exponential"]
    mean_value: Pos = Field(alias="mean", description="mean, > 0")

    def sampler_args(self) -> SamplerArgs:
        return "exponential", (self.mean_value,), self.mean_value

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        return self.model_copy(update={"mean_value": self.mean_value * factor})


class Normal(_DistBase):
    """Normal with ``mean`` and ``sd``, truncated at 0 (negative draws are drawn again).

    The mean of the truncated distribution (:attr:`mean`, :attr:`Sampler.mean`) is above the
    ``mean`` parameter when ``sd`` is not small against it: by 0.15 % when ``sd = mean / 3``,
    2.8 % when ``sd = mean / 2`` and 29 % when ``sd = mean``.
    """

    dist: Literal["normal"]
    mean_value: NonNeg = Field(alias="mean", description="mean before truncation, >= 0")
    sd: NonNeg = Field(description="standard deviation before truncation, >= 0")

    def sampler_args(self) -> SamplerArgs:
        mu, sd = self.mean_value, self.sd
        if sd == 0:
            return "fixed", (mu,), mu
        # mean of a normal truncated below at 0: mu + sd * phi(a) / (1 - Phi(a)), a = -mu/sd
        alpha = -mu / sd
        pdf = math.exp(-alpha * alpha / 2) / math.sqrt(2 * math.pi)
        tail = 0.5 * math.erfc(alpha / math.sqrt(2))  # P(X > 0) >= 0.5 since mu >= 0
        return "normal", (mu, sd), mu + sd * pdf / tail

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        return self.model_copy(
            update={"mean_value": self.mean_value * factor, "sd": self.sd * factor}
        )


class Lognormal(_DistBase):
    """Lognormal given by its ``mean`` and coefficient of variation ``cv`` (sd / mean)."""

    dist: Literal["lognormal"]
    mean_value: Pos = Field(alias="mean", description="mean, > 0")
    cv: Cv = Field(description="coefficient of variation (sd / mean), 0.001 to 20")

    def sampler_args(self) -> SamplerArgs:
        sigma2 = math.log1p(self.cv * self.cv)
        mu = math.log(self.mean_value) - sigma2 / 2
        return "lognormal", (mu, math.sqrt(sigma2)), self.mean_value

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        return self.model_copy(update={"mean_value": self.mean_value * factor})


class Gamma(_DistBase):
    """Gamma given either by ``mean`` and ``cv`` or by ``shape`` and ``scale``.

    ``shape = 1 / cv**2`` and ``scale = mean * cv**2``; ``mean = shape * scale``.
    """

    dist: Literal["gamma"]
    mean_value: Pos | None = Field(default=None, alias="mean", description="mean, > 0")
    cv: Cv | None = Field(default=None, description="coefficient of variation, 0.001 to 20")
    shape: Shape | None = Field(default=None, description="shape k, 1/400 to 1,000,000")
    scale: Pos | None = Field(default=None, description="scale theta, hours, > 0")

    @model_validator(mode="after")
    def _one_form(self) -> Gamma:
        moments = (self.mean_value is not None, self.cv is not None)
        shape = (self.shape is not None, self.scale is not None)
        if not ((all(moments) and not any(shape)) or (all(shape) and not any(moments))):
            given = [
                name
                for name, v in (
                    ("mean", self.mean_value),
                    ("cv", self.cv),
                    ("shape", self.shape),
                    ("scale", self.scale),
                )
                if v is not None
            ]
            raise ValueError(
                "give either mean and cv, or shape and scale; got "
                + (", ".join(given) if given else "none of them")
            )
        if self.shape is not None and self.scale is not None:
            mean = self.shape * self.scale
            if mean > HOURS.high:
                raise ValueError(
                    f"shape x scale, the mean, is {number_text(mean)} h, more than "
                    f"{HOURS.high:,.0f} h ({HOURS.hint})"
                )
        return self

    def _shape_scale(self) -> tuple[float, float]:
        if self.shape is not None and self.scale is not None:
            return self.shape, self.scale
        mean, cv = self.mean_value, self.cv
        assert mean is not None
        assert cv is not None
        return 1.0 / (cv * cv), mean * cv * cv

    def sampler_args(self) -> SamplerArgs:
        k, theta = self._shape_scale()
        return "gamma", (k, theta), k * theta

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        if self.mean_value is not None:
            return self.model_copy(update={"mean_value": self.mean_value * factor})
        assert self.scale is not None
        return self.model_copy(update={"scale": self.scale * factor})


class Empirical(_DistBase):
    """Draws from observed ``values`` (optionally with ``weights``), with replacement."""

    dist: Literal["empirical"]
    values: Annotated[Items[NonNeg], Field(min_length=1, description="observed values")]
    weights: Items[Weight] | None = Field(
        default=None, description="relative weight of each value (need not sum to 1)"
    )

    @model_validator(mode="after")
    def _weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if max(self.weights) <= 0:
                raise ValueError("weights must not all be 0")
        return self

    def sampler_args(self) -> SamplerArgs:
        values = tuple(float(v) for v in self.values)
        if self.weights is None:
            probs = tuple(1.0 / len(values) for _ in values)
        else:
            probs = _probabilities(self.weights)
        mean = math.fsum(v * p for v, p in zip(values, probs, strict=True))
        return "empirical", values + probs, mean

    def scaled(self, factor: float) -> DistSpec:
        _check_factor(factor)
        return self.model_copy(update={"values": tuple(v * factor for v in self.values)})


def _probabilities(weights: tuple[float, ...]) -> tuple[float, ...]:
    """Finite weights >= 0, not all 0, as probabilities that sum to 1.

    Divided by their sum when it is finite (as always before; bit for bit the same draws);
    when it overflows (``[1e308, 1e308]``) the weights are first divided by the largest.
    """
    total = float(sum(weights))
    if not math.isfinite(total):
        top = max(weights)
        weights = tuple(w / top for w in weights)
        total = float(sum(weights))
    return tuple(w / total for w in weights)


DistSpec = Annotated[
    Union[Fixed, Uniform, Triangular, Exponential, Normal, Lognormal, Gamma, Empirical],
    Field(discriminator="dist"),
]
"""Any distribution, told apart by its ``dist`` key."""


def as_dist(value: object) -> object:
    """Pydantic 'before' hook: a bare number means ``{dist: fixed, value: number}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


Dist = Annotated[
    DistSpec,
    BeforeValidator(as_dist, json_schema_input_type=Union[NonNeg, DistSpec]),
    Field(description="a number (a fixed value) or a distribution {dist: ..., ...}"),
]
"""What fields hold: a distribution, or a bare number standing for a fixed value."""
