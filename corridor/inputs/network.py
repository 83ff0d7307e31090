"""The corridor network: nodes and legs, read from GeoJSON.

Point features are nodes (ports, terminals, borders, gauge-change stations) with the processes
containers pass through there; LineString features are directed legs between two nodes with a
mode, a length, a running speed or time, and the service that carries containers on them.

:func:`load_network` reads the file (:mod:`corridor.inputs.geojson`), validates each feature's
properties (:mod:`corridor.inputs.properties`), collects every problem of the file and raises
one :class:`NetworkError`. Inside corridor the network is plain frozen data (:class:`Network`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas
from pydantic import ValidationError
from shapely.geometry import LineString, Point

from corridor.errors import NetworkError, Problem, Problems, did_you_mean
from corridor.inputs.distributions import DistSpec
from corridor.inputs.geojson import (
    Feature,
    distance_km,
    line_length_km,
    oriented,
    read_feature_bytes,
    read_features,
)
from corridor.inputs.limits import LENGTH_KM
from corridor.inputs.properties import (
    LegProperties,
    NodeProperties,
    ReverseProperties,
    property_problems,
)
from corridor.inputs.specs import MODES, ProcessSpec, ServiceSpec

__all__ = [
    "ENDPOINT_TOLERANCE_KM",
    "Leg",
    "Network",
    "Node",
    "describe_legs",
    "load_additions",
    "load_network",
    "network_of_features",
]

log = logging.getLogger(__name__)

ENDPOINT_TOLERANCE_KM = 25.0  # a leg's line may end this far from its node without a warning


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
    link: str = ""  # the feature (the physical link) this leg runs one way of
    reverse: str | None = None  # the leg running the other way on the same link, if any

    @property
    def mean_running_h(self) -> float:
        """Mean running time without delays, hours."""
        if self.running_time_h is not None:
            return self.running_time_h.mean
        assert self.speed_kmh is not None
        return self.length_km / self.speed_kmh


@dataclass(frozen=True)
class Network:
    """Nodes and legs by id, with the file they came from.

    Frozen: a scenario's changes (processes, services, enabled legs) are applied where the
    model is built (:mod:`corridor.model`), which makes the changed copies it runs.
    """

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


def _build_node(feature: Feature, problems: Problems) -> Node | None:
    try:
        props = NodeProperties.model_validate(feature.props)
    except ValidationError as exc:
        problems.extend(property_problems(exc, feature.label, NodeProperties, feature.props))
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


def _build_legs(feature: Feature, nodes: Mapping[str, Node], problems: Problems) -> list[Leg]:
    """The legs of a link feature: its way out, and its way back unless it is one way."""
    try:
        props = LegProperties.model_validate(feature.props)
    except ValidationError as exc:
        problems.extend(property_problems(exc, feature.label, LegProperties, feature.props))
        return []
    if feature.geometry is None or props.from_ not in nodes or props.to not in nodes:
        return []
    out = _build_leg(feature, props, problems)
    if out is None:
        return []
    if feature.multipart:
        out = _orient(out, nodes)
    back = _way_back(out, props)
    return [out] if back is None else [dataclasses.replace(out, reverse=back.id), back]


def _way_back(out: Leg, props: LegProperties) -> Leg | None:
    """The leg ``to`` -> ``from`` of a two-way link: the way out's figures unless ``reverse``
    gives others; the fleet of the way out's service serves both ways."""
    back_id = props.reverse_id
    if back_id is None:
        return None
    r = props.reverse if props.reverse is not None else ReverseProperties()
    service = r.service if r.service is not None else props.service
    fleet = getattr(props.service, "fleet", None)
    if fleet is not None and r.service is not None and "fleet" in type(service).model_fields:
        service = service.model_copy(update={"fleet": fleet})
    own_time = r.speed_kmh is not None or r.running_time_h is not None
    return Leg(
        id=back_id,
        from_node=out.to_node,
        to_node=out.from_node,
        mode=out.mode,
        length_km=out.length_km,
        service=service,
        name=r.name if r.name is not None else (f"{out.name} (back)" if out.name else ""),
        speed_kmh=r.speed_kmh if own_time else out.speed_kmh,
        running_time_h=r.running_time_h if own_time else out.running_time_h,
        delay_h=r.delay_h if r.delay_h is not None else out.delay_h,
        cost_usd_per_teu=(
            r.cost_usd_per_teu if r.cost_usd_per_teu is not None else out.cost_usd_per_teu
        ),
        co2e_kg_per_teu_km=(
            r.co2e_kg_per_teu_km if r.co2e_kg_per_teu_km is not None else out.co2e_kg_per_teu_km
        ),
        enabled=r.enabled if r.enabled is not None else out.enabled,
        coords=out.coords[::-1],
        link=out.link,
        reverse=out.id,
    )


