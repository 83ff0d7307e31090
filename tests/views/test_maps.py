"""The static map: legs by mode, nodes sized by delay; and the KPI tables maps offer."""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.offsetbox import AnchoredText

from corridor import kpis, maps
from corridor.results import Results
from corridor.views.basemap import ATTRIBUTION
from tests.small_runs import branching_network, branching_run


@pytest.fixture(scope="module")
def busy() -> Results:
    return branching_run()


def test_static_map_colours_legs_by_mode_and_sizes_nodes_by_delay(busy: Results) -> None:
    fig = maps.plot_network_map(branching_network(), busy)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["sea", "rail"] or legend[:2] == ["rail", "sea"]
    assert any(text.endswith("h at node") for text in legend)
    points = ax.collections[-1]
    ids = list(branching_network().nodes)
    sizes = dict(zip(ids, points.get_sizes(), strict=True))
    assert sizes["P"] > sizes["M"]  # 87 h at the port, 7 h at the destination
    # W-IR and W-AZ are 10 km apart: only the one with the longer delay is named
    assert {t.get_text() for t in ax.texts} == {"P", "W-IR", "E", "M"}


def test_static_map_draws_land_borders_in_a_conic_projection_and_credits_them(
    busy: Results,
) -> None:
    fig = maps.plot_network_map(results=busy)
    ax = fig.axes[0]
    # land polygons and border lines under the network, in kilometres of the conic projection
    assert len(ax.collections) >= 4
    x0, x1 = ax.get_xlim()
    assert 2000 < x1 - x0 < 8000  # the nodes span 35 degrees of longitude
    assert any("°E" in t.get_text() for t in ax.get_xticklabels())
    credits = [a for a in ax.artists if isinstance(a, AnchoredText)]
    assert credits[0].txt.get_text() == ATTRIBUTION


def test_static_map_insets_the_whole_network_when_legs_run_off_it() -> None:
    net = branching_network()
    far = dataclasses.replace(net.legs["P-E"], coords=((72.9, 18.9), (-5.0, 36.0), (61.2, 36.5)))
    wide = dataclasses.replace(net, legs={**net.legs, "P-E": far})
    fig = maps.plot_network_map(wide)
    insets = fig.axes[0].child_axes
    assert len(insets) == 1
    assert insets[0].get_title() == "whole network"
    assert not maps.plot_network_map(wide, extent="all").axes[0].child_axes
    assert not maps.plot_network_map(wide, inset=False).axes[0].child_axes


def test_node_label_is_the_name_without_its_parentheses() -> None:
    assert maps.node_label("MOW", "Moscow (container terminals)") == "Moscow"
    assert maps.node_label("NSA", "Nhava Sheva (JNPT), Mumbai") == "Nhava Sheva, Mumbai"
    assert maps.node_label("P", "P") == "P"
    assert maps.node_label("X", "") == "X"


def test_static_map_without_results_and_on_a_given_axes() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert maps.plot_network_map(branching_network(), ax=ax, annotate=False) is fig
    assert not ax.texts


def test_static_map_draws_the_runs_own_network_without_one_given(busy: Results) -> None:
    fig = maps.plot_network_map(results=busy)
    ax = fig.axes[0]
    assert {t.get_text() for t in ax.texts} == {"P", "W-IR", "E", "M"}
    assert len(ax.collections[-1].get_sizes()) == len(branching_network().nodes)


def test_static_map_of_a_run_without_its_network_says_what_is_missing(busy: Results) -> None:
    old = dataclasses.replace(
        busy,
        nodes=busy.nodes.iloc[:0],
        legs=busy.legs.iloc[:0],
        meta={"missing_tables": ["processes", "nodes", "legs"]},
    )
    with pytest.raises(ValueError, match=r"no nodes, legs table\(s\): it was saved by an older"):
        maps.plot_network_map(results=old)


def test_route_kpis_table(busy: Results) -> None:
    t = maps.route_kpis(busy, promised_days=12)
    assert list(t.index) == ["west", "east"]
    assert {"p50_days", "p95_days", "swod_kmh", "swd_kmh", "usd_per_teu", "on_time_share"} <= set(
        t.columns
    )
    assert (t["swd_kmh"] < t["swod_kmh"]).all()


def test_node_and_route_kpis_of_maps_are_the_kpis_of_the_runs_tables(busy: Results) -> None:
    pd.testing.assert_frame_equal(
        maps.route_kpis(busy, 12),
        kpis.route_kpis(busy.trips, busy.stages, busy.horizon_h, busy.warmup_h, 12),
    )
    pd.testing.assert_frame_equal(
        maps.node_kpis(busy), kpis.node_kpis(busy.trips, busy.stages, busy.departures)
    )
