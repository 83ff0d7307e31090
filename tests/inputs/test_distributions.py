"""Distribution specs: parameters checked where the file is read, means, scaling, messages."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from corridor.inputs.distributions import (
    DIST_NAMES,
    DIST_PARAMS,
    Dist,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Normal,
    Triangular,
    Uniform,
)
from corridor.inputs.pydantic_errors import pydantic_problems
from corridor.inputs.specs import Strict
from corridor.model.samplers import Sampler
from tests.distribution_cases import THEORY, dist, draws, sampler_of


class _Holder(Strict):
    time_h: Dist


def error_of(value: Any) -> str:
    """The message a user reads for ``time_h: <value>``."""
    data = {"time_h": value}
    with pytest.raises(ValidationError) as info:
        _Holder.model_validate(data)
    return "\n".join(p.render() for p in pydantic_problems(info.value, data=data))


@pytest.mark.parametrize("case", THEORY)
def test_sampler_mean_is_the_theoretical_mean(case: str) -> None:
    form, mean, _ = THEORY[case]
    spec = dist(form)
    assert sampler_of(spec).mean == pytest.approx(mean, rel=1e-12)
    assert spec.mean == sampler_of(spec).mean


def test_gamma_by_mean_and_cv_equals_gamma_by_shape_and_scale() -> None:
    by_moments = sampler_of(dist({"dist": "gamma", "mean": 12, "cv": 0.5}))
    by_shape = sampler_of(dist({"dist": "gamma", "shape": 4, "scale": 3}))
    assert by_moments.params == pytest.approx(by_shape.params)
    assert np.allclose(
        draws(dist({"dist": "gamma", "mean": 12, "cv": 0.5})),
        draws(dist({"dist": "gamma", "shape": 4, "scale": 3})),
    )


def test_normal_with_zero_sd_is_fixed() -> None:
    assert sampler_of(dist({"dist": "normal", "mean": 5, "sd": 0})) == Sampler("fixed", (5.0,), 5.0)


def test_bare_number_means_fixed() -> None:
    assert dist(12) == Fixed(value=12)
    assert sampler_of(dist(0.5)).draw(np.random.default_rng(0)) == 0.5


def test_true_is_not_a_number() -> None:
    assert error_of(True) == (
        "time_h: expected a number or a distribution, got a boolean (true) "
        "(write 12, or a distribution such as {dist: lognormal, mean: 12, cv: 0.5})"
    )


def test_text_is_not_a_distribution() -> None:
    assert error_of("12h").startswith("time_h: expected a number or a distribution, got text")


@pytest.mark.parametrize("case", THEORY)
def test_scaled_multiplies_the_mean_and_keeps_the_cv(case: str) -> None:
    spec = dist(THEORY[case][0])
    scaled = spec.scaled(2.5)
    a = sampler_of(spec).draw_many(np.random.default_rng(5), 50_000)
    b = sampler_of(scaled).draw_many(np.random.default_rng(5), 50_000)
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


def test_low_above_high_is_an_error() -> None:
    assert error_of({"dist": "uniform", "low": 5, "high": 2}) == (
        "time_h: high (2) must be >= low (5)"
    )


def test_triangular_mode_outside_low_high_is_an_error() -> None:
    assert error_of({"dist": "triangular", "low": 1, "mode": 9, "high": 5}) == (
        "time_h: needs low <= mode <= high, got low 1, mode 9, high 5"
    )


_HOURS = (
    "(durations are from 0 to 10 years; a longer one is a mistake of units; see Limits in "
    "docs/scenario-reference.md)"
)
_CV = (
    "(below 0.001 a duration is fixed (write the number); above 20 it is not a duration; see "
    "Limits in docs/scenario-reference.md)"
)


def test_negative_value_is_an_error() -> None:
    assert error_of({"dist": "uniform", "low": -1, "high": 2}) == (
        f"time_h.low: -1 is less than 0 h {_HOURS}"
    )


def test_negative_bare_number_is_an_error_at_the_field() -> None:
    assert error_of(-3) == f"time_h: -3 is less than 0 h {_HOURS}"


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (math.nan, "nan is not a number"),
        (math.inf, "inf is more than 87,660 h"),
        (-math.inf, "-inf must be more than 0 h"),
    ],
)
def test_nan_and_inf_are_errors(value: float, what: str) -> None:
    assert error_of({"dist": "exponential", "mean": value}) == f"time_h.mean: {what} {_HOURS}"


@pytest.mark.parametrize(
    "form",
    [
        87_661,
        {"dist": "uniform", "low": 0, "high": 1e300},
        {"dist": "normal", "mean": 5, "sd": 1e6},
        {"dist": "empirical", "values": [1, 1e9]},
    ],
)
def test_durations_over_ten_years_are_errors(form: Any) -> None:
    assert " is more than 87,660 h (durations are from 0 to 10 years;" in error_of(form)


def test_gamma_mean_over_ten_years_is_an_error() -> None:
    assert error_of({"dist": "gamma", "shape": 1000, "scale": 1000}) == (
        f"time_h: shape x scale, the mean, is 1000000 h, more than 87,660 h {_HOURS}"
    )


@pytest.mark.parametrize(("cv", "shown"), [(0, "0"), (-0.5, "-0.5"), (1e-200, "1e-200")])
def test_cv_below_a_thousandth_is_an_error(cv: float, shown: str) -> None:
    assert error_of({"dist": "gamma", "mean": 10, "cv": cv}) == (
        f"time_h.cv: {shown} is less than 0.001 {_CV}"
    )


def test_zero_mean_exponential_is_an_error() -> None:
    assert error_of({"dist": "exponential", "mean": 0}) == (
        f"time_h.mean: 0 must be more than 0 h {_HOURS}"
    )


def test_text_for_a_parameter_is_refused_with_a_hint() -> None:
    assert error_of({"dist": "exponential", "mean": "3"}) == (
        "time_h.mean: expected a number, got text ('3') (write 3 without quotes)"
    )


def test_exponential_given_a_rate_names_its_mean() -> None:
    assert error_of({"dist": "exponential", "rate": 0.5}) == (
        "time_h.mean: required field is missing (an exponential distribution takes dist, mean)\n"
        "time_h.rate: unknown field 'rate' (an exponential distribution takes dist, mean)"
    )


def test_huge_weights_are_normalised_without_overflow() -> None:
    spec = dist({"dist": "empirical", "values": [1, 3], "weights": [1e308, 1e308]})
    kind, params, mean = spec.sampler_args()
    assert (kind, params, mean) == ("empirical", (1.0, 3.0, 0.5, 0.5), 2.0)
    assert sampler_of(spec).draw(np.random.default_rng(1)) in (1.0, 3.0)


def test_ordinary_weights_are_divided_by_their_sum_as_before() -> None:
    weights = (0.1, 0.2, 0.7)
    spec = dist({"dist": "empirical", "values": [1, 2, 3], "weights": list(weights)})
    assert spec.sampler_args()[1][3:] == tuple(w / sum(weights) for w in weights)


def test_infinite_weight_is_an_error() -> None:
    assert error_of({"dist": "empirical", "values": [1], "weights": [math.inf]}) == (
        "time_h.weights[0]: inf is not a finite number (weights are relative; only their "
        "ratios matter; see Limits in docs/scenario-reference.md)"
    )


def test_scaled_may_pass_the_bound_of_a_file() -> None:
    assert dist(80_000).scaled(100).mean == 8_000_000


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
