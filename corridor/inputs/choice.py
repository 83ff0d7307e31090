"""Route choice in a scenario: how shippers weigh time, money, reliability and carbon.

A scenario's ``choice:`` block makes its flows choose their routes (instead of splitting them
by fixed shares) and sets the defaults; a flow's own ``choice:`` overrides them, or says
``fixed`` to keep its shares. The generalised cost of a route, per TEU, is::

    value_of_time_usd_per_teu_day x mean door-to-door days
      + tariff (the route's cost per TEU, as modelled)
      + reliability_ratio x value_of_time_usd_per_teu_day x (P90 - P50) days
      + carbon_usd_per_t x t CO2e per TEU
      - the route's constant (constants_usd_per_teu, a preference the costs do not explain)

and shares follow a logit model with scale ``scale_per_usd``, corrected for routes that share
legs (path size). The defaults and their sources are in ``docs/route-choice.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from corridor.inputs.frozen import FrozenDict, Table
from corridor.inputs.limits import Limit
from corridor.inputs.specs import Id, Strict

__all__ = [
    "DEFAULT_SCALE_PER_USD",
    "DEFAULT_VALUE_OF_TIME",
    "ChoiceSpec",
    "FlowChoice",
    "choice_of",
]

DEFAULT_VALUE_OF_TIME = 22.0
"""USD per TEU-day: the inventory cost of a box worth US$54,500 (the world average value of a
TEU of containerised trade, Rodrigue, Port Economics) at a 15 % a year cost of capital
(between India's 6.5 % and Russia's 21 % policy rates, 2024), i.e. 54,500 x 0.15 / 365."""
DEFAULT_SCALE_PER_USD = 0.0025
"""Per USD of generalised cost: a direct cost elasticity of -0.5 for a route with 95 % of a
flow at a generalised cost of US$4,000 per TEU (e = -scale x cost x (1 - share)); freight
route and mode choice is inelastic (Jourquin, Tavasszy and Duan, EJTIR)."""

_VALUE_OF_TIME = Limit(
    "value of time", 0, 10_000, "USD per TEU-day",
    "from nothing to 18 % of a US$54,500 box a day, above the air-freight shippers of "
    "Hummels and Schaur (2013, at most 2.1 % of the value a day)",
)  # fmt: skip
_RATIO = Limit("reliability ratio", 0, 10, "", "a day of spread against a day of delay")
_CARBON = Limit(
    "carbon price", 0, 10_000, "USD per t CO2e", "up to 100 times the 2024 EU ETS price (~EUR 67)"
)
_SCALE = Limit(
    "logit scale", 0, 1, "per USD",
    "above 0; at 1 per USD a dollar's difference moves e to 1 odds", low_open=True,
)  # fmt: skip
_CONSTANT = Limit(
    "route constant", -1e6, 1e6, "USD per TEU", "a preference of at most US$1 million a TEU"
)
_PROBE = Limit(
    "probe demand", 0.001, 100, "TEU/day", "enough boxes to time every route, too few to load it"
)
_REPLICATIONS = Limit("replications", 1, 1000, "", "runs of a round when a scenario is run")
_ITERATIONS = Limit("iterations", 1, 500, "", "an equilibrium converges in tens of iterations")
_TOLERANCE = Limit(
    "tolerance", 1e-6, 0.5, "", "a share of a flow, from a millionth to a half", low_open=False
)


class _ChoiceFields(Strict):
    """The fields a scenario's and a flow's ``choice:`` share."""

    value_of_time_usd_per_teu_day: Annotated[float, _VALUE_OF_TIME] | None = Field(
        default=None, description="what a day of transit costs the shipper, USD per TEU-day"
    )
    reliability_ratio: Annotated[float, _RATIO] | None = Field(
        default=None,
        description="a day of spread (P90 - P50) weighs this many days of mean transit",
    )
    carbon_usd_per_t: Annotated[float, _CARBON] | None = Field(
        default=None, description="carbon price, USD per t CO2e (a shadow price)"
    )
    scale_per_usd: Annotated[float, _SCALE] | None = Field(
        default=None, description="logit scale, per USD"
    )
    path_size: bool | None = Field(
        default=None, description="correct the logit for routes that share legs"
    )
    constants_usd_per_teu: Table[Id, Annotated[float, _CONSTANT]] = Field(
        default_factory=FrozenDict,
        description="route -> a preference in USD per TEU, subtracted from its cost",
    )


class ChoiceSpec(_ChoiceFields):
    """A scenario's ``choice:``: its flows choose their routes, with these defaults."""

    probe_teu_per_day: Annotated[float, _PROBE] = Field(
        default=1.0,
        description="boxes a day sent on each route of a choosing flow to time it",
    )
    iterations: Annotated[int, _ITERATIONS] = Field(
        default=30, description="at most this many rounds of choice"
    )
    tolerance: Annotated[float, _TOLERANCE] = Field(
        default=0.01, description="stop when no flow would move more than this share"
    )
    replications: Annotated[int, _REPLICATIONS] = Field(
        default=1, description="runs per round when a scenario is simply run"
    )


class FlowChoice(_ChoiceFields):
    """A flow's ``choice:``: its own figures (the rest from the scenario's ``choice:``)."""


def choice_of(
    scenario_choice: ChoiceSpec | None, flow_choice: FlowChoice | Literal["fixed"] | None
) -> dict[str, object] | None:
    """The choice parameters of a flow, or None when it keeps fixed shares.

    A flow chooses when the scenario has ``choice:`` (and the flow does not say ``fixed``), or
    when it has a ``choice:`` of its own. Unset figures take the scenario's, then the defaults.
    """
    if flow_choice == "fixed" or (scenario_choice is None and flow_choice is None):
        return None
    out: dict[str, object] = {
        "value_of_time_usd_per_teu_day": DEFAULT_VALUE_OF_TIME,
        "reliability_ratio": 0.0,
        "carbon_usd_per_t": 0.0,
        "scale_per_usd": DEFAULT_SCALE_PER_USD,
        "path_size": True,
        "constants_usd_per_teu": {},
    }
    for layer in (scenario_choice, flow_choice):
        if not isinstance(layer, _ChoiceFields):
            continue
        for key in out:
            value = getattr(layer, key)
            if key == "constants_usd_per_teu":
                out[key] = {**dict(out[key]), **dict(value)}  # type: ignore[call-overload]
            elif value is not None:
                out[key] = value
    return out
