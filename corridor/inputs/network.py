"""The corridor network: nodes and legs read from GeoJSON.

Point features are nodes (ports, terminals, borders, gauge-change stations) with the processes
containers pass through there; LineString features are directed legs between two nodes with a
mode, a length, a running speed or time, and the service that carries containers on them.

The feature properties are validated by :class:`NodeProperties` and :class:`LegProperties`;
:func:`load_network` collects every problem of a file and raises one :class:`NetworkError`.
Inside corridor the network is plain frozen data (:class:`Network`).

Geometry and CRS are read by GDAL (geopandas with pyogrio). The properties are read from the
JSON text itself: GDAL turns the properties into one rectangular table (the union of every
feature's keys, with type coercion across features), in which a missing key, an explicit
``null`` and a typo in one feature can no longer be told apart.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import json
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator

from corridor.errors import NetworkError, Problem, format_location
from corridor.inputs.distributions import DistSpec
from corridor.inputs.specs import (
    MODES,
    NODE_KINDS,
    ContinuousService,
    DistField,
    ProcessSpec,
    ServiceSpec,
    Strict,
)

if TYPE_CHECKING:
    import geopandas
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "ENDPOINT_TOLERANCE_KM",
    "MAX_NETWORK_BYTES",
    "Leg",
    "LegProperties",
    "Network",
    "Node",
    "NodeProperties",
    "load_network",
]

log = logging.getLogger(__name__)

MAX_NETWORK_BYTES = 200_000_000  # the whole INSTC with sea routes is a few MB
ENDPOINT_TOLERANCE_KM = 25.0  # a leg's line may end this far from its node without a warning

Id = Annotated[str, Field(min_length=1, max_length=200)]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]


@dataclass(frozen=True, slots=True)
class Node:
    """A place where containers are handled: its processes run in the order given."""

    id: str
    name: str
    country: str
    kind: str
    lon: float
    lat: float
    processes: tuple[ProcessSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class Leg:
    """A directed link ``from_node`` -> ``to_node`` run by one service.

    Running time is ``length_km / speed_kmh`` (or a draw of ``running_time_h``) plus a draw of
    ``delay_h``. ``coords`` is the geometry as (lon, lat) pairs in EPSG:4326, for maps.
    """

    id: str
    from_node: str
    to_node: str
    mode: str
    length_km: float
    service: ServiceSpec
    name: str = ""
    speed_kmh: float | None = None
    running_time_h: DistSpec | None = None
    delay_h: DistSpec | None = None
    cost_usd_per_teu: float = 0.0
    co2e_kg_per_teu_km: float | None = None
    enabled: bool = True
    coords: tuple[tuple[float, float], ...] = ()

    @property
    def mean_running_h(self) -> float:
        """Mean running time without delays, hours."""
        if self.running_time_h is not None:
            return self.running_time_h.compile().mean
        assert self.speed_kmh is not None
        return self.length_km / self.speed_kmh


@dataclass(frozen=True)
class Network:
    """Nodes and legs by id, with the file they came from."""

    nodes: Mapping[str, Node]
    legs: Mapping[str, Leg]
    source: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", MappingProxyType(dict(self.nodes)))
        object.__setattr__(self, "legs", MappingProxyType(dict(self.legs)))

    def nodes_frame(self) -> geopandas.GeoDataFrame:
        """The nodes as a GeoDataFrame of points in EPSG:4326, one row per node.

        Columns: ``id``, ``name``, ``country``, ``kind``, ``lon``, ``lat``, ``processes`` (the
        process names joined by ``", "``) and ``geometry``.
        """
        import geopandas
        from shapely.geometry import Point

        rows = [
            {
                "id": n.id,
                "name": n.name,
                "country": n.country,
                "kind": n.kind,
                "lon": n.lon,
                "lat": n.lat,
                "processes": ", ".join(p.name for p in n.processes),
            }
            for n in self.nodes.values()
        ]
        columns = ["id", "name", "country", "kind", "lon", "lat", "processes"]
        geometry = [Point(n.lon, n.lat) for n in self.nodes.values()]
        return geopandas.GeoDataFrame(rows, columns=columns, geometry=geometry, crs="EPSG:4326")

    def legs_frame(self) -> geopandas.GeoDataFrame:
        """The legs as a GeoDataFrame of lines in EPSG:4326, one row per leg.

        Columns: ``id``, ``name``, ``from_node``, ``to_node``, ``mode``, ``length_km``,
        ``speed_kmh``, ``mean_running_h``, ``service`` (its type), ``cost_usd_per_teu``,
        ``co2e_kg_per_teu_km``, ``enabled`` and ``geometry``. A leg without coordinates is drawn
        as a straight line between its nodes.
        """
        import geopandas
        from shapely.geometry import LineString

        rows = []
        geometry = []
        for leg in self.legs.values():
            rows.append(
                {
                    "id": leg.id,
                    "name": leg.name,
                    "from_node": leg.from_node,
                    "to_node": leg.to_node,
                    "mode": leg.mode,
                    "length_km": leg.length_km,
                    "speed_kmh": leg.speed_kmh,
                    "mean_running_h": leg.mean_running_h,
                    "service": leg.service.type,
                    "cost_usd_per_teu": leg.cost_usd_per_teu,
                    "co2e_kg_per_teu_km": leg.co2e_kg_per_teu_km,
                    "enabled": leg.enabled,
                }
            )
            coords = leg.coords
            if len(coords) < 2:
                ends = (self.nodes.get(leg.from_node), self.nodes.get(leg.to_node))
                coords = tuple((n.lon, n.lat) for n in ends if n is not None)
            geometry.append(LineString(coords) if len(coords) >= 2 else None)
        columns = [
            "id", "name", "from_node", "to_node", "mode", "length_km", "speed_kmh",
            "mean_running_h", "service", "cost_usd_per_teu", "co2e_kg_per_teu_km", "enabled",
        ]  # fmt: skip
        return geopandas.GeoDataFrame(rows, columns=columns, geometry=geometry, crs="EPSG:4326")

    def with_changes(
        self,
        nodes: Mapping[str, Node | Mapping[str, Any]] | None = None,
        legs: Mapping[str, Leg | Mapping[str, Any]] | None = None,
    ) -> Network:
        """A copy with some nodes and legs replaced.

        Parameters
        ----------
        nodes, legs
            By id, either a whole new :class:`Node` / :class:`Leg` (with the same id) or a
            mapping of the fields to change, applied with :func:`dataclasses.replace`, e.g.
            ``legs={"RASHT-ASTARA": {"enabled": True}}``.

        Returns
        -------
        Network
            A new network; this one is unchanged.

        Raises
        ------
        NetworkError
            If an id is not in the network, a field name is unknown, an id would change, or a
            changed leg starts or ends at a node that does not exist.
        """
        problems: list[Problem] = []
        new_nodes = _replaced(dict(self.nodes), nodes or {}, Node, "nodes", problems)
        new_legs = _replaced(dict(self.legs), legs or {}, Leg, "legs", problems)
        for leg_id in legs or {}:
            leg = new_legs.get(leg_id)
            if leg is None:
                continue
            for end, node_id in (("from_node", leg.from_node), ("to_node", leg.to_node)):
                if node_id not in new_nodes:
                    problems.append(
                        Problem(
                            f"legs.{leg_id}.{end}",
                            f"no node {node_id!r} in the network",
                            _did_you_mean(node_id, new_nodes),
                        )
                    )
        if problems:
            raise NetworkError(self.source or "network", problems)
        return Network(nodes=new_nodes, legs=new_legs, source=self.source, extra=self.extra)


def _replaced(
    current: dict[str, Any],
    changes: Mapping[str, Any],
    cls: type[Node] | type[Leg],
    what: str,
    problems: list[Problem],
) -> dict[str, Any]:
    """Apply ``changes`` (whole objects or field mappings by id) to ``current`` in place."""
    allowed = {f.name for f in dataclasses.fields(cls)} - {"id"}
    for item_id, change in changes.items():
        where = f"{what}.{item_id}"
        if item_id not in current:
            problems.append(
                Problem(
                    where, f"no {what[:-1]} {item_id!r} to change", _did_you_mean(item_id, current)
                )
            )
        elif isinstance(change, cls):
            if change.id != item_id:
                problems.append(
                    Problem(where, f"the replacement has id {change.id!r}", "ids cannot change")
                )
            else:
                current[item_id] = change
        elif isinstance(change, Mapping):
            unknown = sorted(set(change) - allowed)
            for name in unknown:
                hint = _did_you_mean(name, allowed) if name != "id" else "ids cannot change"
                problems.append(
                    Problem(f"{where}.{name}", f"{cls.__name__} has no field {name!r}", hint)
                )
            if not unknown:
                current[item_id] = dataclasses.replace(current[item_id], **change)
        else:
            problems.append(
                Problem(where, f"expected a {cls.__name__} or a mapping of fields, got {change!r}")
            )
    return current


# --------------------------------------------------------------------------- feature properties


class NodeProperties(Strict):
    """The properties of a Point feature: one node."""

    id: Id
    name: str
    country: str
    kind: str = Field(description="one of " + ", ".join(NODE_KINDS))
    processes: list[ProcessSpec] = Field(default_factory=list)
    notes: str = ""
    source: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in NODE_KINDS:
            raise ValueError(f"{value!r} is not one of {_quoted(NODE_KINDS)}")
        return value

    @field_validator("processes")
    @classmethod
    def _unique_process_names(cls, value: list[ProcessSpec]) -> list[ProcessSpec]:
        first: dict[str, int] = {}
        for i, process in enumerate(value):
            if process.name in first:
                raise ValueError(
                    f"process name {process.name!r} is used twice (processes[{first[process.name]}]"
                    f" and processes[{i}]); names are unique within a node, since scenarios "
                    "change processes by name"
                )
            first[process.name] = i
        return value


class LegProperties(Strict):
    """The properties of a LineString feature: one directed leg.

    Give exactly one of ``speed_kmh`` and ``running_time_h``. Without ``length_km`` the length
    is the geodesic length of the geometry on the WGS84 ellipsoid.
    """

    id: Id
    name: str = ""
    from_: Id = Field(alias="from", description="id of the node the leg starts at")
    to: Id = Field(description="id of the node the leg ends at")
    mode: str = Field(description="one of " + ", ".join(MODES))
    length_km: PositiveFloat | None = None
    speed_kmh: PositiveFloat | None = None
    running_time_h: DistField | None = None
    delay_h: DistField | None = None
    service: ServiceSpec = Field(default_factory=lambda: ContinuousService(type="continuous"))
    cost_usd_per_teu: NonNegFloat = 0.0
    co2e_kg_per_teu_km: NonNegFloat | None = None
    enabled: bool = True
    notes: str = ""
    source: str = ""

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in MODES:
            raise ValueError(f"{value!r} is not one of {_quoted(MODES)}")
        return value

    @field_validator("to")
    @classmethod
    def _not_a_loop(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("from_") == value:
            raise ValueError(
                f"the leg starts and ends at node {value!r}; a leg joins two different nodes"
            )
        return value

    @model_validator(mode="after")
    def _speed_or_time(self) -> LegProperties:
        if self.speed_kmh is not None and self.running_time_h is not None:
            raise ValueError(
                "give speed_kmh or running_time_h, not both (running time is length / speed, "
                "or a draw of running_time_h)"
            )
        if self.speed_kmh is None and self.running_time_h is None:
            raise ValueError("give speed_kmh (km/h) or running_time_h (hours); neither is set")
        return self


# --------------------------------------------------------------------------- reading the file


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _did_you_mean(name: str, choices: Mapping[str, Any] | set[str] | Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def _read_json(path: Path) -> tuple[bytes, dict[str, Any], list[Problem]]:
    """The file's bytes, its parsed JSON object, and problems that do not stop reading."""
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
    problems = [
        Problem(
            "", f"the key {key!r} appears twice in one object", "JSON keeps only the last; keep one"
        )
        for key in dict.fromkeys(repeated)
    ]
    return raw, data, problems


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
    import pyproj

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
    import geopandas

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


