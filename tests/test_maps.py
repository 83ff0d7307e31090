"""Static and interactive maps: legs by mode, nodes by delay, a layer per route, offline HTML."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.figure import Figure

from corridor import maps
from corridor.results import Results
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


def test_static_map_without_results_and_on_a_given_axes() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert maps.plot_network_map(branching_network(), ax=ax, annotate=False) is fig
    assert not ax.texts


def test_interactive_map_has_a_layer_per_route_and_node_popups(busy: Results) -> None:
    m = maps.interactive_map(branching_network(), busy, promised_days=12, tiles=None)
    page = maps.interactive_map_html(m)
    for layer in ("route: east", "route: west", "network (all legs)", "nodes"):
        assert f'"{layer}"' in page
    assert "mean time here" in page
    assert "utilisation" in page
    assert "on time" in page


def test_interactive_map_html_needs_no_network(busy: Results) -> None:
    page = maps.interactive_map_html(maps.interactive_map(branching_network(), busy, tiles=None))
    assert "<script src=" not in page
    assert not re.search(r"""<(script|link|img)[^>]*(href|src)=["']https?:""", page)
    assert "tile.openstreetmap" not in page
    assert "L.map(" in page
    assert 't.version="1.9.4"' in page


def test_interactive_map_with_tiles_names_them(busy: Results) -> None:
    page = maps.interactive_map_html(maps.interactive_map(branching_network(), busy))
    assert "tile.openstreetmap.org" in page


def test_save_interactive_map_writes_atomically(busy: Results, tmp_path: Path) -> None:
    m = maps.interactive_map(branching_network(), busy, tiles=None)
    out = maps.save_interactive_map(m, tmp_path / "map.html")
    assert out == tmp_path / "map.html"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temporary file left


def test_route_kpis_table(busy: Results) -> None:
    t = maps.route_kpis(busy, promised_days=12)
    assert list(t.index) == ["west", "east"]
    assert {"p50_days", "p95_days", "swod_kmh", "swd_kmh", "usd_per_teu", "on_time_share"} <= set(
        t.columns
    )
    assert (t["swd_kmh"] < t["swod_kmh"]).all()
