"""Charts return figures with the expected artists, draw on a given axes, never show."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from corridor import plots
from corridor.results import Results
from tests.small_runs import branching_network, branching_run, two_leg_network, two_leg_run


@pytest.fixture(scope="module")
def run() -> Results:
    return two_leg_run()


@pytest.fixture(scope="module")
def busy() -> Results:
    return branching_run()


def _new_ax() -> tuple[Figure, object]:
    fig = Figure()
    return fig, fig.add_subplot()


def test_time_distance_median_path_steps_at_nodes_and_slopes_on_legs(run: Results) -> None:
    fig = plots.plot_time_distance(run.trips, run.stages)
    ax = fig.axes[0]
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata(), [0, 0, 400, 400, 410, 410, 510, 510])
    np.testing.assert_allclose(line.get_ydata(), [0, 2, 12, 17, 18, 25, 27, 27])
    assert "hours" in ax.get_ylabel()  # a 27 h journey is drawn in hours
    assert "km" in ax.get_xlabel()


def test_time_distance_draws_a_band_per_route_in_days_for_long_routes(busy: Results) -> None:
    fig = plots.plot_time_distance(busy.trips, busy.stages, departures=busy.departures)
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    medians = [ln for ln in ax.lines if str(ln.get_label()).endswith(")")]
    # the busiest route first
    assert [str(ln.get_label()).split(" ")[0] for ln in medians] == ["west", "east"]
    assert "days" in ax.get_ylabel()
    assert any(t.get_text() == "P10–P90 of containers" for t in ax.get_legend().get_texts())
    assert {t.get_text() for t in ax.texts} >= {"E", "M"}  # big steps and destinations


def test_time_distance_without_band_and_on_a_given_axes(busy: Results) -> None:
    fig, ax = _new_ax()
    out = plots.plot_time_distance(busy.trips, busy.stages, ["west"], band=None, ax=ax)
    assert out is fig
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_cost_distance_needs_tariffs_and_draws_usd_per_teu(run: Results) -> None:
    bare = run.stages.drop(columns="cost_usd")
    with pytest.raises(ValueError, match="tariffs"):
        plots.plot_time_distance(run.trips, bare, metric="cost")
    expected = [0, 20, 120, 120, 120, 120, 200, 200]
    for stages, net in ((bare, two_leg_network()), (run.stages, None)):
        fig = plots.plot_time_distance(run.trips, stages, metric="cost", network=net)
        line = fig.axes[0].lines[0]
        np.testing.assert_allclose(line.get_ydata(), expected)
        assert "USD per TEU" in fig.axes[0].get_ylabel()


def test_time_distance_of_one_flow(busy: Results) -> None:
    fig = plots.plot_time_distance(busy.trips, busy.stages, flow="east")
    labels = [str(ln.get_label()) for ln in fig.axes[0].lines]
    assert any(lb.startswith("east (median") for lb in labels)
    assert not any(lb.startswith("west") for lb in labels)


def test_unknown_metric_is_an_error(run: Results) -> None:
    with pytest.raises(ValueError, match="metric 'speed' is not one of"):
        plots.plot_time_distance(run.trips, run.stages, metric="speed")


def test_ecdf_one_line_per_route_and_scenario(busy: Results) -> None:
    fig = plots.plot_transit_ecdf(busy.trips, promised_days=12)
    labels = [str(ln.get_label()) for ln in fig.axes[0].lines]
    assert sum(lb.startswith(("west:", "east:")) for lb in labels) == 2
    assert "promise 12 d" in labels
    fig = plots.plot_transit_ecdf({"base": busy.trips, "again": busy.trips})
    routes = [ln for ln in fig.axes[0].lines if "P50" in str(ln.get_label())]
    assert len(routes) == 4
    assert {ln.get_linestyle() for ln in routes} == {"-", "--"}
    ydata = routes[0].get_ydata()
    assert ydata[-1] == pytest.approx(1.0)


def test_histogram_draws_outlines_per_route(busy: Results) -> None:
    fig, ax = _new_ax()
    assert plots.plot_transit_histogram(busy.trips, ax=ax) is fig
    assert len(ax.patches) == 4  # an outline and a fill per route
    assert ax.get_xlabel() == "transit time (days)"


def test_time_breakdown_stacks_categories_per_route(busy: Results) -> None:
    fig = plots.plot_time_breakdown(busy.trips, busy.stages)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "moving" in legend
    assert "waiting for departure" in legend
    assert len(ax.patches) == 2 * len(legend)  # one bar segment per route and category
    assert [t.get_text() for t in ax.get_yticklabels()] == ["west", "east"]
    assert "days" in ax.get_xlabel()


def test_queue_length_over_time_and_unknown_node(busy: Results) -> None:
    fig = plots.plot_queue_length(busy.resources, "P")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "containers waiting"
    assert any("daily mean" in str(ln.get_label()) for ln in ax.lines)
    assert len(fig.axes) == 2  # busy servers on the right
    with pytest.raises(ValueError, match=r"no jobs at 'Q'.*P/crane"):
        plots.plot_queue_length(busy.resources, "Q")


def test_utilisation_bars_and_unknown_servers(busy: Results) -> None:
    fig = plots.plot_utilisation(busy.resources, branching_network(), busy.horizon_h)
    ax = fig.axes[0]
    assert len(ax.patches) == 5
    assert all(p.get_hatch() is None for p in ax.patches)
    fig = plots.plot_utilisation(busy.resources, None, busy.horizon_h)
    assert all(p.get_hatch() == "//" for p in fig.axes[0].patches)


def test_load_factor_boxes_per_leg(busy: Results) -> None:
    _fig, ax = _new_ax()
    plots.plot_load_factors(busy.departures, ax=ax)
    assert len(ax.get_yticklabels()) == 5
    assert ax.get_xlim() == (0.0, 1.05)