def _validation_problems(
    exc: ValidationError, label: str, model: type[NodeProperties] | type[LegProperties]
) -> list[Problem]:
    """Turn a pydantic error on one feature's properties into readable problems."""
    fields = sorted(f.alias or name for name, f in model.model_fields.items())
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = [
            part
            for part in err["loc"]
            if isinstance(part, int)
            or not (part in _UNION_TAGS or part.startswith(("function-", "tagged-union")))
        ]
        where = format_location([label, *loc])
        kind = err["type"]
        value = err.get("input")
        ctx = err.get("ctx") or {}
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        hint = ""
        if kind == "extra_forbidden":
            # the key itself, even when it reads like a union tag ("fixed", "through")
            name = err["loc"][-1]
            if not loc or loc[-1] != name:
                loc.append(name)
                where = format_location([label, *loc])
            what = f"unknown field {name!r}"
            if len(loc) == 1:
                hint = _did_you_mean(str(name), fields) or f"fields are: {', '.join(fields)}"
            else:
                hint = "check the spelling"
        elif kind == "missing":
            what = "required field is missing"
        elif kind == "literal_error":
            expected = str(ctx.get("expected", "")).replace(" or ", ", ")
            what = f"{shown} is not one of {expected}"
        elif kind in _BOUNDS:
            op, key = _BOUNDS[kind]
            what = f"{shown} must be {op} {ctx.get(key):g}"
            hint = _BOUND_HINTS.get(str(loc[-1]), "") if loc else ""
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            if kind == "union_tag_invalid":
                what = f"{ctx.get('tag')!r} is not one of {ctx.get('expected_tags')}"
            else:
                what = f"needs a {str(ctx.get('discriminator', 'type')).strip(chr(39))} key"
        elif kind == "model_attributes_type":
            if loc and str(loc[-1]).endswith("_h"):
                what = f"{shown} is not a distribution"
                hint = 'give a number (fixed) or e.g. {"dist": "lognormal", "mean": 12, "cv": 0.5}'
            else:
                what = f"{shown} is not an object"
        elif kind in ("value_error", "assertion_error"):
            what = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        else:
            what = f"{shown} is invalid: {err['msg']}"
        problems.append(Problem(where, what, hint))
    return problems


