"""The replications advisor: the smallest n whose t interval is narrow enough."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import t as student_t

from corridor.experiments import advise_replications, replications_needed


@pytest.mark.parametrize(("sd", "half"), [(1.0, 0.5), (1.0, 0.1), (2.0, 5.0), (0.3, 0.02)])
def test_the_advice_is_the_smallest_n_that_reaches_the_target(sd: float, half: float) -> None:
    n = replications_needed(sd, half)

    def width(k: int) -> float:
        return float(student_t.ppf(0.975, k - 1)) * sd / math.sqrt(k)

    assert width(n) <= half
    assert n == 2 or width(n - 1) > half


def test_known_values() -> None:
    # t(0.975, 17) * 1 / sqrt(18) = 0.497 <= 0.5 < t(0.975, 16) / sqrt(17) = 0.514
    assert replications_needed(1.0, 0.5) == 18
    assert replications_needed(0.0, 0.5) == 2


def test_bad_targets_are_refused() -> None:
    with pytest.raises(ValueError, match="the target half-width must be > 0, got 0"):
        replications_needed(1.0, 0)
    with pytest.raises(ValueError, match="give a target half-width, a relative one, or both"):
        advise_replications(pd.DataFrame())


def test_advice_table_takes_the_stricter_target() -> None:
    stats = pd.DataFrame(
        {
            "scenario": ["s", "s"],
            "flow": ["f", "f"],
            "route": ["r", "r"],
            "metric": ["mean_days", "p95_days"],
            "unit": ["d", "d"],
            "n": [5, 1],
            "mean": [10.0, 20.0],
            "sd": [1.0, math.nan],
            "half_width": [1.24, math.nan],
        }
    )
    advice = advise_replications(stats, half_width=1.0, relative=0.05)
    assert advice["target"].tolist() == [0.5, 1.0]
    assert advice["needed"].tolist()[0] == 18
    assert advice["more"].tolist()[0] == 13
    assert pd.isna(advice["needed"].iloc[1])  # one replication: no estimate of the spread
