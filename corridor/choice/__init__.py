"""Route choice: shippers choose routes by generalised cost, and shares settle with congestion."""

from corridor.choice.costs import COST_COLUMNS, generalised_cost, route_costs
from corridor.choice.diversion import DIVERSION_COLUMNS, diversion, diversion_lines
from corridor.choice.equilibrium import (
    ASSIGNMENT_COLUMNS,
    EquilibriumResults,
    choosing_flows,
    run_equilibrium,
)
from corridor.choice.logit import logit_shares, path_sizes

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "COST_COLUMNS",
    "DIVERSION_COLUMNS",
    "EquilibriumResults",
    "choosing_flows",
    "diversion",
    "diversion_lines",
    "generalised_cost",
    "logit_shares",
    "path_sizes",
    "route_costs",
    "run_equilibrium",
]
