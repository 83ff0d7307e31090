"""The choice model: a path-size logit over a flow's routes.

A shipper of a flow picks route ``r`` with probability::

    P(r) = exp(V_r) / sum_j exp(V_j),   V_r = -scale * (GC_r - K_r) + beta * ln PS_r

where ``GC_r`` is the route's generalised cost per TEU (:mod:`corridor.choice.costs`), ``K_r``
its constant (a preference the costs do not explain, in USD per TEU; 0 unless calibrated) and
``scale`` the logit scale per USD. ``PS_r`` is the route's *path size* (Ben-Akiva and
Bierlaire 1999)::

    PS_r = sum over legs a of r of (L_a / L_r) / N_a

with ``L_a`` the length of leg ``a``, ``L_r`` the route's and ``N_a`` the number of the flow's
routes that use ``a``. A route that shares none of its legs has ``PS = 1``; two identical routes
have ``PS = 1/2`` each, so together they take the share one of them would take alone. The
INSTC's routes overlap a great deal (every branch shares Nhava Sheva - Bandar Abbas - Bafq, and
the five trans-Caspian routes most of their Iranian legs), and they overlap *across* branches
(Tehran - Garmsar serves both Amirabad and Incheh Borun): a nested logit by branch cannot
express overlaps between nests, the path size does, without nest parameters that no study of
the corridor has estimated. ``beta`` is 1, the usual value when it is not estimated.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

__all__ = ["PATH_SIZE_BETA", "logit_shares", "path_sizes"]

PATH_SIZE_BETA = 1.0


def path_sizes(routes: Mapping[str, Sequence[tuple[str, float]]]) -> dict[str, float]:
    """The path size of each route of one flow.

    Parameters
    ----------
    routes
        Route name -> its legs as ``(leg id, length km)``.
    """
    uses = Counter(leg for legs in routes.values() for leg, _ in dict(legs).items())
    out = {}
    for name, legs in routes.items():
        total = sum(km for _, km in legs) or 1.0
        out[name] = sum(km / total / uses[leg] for leg, km in dict(legs).items())
    return out


def logit_shares(
    costs: Mapping[str, float],
    scale_per_usd: float,
    constants: Mapping[str, float] | None = None,
    sizes: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The logit shares of routes with generalised costs ``costs`` (USD per TEU).

    ``constants`` (USD per TEU) are subtracted from the costs; ``sizes`` are path sizes (none:
    a plain multinomial logit). Computed from the lowest utility up, so no term overflows.
    """
    constants = constants or {}
    utility = {
        r: -scale_per_usd * (c - constants.get(r, 0.0))
        + (PATH_SIZE_BETA * math.log(sizes[r]) if sizes is not None else 0.0)
        for r, c in costs.items()
    }
    top = max(utility.values())
    weights = {r: math.exp(u - top) for r, u in utility.items()}
    total = sum(weights.values())
    return {r: w / total for r, w in weights.items()}
