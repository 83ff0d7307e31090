"""Samplers: draws against theory, and draws that consume a generator's stream alike."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.distribution_cases import N_DRAWS, THEORY, dist, draws, sampler_of


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


def test_lognormal_by_mean_and_cv_gives_that_mean_and_cv() -> None:
    sample = draws(dist({"dist": "lognormal", "mean": 48, "cv": 0.8}))
    assert sample.mean() == pytest.approx(48, rel=0.01)
    assert sample.std() / sample.mean() == pytest.approx(0.8, rel=0.03)


def test_truncated_normal_is_never_negative() -> None:
    sample = draws(dist({"dist": "normal", "mean": 0.5, "sd": 3}))
    assert sample.min() >= 0


def test_truncated_normal_sample_mean_matches_sampler_mean() -> None:
    sampler = sampler_of(dist({"dist": "normal", "mean": 2, "sd": 4}))
    sample = sampler.draw_many(np.random.default_rng(1), N_DRAWS)
    assert sampler.mean > 2  # truncation at 0 lifts the mean
    assert sample.mean() == pytest.approx(sampler.mean, rel=0.01)


def test_empirical_weights_give_value_frequencies() -> None:
    sample = draws(dist({"dist": "empirical", "values": [1, 2, 3], "weights": [1, 0, 3]}))
    assert set(np.unique(sample)) == {1.0, 3.0}
    assert (sample == 3).mean() == pytest.approx(0.75, abs=0.005)


@pytest.mark.parametrize("case", THEORY)
def test_draw_and_draw_many_consume_the_stream_alike(case: str) -> None:
    sampler = sampler_of(dist(THEORY[case][0]))
    many = sampler.draw_many(np.random.default_rng(3), 50)
    rng = np.random.default_rng(3)
    one_by_one = [sampler.draw(rng) for _ in range(50)]
    assert many.tolist() == one_by_one


def test_same_seed_gives_same_draws() -> None:
    spec = dist({"dist": "lognormal", "mean": 5, "cv": 1})
    assert np.array_equal(draws(spec, seed=11), draws(spec, seed=11))
