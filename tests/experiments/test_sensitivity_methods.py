"""Morris and Sobol over arrays, against functions whose indices are known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from corridor.experiments.factors import Factor
from corridor.experiments.sensitivity_methods import (
    morris_indices,
    morris_noise,
    morris_step,
    sample,
    sobol_indices,
    sobol_noise,
)

# three legs of 100, 200 and 300 km whose speeds are uniform over these ranges, km/h
LEGS = {"v_ab": (100.0, 20.0, 80.0), "v_bc": (200.0, 40.0, 60.0), "v_cd": (300.0, 50.0, 100.0)}


def _factor(name: str, low: float, high: float) -> Factor:
    return Factor(name, low, high, (low + high) / 2, "set", ("x",))


def analytic_shares() -> np.ndarray:
    """Variance shares of the terms of ``sum(L / V)`` with independent ``V ~ U(a, b)``.

    ``E[1/V] = ln(b/a) / (b - a)`` and ``E[1/V²] = 1 / (ab)``, so each term's variance is
    ``L² (1/(ab) - (ln(b/a) / (b - a))²)``; for a sum of independent terms, first-order and
    total indices both equal the term's share of the total.
    """
    var = [
        length**2 * (1 / (a * b) - (math.log(b / a) / (b - a)) ** 2)
        for length, a, b in LEGS.values()
    ]
    return np.array(var) / sum(var)


def test_the_analytic_shares_are_what_the_chain_tests_expect() -> None:
    assert analytic_shares() == pytest.approx([0.4950, 0.1230, 0.3821], abs=1e-4)


def test_sobol_indices_of_a_sum_of_independent_terms_are_their_variance_shares() -> None:
    factors = [_factor(n, a, b) for n, (_, a, b) in LEGS.items()]
    x = sample("sobol", factors, base_samples=1024, seed=1)
    y = sum(length / x[:, i] for i, (length, _, _) in enumerate(LEGS.values()))
    table = sobol_indices(factors, y, seed=1)
    # measured over 20 seeds: the largest error is 0.003 (S1) and 0.002 (ST) at N = 1024
    assert table["S1"].to_numpy() == pytest.approx(analytic_shares(), abs=0.01)
    assert table["ST"].to_numpy() == pytest.approx(analytic_shares(), abs=0.01)


def test_morris_mu_star_of_a_linear_function_is_its_change_over_the_range() -> None:
    factors = [_factor("a", 0.0, 2.0), _factor("b", 10.0, 20.0), _factor("none", -1.0, 1.0)]
    x = sample("morris", factors, trajectories=6, levels=4, seed=2)
    y = 3.0 * x[:, 0] - 0.5 * x[:, 1]  # over the ranges: +6 and -5; the third does nothing
    table = morris_indices(factors, x, y, levels=4, seed=2).set_index("factor")
    assert table["mu_star"].to_numpy() == pytest.approx([6.0, 5.0, 0.0], abs=1e-9)
    assert table["mu"].to_numpy() == pytest.approx([6.0, -5.0, 0.0], abs=1e-9)
    assert table["sigma"].to_numpy() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_an_output_that_does_not_vary_has_zero_sobol_indices() -> None:
    factors = [_factor("a", 0.0, 1.0), _factor("b", 0.0, 1.0)]
    y = np.full(len(sample("sobol", factors, base_samples=16)), 4.2)
    table = sobol_indices(factors, y)
    assert (table[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy() == 0.0).all()


def test_designs_have_the_documented_sizes() -> None:
    factors = [_factor(n, 0.0, 1.0) for n in "abcd"]
    assert sample("morris", factors, trajectories=5).shape == (5 * (4 + 1), 4)
    assert sample("sobol", factors, base_samples=32).shape == (32 * (4 + 2), 4)
    x = sample("sobol", [_factor("a", 20.0, 80.0)], base_samples=64)
    assert x.min() >= 20.0
    assert x.max() <= 80.0
    with pytest.raises(ValueError, match="method 'fast' is not 'morris' or 'sobol'"):
        sample("fast", factors)


def test_noise_levels() -> None:
    assert morris_step(4) == pytest.approx(2 / 3)
    # an elementary effect of pure noise has sd 0.1 / (2/3); 1.96 of those
    assert morris_noise(0.1, 4) == pytest.approx(1.959964 * 0.1 * 1.5, rel=1e-6)
    y = np.array([0.0, 1.0, 2.0, 3.0])  # variance 5/3
    assert sobol_noise(0.5, y) == pytest.approx(0.25 / 2 / (5 / 3))
    assert sobol_noise(0.0, np.ones(4)) == 0.0
    assert sobol_noise(0.1, np.ones(4)) == 1.0  # nothing varies: everything may be noise
