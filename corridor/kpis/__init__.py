"""Key performance indicators: pure functions over a run's tables.

Every function takes the tables of :class:`corridor.results.Results` (``trips``, ``stages``,
``departures``, ``resources``, ``processes``, ``nodes``) and returns a new
:class:`pandas.DataFrame` (or a plain mapping); nothing is changed in place and nothing is
drawn (see :mod:`corridor.views.plots`). Times are hours (``_h``) or days
(``_days``), distances kilometres, speeds km/h, costs US dollars, emissions kg CO2e.

Every public name is available here (``from corridor import kpis; kpis.time_breakdown(...)``);
the modules group them by theme:

=============== ==========================================================================
selection       :func:`measured_trips`: which containers statistics count
summary         :func:`summarize`: the per flow and route summary of a run (saturation)
breakdown       time categories (:data:`TIME_CATEGORIES`), :func:`time_breakdown` per route,
                :func:`node_delays` per node
routes          :func:`route_legs`: the chain of legs of every route
speeds          CAREC speeds: :func:`route_speeds`, :func:`section_speeds` (SWOD, SWD)
borders         CAREC TFI1: :func:`border_crossing_times`, :func:`default_crossings`
reliability     :func:`reliability` (on-time share, P50/P90/P95), :func:`throughput`
capacity        :func:`load_factors`, :func:`resource_series`, :func:`utilisation`,
                :func:`servers_of` (from the ``processes`` table)
directions      :func:`direction_balance`: both ways of every link, offered, carried, idle
costs           :func:`cost_per_teu`, :func:`stage_costs`
emissions       :func:`emission_factors`, :func:`co2e_by_leg`, :func:`co2e_per_teu`
escap           :func:`time_distance_points` for the ESCAP time/cost-distance chart
elements        one row per route, node or leg: :func:`route_kpis`, :func:`node_kpis`,
                :func:`leg_kpis` (what maps, reports and exports show)
=============== ==========================================================================

Which containers count
    Unless a function says otherwise, statistics are over containers created after the warm-up
    (``trips.in_warmup`` is false) and delivered before the end of the horizon. A container
    still in transit has no transit time yet; counting only the fast ones that made it would
    bias long routes, so :func:`reliability` also counts those already later than the promise.

CAREC Corridor Performance Measurement and Monitoring (CPMM) indicators
    *Time to clear a border crossing point* (TFI1) runs from a container's first stage at any
    node of the crossing to the end of its last stage there, both countries' posts and the
    link between them included (:mod:`corridor.kpis.borders`). *Speed without delay* (SWOD)
    is distance over moving time and *speed with delay* (SWD) distance over total elapsed
    time (:mod:`corridor.kpis.speeds`).

Emissions
    CO2e is distance times a factor per mode and fuel, in kg CO2e per TEU-km, well-to-wheel
    (:func:`emission_factors`, overridable). See that function for every default value, its
    source, and which values are assumptions.
"""

from corridor.kpis.borders import border_crossing_times, crossing_name, default_crossings
from corridor.kpis.breakdown import (
    ACTIVITY_CATEGORY,
    TIME_CATEGORIES,
    TIME_CATEGORY_LABELS,
    node_delays,
    stage_categories,
    time_breakdown,
)
from corridor.kpis.capacity import load_factors, resource_series, servers_of, utilisation
from corridor.kpis.costs import cost_per_teu, stage_costs
from corridor.kpis.directions import BALANCE_COLUMNS, direction_balance
from corridor.kpis.elements import leg_kpis, node_kpis, route_kpis
from corridor.kpis.emissions import (
    DEFAULT_FUEL_BY_MODE,
    co2e_by_leg,
    co2e_per_teu,
    emission_factors,
)
from corridor.kpis.escap import time_distance_points
from corridor.kpis.reliability import THROUGHPUT, THROUGHPUT_TITLE, reliability, throughput
from corridor.kpis.routes import route_legs
from corridor.kpis.selection import measured_trips
from corridor.kpis.speeds import route_speeds, section_speeds
from corridor.kpis.summary import ALL_ROUTES, SUMMARY_COLUMNS, summarize

__all__ = [
    "ACTIVITY_CATEGORY",
    "ALL_ROUTES",
    "BALANCE_COLUMNS",
    "DEFAULT_FUEL_BY_MODE",
    "SUMMARY_COLUMNS",
    "THROUGHPUT",
    "THROUGHPUT_TITLE",
    "TIME_CATEGORIES",
    "TIME_CATEGORY_LABELS",
    "border_crossing_times",
    "co2e_by_leg",
    "co2e_per_teu",
    "cost_per_teu",
    "crossing_name",
    "default_crossings",
    "direction_balance",
    "emission_factors",
    "leg_kpis",
    "load_factors",
    "measured_trips",
    "node_delays",
    "node_kpis",
    "reliability",
    "resource_series",
    "route_kpis",
    "route_legs",
    "route_speeds",
    "section_speeds",
    "servers_of",
    "stage_categories",
    "stage_costs",
    "summarize",
    "throughput",
    "time_breakdown",
    "time_distance_points",
    "utilisation",
]