_UNION_TAGS = frozenset(
    {
        "fixed", "uniform", "triangular", "exponential", "normal", "lognormal", "gamma",
        "empirical", "continuous", "scheduled", "when_full", "through",
    }
)  # fmt: skip
_BOUND_HINTS = {
    "length_km": "leave length_km out to use the geodesic length of the geometry",
    "speed_kmh": "the average running speed in km/h, stops excluded",
}
_BOUNDS = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}


@dataclass(slots=True)
class _Feature:
    """One feature while it is being checked."""

    index: int
    kind: str  # "node", "leg" or "" (unknown: the geometry is missing or wrong)
    item_id: str | None
    label: str
    props: dict[str, Any]
    geometry: BaseGeometry | None = None


_GEOMETRY_HINT = "nodes are Points [lon, lat] and legs LineStrings [[lon, lat], ...]"


def _classify(
    index: int, feature: dict[str, Any], geometry: BaseGeometry | None, problems: list[Problem]
) -> _Feature:
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
        problems.append(Problem(f"{label}.geometry", problem[0], problem[1]))
    if not isinstance(props, dict):
        problems.append(Problem(f"{label}.properties", f"expected an object, got {props!r}"[:120]))
        props = {}
    return _Feature(index, kind, item_id, label, props, geometry)


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
    import shapely

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


