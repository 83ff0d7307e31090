"""Build corridor/data/basemap.geojson: land, coastline and country borders for the maps.

The source is Natural Earth 1:50m (public domain), as the TopoJSON of the npm package
``world-atlas`` (ISC licence, Mike Bostock's redistribution of Natural Earth 4.1.0). The
script fetches the package with ``npm pack`` (the npm registry is reachable where PyPI is),
decodes the TopoJSON, keeps the land and the borders between countries inside the extent the
network's routes reach (the Suez route runs from the Indian Ocean to the Atlantic), simplifies
them to about the map's resolution and writes one small GeoJSON with the attribution beside it.

    python seeds/build_basemap.py                  # npm pack world-atlas@2.0.2 into a temp dir
    python seeds/build_basemap.py --package DIR    # an unpacked world-atlas package

Features written (EPSG:4326, coordinates rounded to 0.01 degree):

* ``land``: one MultiPolygon, the Natural Earth land (the Caspian Sea is water);
* ``borders``: one MultiLineString, the land borders between countries (arcs shared by two
  countries' polygons), without the coast.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiLineString, MultiPolygon, Polygon, box, mapping
from shapely.ops import unary_union

PACKAGE = "world-atlas@2.0.2"
SCALE = "50m"
# lon_min, lat_min, lon_max, lat_max: every node and leg of seeds/instc.geojson (the Suez
# route reaches 9.98 W at Gibraltar and 12 N in the Gulf of Aden) with a margin
EXTENT = (-20.0, 0.0, 90.0, 66.0)
TOLERANCE_DEG = 0.03  # about 3 km: below what a map of the corridor shows
DIGITS = 2

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "corridor" / "data" / "basemap.geojson"
NOTICE = ROOT / "corridor" / "data" / "basemap-NOTICE.txt"

NOTICE_TEXT = """\
corridor/data/basemap.geojson: land, coastline and country borders

Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.
Natural Earth data are in the public domain (https://www.naturalearthdata.com/about/terms-of-use/).

Source: the npm package world-atlas {version} (Natural Earth {ne_version}, 1:{scale} land and
countries, as TopoJSON), redistributed by Mike Bostock under the ISC licence:

{licence}
Derived by seeds/build_basemap.py: decoded from TopoJSON, clipped to longitude {x0} to {x1},
latitude {y0} to {y1}, simplified to {tol} degree, coordinates rounded to {digits} decimals.
Country borders are the shared edges of the countries' polygons as Natural Earth draws them;
they imply no view on any disputed boundary.
"""


def fetch_package(into: Path) -> Path:
    """``npm pack`` the world-atlas package into ``into`` and unpack it; its folder."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=into, check=True)
    (tgz,) = into.glob("world-atlas-*.tgz")
    with tarfile.open(tgz) as tar:
        tar.extractall(into, filter="data")
    return into / "package"


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The arcs of a quantized TopoJSON topology as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    """A ring from arc indices (``~i`` is arc ``i`` reversed); arcs share their end points."""
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> list[Polygon]:
    """The polygons of a TopoJSON Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        parts = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        return []
    out = []
    for rings in parts:
        shell, *holes = (ring(arcs, r) for r in rings)
        out.append(Polygon(shell, holes).buffer(0))
    return out


def shared_arcs(countries: list[dict[str, Any]]) -> list[int]:
    """Arcs used by two different countries: the land borders."""
    users: dict[int, set[int]] = {}
    for n, geometry in enumerate(countries):
        parts = geometry.get("arcs", [])
        rings = parts if geometry.get("type") == "Polygon" else [r for p in parts for r in p]
        for r in rings:
            for i in r:
                users.setdefault(i if i >= 0 else ~i, set()).add(n)
    return sorted(i for i, who in users.items() if len(who) > 1)


def build(package: Path) -> dict[str, Any]:
    """The basemap's FeatureCollection from an unpacked world-atlas package."""
    land_topo = json.loads((package / f"land-{SCALE}.json").read_text())
    land_arcs = decode_arcs(land_topo)
    land = unary_union(
        [p for g in land_topo["objects"]["land"]["geometries"] for p in polygons(g, land_arcs)]
    )
    countries_topo = json.loads((package / f"countries-{SCALE}.json").read_text())
    country_arcs = decode_arcs(countries_topo)
    border_ids = shared_arcs(countries_topo["objects"]["countries"]["geometries"])
    borders = shapely.line_merge(MultiLineString([country_arcs[i] for i in border_ids]))
    frame = box(*EXTENT)
    land = land.intersection(frame).simplify(TOLERANCE_DEG, preserve_topology=True)
    borders = borders.intersection(frame).simplify(TOLERANCE_DEG)
    land = shapely.set_precision(land, 10**-DIGITS)
    borders = shapely.set_precision(borders, 10**-DIGITS)
    if isinstance(land, Polygon):
        land = MultiPolygon([land])
    land = MultiPolygon([p for p in getattr(land, "geoms", [land]) if p.area > 0.02])
    return {
        "type": "FeatureCollection",
        "name": "corridor-basemap",
        "bbox": list(EXTENT),
        "features": [
            {"type": "Feature", "properties": {"layer": "land"}, "geometry": mapping(land)},
            {"type": "Feature", "properties": {"layer": "borders"}, "geometry": mapping(borders)},
        ],
    }


def main() -> None:
    """Fetch (or take) world-atlas, build the basemap and write it with its notice."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="an unpacked world-atlas package folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package or fetch_package(Path(tmp))
        meta = json.loads((package / "package.json").read_text())
        collection = build(package)
        licence = (package / "LICENSE").read_text()
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    x0, y0, x1, y1 = EXTENT
    NOTICE.write_text(
        NOTICE_TEXT.format(
            version=meta["version"],
            ne_version="4.1.0",
            scale=SCALE.replace("m", " million"),
            licence=licence,
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            tol=TOLERANCE_DEG,
            digits=DIGITS,
        )
    )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB) and {NOTICE}")


if __name__ == "__main__":
    main()