def _build_leg(feature: Feature, props: LegProperties, problems: Problems) -> Leg | None:
    """The way out of a link feature whose properties are valid."""
    assert feature.geometry is not None
    coords = tuple((float(c[0]), float(c[1])) for c in feature.geometry.coords)
    length_km = props.length_km
    if length_km is None:
        length_km = line_length_km(feature.geometry)
        if not length_km > 0:
            problems.add(
                f"{feature.label}.geometry",
                "the line has zero length, so the leg has no length",
                "fix the geometry or give length_km",
            )
            return None
        if LENGTH_KM.problem(length_km) is not None:
            problems.add(
                f"{feature.label}.geometry",
                f"the line is {length_km:,.0f} km long, more than {LENGTH_KM.high:,.0f} km",
                f"fix the geometry or give length_km; {LENGTH_KM.hint}",
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
        link=props.id,
    )


def _check_leg_nodes(feature: Feature, node_ids: set[str], problems: Problems) -> None:
    """Check that the nodes a leg names exist (from the raw properties, so that this is
    reported even when other properties of the leg are invalid)."""
    for end in ("from", "to"):
        node_id = feature.props.get(end)
        if isinstance(node_id, str) and node_id and node_id not in node_ids:
            hint = did_you_mean(node_id, node_ids) or "node ids are the id of Point features"
            problems.add(f"{feature.label}.{end}", f"no node {node_id!r} in the network", hint)


def _check_process_nodes(features: list[Feature], node_ids: set[str], problems: Problems) -> None:
    """Check that the nodes a process names (``arriving_from``, ``leaving_to``) exist."""
    for feature in features:
        if feature.kind != "node" or not isinstance(feature.props.get("processes"), list):
            continue
        for i, process in enumerate(feature.props["processes"]):
            for key in ("arriving_from", "leaving_to"):
                named = process.get(key) if isinstance(process, dict) else None
                for k, node_id in enumerate(named if isinstance(named, list) else []):
                    if isinstance(node_id, str) and node_id not in node_ids:
                        problems.add(
                            f"{feature.label}.processes[{i}].{key}[{k}]",
                            f"no node {node_id!r} in the network",
                            did_you_mean(node_id, node_ids) or "name the nodes next to this one",
                        )


def _way_back_id_is_free(
    feature: Feature,
    back_id: str,
    feature_ids: Mapping[str, int],
    legs: Mapping[str, Leg],
    problems: Problems,
) -> bool:
    """Check that a link's way back does not take the id of a feature or of another leg."""
    if back_id in feature_ids or back_id in legs:
        where = f"features[{feature_ids[back_id]}]" if back_id in feature_ids else "another leg"
        problems.add(
            f"{feature.label}.reverse.id",
            f"the way back's id {back_id!r} is also the id of {where}",
            "give the way back another id (reverse: {id: ...}), or make the link one way "
            "(directions: forward)",
        )
        return False
    return True


def _check_unique_ids(features: list[Feature], problems: Problems) -> None:
    """Check that no two features, nodes and legs alike, have the same id."""
    first_with_id: dict[str, int] = {}
    for feature in features:
        if feature.item_id is None:
            continue
        if feature.item_id in first_with_id:
            other = first_with_id[feature.item_id]
            problems.add(
                f"{feature.label}.id",
                f"{feature.item_id!r} is also the id of features[{other}]",
                "ids are unique across nodes and legs",
            )
        else:
            first_with_id[feature.item_id] = feature.index


def _orient(leg: Leg, nodes: Mapping[str, Node]) -> Leg:
    """Reverse a leg's line when it is drawn from its to-node to its from-node."""
    start, end = nodes[leg.from_node], nodes[leg.to_node]
    coords = oriented(leg.coords, (start.lon, start.lat), (end.lon, end.lat))
    return leg if coords is leg.coords else dataclasses.replace(leg, coords=coords)


def _warn_far_ends(path: Path, label: str, leg: Leg, nodes: Mapping[str, Node]) -> None:
    """Log a warning when a leg's line starts or ends far from its nodes."""
    for end, node_id, point in (
        ("starts", leg.from_node, leg.coords[0]),
        ("ends", leg.to_node, leg.coords[-1]),
    ):
        node = nodes[node_id]
        gap_km = distance_km(point, (node.lon, node.lat))
        if gap_km > ENDPOINT_TOLERANCE_KM:
            log.warning(
                "%s: %s: the line %s %.1f km from node %r (more than %.0f km); check the "
                "geometry or the from/to ids",
                path, label, end, gap_km, node_id, ENDPOINT_TOLERANCE_KM,
            )  # fmt: skip


