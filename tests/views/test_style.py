"""The looks shared by charts and maps: time units, route colours, axes."""

from __future__ import annotations

import matplotlib
import pandas as pd

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


def test_a_route_keeps_its_colour_in_a_table_filtered_to_some_routes() -> None:
    routes = pd.Series(["west", "east", "suez"], dtype="category").cat.set_categories(
        ["west", "east", "suez", "north"]
    )
    every = style.route_colors(routes)
    some = style.route_colors(routes[routes != "east"])  # categories kept: same universe
    assert some["west"] == every["west"]
    assert some["suez"] == every["suez"]
    # the scenario's order (the categories), not the alphabet: west is the first colour
    assert every["west"] == matplotlib.colormaps["tab10"](0)
    assert style.route_order(["b", "a"], routes) == ["west", "east", "suez", "north", "a", "b"]
    # a scenario's routes, in its order, give the same colours as the trips' categories
    assert style.route_colors(["suez"], ["west", "east", "suez", "north"]) == {
        k: v for k, v in every.items() if k in ("west", "east", "suez", "north")
    }


def test_more_than_ten_routes_get_light_colours_after_the_strong_ones() -> None:
    names = [f"r{i:02d}" for i in range(12)]
    colors = style.route_colors(names)
    assert len({colors[n] for n in names}) == 12
    assert colors["r10"] == matplotlib.colormaps["tab20"](1)


def test_route_label_falls_back_to_the_route_name() -> None:
    assert style.route_label("west", {"west": "Western (Astara)"}) == "Western (Astara)"
    assert style.route_label("east", {"west": "Western (Astara)"}) == "east"
    assert style.route_label("east", None) == "east"
