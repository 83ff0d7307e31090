"""Morris screening and Sobol indices with SALib, over plain arrays.

The sample is drawn in the factors' own units (uniform over ``low`` to ``high``); the indices
are computed from one output value per sample row. Nothing here runs a simulation: the same
functions serve the model and the analytic test functions that check them.

- **Morris** (elementary effects; Morris 1991, Campolongo et al. 2007): ``trajectories``
  one-at-a-time paths through a grid of ``levels`` levels per factor, ``trajectories x
  (k + 1)`` points. For each factor, ``mu*`` is the mean absolute elementary effect
  ``(y(x + Δ e_i) - y(x)) / Δ`` with ``x`` scaled to the unit cube and the step
  ``Δ = levels / (2 (levels - 1))``, so ``mu*`` is in the output's unit and reads as the
  change of the output over the factor's whole range (for an effect that is linear);
  ``sigma``, their standard deviation, is large for interactions and curvature.
  ``mu_star_conf`` is a bootstrap interval's half-width.
- **Sobol** (variance shares; Saltelli et al. 2010, Jansen's estimator of the total effect):
  a scrambled Sobol sequence of ``base_samples`` points and the cross matrices, ``N x (k +
  2)`` points. ``S1`` is the share of the output's variance due to the factor alone, ``ST``
  the share it takes part in (alone or with others); ``ST`` near 0 means the factor can be
  fixed anywhere in its range. Bootstrap half-widths ``S1_conf``, ``ST_conf``.

A noise level is given with each index: what the stochastic part of the output could show as
an effect by itself. See :func:`morris_noise` and :func:`sobol_noise`.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from corridor.experiments.factors import Factor

__all__ = [
    "NUM_RESAMPLES",
    "morris_indices",
    "morris_noise",
    "morris_step",
    "sample",
    "sobol_indices",
    "sobol_noise",
]

NUM_RESAMPLES = 1000
"""Bootstrap resamples behind the confidence half-widths of the indices."""

# SALib imports scipy and matplotlib (about 1 s): only the process that samples and analyses
# needs it, not the workers that import corridor.experiments to run a scenario, so its
# modules are imported inside the functions below.


def _problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[f.low, f.high] for f in factors],
    }


def morris_step(levels: int) -> float:
    """The Morris step in the unit cube, ``levels / (2 (levels - 1))`` (SALib's Δ)."""
    return levels / (2.0 * (levels - 1))


def sample(
    method: str,
    factors: Sequence[Factor],
    *,
    trajectories: int = 10,
    levels: int = 4,
    base_samples: int = 256,
    seed: int = 0,
) -> np.ndarray:
    """The design: one row per sample point, one column per factor, in the factors' units.

    ``morris``: ``trajectories x (k + 1)`` rows; ``sobol``: ``base_samples x (k + 2)`` rows
    (first-order and total indices only), in SALib's order, which the analysis expects.

    Raises
    ------
    ValueError
        For another method.
    """
    problem = _problem(factors)
    if method == "morris":
        from SALib.sample import morris  # noqa: PLC0415 - heavy, see above

        x = morris.sample(problem, N=trajectories, num_levels=levels, seed=seed)
    elif method == "sobol":
        from SALib.sample import sobol  # noqa: PLC0415 - heavy, see above

        x = sobol.sample(problem, base_samples, calc_second_order=False, seed=seed)
    else:
        raise ValueError(f"method {method!r} is not 'morris' or 'sobol'")
    return np.asarray(x, dtype=np.float64)


def morris_indices(
    factors: Sequence[Factor],
    x: np.ndarray,
    y: np.ndarray,
    *,
    levels: int = 4,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris indices of one output.

    Parameters
    ----------
    factors
        The factors, in the columns' order of ``x``.
    x
        The design of :func:`sample` (``morris``).
    y
        The output at each row of ``x``.

    Returns
    -------
    DataFrame
        One row per factor: ``factor``, ``mu_star``, ``mu_star_conf``, ``mu``, ``sigma``.
    """
    from SALib.analyze import morris  # noqa: PLC0415 - heavy, see above

    result = morris.analyze(
        _problem(factors),
        np.asarray(x, dtype=np.float64),
        np.asarray(y, dtype=np.float64),
        num_resamples=NUM_RESAMPLES,
        conf_level=confidence,
        num_levels=levels,
        seed=seed,
    )
    return pd.DataFrame(
        {
            "factor": [f.name for f in factors],
            "mu_star": np.asarray(result["mu_star"], dtype=np.float64),
            "mu_star_conf": np.asarray(result["mu_star_conf"], dtype=np.float64),
            "mu": np.asarray(result["mu"], dtype=np.float64),
            "sigma": np.asarray(result["sigma"], dtype=np.float64),
        }
    )


def sobol_indices(
    factors: Sequence[Factor], y: np.ndarray, *, confidence: float = 0.95, seed: int = 0
) -> pd.DataFrame:
    """Sobol first-order and total indices of one output.

    Parameters
    ----------
    factors
        The factors of the design.
    y
        The output at each row of the design of :func:`sample` (``sobol``), in its order.

    Returns
    -------
    DataFrame
        One row per factor: ``factor``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``. An output
        that does not vary at all has every index 0.
    """
    y = np.asarray(y, dtype=np.float64)
    names = [f.name for f in factors]
    if np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max(initial=0.0))):
        zero = np.zeros(len(factors))
        return pd.DataFrame(
            {"factor": names, "S1": zero, "S1_conf": zero, "ST": zero, "ST_conf": zero}
        )
    from SALib.analyze import sobol  # noqa: PLC0415 - heavy, see above

    result = sobol.analyze(
        _problem(factors),
        y,
        calc_second_order=False,
        num_resamples=NUM_RESAMPLES,
        conf_level=confidence,
        seed=seed,
    )
    return pd.DataFrame(
        {
            "factor": names,
            "S1": np.asarray(result["S1"], dtype=np.float64),
            "S1_conf": np.asarray(result["S1_conf"], dtype=np.float64),
            "ST": np.asarray(result["ST"], dtype=np.float64),
            "ST_conf": np.asarray(result["ST_conf"], dtype=np.float64),
        }
    )


def morris_noise(step_sd: float, levels: int, confidence: float = 0.95) -> float:
    """The ``mu*`` at or below which an effect may be noise.

    An elementary effect is the difference of the output at two sample points, over ``Δ``.
    ``step_sd`` is the standard deviation of such a difference due to the stochastic part
    alone (at one step, over seeds; with common random numbers it is far smaller than the
    noise of either point). A factor without effect would show elementary effects of
    standard deviation ``step_sd / Δ``; the threshold is the two-sided ``confidence``
    quantile of that (1.96 × for 95 %), a bound that a factor's mean absolute effect
    ``mu*`` of pure noise rarely reaches.
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    return z * step_sd / morris_step(levels)


def sobol_noise(step_sd: float, y: np.ndarray) -> float:
    """The share of the output's variance over the sample that noise could make: an index at
    or below it cannot be told from noise.

    ``step_sd`` is the standard deviation of the paired difference of the output between two
    points due to the stochastic part alone (over seeds, with common random numbers). With a
    correlation ``ρ`` of the noise at the two points, its square is ``2 σ² (1 - ρ)``; the
    noise's variance across the sample is ``σ² (1 - ρ̄)`` for the sample's typical
    correlation, bounded by ``step_sd² / 2`` when the two points are farther apart than
    sample points typically are. The level is ``step_sd² / 2 / Var(y)`` (at most 1).
    """
    var = float(np.var(np.asarray(y, dtype=np.float64), ddof=1)) if len(y) > 1 else 0.0
    if not var > 0:  # the output does not vary: nothing can be told from noise
        return 1.0 if step_sd > 0 else 0.0
    return min(1.0, step_sd**2 / 2.0 / var)
