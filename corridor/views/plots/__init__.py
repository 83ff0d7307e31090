"""Charts of a run's results (matplotlib).

Every function takes result tables, draws on ``ax`` when given (or on a new figure), and
returns the :class:`matplotlib.figure.Figure`. Nothing is shown and nothing is written: save
with ``fig.savefig(path)``. New figures are plain :class:`~matplotlib.figure.Figure` objects,
not pyplot figures, so drawing leaves no global state behind.

Times of long journeys are drawn in days, short ones in hours (``time_unit="auto"``).

============== ===========================================================================
time_distance  :func:`plot_time_distance`: the ESCAP time/cost-distance chart
transit        :func:`plot_transit_ecdf`, :func:`plot_transit_histogram`,
               :func:`plot_time_breakdown`
capacity       :func:`plot_queue_length`, :func:`plot_utilisation`, :func:`plot_load_factors`
choice         :func:`plot_convergence` (route choice, round by round), :func:`plot_diversion`
sensitivity    :func:`plot_sensitivity`: Morris or Sobol indices per output, ranked
intervals      experiments: :func:`plot_intervals` (estimates with CIs),
               :func:`plot_paired_differences` (forest plot of a comparison),
               :func:`plot_replication_convergence` (running mean and CI half-width)
============== ===========================================================================

Colours and the other shared looks are in :mod:`corridor.views.style`.
"""

from corridor.views.plots.capacity import plot_load_factors, plot_queue_length, plot_utilisation
from corridor.views.plots.choice import plot_convergence, plot_diversion
from corridor.views.plots.intervals import (
    plot_intervals,
    plot_paired_differences,
    plot_replication_convergence,
)
from corridor.views.plots.sensitivity import plot_sensitivity
from corridor.views.plots.time_distance import plot_time_distance
from corridor.views.plots.transit import (
    plot_time_breakdown,
    plot_transit_ecdf,
    plot_transit_histogram,
)
from corridor.views.style import CATEGORY_COLORS, MODE_COLORS

__all__ = [
    "CATEGORY_COLORS",
    "MODE_COLORS",
    "plot_convergence",
    "plot_diversion",
    "plot_intervals",
    "plot_load_factors",
    "plot_paired_differences",
    "plot_queue_length",
    "plot_replication_convergence",
    "plot_sensitivity",
    "plot_time_breakdown",
    "plot_time_distance",
    "plot_transit_ecdf",
    "plot_transit_histogram",
    "plot_utilisation",
]
