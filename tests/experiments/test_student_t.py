"""Student t quantiles against printed tables."""

from __future__ import annotations

import pytest

from corridor.experiments.student_t import t_cdf, t_quantile

# two-sided 95 % and 99 % critical values (any statistics textbook's t table)
TABLE = [
    (1, 0.975, 12.706),
    (2, 0.975, 4.303),
    (4, 0.975, 2.776),
    (9, 0.975, 2.262),
    (29, 0.975, 2.045),
    (120, 0.975, 1.980),
    (5, 0.995, 4.032),
    (19, 0.95, 1.729),
]


@pytest.mark.parametrize(("df", "p", "expected"), TABLE)
def test_quantiles_match_the_printed_table(df: int, p: float, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=5e-4)


def test_quantile_inverts_the_cdf_and_is_symmetric() -> None:
    for df in (1, 3, 10, 50):
        for p in (0.6, 0.9, 0.999):
            t = t_quantile(p, df)
            assert t_cdf(t, df) == pytest.approx(p, abs=1e-10)
            assert t_quantile(1 - p, df) == pytest.approx(-t, abs=1e-10)


def test_many_degrees_of_freedom_approach_the_normal() -> None:
    assert t_quantile(0.975, 1e7) == pytest.approx(1.959964, abs=1e-5)


def test_bad_arguments_are_refused_with_the_value() -> None:
    with pytest.raises(ValueError, match=r"p must be strictly between 0 and 1, got 1\.0"):
        t_quantile(1.0, 3)
    with pytest.raises(ValueError, match="degrees of freedom must be > 0, got 0"):
        t_quantile(0.9, 0)