def _build_node(feature: _Feature, problems: list[Problem]) -> Node | None:
    try:
        props = NodeProperties.model_validate(feature.props)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, feature.label, NodeProperties))
        return None
    if feature.geometry is None:
        return None
    return Node(
        id=props.id,
        name=props.name,
        country=props.country,
        kind=props.kind,
        lon=float(feature.geometry.x),
        lat=float(feature.geometry.y),
        processes=tuple(props.processes),
    )


def _build_leg(feature: _Feature, problems: list[Problem]) -> Leg | None:
    try:
        props = LegProperties.model_validate(feature.props)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, feature.label, LegProperties))
        return None
    if feature.geometry is None:
        return None
    import pyproj

    coords = tuple((float(c[0]), float(c[1])) for c in feature.geometry.coords)
    length_km = props.length_km
    if length_km is None:
        length_km = pyproj.Geod(ellps="WGS84").geometry_length(feature.geometry) / 1000.0
        if not length_km > 0:
            problems.append(
                Problem(
                    f"{feature.label}.geometry",
                    "the line has zero length, so the leg has no length",
                    "fix the geometry or give length_km",
                )
            )
            return None
    return Leg(
        id=props.id,
        from_node=props.from_,
        to_node=props.to,
        mode=props.mode,
        length_km=float(length_km),
        service=props.service,
        name=props.name,
        speed_kmh=props.speed_kmh,
        running_time_h=props.running_time_h,
        delay_h=props.delay_h,
        cost_usd_per_teu=props.cost_usd_per_teu,
        co2e_kg_per_teu_km=props.co2e_kg_per_teu_km,
        enabled=props.enabled,
        coords=coords,
    )


