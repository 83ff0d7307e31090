"""Distributions: draws against theory, parameters checked where the file is read."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from corridor.inputs.distributions import (
    DIST_NAMES,
    DIST_PARAMS,
    Dist,
    DistSpec,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Normal,
    Sampler,
    Triangular,
    Uniform,
)
from corridor.inputs.specs import Strict
from corridor.inputs.yamlio import pydantic_problems

N_DRAWS = 200_000
_DIST = TypeAdapter(Dist)


def dist(value: Any) -> DistSpec:
    """A distribution as a file would give it."""
    return _DIST.validate_python(value)


class _Holder(Strict):
    time_h: Dist


def error_of(value: Any) -> str:
    """The message a user reads for ``time_h: <value>``."""
    data = {"time_h": value}
    with pytest.raises(ValidationError) as info:
        _Holder.model_validate(data)
    return "\n".join(p.render() for p in pydantic_problems(info.value, data=data))


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
    return spec.compile().draw_many(np.random.default_rng(seed), N_DRAWS)


@pytest.mark.parametrize("case", THEORY)
def test_sample_mean_matches_theory(case: str) -> None:
    form, mean, var = THEORY[case]
    sample = draws(dist(form))
    standard_error = math.sqrt(var / N_DRAWS)
    assert abs(sample.mean() - mean) <= 5 * standard_error + 1e-12


@pytest.mark.parametrize("case", THEORY)
def test_sample_variance_matches_theory(case: str) -> None:
    form, _, var = THEORY[case]
    sample = draws(dist(form))
    assert sample.var() == pytest.approx(var, rel=0.03, abs=1e-12)


@pytest.mark.parametrize("case", THEORY)
def test_sampler_mean_is_the_theoretical_mean(case: str) -> None:
    form, mean, _ = THEORY[case]
    spec = dist(form)
    assert spec.compile().mean == pytest.approx(mean, rel=1e-12)
    assert spec.mean == spec.compile().mean


def test_lognormal_by_mean_and_cv_gives_that_mean_and_cv() -> None:
    sample = draws(dist({"dist": "lognormal", "mean": 48, "cv": 0.8}))
    assert sample.mean() == pytest.approx(48, rel=0.01)
    assert sample.std() / sample.mean() == pytest.approx(0.8, rel=0.03)


def test_gamma_by_mean_and_cv_equals_gamma_by_shape_and_scale() -> None:
    by_moments = dist({"dist": "gamma", "mean": 12, "cv": 0.5}).compile()
    by_shape = dist({"dist": "gamma", "shape": 4, "scale": 3}).compile()
    assert by_moments.params == pytest.approx(by_shape.params)
    assert np.allclose(
        draws(dist({"dist": "gamma", "mean": 12, "cv": 0.5})),
        draws(dist({"dist": "gamma", "shape": 4, "scale": 3})),
    )


def test_truncated_normal_is_never_negative() -> None:
    sample = draws(dist({"dist": "normal", "mean": 0.5, "sd": 3}))
    assert sample.min() >= 0


def test_truncated_normal_sample_mean_matches_sampler_mean() -> None:
    sampler = dist({"dist": "normal", "mean": 2, "sd": 4}).compile()
    sample = sampler.draw_many(np.random.default_rng(1), N_DRAWS)
    assert sampler.mean > 2  # truncation at 0 lifts the mean
    assert sample.mean() == pytest.approx(sampler.mean, rel=0.01)


def test_normal_with_zero_sd_is_fixed() -> None:
    assert dist({"dist": "normal", "mean": 5, "sd": 0}).compile() == Sampler("fixed", (5.0,), 5.0)


def test_empirical_weights_give_value_frequencies() -> None:
    sample = draws(dist({"dist": "empirical", "values": [1, 2, 3], "weights": [1, 0, 3]}))
    assert set(np.unique(sample)) == {1.0, 3.0}
    assert (sample == 3).mean() == pytest.approx(0.75, abs=0.005)


def test_bare_number_means_fixed() -> None:
    assert dist(12) == Fixed(value=12)
    assert dist(0.5).compile().draw(np.random.default_rng(0)) == 0.5


def test_true_is_not_a_number() -> None:
    assert error_of(True) == (
        "time_h: expected a number or a distribution, got a boolean (true) "
        "(write 12, or a distribution such as {dist: lognormal, mean: 12, cv: 0.5})"
    )


def test_text_is_not_a_distribution() -> None:
    assert error_of("12h").startswith("time_h: expected a number or a distribution, got text")


@pytest.mark.parametrize("case", THEORY)
def test_draw_and_draw_many_consume_the_stream_alike(case: str) -> None:
    sampler = dist(THEORY[case][0]).compile()
    many = sampler.draw_many(np.random.default_rng(3), 50)
    rng = np.random.default_rng(3)
    one_by_one = [sampler.draw(rng) for _ in range(50)]
    assert many.tolist() == one_by_one


def test_same_seed_gives_same_draws() -> None:
    spec = dist({"dist": "lognormal", "mean": 5, "cv": 1})
    assert np.array_equal(draws(spec, seed=11), draws(spec, seed=11))


@pytest.mark.parametrize("case", THEORY)
def test_scaled_multiplies_the_mean_and_keeps_the_cv(case: str) -> None:
    spec = dist(THEORY[case][0])
    scaled = spec.scaled(2.5)
    a = spec.compile().draw_many(np.random.default_rng(5), 50_000)
    b = scaled.compile().draw_many(np.random.default_rng(5), 50_000)
    assert scaled.mean == pytest.approx(2.5 * spec.mean, rel=1e-12)
    if a.std() > 0:
        assert b.std() / b.mean() == pytest.approx(a.std() / a.mean(), rel=1e-9)


def test_scaled_gamma_keeps_its_form() -> None:
    assert dist({"dist": "gamma", "mean": 10, "cv": 0.5}).scaled(2) == Gamma(
        dist="gamma", mean=20, cv=0.5
    )


@pytest.mark.parametrize("factor", [0, -1, math.nan, math.inf])
def test_scaled_refuses_a_factor_that_is_not_positive(factor: float) -> None:
    with pytest.raises(ValueError, match="scale factor must be a finite number > 0"):
        dist({"dist": "exponential", "mean": 3}).scaled(factor)


def test_python_code_writes_mean_like_files() -> None:
    spec = Lognormal(dist="lognormal", mean=30, cv=0.6)
    assert spec.mean_value == 30
    assert spec.model_dump() == {"dist": "lognormal", "mean": 30.0, "cv": 0.6}


def test_dump_of_a_distribution_validates_again() -> None:
    for form, _, _ in THEORY.values():
        spec = dist(form)
        assert dist(spec.model_dump()) == spec


def test_dist_params_lists_each_distributions_fields() -> None:
    classes = (Fixed, Uniform, Triangular, Exponential, Normal, Lognormal, Gamma, Empirical)
    for name, cls in zip(DIST_NAMES, classes, strict=True):
        fields = tuple(f.alias or key for key, f in cls.model_fields.items() if key != "dist")
        assert DIST_PARAMS[name] == fields


# --- bad parameters: the message names the field and the rule --------------------------------


def test_low_above_high_is_an_error() -> None:
    assert error_of({"dist": "uniform", "low": 5, "high": 2}) == (
        "time_h: high (2) must be >= low (5)"
    )


def test_triangular_mode_outside_low_high_is_an_error() -> None:
    assert error_of({"dist": "triangular", "low": 1, "mode": 9, "high": 5}) == (
        "time_h: needs low <= mode <= high, got low 1, mode 9, high 5"
    )


def test_negative_value_is_an_error() -> None:
    assert error_of({"dist": "uniform", "low": -1, "high": 2}) == "time_h.low: -1 must be >= 0"


def test_negative_bare_number_is_an_error_at_the_field() -> None:
    assert error_of(-3) == "time_h: -3 must be >= 0"


@pytest.mark.parametrize(
    ("value", "shown"), [(math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf")]
)
def test_nan_and_inf_are_errors(value: float, shown: str) -> None:
    assert error_of({"dist": "exponential", "mean": value}) == (
        f"time_h.mean: {shown} must be a finite number"
    )


@pytest.mark.parametrize("cv", [0, -0.5])
def test_cv_not_above_zero_is_an_error(cv: float) -> None:
    assert error_of({"dist": "lognormal", "mean": 10, "cv": cv}) == (
        f"time_h.cv: {cv:g} must be > 0"
    )


def test_zero_mean_exponential_is_an_error() -> None:
    assert error_of({"dist": "exponential", "mean": 0}) == "time_h.mean: 0 must be > 0"


def test_misspelt_dist_lists_the_valid_names() -> None:
    assert error_of({"dist": "lognorm", "mean": 10, "cv": 1}) == (
        "time_h.dist: 'lognorm' is not one of 'fixed', 'uniform', 'triangular', 'exponential', "
        "'normal', 'lognormal', 'gamma', 'empirical' (did you mean 'lognormal'?)"
    )


def test_missing_dist_key_lists_the_valid_names() -> None:
    assert error_of({"mean": 10, "cv": 1}) == (
        "time_h: needs a 'dist' key, one of 'fixed', 'uniform', 'triangular', 'exponential', "
        "'normal', 'lognormal', 'gamma', 'empirical'"
    )


def test_unknown_parameter_names_the_parameters_of_that_distribution() -> None:
    assert error_of({"dist": "lognormal", "mean": 10, "cv": 1, "sd": 2}) == (
        "time_h.sd: unknown field 'sd' (a lognormal distribution takes dist, mean, cv)"
    )


def test_mean_value_is_not_a_file_key() -> None:
    assert "time_h.mean_value: unknown field 'mean_value'" in error_of(
        {"dist": "exponential", "mean_value": 3}
    )


def test_missing_parameter_is_named() -> None:
    assert error_of({"dist": "normal", "mean": 10}) == (
        "time_h.sd: required field is missing (a normal distribution takes dist, mean, sd)"
    )


@pytest.mark.parametrize(
    ("form", "got"),
    [
        ({"mean": 10, "shape": 2}, "mean, shape"),
        ({"mean": 10}, "mean"),
        ({}, "none of them"),
    ],
)
def test_gamma_needs_exactly_one_form(form: dict[str, float], got: str) -> None:
    assert error_of({"dist": "gamma", **form}) == (
        f"time_h: give either mean and cv, or shape and scale; got {got}"
    )


def test_empirical_weights_must_match_values() -> None:
    assert error_of({"dist": "empirical", "values": [1, 2], "weights": [1]}) == (
        "time_h: weights has 1 entries but values has 2"
    )


def test_empirical_weights_must_not_all_be_zero() -> None:
    assert error_of({"dist": "empirical", "values": [1, 2], "weights": [0, 0]}) == (
        "time_h: weights must not all be 0"
    )


def test_empirical_needs_a_value() -> None:
    assert error_of({"dist": "empirical", "values": []}) == (
        "time_h.values: needs at least 1 item, got 0"
    )
