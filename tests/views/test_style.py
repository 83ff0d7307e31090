"""The looks shared by charts and maps: time units, route colours, axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.figure import Figure

from corridor.views import style


def test_time_scale_draws_days_above_three_days_in_auto() -> None:
    assert style.time_scale(72.0, "auto") == (1.0, "hours")
    assert style.time_scale(73.0, "auto") == (24.0, "days")
    assert style.time_scale(10.0, "days") == (24.0, "days")
    assert style.time_scale(1000.0, "h") == (1.0, "hours")
    with pytest.raises(ValueError, match="time_unit 'weeks' is not one of 'auto', 'h', 'days'"):
        style.time_scale(1.0, "weeks")


def test_a_route_has_the_same_colour_whatever_else_is_drawn() -> None:
    both = style.route_colors(["west", "east"])
    assert style.route_colors(["east", "west", "east"]) == both
    assert style.hex_route_colors(["west", "east"]) == {
        name: matplotlib.colors.to_hex(rgba) for name, rgba in both.items()
    }


def test_axes_draw_on_the_given_axes_or_a_new_plain_figure() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert style.axes(ax, (4, 3)) == (fig, ax)
    new_fig, new_ax = style.axes(None, (4, 3))
    assert isinstance(new_fig, Figure)
    assert new_ax.get_figure() is new_fig