def _orient(leg: Leg, nodes: Mapping[str, Node]) -> Leg:
    """Reverse a leg's line when it is drawn from its to-node to its from-node.

    Only used for merged MultiLineStrings, whose direction after merging is arbitrary.
    """
    start, end = nodes[leg.from_node], nodes[leg.to_node]
    first, last = leg.coords[0], leg.coords[-1]
    along = math.dist(first, (start.lon, start.lat)) + math.dist(last, (end.lon, end.lat))
    against = math.dist(last, (start.lon, start.lat)) + math.dist(first, (end.lon, end.lat))
    return dataclasses.replace(leg, coords=leg.coords[::-1]) if against < along else leg


def _check_leg_nodes(feature: _Feature, node_ids: set[str], problems: list[Problem]) -> None:
    """Check that the nodes a leg names exist (from the raw properties, so that this is
    reported even when other properties of the leg are invalid)."""
    for end in ("from", "to"):
        node_id = feature.props.get(end)
        if isinstance(node_id, str) and node_id and node_id not in node_ids:
            hint = _did_you_mean(node_id, node_ids) or "node ids are the id of Point features"
            problems.append(
                Problem(f"{feature.label}.{end}", f"no node {node_id!r} in the network", hint)
            )


def _warn_far_ends(path: Path, label: str, leg: Leg, nodes: Mapping[str, Node]) -> None:
    """Log a warning when a leg's line starts or ends far from its nodes."""
    import pyproj

    geod = pyproj.Geod(ellps="WGS84")
    for end, node_id, (lon, lat) in (
        ("starts", leg.from_node, leg.coords[0]),
        ("ends", leg.to_node, leg.coords[-1]),
    ):
        node = nodes[node_id]
        _, _, gap_m = geod.inv(lon, lat, node.lon, node.lat)
        if gap_m / 1000.0 > ENDPOINT_TOLERANCE_KM:
            log.warning(
                "%s: %s: the line %s %.1f km from node %r (more than %.0f km); check the "
                "geometry or the from/to ids",
                path, label, end, gap_m / 1000.0, node_id, ENDPOINT_TOLERANCE_KM,
            )  # fmt: skip


