"""Route choice: shippers choose routes by generalised cost, and shares settle with congestion."""

from corridor.choice.calibrate import CALIBRATION_COLUMNS, calibrate_constants, constants_for
from corridor.choice.costs import COST_COLUMNS, generalised_cost, route_costs
from corridor.choice.diversion import (
    DIVERSION_COLUMNS,
    DIVERSION_FILE,
    diversion,
    diversion_lines,
)
from corridor.choice.equilibrium import (
    ASSIGNMENT_COLUMNS,
    EquilibriumResults,
    choosing_flows,
    run_equilibrium,
)
from corridor.choice.logit import logit_shares, path_sizes

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "CALIBRATION_COLUMNS",
    "COST_COLUMNS",
    "DIVERSION_COLUMNS",
    "DIVERSION_FILE",
    "EquilibriumResults",
    "calibrate_constants",
    "choosing_flows",
    "constants_for",
    "diversion",
    "diversion_lines",
    "generalised_cost",
    "logit_shares",
    "path_sizes",
    "route_costs",
    "run_equilibrium",
]
