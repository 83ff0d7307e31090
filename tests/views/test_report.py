"""The HTML report: self-contained, offline, and clean when a browser opens it."""

from __future__ import annotations

import base64
import dataclasses
import html as html_lib
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from corridor import report
from corridor.results import Results
from corridor.run import simulate
from corridor.views.basemap import LAND_COLOR, SEA_COLOR
from corridor.views.report_html import column_title
from tests.chromium import check_page, find_chromium
from tests.small_runs import (
    branching_network,
    branching_run,
    branching_scenario,
    two_leg_network,
    two_leg_run,
)

_NETWORK_FILE = "net.geojson"


@pytest.fixture(scope="module")
def busy() -> Results:
    return branching_run(horizon_days=60)


@pytest.fixture(scope="module")
def page(busy: Results) -> str:
    return report.build_report(busy, branching_network(), promised_days=12)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return two_leg_run().save(tmp_path / "run")


@pytest.fixture
def network_file(tmp_path: Path) -> Path:
    """The two-leg network as GeoJSON, for the commands' --network."""
    net = two_leg_network()
    legs = net.legs_frame()[["id", "from_node", "to_node", "mode", "length_km", "speed_kmh",
                             "cost_usd_per_teu", "geometry"]]  # fmt: skip
    legs = legs.rename(columns={"from_node": "from", "to_node": "to"})
    nodes = net.nodes_frame()[["id", "name", "country", "kind", "geometry"]]
    import json

    features = json.loads(nodes.to_json(drop_id=True))["features"]
    for f, node in zip(features, net.nodes.values(), strict=True):
        f["properties"]["processes"] = [p.model_dump(mode="json") for p in node.processes]
    features += json.loads(legs.to_json(drop_id=True))["features"]
    path = tmp_path / _NETWORK_FILE
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _images(html: str) -> list[str]:
    return re.findall(r'<img [^>]*src="([^"]*)"', html)


def test_report_has_every_section_and_embedded_png_charts(page: str) -> None:
    for anchor in ("summary", "escap", "transit", "carec", "capacity", "emissions", "map"):
        assert f'id="{anchor}"' in page
    assert "<h3>Flow west</h3>" in page
    assert "<h3>Flow east</h3>" in page
    images = _images(page)
    assert len(images) >= 10
    for src in images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_loads_nothing_from_the_network_without_tiles(page: str) -> None:
    assert not re.search(r"""<(script|link|img)[^>]*(href|src)=["']https?:""", page)
    assert '<iframe class="map"' in page
    assert "srcdoc=" in page
    assert "tile.openstreetmap" not in page


def test_report_tables_show_carec_indicators_and_factor_status(page: str) -> None:
    assert "Time to clear border crossings" in page
    assert "W-AZ + W-IR" in page
    assert "swod (km/h)" in page
    assert "swd (km/h)" in page
    assert "assumption" in page
    assert "published" in page
    assert "on time (share)" in page


def test_report_without_a_network_maps_the_runs_own(busy: Results) -> None:
    html = report.build_report(busy, None, tiles=None)
    assert 'id="map"' in html
    assert '<a href="#map">Map</a>' in html
    # the tariffs come with the stages (their cost_usd column), so costs need no network
    assert "cost-distance chart" in html


def test_report_of_a_run_saved_without_its_network_has_no_map_and_says_why(
    busy: Results,
) -> None:
    old = dataclasses.replace(
        busy,
        processes=busy.processes.iloc[:0],
        nodes=busy.nodes.iloc[:0],
        legs=busy.legs.iloc[:0],
        meta={"missing_tables": ["processes", "nodes", "legs"]},
    )
    html = report.build_report(old, None, tiles=None)
    assert 'id="map"' not in html
    assert "No map: the results folder has no nodes, legs table(s)" in html
    assert "Servers unknown, so busy servers are shown" in html
    # the tariffs come with the stages (their cost_usd column), so costs need no network
    assert "cost-distance chart" in html


def test_report_utilisation_uses_the_runs_servers(busy: Results) -> None:
    html = report.build_report(busy, None, tiles=None, with_map=False)
    assert 'id="map"' not in html
    assert "servers unknown" not in html


def test_write_report_from_a_results_folder(
    saved: Path, network_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()  # a report's folder is not created: a mistyped one is an error
    out = report.write_report(saved, tmp_path / "out" / "r.html", network_path=network_file)
    html = out.read_text(encoding="utf-8")
    assert 'id="map"' in html
    assert "corridor results: test" in html
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.html"]  # atomic: no temp left


def test_write_report_maps_the_runs_own_network(saved: Path, tmp_path: Path) -> None:
    out = report.write_report(saved, tmp_path / "r.html", tiles=None)
    html = out.read_text(encoding="utf-8")
    assert 'id="map"' in html
    assert "X-IR" in html


# --------------------------------------------------------------------------- in a browser

_CHECKS = {
    "images": "document.images.length",
    "broken_images": "Array.from(document.images)"
    ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt)",
    "map": "(() => { const f = document.querySelector('iframe.map'); if (!f) return null;"
    " const d = f.contentDocument; return {leaflet: typeof f.contentWindow.L,"
    " layers: d.querySelectorAll('path.leaflet-interactive').length,"
    " land: Array.from(d.querySelectorAll('path.corridor-land'))"
    ".map(p => (p.getAttribute('d') || '').length),"
    " borders: d.querySelectorAll('path.corridor-border').length,"
    " control: d.querySelectorAll('.leaflet-control-layers-overlays label').length}; })()",
}