def load_network(path: str | Path) -> Network:
    """Read and validate a GeoJSON network.

    Point features become :class:`Node` objects and LineString features :class:`Leg` objects
    (a MultiLineString is accepted when its parts join into one line). Coordinates are read as
    EPSG:4326 unless the file declares another CRS, which is then reprojected. A leg without
    ``length_km`` gets the geodesic length of its line on the WGS84 ellipsoid.

    Parameters
    ----------
    path
        A GeoJSON FeatureCollection.

    Returns
    -------
    Network
        The nodes and legs by id, in file order, with ``source`` set to ``path``.

    Raises
    ------
    NetworkError
        Listing every problem of the file, each with its feature index and id: unreadable or
        non-GeoJSON files, missing, empty or wrong geometries, invalid properties, repeated
        ids, legs whose from/to node does not exist.

    Notes
    -----
    A leg whose line starts or ends more than :data:`ENDPOINT_TOLERANCE_KM` from its node is
    logged as a warning, not an error.
    """
    path = Path(path)
    raw, data, problems = _read_json(path)
    features = _check_features(path, data)
    _declared_crs(path, data)
    geometries = _read_geometries(path, raw, len(features))

    checked = [
        _classify(i, feature, geometry, problems)
        for i, (feature, geometry) in enumerate(zip(features, geometries, strict=True))
    ]
    first_with_id: dict[str, int] = {}
    for feature in checked:
        if feature.item_id is None:
            continue
        if feature.item_id in first_with_id:
            other = first_with_id[feature.item_id]
            problems.append(
                Problem(
                    f"{feature.label}.id",
                    f"{feature.item_id!r} is also the id of features[{other}]",
                    "ids are unique across nodes and legs",
                )
            )
        else:
            first_with_id[feature.item_id] = feature.index

    nodes: dict[str, Node] = {}
    for feature in checked:
        if feature.kind == "node":
            node = _build_node(feature, problems)
            if node is not None:
                nodes.setdefault(node.id, node)
    # every Point's id, valid or not, so that a bad node is not reported again by its legs
    node_ids = {f.item_id for f in checked if f.kind == "node" and f.item_id is not None}
    legs: dict[str, Leg] = {}
    for feature in checked:
        if feature.kind != "leg":
            continue
        _check_leg_nodes(feature, node_ids, problems)
        leg = _build_leg(feature, problems)
        if leg is None or leg.from_node not in nodes or leg.to_node not in nodes:
            continue
        if features[feature.index]["geometry"].get("type") == "MultiLineString":
            leg = _orient(leg, nodes)
        _warn_far_ends(path, feature.label, leg, nodes)
        legs.setdefault(leg.id, leg)

    if problems:
        problems.sort(key=_feature_index)
        raise NetworkError(path, problems)
    log.info("loaded network: %s", _summary(nodes, legs))
    return Network(nodes=nodes, legs=legs, source=str(path))


def _feature_index(problem: Problem) -> int:
    """Sort key: file-level problems first, then by feature."""
    if not problem.where.startswith("features["):
        return -1
    return int(problem.where[len("features[") :].split("]", 1)[0])


def _summary(nodes: Mapping[str, Node], legs: Mapping[str, Leg]) -> str:
    counts = Counter(leg.mode for leg in legs.values())
    by_mode = ", ".join(f"{mode} {counts.get(mode, 0)}" for mode in MODES)
    disabled = sum(not leg.enabled for leg in legs.values())
    tail = f"; {disabled} disabled" if disabled else ""
    return f"{_count(len(nodes), 'node')}, {_count(len(legs), 'leg')} ({by_mode}{tail})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