def load_network(path: str | Path, *, base: Network | None = None) -> Network:
    """Read and validate a GeoJSON network.

    Point features become :class:`Node` objects and LineString features :class:`Leg` objects
    (a MultiLineString is accepted when its parts join into one line). Coordinates are read as
    EPSG:4326 unless the file declares another CRS, which is then reprojected. A leg without
    ``length_km`` gets the geodesic length of its line on the WGS84 ellipsoid.

    Parameters
    ----------
    path
        A GeoJSON FeatureCollection.
    base
        For an addition to a network (new nodes and links a scenario adds): the network it
        joins. Its links may start or end at the base's nodes; its ids must be new.

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
    problems = Problems()
    return _network_of(read_features(path, problems), path, problems, base)


def network_of_features(
    features: Sequence[Mapping[str, Any]], source: str, base: Network | None = None
) -> Network:
    """:func:`load_network` of features written out (in a scenario's ``add``, say).

    ``source`` names them in messages (``scenarios/x.yaml: add[2]``).
    """
    raw = json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()
    problems = Problems()
    return _network_of(
        read_feature_bytes(raw, Path(source), problems), Path(source), problems, base
    )


def load_additions(
    items: Sequence[str | Mapping[str, Any]], network: Network, source: str
) -> list[Network]:
    """The nodes and links a scenario adds (``add``), each validated as a network is.

    Each item is a GeoJSON file or a feature written out; each joins the network and the items
    before it, so that a link may end at a node added earlier.

    Parameters
    ----------
    items
        The scenario's ``add``: paths (resolved) and feature mappings.
    network
        The network the items are added to.
    source
        The scenario file, to name features written in it (``<source>: add[2]``).

    Raises
    ------
    NetworkError
        Naming the file (or ``<source>: add[i]``) and the feature of every problem.
    """
    out: list[Network] = []
    joined = network
    for i, item in enumerate(items):
        if isinstance(item, str):
            added = load_network(item, base=joined)
        else:
            added = network_of_features([item], f"{source}: add[{i}]", base=joined)
        out.append(added)
        joined = Network(
            nodes={**joined.nodes, **added.nodes},
            legs={**joined.legs, **added.legs},
            source=joined.source,
            extra=joined.extra,
        )
    return out


def _network_of(
    checked: list[Feature], path: Path, problems: Problems, base: Network | None
) -> Network:
    """The network of the checked features of ``path``, or one NetworkError."""
    _check_unique_ids(checked, problems)
    if base is not None:
        _check_new_ids(checked, base, problems)
    nodes: dict[str, Node] = {}
    for feature in checked:
        if feature.kind == "node":
            node = _build_node(feature, problems)
            if node is not None:
                nodes.setdefault(node.id, node)
    # every Point's id, valid or not, so that a bad node is not reported again by its legs
    node_ids = {f.item_id for f in checked if f.kind == "node" and f.item_id is not None}
    known = dict(base.nodes) if base is not None else {}
    known.update(nodes)
    node_ids |= set(known)
    _check_process_nodes(checked, node_ids, problems)
    legs: dict[str, Leg] = {}
    feature_ids = {f.item_id: f.index for f in checked if f.item_id is not None}
    for feature in checked:
        if feature.kind != "leg":
            continue
        _check_leg_nodes(feature, node_ids, problems)
        built = _build_legs(feature, known, problems)
        if not built:
            continue
        _warn_far_ends(path, feature.label, built[0], known)
        back_free = len(built) == 1 or _way_back_id_is_free(
            feature, built[1].id, feature_ids, legs, problems
        )
        if base is not None and len(built) == 2 and built[1].id in base.legs:
            problems.add(
                f"{feature.label}.reverse.id",
                f"the way back's id {built[1].id!r} is already a leg of the network",
                "give the way back another id (reverse: {id: ...})",
            )
            back_free = False
        if not back_free:
            continue
        for leg in built:
            legs.setdefault(leg.id, leg)

    problems.sort(key=_feature_index)
    problems.raise_if_any(NetworkError, path)
    log.info("loaded %s: %s", "network" if base is None else "addition", _summary(nodes, legs))
    return Network(nodes=nodes, legs=legs, source=str(path))


def _check_new_ids(features: list[Feature], base: Network, problems: Problems) -> None:
    """An addition's ids must not be ids of the network it joins."""
    for feature in features:
        if feature.item_id is not None and (
            feature.item_id in base.nodes or feature.item_id in base.legs
        ):
            problems.add(
                f"{feature.label}.id",
                f"{feature.item_id!r} is already in the network ({base.source or 'the network'})",
                "an addition adds new nodes and links; change an existing one under nodes: or "
                "legs: of the scenario",
            )


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
    return f"{_count(len(nodes), 'node')}, {describe_legs(legs)} ({by_mode}{tail})"


def describe_legs(legs: Mapping[str, Leg]) -> str:
    """``6 links as 12 legs``: the links, and the directed legs that run them."""
    links = len({leg.link or leg.id for leg in legs.values()})
    return f"{_count(links, 'link')} as {_count(len(legs), 'leg')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
