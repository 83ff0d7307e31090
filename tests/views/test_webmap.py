"""The interactive map: a layer per route, node popups, offline HTML written atomically."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest

from corridor import kpis, maps
from corridor.results import Results
from corridor.views import webmap
from tests.small_runs import branching_network, branching_run


@pytest.fixture(scope="module")
def busy() -> Results:
    return branching_run()


def test_interactive_map_has_a_layer_per_route_and_node_popups(busy: Results) -> None:
    m = maps.interactive_map(branching_network(), busy, promised_days=12, tiles=None)
    page = maps.interactive_map_html(m)
    for layer in ("route: east", "route: west", "network (all legs)", "nodes"):
        assert f'"{layer}"' in page
    assert "mean time here" in page
    assert "utilisation" in page
    assert "on time" in page
    east = kpis.throughput(busy.trips, busy.horizon_h, busy.warmup_h).set_index("route")
    figure = east.loc["east", "throughput_teu_per_day"]
    assert f"{figure:.1f} TEU/day (delivered, created after warm-up)" in page


def test_interactive_map_html_needs_no_network(busy: Results) -> None:
    page = maps.interactive_map_html(maps.interactive_map(branching_network(), busy, tiles=None))
    assert "<script src=" not in page
    assert not re.search(r"""<(script|link|img)[^>]*(href|src)=["']https?:""", page)
    assert "tile.openstreetmap" not in page
    assert "L.map(" in page
    assert 't.version="1.9.4"' in page


def test_interactive_map_draws_the_shipped_land_and_borders_without_tiles(busy: Results) -> None:
    page = maps.interactive_map_html(maps.interactive_map(branching_network(), busy))
    assert "tile.openstreetmap" not in page
    assert '"className": "corridor-land"' in page
    assert '"layer":"land"' in page
    assert '"layer":"borders"' in page
    assert "Natural Earth" in page  # credited on the map


def test_interactive_map_with_osm_tiles_names_and_credits_them(busy: Results) -> None:
    page = maps.interactive_map_html(maps.interactive_map(branching_network(), busy, tiles="osm"))
    assert "tile.openstreetmap.org" in page
    assert "OpenStreetMap" in page  # folium's attribution of the tiles
    assert '"layer":"land"' not in page  # the tiles show the land; the borders stay
    assert '"layer":"borders"' in page


def test_save_interactive_map_writes_atomically(busy: Results, tmp_path: Path) -> None:
    m = maps.interactive_map(branching_network(), busy, tiles=None)
    out = maps.save_interactive_map(m, tmp_path / "map.html")
    assert out == tmp_path / "map.html"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temporary file left


def test_interactive_map_of_the_runs_own_network_without_one_given(busy: Results) -> None:
    page = webmap.interactive_map_html(webmap.interactive_map(results=busy, tiles=None))
    for layer in ("route: east", "route: west", "network (all legs)", "nodes"):
        assert f'"{layer}"' in page
    # node popups name the utilisation of the processes, from the run's processes table
    assert "utilisation" in page


def test_maps_offers_the_interactive_map_of_webmap() -> None:
    assert maps.interactive_map is webmap.interactive_map
    assert maps.interactive_map_html is webmap.interactive_map_html
    assert maps.save_interactive_map is webmap.save_interactive_map