_LOCAL = {"file", "data", "about", "blob"}
_LAND_PATHS = (
    "Array.from(document.querySelectorAll('path.corridor-land'))"
    ".map(p => (p.getAttribute('d') || '').length)"
)


def _colour_shares(png: Path) -> dict[str, float]:
    """The share of the screenshot's pixels of each colour, as ``#rrggbb``."""
    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    return {
        "#{:02x}{:02x}{:02x}".format(*map(int, c)): n / len(pixels)
        for c, n in zip(colours, counts, strict=True)
    }


needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="chromium is not installed (Debian: apt-get install -y chromium)",
)


@pytest.mark.slow
@needs_chromium
def test_report_opens_in_chromium_without_errors_or_missing_images(
    page: str, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    check = check_page(path, _CHECKS)
    assert check.errors == []
    assert check.failed_requests == []
    # nothing leaves the machine: every request of the page and of its map's frame is the
    # file itself or data embedded in it
    assert check.requested_urls
    assert [u for u in check.requested_urls if u.split(":", 1)[0] not in _LOCAL] == []
    assert check.values["broken_images"] == []
    assert check.values["images"] == len(_images(page))
    assert check.values["map"]["leaflet"] == "object"
    assert check.values["map"]["layers"] > 5  # legs, routes and nodes were drawn
    assert check.values["map"]["land"]
    assert max(check.values["map"]["land"]) > 1000
    assert check.values["map"]["borders"] == 1
    assert check.values["map"]["control"] == 4  # network, two routes, nodes


@pytest.mark.slow
@needs_chromium
def test_report_map_shows_land_offline(page: str, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    # the map alone, as the report's frame holds it, so that the screenshot is of the map
    frame = re.search(r'<iframe class="map"[^>]*srcdoc="([^"]*)"', page)
    assert frame is not None
    path.write_text(html_lib.unescape(frame.group(1)), encoding="utf-8")
    shot = tmp_path / "map.png"
    check = check_page(path, {"land": _LAND_PATHS}, screenshot=shot)
    assert check.errors == []
    assert [u for u in check.requested_urls if u.split(":", 1)[0] not in _LOCAL] == []
    assert check.values["land"]
    assert max(check.values["land"]) > 1000
    colours = _colour_shares(shot)
    assert colours.get(LAND_COLOR, 0.0) > 0.15  # land fills a good part of the map
    assert colours.get(SEA_COLOR, 0.0) > 0.02  # and the sea some of it


@pytest.mark.slow
@needs_chromium
def test_report_with_tiles_fails_only_on_tiles_offline(busy: Results, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(report.build_report(busy, branching_network(), tiles="osm"), encoding="utf-8")
    check = check_page(path, _CHECKS)
    # without internet the tiles cannot load; with it they do; nothing else may fail
    assert [e for e in check.errors if "tile.openstreetmap.org" not in e] == []
    assert [r for r in check.failed_requests if "tile.openstreetmap.org" not in r] == []
    assert check.values["broken_images"] == []


@pytest.mark.slow
@needs_chromium
def test_the_browser_check_catches_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><img alt='gone' src='missing.png'>"
        "<script>notDefined()</script>"
        "<iframe srcdoc=\"<script>console.error('inside')</script>\"></iframe></body></html>"
    )
    check = check_page(bad, _CHECKS)
    text = "\n".join(check.errors)
    assert "notDefined is not defined" in text
    assert "console.error: inside" in text
    assert check.values["broken_images"] == ["gone"]


def test_route_labels_of_the_scenario_name_routes_in_tables_charts_and_map() -> None:
    scenario = branching_scenario(30).with_changes(
        route_labels={"west": "Western <via Astara>", "east": "Eastern"}
    )
    run = simulate(scenario, network=branching_network())
    assert run.route_labels == {"west": "Western <via Astara>", "east": "Eastern"}
    assert set(run.routes.drop_duplicates("route")["label"]) == {"Western <via Astara>", "Eastern"}
    page = report.build_report(run, branching_network(), with_map=True)
    assert "Western &lt;via Astara&gt;" in page  # in the summary table, escaped
    assert "<via Astara>" not in page
    assert "route: Eastern" in html_lib.unescape(page)  # the map's layer of the route


def test_report_embeds_charts_as_svg_when_asked(busy: Results) -> None:
    page = report.build_report(busy, branching_network(), figures="svg", with_map=False)
    images = _images(page)
    assert images
    assert all(src.startswith("data:image/svg+xml;base64,") for src in images)
    with pytest.raises(ValueError, match="figures 'gif' is not one of png, svg"):
        report.build_report(busy, figures="gif")


def test_report_escapes_what_the_run_names(busy: Results) -> None:
    odd = dataclasses.replace(busy, scenario_name="<script>alert(1)</script>")
    page = report.build_report(odd, with_map=False)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_headers_carry_units() -> None:
    assert column_title("p95_days") == "p95 (days)"
    assert column_title("usd_per_teu") == "cost (USD/TEU)"
    assert column_title("border_crossings") == "border crossings"  # no unit: as it is
    assert column_title("co2e_kg_per_teu") == "co2e (kg/TEU)"
    assert column_title("throughput_teu_per_day") == (
        "throughput (TEU/day delivered, created after warm-up)"
    )
