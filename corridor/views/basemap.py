"""The geography under every map, shipped with the package: land, coast and country borders.

``corridor/data/basemap.geojson`` holds Natural Earth's 1:50m land and the borders between
countries, clipped to the extent the corridor's routes reach (20 W to 90 E, 0 to 66 N, so the
whole Suez route), simplified to about 3 km (108 KiB). ``seeds/build_basemap.py`` rebuilds it
from the npm package ``world-atlas``; ``corridor/data/basemap-NOTICE.txt`` says where it
comes from and under which terms (Natural Earth is in the public domain).

Static maps are drawn in :data:`MAP_CRS`, a Lambert conformal conic centred on the corridor:
shapes and angles are right at every point, and areas and distances are within about 2 %
between 20 and 55 N.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources as importlib_resources
from typing import Any

import geopandas

__all__ = [
    "ATTRIBUTION",
    "BORDER_COLOR",
    "COAST_COLOR",
    "LAND_COLOR",
    "MAP_CRS",
    "OUTSIDE_COLOR",
    "SEA_COLOR",
    "Basemap",
    "basemap_geojson",
    "load_basemap",
]

MAP_CRS = "+proj=lcc +lat_0=38 +lon_0=50 +lat_1=25 +lat_2=50 +datum=WGS84 +units=km +no_defs"
"""The projection of static maps: Lambert conformal conic, standard parallels 25 and 50 N,
centred on 50 E (the Caspian), in kilometres."""

ATTRIBUTION = "Land and borders: Natural Earth (public domain)"
"""The credit a map drawn on the basemap shows."""

LAND_COLOR = "#f2efe6"
SEA_COLOR = "#d6e6f2"
COAST_COLOR = "#8c9aa6"
BORDER_COLOR = "#9b8f86"
OUTSIDE_COLOR = "#e4e4e4"  # beyond the basemap's extent: no data


@dataclass(frozen=True, slots=True)
class Basemap:
    """The land (polygons) and country borders (lines), as GeoDataFrames in EPSG:4326."""

    land: geopandas.GeoDataFrame
    borders: geopandas.GeoDataFrame

    def to_crs(self, crs: Any) -> Basemap:
        """The same basemap in another coordinate reference system."""
        return Basemap(self.land.to_crs(crs), self.borders.to_crs(crs))


def basemap_geojson() -> dict[str, Any]:
    """The basemap's GeoJSON FeatureCollection (features ``land`` and ``borders``)."""
    path = importlib_resources.files("corridor") / "data" / "basemap.geojson"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_basemap() -> Basemap:
    """The shipped basemap, read from the package's data (about 30 ms)."""
    frame = geopandas.GeoDataFrame.from_features(basemap_geojson()["features"], crs="EPSG:4326")
    layer = frame["layer"]
    return Basemap(
        frame[layer == "land"].reset_index(drop=True),
        frame[layer == "borders"].reset_index(drop=True),
    )
