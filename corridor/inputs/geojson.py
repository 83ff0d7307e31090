"""Reading a GeoJSON network file: its JSON, its CRS, its geometries, and what each feature is.

Geometry and CRS are read by GDAL (geopandas with pyogrio). The properties are read from the
JSON text itself: GDAL turns the properties into one rectangular table (the union of every
feature's keys, with type coercion across features), in which a missing key, an explicit
``null`` and a typo in one feature can no longer be told apart.

:func:`read_features` raises a :class:`NetworkError` at once for a file that cannot be read as
a FeatureCollection, and collects the problems of single features (a missing or wrong
geometry) for the loader to report with all the others. Validating the properties and
building nodes and legs is :func:`corridor.inputs.network.load_network`'s job.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from corridor.errors import NetworkError, Problem, Problems
from corridor.inputs.paths import MISSING, file_problem

__all__ = [
    "MAX_NETWORK_BYTES",
    "Feature",
    "LonLat",
    "distance_km",
    "line_length_km",
    "oriented",
    "read_feature_bytes",
    "read_features",
]

log = logging.getLogger(__name__)

MAX_NETWORK_BYTES = 200_000_000  # the whole INSTC with sea routes is a few MB

LonLat = tuple[float, float]
"""A position as (lon, lat) in EPSG:4326."""

_GEOMETRY_HINT = "nodes are Points [lon, lat] and legs LineStrings [[lon, lat], ...]"


@dataclass(slots=True)
class Feature:
    """One feature of the file, with its geometry checked and its properties not yet.

    ``kind`` is "node" or "leg" (guessed when the geometry cannot tell) and ``label`` names the
    feature in messages, e.g. ``features[2] (leg L1)``. ``geometry`` is None when it is
    unusable (a problem says why); ``multipart`` marks a MultiLineString merged into one line,
    whose direction is then arbitrary.
    """

    index: int
    kind: str
    item_id: str | None
    label: str
    props: dict[str, Any]
    geometry: BaseGeometry | None = None
    multipart: bool = False


def read_features(path: Path, problems: Problems) -> list[Feature]:
    """The features of a GeoJSON FeatureCollection, in file order, geometries in EPSG:4326.

    Parameters
    ----------
    path
        The file.
    problems
        Where problems that do not stop reading go: a key repeated in one object, a missing,
        empty or wrong geometry, properties that are not an object.

    Raises
    ------
    NetworkError
        When the file cannot be read as a FeatureCollection: missing, too large (over
        :data:`MAX_NETWORK_BYTES`), not UTF-8, not JSON, not a FeatureCollection, without
        features or with entries that are not Features, with a CRS that is a link or unknown,
        or geometries that GDAL cannot read or reproject.
    """
    return read_feature_bytes(_read_bytes(path), path, problems)


def read_feature_bytes(raw: bytes, source: Path, problems: Problems) -> list[Feature]:
    """:func:`read_features` of a FeatureCollection given as its bytes (``source`` names it)."""
    data = _parse_json(raw, source, problems)
    features = _check_features(source, data)
    _declared_crs(source, data)
    geometries = _read_geometries(source, raw, len(features))
    return [
        _classify(i, feature, geometry, problems)
        for i, (feature, geometry) in enumerate(zip(features, geometries, strict=True))
    ]


def line_length_km(geometry: BaseGeometry) -> float:
    """The geodesic length of a line on the WGS84 ellipsoid, km."""

    return float(pyproj.Geod(ellps="WGS84").geometry_length(geometry)) / 1000.0


def distance_km(a: LonLat, b: LonLat) -> float:
    """The geodesic distance between two (lon, lat) points on the WGS84 ellipsoid, km."""

    _, _, gap_m = pyproj.Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])
    return float(gap_m) / 1000.0


def oriented(coords: tuple[LonLat, ...], start: LonLat, end: LonLat) -> tuple[LonLat, ...]:
    """``coords``, reversed when the line is drawn from ``end`` to ``start``.

    For merged MultiLineStrings, whose direction after merging is arbitrary.
    """
    first, last = coords[0], coords[-1]
    along = math.dist(first, start) + math.dist(last, end)
    against = math.dist(last, start) + math.dist(first, end)
    return coords[::-1] if against < along else coords


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, after checking that it is a file of a reasonable size."""
    kind = file_problem(path, empty_ok=True)
    if kind is not None and kind != MISSING and not kind.startswith(("cannot", "is a dir")):
        # a FIFO would block and /dev/zero never end: refused before it is opened
        raise NetworkError.single(path, "", kind, "give the path of the .geojson file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NetworkError.single(path, "", "file not found", "check the path") from None
    except IsADirectoryError:
        raise NetworkError.single(
            path, "", "is a directory, not a file", "give the path of the .geojson file"
        ) from None
    except OSError as exc:
        raise NetworkError.single(
            path, "", f"cannot read the file: {exc.strerror or exc}"
        ) from None
    if len(raw) > MAX_NETWORK_BYTES:
        raise NetworkError.single(
            path, "", f"the file is {len(raw):,} bytes; networks are limited to "
            f"{MAX_NETWORK_BYTES:,}", "is this the right file?",
        )  # fmt: skip
    return raw


def _parse_json(raw: bytes, path: Path, problems: Problems) -> dict[str, Any]:
    """The parsed JSON object of a FeatureCollection; repeated keys go to ``problems``."""
    expected = 'expected a GeoJSON FeatureCollection {"type": "FeatureCollection", ...}'
    if not raw.strip():
        raise NetworkError.single(path, "", f"the file is empty; {expected}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NetworkError.single(
            path, f"byte {exc.start}", "the file is not UTF-8 text, so not GeoJSON",
            "corridor reads networks as GeoJSON; convert with: ogr2ogr -f GeoJSON out.geojson in",
        ) from None  # fmt: skip
    repeated: list[str] = []

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        counts = Counter(key for key, _ in pairs)
        repeated.extend(key for key, n in counts.items() if n > 1)
        return dict(pairs)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        data = json.loads(text, object_pairs_hook=unique_keys, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise NetworkError.single(
            path, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}",
            "a GeoJSON file is JSON; check for a missing comma or quote near this place",
        ) from None  # fmt: skip
    except (ValueError, RecursionError) as exc:
        raise NetworkError.single(path, "", f"not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        got = (
            f"an object of type {data.get('type')!r}"
            if isinstance(data, dict)
            else f"a JSON {type(data).__name__}"
        )
        raise NetworkError.single(path, "", f"the file holds {got}; {expected}")
    for key in dict.fromkeys(repeated):
        problems.add(
            "", f"the key {key!r} appears twice in one object", "JSON keeps only the last; keep one"
        )
    return data


def _check_features(path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The features, after checking that each is a Feature object (GDAL drops the others)."""
    features = data.get("features")
    if not isinstance(features, list):
        raise NetworkError.single(
            path, "features", f"expected a list of features, got {features!r}"[:120]
        )
    if not features:
        raise NetworkError.single(
            path, "features", "the collection has no features",
            "nodes are Point features and legs LineString features",
        )  # fmt: skip
    problems = []
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(
                Problem(
                    f"features[{i}]",
                    f"expected a Feature object, got {json.dumps(feature)[:60]}",
                    'each feature is {"type": "Feature", "geometry": ..., "properties": ...}',
                )
            )
    if problems:
        raise NetworkError(path, problems)
    return features


# "EPSG:3857", "OGC:CRS84", "urn:ogc:def:crs:EPSG::3857": an authority and a code, no path
_CRS_NAME = re.compile(r"(urn:ogc:def:crs:[A-Za-z]+:[0-9.]*:|[A-Za-z]+:)[A-Za-z0-9]+")
_CRS_HINT = (
    'name it, as in "crs": {"type": "name", "properties": {"name": '
    '"urn:ogc:def:crs:EPSG::3857"}}, or leave it out for lon/lat in WGS84 (RFC 7946)'
)


def _declared_crs(path: Path, data: dict[str, Any]) -> str | None:
    """The CRS the file names in its ``crs`` member (GeoJSON 2008), checked before GDAL.

    GDAL fetches a *linked* CRS (``"type": "link"`` or ``"url"``) over the network, so only a
    named CRS (``"name"``, or ``"EPSG"`` with a code) is handed on: reading a network file
    never reaches the network, nor reads another file.
    """
    crs = data.get("crs")
    if crs is None:
        return None
    props = crs.get("properties") if isinstance(crs, dict) else None
    if not isinstance(props, dict):
        got = json.dumps(crs)[:60]
        raise NetworkError.single(
            path, "crs", f"expected an object with type and properties, got {got}", _CRS_HINT
        )
    kind = crs.get("type")
    name = props.get("name") if kind == "name" else None
    code = props.get("code") if kind == "EPSG" else None
    if isinstance(code, int) and not isinstance(code, bool):
        name = f"EPSG:{code}"
    if kind in ("link", "url", "URL"):
        raise NetworkError.single(
            path, "crs", f"a CRS of type {kind!r} is a link, which corridor does not fetch",
            _CRS_HINT,
        )  # fmt: skip
    if not isinstance(name, str) or not name.strip():
        raise NetworkError.single(
            path, "crs", f"cannot tell the CRS from {json.dumps(crs)[:80]}", _CRS_HINT
        )
    if not _CRS_NAME.fullmatch(name):
        raise NetworkError.single(path, "crs", f"{name[:80]!r} is not the name of a CRS", _CRS_HINT)

    try:
        pyproj.CRS.from_user_input(name)
    except pyproj.exceptions.CRSError:
        # GDAL would silently read such a file as WGS84
        raise NetworkError.single(
            path, "crs", f"{name!r} is not a CRS PROJ knows", _CRS_HINT
        ) from None
    return name


def _read_geometries(path: Path, raw: bytes, expected_count: int) -> list[BaseGeometry | None]:
    """The features' geometries in EPSG:4326, in file order, read by GDAL (pyogrio)."""

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = geopandas.read_file(
                io.BytesIO(raw), engine="pyogrio", columns=[], on_invalid="ignore"
            )
        except Exception as exc:  # GDAL's errors come in many types; all mean a bad file
            raise NetworkError.single(
                path, "", f"GDAL could not read the GeoJSON: {exc}",
                "check the geometries against the GeoJSON specification (RFC 7946)",
            ) from None  # fmt: skip
    for warning in caught:
        log.debug("%s: GDAL: %s", path, warning.message)
    if len(frame) != expected_count:
        raise NetworkError.single(
            path, "", f"GDAL read {len(frame)} features but the file has {expected_count}",
            "check that every feature is a valid GeoJSON Feature",
        )  # fmt: skip
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    elif frame.crs.to_epsg() != 4326:
        log.debug("%s: reprojecting from %s to EPSG:4326", path, frame.crs.to_string())
        try:
            frame = frame.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises several types for unusable CRSs
            raise NetworkError.single(
                path, "crs", f"cannot reproject from {frame.crs.to_string()} to EPSG:4326: {exc}"
            ) from None
    return list(frame.geometry)


def _feature_label(index: int, kind: str, item_id: str | None) -> str:
    return f"features[{index}] ({kind} {item_id})" if item_id else f"features[{index}]"


def _classify(
    index: int, feature: dict[str, Any], geometry: BaseGeometry | None, problems: Problems
) -> Feature:
    """Decide node or leg from the geometry, and check the geometry itself."""
    props = feature.get("properties")
    if props is None:
        props = {}
    if isinstance(props, dict) and "id" not in props and isinstance(feature.get("id"), str):
        props = {**props, "id": feature["id"]}  # the GeoJSON feature id stands in
    item_id = props.get("id") if isinstance(props, dict) else None
    if not isinstance(item_id, str) or not item_id:
        item_id = None
    kind, geometry, problem = _geometry_kind(feature.get("geometry"), geometry)
    if not kind:  # guess, so that the properties are checked too
        kind = _guess_kind(feature.get("geometry"), props)
    label = _feature_label(index, kind, item_id)
    if problem:
        problems.add(f"{label}.geometry", problem[0], problem[1])
    if not isinstance(props, dict):
        problems.add(f"{label}.properties", f"expected an object, got {props!r}"[:120])
        props = {}
    raw_geometry = feature.get("geometry")
    multipart = isinstance(raw_geometry, dict) and raw_geometry.get("type") == "MultiLineString"
    return Feature(index, kind, item_id, label, props, geometry, multipart)


def _guess_kind(raw_geometry: Any, props: Any) -> str:
    """Node or leg, for a feature whose geometry cannot say."""
    raw_type = raw_geometry.get("type") if isinstance(raw_geometry, dict) else None
    if raw_type in ("Point", "MultiPoint"):
        return "node"
    if raw_type in ("LineString", "MultiLineString"):
        return "leg"
    return "leg" if isinstance(props, dict) and ({"from", "to"} & set(props)) else "node"


def _geometry_kind(
    raw: Any, geometry: BaseGeometry | None
) -> tuple[str, BaseGeometry | None, tuple[str, str] | None]:
    """``(kind, geometry, problem)``: "node" or "leg" and the usable geometry, or a problem."""

    if raw is None:
        return "", None, ("geometry is missing", _GEOMETRY_HINT)
    if geometry is None:
        raw_type = raw.get("type") if isinstance(raw, dict) else None
        return (
            "",
            None,
            (f"{raw_type or 'geometry'} is invalid and could not be read", _GEOMETRY_HINT),
        )
    if geometry.is_empty:
        return "", None, (f"{geometry.geom_type} is empty", _GEOMETRY_HINT)
    kind = {"Point": "node", "LineString": "leg", "MultiLineString": "leg"}.get(geometry.geom_type)
    if kind is None:
        return "", None, (f"geometry is a {geometry.geom_type}", _GEOMETRY_HINT)
    if geometry.geom_type == "MultiLineString":
        merged = shapely.line_merge(geometry)
        if merged.geom_type != "LineString":
            parts = len(geometry.geoms)
            what = f"MultiLineString of {parts} parts that do not join into one line"
            return "leg", None, (what, "draw the leg as one LineString")
        geometry = merged
    west, south, east, north = geometry.bounds
    if not (west >= -180 and east <= 180 and south >= -90 and north <= 90):
        first = [round(v, 3) for v in shapely.get_coordinates(geometry)[0].tolist()]
        what = f"coordinates {first} are outside lon -180..180, lat -90..90"
        hint = "coordinates are (lon, lat) in EPSG:4326 unless the file declares a crs"
        return kind, None, (what, hint)
    return kind, geometry, None
