"""Demand: the flows of containers a scenario sends over its routes."""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from corridor.inputs.choice import FlowChoice
from corridor.inputs.frozen import Table
from corridor.inputs.limits import GrowthPct, RouteShare, Share, TeuPerDay
from corridor.inputs.pydantic_errors import located_error
from corridor.inputs.specs import Id, Strict

__all__ = ["EmptiesSpec", "FlowSpec"]


class FlowSpec(Strict):
    """Containers from ``origin`` to ``destination`` at a demand rate, split across routes."""

    id: Id = Field(description="unique name of the flow")
    origin: Id = Field(description="node id where containers are created")
    destination: Id = Field(description="node id where containers are delivered")
    teu_per_day: TeuPerDay = Field(description="demand at the start, TEU per day")
    arrival: Literal["poisson", "fixed"] = Field(
        default="poisson", description="poisson: random arrivals; fixed: evenly spaced"
    )
    growth_pct_per_year: GrowthPct = Field(
        default=0.0, description="compound demand growth, percent per year"
    )
    share_40ft: Share = Field(default=0.5, description="share of containers that are 40' (2 TEU)")
    choice: FlowChoice | Literal["fixed"] | None = Field(
        default=None,
        description="this flow's route choice (its own figures), or fixed to keep its shares",
    )
    routes: Table[Id, RouteShare] = Field(
        min_length=1,
        description="route name -> share of this flow's containers (normalised); a list of "
        "route names means equal shares",
    )

    @field_validator(
        "routes", mode="before", json_schema_input_type=Union[dict[str, float], list[str]]
    )
    @classmethod
    def _list_means_equal_shares(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            nested = [v for v in value if isinstance(v, (list, dict, set))]
            if nested:  # not a name, and not hashable as a mapping key either
                raise PydanticCustomError(
                    "corridor_scenario",
                    "lists {got} where a route name belongs; give route names, or a mapping "
                    "of route name -> share",
                    {"got": "a mapping" if isinstance(nested[0], dict) else "a list"},
                )
            repeated = sorted({str(v) for v in value if value.count(v) > 1})
            if repeated:
                raise PydanticCustomError(
                    "corridor_scenario",
                    "lists {names} more than once; name each route once",
                    {"names": ", ".join(repr(r) for r in repeated)},
                )
            return dict.fromkeys(value, 1.0)
        return value

    @model_validator(mode="after")
    def _two_ends(self) -> FlowSpec:
        if self.origin == self.destination:
            raise located_error(
                "FlowSpec",
                [
                    (
                        ("destination",),
                        f"is the origin ({self.origin!r}); a flow must go somewhere",
                        self.destination,
                    )
                ],
            )
        return self


class EmptiesSpec(Strict):
    """Empty containers sent back to where the loaded ones came from.

    Where more loaded containers go one way than the other between two nodes, ``share`` of
    the difference is returned empty, the other way along the routes of the heavier flow (each
    route's legs run back), so that the empties take capacity on the lighter direction.
    """

    share: Share = Field(description="share of the imbalance between directions sent back empty")
