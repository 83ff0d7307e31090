"""Run seeds of an experiment, from one root seed with ``numpy.random.SeedSequence``.

Replication ``r`` of *every* scenario of an experiment runs with the same seed, so each
element's random stream (see :mod:`corridor.model.streams`) is the same in all scenarios: the
scenarios are compared under common random numbers, and replication ``r`` of scenario A pairs
with replication ``r`` of scenario B.

The seed of replication ``r`` is the first 63 bits of the state of
``SeedSequence(root_seed, spawn_key=(r,))``, the ``r``-th child that
``SeedSequence(root_seed).spawn(n)`` would give. It depends only on the root seed and ``r``,
not on how many replications there are, so adding replications later keeps the earlier ones.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_SEED", "replication_seed", "replication_seeds"]

MAX_SEED = 2**63 - 1
"""Seeds are below 2**63, so they fit a signed 64-bit column and a scenario's ``seed``."""


def replication_seed(root_seed: int, replication: int) -> int:
    """The run seed of replication ``replication`` (0-based) under ``root_seed``.

    Raises
    ------
    ValueError
        If either number is negative.
    """
    if root_seed < 0:
        raise ValueError(f"the root seed must be >= 0, got {root_seed}")
    if replication < 0:
        raise ValueError(f"replication numbers start at 0, got {replication}")
    state = np.random.SeedSequence(root_seed, spawn_key=(replication,)).generate_state(1, np.uint64)
    return int(state[0]) >> 1


def replication_seeds(root_seed: int, replications: int) -> list[int]:
    """The run seeds of replications ``0 .. replications - 1``."""
    return [replication_seed(root_seed, r) for r in range(replications)]
