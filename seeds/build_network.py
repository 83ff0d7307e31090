"""Build the INSTC seed network ``seeds/instc.geojson`` from ``seeds/network.yaml``.

Every figure lives once in ``network.yaml``, with its source or the reason for an assumption;
this script resolves the figures, draws the links and writes the GeoJSON deterministically
(the same table always gives the same bytes). It also writes the planned infrastructure of
``planned:`` to ``seeds/planned/*.geojson``, for scenarios to ``add``.

A link of the table runs both ways unless it says ``directions: forward``: its ``reverse``
gives the id of the way back (by default the id with ``from`` and ``to`` swapped, so the way
back of ``VOG-MOW-RAIL`` is ``MOW-VOG-RAIL``) and what differs on it, resolved like every
other figure. Caspian links through the Volga-Caspian canal are composed here: the cached sea
lane to the canal's sea end, then the canal, with a running time that keeps the canal's slower
speed (``canal:``).

Usage::

    python seeds/build_network.py                 # write seeds/instc.geojson and seeds/planned/
    python seeds/build_network.py --check         # exit 1 if a committed file is stale
    python seeds/build_network.py --report        # links, lengths and route totals
    python seeds/build_network.py --refresh-sea   # recompute sea lanes (needs `searoute`)
    python seeds/build_network.py --missing-sea   # compute only lanes not yet cached

Sea legs marked ``geometry: searoute`` follow lanes cached in ``seeds/sea_lanes.json``; only
``--refresh-sea`` and ``--missing-sea`` import the optional ``searoute`` package (install it in
a separate environment: it is not a dependency of corridor). Needs PyYAML and pyproj.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SEEDS = Path(__file__).resolve().parent
TABLE = SEEDS / "network.yaml"
OUTPUT = SEEDS / "instc.geojson"
SEA_LANES = SEEDS / "sea_lanes.json"

BRANCHES = ("western", "trans-caspian", "eastern", "suez")
COORD_DECIMALS = 3  # ~100 m: plenty for a corridor map, and keeps the file small
SEA_SIMPLIFY_DEG = 0.02  # Douglas-Peucker tolerance for cached sea lanes (~2 km)
# Keys of a node or leg in network.yaml that are not figures and are not written as-is.
NODE_KEYS = {"id", "name", "country", "kind", "lonlat", "branches", "source", "notes", "processes"}
LEG_KEYS = {
    "id", "name", "from", "to", "mode", "branches", "geometry", "via", "sea_end", "canal",
    "length_km", "speed_kmh", "running_factor", "running_time_h", "delay_h", "service",
    "cost_usd_per_teu", "co2e_kg_per_teu_km", "enabled", "directions", "reverse", "source",
    "notes",
}  # fmt: skip
REVERSE_KEYS = {
    "id", "name", "speed_kmh", "running_time_h", "delay_h", "service", "cost_usd_per_teu",
    "co2e_kg_per_teu_km", "enabled", "notes", "source",
}  # fmt: skip
CANAL_KEYS = {"km", "speed_kmh", "via"}
PROCESS_ORDER = (
    "name", "activity", "time_h", "servers", "per", "probability", "at", "arriving_from",
    "leaving_to", "cost_usd_per_teu",
)  # fmt: skip
LEG_ORDER = (
    "id", "name", "from", "to", "mode", "length_km", "speed_kmh", "running_time_h", "delay_h",
    "service", "cost_usd_per_teu", "co2e_kg_per_teu_km", "enabled", "directions", "reverse",
    "notes", "source",
)  # fmt: skip
REVERSE_ORDER = (
    "id", "name", "speed_kmh", "running_time_h", "delay_h", "service", "cost_usd_per_teu",
    "co2e_kg_per_teu_km", "enabled", "notes", "source",
)  # fmt: skip


class BuildError(ValueError):
    """The table has problems; the message lists all of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{TABLE.name}: {len(problems)} problem(s):\n{listed}")


# --------------------------------------------------------------------------- reading the table


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys (plain YAML keeps the last one silently)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_table(path: Path = TABLE) -> dict[str, Any]:
    """The parsed ``network.yaml``."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    if not isinstance(data, dict):
        raise BuildError([f"expected a mapping at the top, got {type(data).__name__}"])
    return data


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Provenance:
    """Where one figure of a feature came from."""

    field: str
    figure: str  # figure name, or "" for an inline figure
    kind: str  # "source", "assumption" or "computed"
    text: str

    def describe(self) -> str:
        name = f" [{self.figure}]" if self.figure else ""
        tag = {"assumption": "ASSUMPTION: ", "computed": "computed: "}.get(self.kind, "")
        return f"{self.field}{name}: {tag}{self.text}"


def _sourced(value: Any) -> bool:
    """An inline figure: a mapping with ``value`` and a ``source`` or an ``assumption``."""
    return (
        isinstance(value, dict)
        and "value" in value
        and ("source" in value or "assumption" in value)
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass
class Resolver:
    """Replaces ``$figure`` references and inline figures by their values, recording where
    each came from; a bare number anywhere else is a problem."""

    figures: dict[str, Any]
    problems: list[str]
    used: set[str] = field(default_factory=set)
    context: str = ""  # the node or leg being resolved, for messages

    def _problem(self, where: str, what: str) -> None:
        self.problems.append(
            f"{self.context}.{where}: {what}" if self.context else f"{where}: {what}"
        )

    def check_figures(self, section: str = "figures") -> None:
        for name, entry in self.figures.items():
            where = f"{section}.{name}"
            if not isinstance(entry, dict) or "value" not in entry:
                self.problems.append(f"{where}: give value and source (or assumption)")
                continue
            extra = set(entry) - {"value", "source", "assumption"}
            if extra:
                self.problems.append(f"{where}: unknown keys {sorted(extra)}")
            if ("source" in entry) == ("assumption" in entry):
                self.problems.append(f"{where}: give exactly one of source and assumption")
            text = entry.get("source") or entry.get("assumption")
            if not isinstance(text, str) or len(text.strip()) < 10:
                self.problems.append(f"{where}: the source or assumption needs a real text")

    def resolve(self, value: Any, where: str, prov: list[Provenance]) -> Any:
        if isinstance(value, str) and value.startswith("$"):
            return self._figure(value[1:], where, prov)
        if _sourced(value):
            kind = "source" if "source" in value else "assumption"
            prov.append(Provenance(where, "", kind, str(value[kind])))
            return self._inner(value["value"], where, prov)
        if isinstance(value, dict):
            return {k: self.resolve(v, f"{where}.{k}", prov) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, f"{where}[{i}]", prov) for i, v in enumerate(value)]
        if _is_number(value):
            self._problem(
                where,
                f"bare number {value!r}; give it as $figure or "
                "{value: ..., source: ...} / {value: ..., assumption: ...}",
            )
        return value

    def _figure(self, name: str, where: str, prov: list[Provenance]) -> Any:
        entry = self.figures.get(name)
        if not isinstance(entry, dict) or "value" not in entry:
            close = difflib.get_close_matches(name, list(self.figures), n=1)
            hint = f" (did you mean ${close[0]}?)" if close else ""
            self._problem(where, f"no figure ${name}{hint}")
            return None
        self.used.add(name)
        kind = "source" if "source" in entry else "assumption"
        prov.append(Provenance(where, name, kind, str(entry.get(kind, ""))))
        return self._inner(entry["value"], where, prov)

    def _inner(self, value: Any, where: str, prov: list[Provenance]) -> Any:
        """A figure's value: numbers are sourced by the figure; references inside resolve."""
        if isinstance(value, str) and value.startswith("$"):
            return self._figure(value[1:], where, prov)
        if isinstance(value, dict):
            return {k: self._inner(v, f"{where}.{k}", prov) for k, v in value.items()}
        if isinstance(value, list):
            return [self._inner(v, where, prov) for v in value]
        return value


# --------------------------------------------------------------------------- geometry


def _geod() -> Any:
    import pyproj

    return pyproj.Geod(ellps="WGS84")


def line_length_km(coords: list[list[float]]) -> float:
    """Geodesic length of a (lon, lat) line on the WGS84 ellipsoid, km (as the loader does)."""
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return float(_geod().line_length(lons, lats)) / 1000.0


def _round_coords(coords: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in coords:
        point = [round(float(lon), COORD_DECIMALS), round(float(lat), COORD_DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _lane_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _lane_ends(leg: dict[str, Any]) -> tuple[str, str]:
    """The two places a leg's sea lane joins: its start and its end, or the waypoint where
    the sea part ends (``sea_end``, the canal's sea end) when a canal follows."""
    return leg["from"], leg.get("sea_end") or leg["to"]


def _places(table: dict[str, Any]) -> dict[str, list[float]]:
    """Where every node, planned node and waypoint is: id -> [lon, lat]."""
    places = {n["id"]: list(n["lonlat"]) for n in table.get("nodes") or []}
    for plan in (table.get("planned") or {}).values():
        places.update({n["id"]: list(n["lonlat"]) for n in plan.get("nodes") or []})
    places.update({k: list(w["lonlat"]) for k, w in (table.get("waypoints") or {}).items()})
    return places


def _all_legs(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The links of the network and of every planned addition."""
    legs = list(table.get("legs") or [])
    for plan in (table.get("planned") or {}).values():
        legs.extend(plan.get("legs") or [])
    return legs


def read_sea_lanes(path: Path = SEA_LANES) -> dict[str, Any]:
    """The cached sea lanes: ``{"A|B": {"ends": [[lon, lat], [lon, lat]], "coords": ...}}``."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("lanes", {}))


def refresh_sea_lanes(
    table: dict[str, Any], path: Path = SEA_LANES, only_missing: bool = False
) -> dict[str, Any]:
    """Recompute every ``geometry: searoute`` lane with the optional ``searoute`` package
    (with ``only_missing``, only those not cached yet, keeping the others as they are)."""
    try:
        import searoute
        from shapely.geometry import LineString
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            f"--refresh-sea needs the optional packages searoute and shapely ({exc}); e.g. "
            "python3 -m venv /tmp/seeds-venv && /tmp/seeds-venv/bin/pip install searoute "
            "shapely pyyaml pyproj, then run this script with /tmp/seeds-venv/bin/python"
        ) from None
    places = _places(table)
    lanes: dict[str, Any] = read_sea_lanes(path) if only_missing else {}
    for leg in _all_legs(table):
        if leg.get("geometry") != "searoute":
            continue
        a, b = sorted(_lane_ends(leg))
        key = _lane_key(a, b)
        if key in lanes:
            continue
        start, end = places[a], places[b]
        route = searoute.searoute(list(start), list(end), units="km")
        line = [list(start), *route["geometry"]["coordinates"], list(end)]
        simple = LineString(line).simplify(SEA_SIMPLIFY_DEG, preserve_topology=False)
        lanes[key] = {
            "ends": [list(start), list(end)],
            "coords": _round_coords([list(c) for c in simple.coords]),
            "searoute_km": round(float(route["properties"]["length"]), 1),
        }
    about = (
        "Sea lanes for seeds/network.yaml legs with `geometry: searoute`, computed offline by "
        "the searoute package (its bundled maritime network), simplified (tolerance "
        f"{SEA_SIMPLIFY_DEG} deg) and rounded to {COORD_DECIMALS} decimals. Regenerate with: "
        "python seeds/build_network.py --refresh-sea"
    )
    rows = [f"  {json.dumps(key)}: {json.dumps(lane)}" for key, lane in sorted(lanes.items())]
    text = "\n".join(
        ["{", f' "about": {json.dumps(about)},', ' "lanes": {', ",\n".join(rows), " }", "}"]
    )
    path.write_text(text + "\n", encoding="utf-8")
    return lanes


def _via_points(points: Any, where: str, problems: list[str]) -> list[list[float]]:
    out = []
    for i, point in enumerate(points or []):
        if not (
            isinstance(point, list) and len(point) in (2, 3) and all(map(_is_number, point[:2]))
        ):
            problems.append(f"{where}[{i}]: expected [lon, lat] or [lon, lat, name]")
            continue
        out.append([float(point[0]), float(point[1])])
    return out


def _sea_lane(
    leg: dict[str, Any],
    places: dict[str, list[float]],
    lanes: dict[str, Any],
    problems: list[str],
) -> list[list[float]]:
    """The cached lane from the leg's start to its end (or to its ``sea_end``), oriented."""
    where = f"legs.{leg['id']}"
    a, b = _lane_ends(leg)
    if b not in places:
        problems.append(f"{where}.sea_end: no node or waypoint {b!r}")
        return [places[a]]
    lane = lanes.get(_lane_key(a, b))
    if lane is None:
        problems.append(f"{where}: no cached sea lane {_lane_key(a, b)!r}; run --missing-sea")
        return [list(places[a]), list(places[b])]
    first, second = sorted((a, b))
    ends = [list(places[first]), list(places[second])]
    if [list(map(float, e)) for e in lane["ends"]] != [list(map(float, e)) for e in ends]:
        problems.append(f"{where}: a port moved since the sea lane was cached; --refresh-sea")
    coords = [list(c) for c in lane["coords"]]
    return coords if a == first else coords[::-1]


def _leg_coords(
    leg: dict[str, Any],
    places: dict[str, list[float]],
    lanes: dict[str, Any],
    problems: list[str],
) -> tuple[list[list[float]], float]:
    """The drawn line of a link, and the km of its sea lane (0 without one)."""
    start = list(places[leg["from"]])
    end = list(places[leg["to"]])
    where = f"legs.{leg['id']}"
    if leg.get("geometry") == "searoute":
        sea = _sea_lane(leg, places, lanes, problems)
        sea_km = line_length_km(_round_coords(sea)) if len(sea) > 1 else 0.0
        canal = leg.get("canal") or {}
        if not leg.get("sea_end"):
            return _round_coords(sea), sea_km
        via = _via_points(canal.get("via"), f"{where}.canal.via", problems)
        return _round_coords([*sea, *via, end]), sea_km
    if leg.get("geometry") is not None:
        problems.append(f"{where}.geometry: {leg['geometry']!r} is not 'searoute'")
    if leg.get("sea_end") or leg.get("canal"):
        problems.append(f"{where}: sea_end and canal go with geometry: searoute")
    via = _via_points(leg.get("via"), f"{where}.via", problems)
    return _round_coords([start, *via, end]), 0.0


# --------------------------------------------------------------------------- building features


@dataclass
class Built:
    """The result of a build: the GeoJSON texts and what the report and tests need."""

    text: str
    geojson: dict[str, Any]
    leg_km: dict[str, float]  # length the loader will use, per directed leg (both ways)
    leg_length_kind: dict[str, str]  # "figure", "circuity", "geometry" or "sea lane + canal"
    drawn_km: dict[str, float]  # geodesic length of the drawn line, per link
    table: dict[str, Any]
    reverse_ids: dict[str, str] = field(default_factory=dict)  # link id -> its way back's id
    planned: dict[str, tuple[Path, str, dict[str, Any]]] = field(default_factory=dict)
    node_changes: dict[str, dict[str, Any]] = field(default_factory=dict)  # plan -> changes


def _ordered(props: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {k: props[k] for k in order if k in props}


def _element_source(item: dict[str, Any], where: str, problems: list[str]) -> str:
    text = item.get("source")
    if not isinstance(text, str) or len(text.strip()) < 5:
        problems.append(f"{where}: needs a source (why this node or leg exists, with a reference)")
        return ""
    return text.strip()


def _source_text(element: str, prov: list[Provenance]) -> str:
    parts = [element] if element else []
    seen: set[str] = set()
    for p in prov:
        line = p.describe()
        if line not in seen:
            seen.add(line)
            parts.append(line)
    return " | ".join(parts)


def build_processes(
    raw_processes: Any,
    where: str,
    templates: dict[str, Any],
    res: Resolver,
    prov: list[Provenance],
) -> list[dict[str, Any]]:
    """A node's processes: templates applied, figures resolved, keys in a fixed order."""
    out = []
    for i, raw in enumerate(raw_processes or []):
        here = f"{where}.processes[{i}]"
        if not isinstance(raw, dict):
            res.problems.append(f"{here}: expected a mapping")
            continue
        merged = dict(raw)
        use = merged.pop("use", None)
        if use is not None:
            if use not in templates:
                res.problems.append(f"{here}.use: no process template {use!r}")
                continue
            merged = {**templates[use], **merged}
        name = merged.get("name", f"#{i}")
        resolved = {k: res.resolve(v, f"processes.{name}.{k}", prov) for k, v in merged.items()}
        unknown = set(resolved) - set(PROCESS_ORDER)
        if unknown:
            res.problems.append(f"{here}: unknown process keys {sorted(unknown)}")
        out.append(_ordered(resolved, PROCESS_ORDER))
    return out


def _node_feature(node: dict[str, Any], templates: dict[str, Any], res: Resolver) -> dict[str, Any]:
    where = f"nodes.{node.get('id', '?')}"
    res.context = where
    unknown = set(node) - NODE_KEYS
    if unknown:
        res.problems.append(f"{where}: unknown keys {sorted(unknown)}")
    prov: list[Provenance] = []
    processes = build_processes(node.get("processes"), where, templates, res, prov)
    props: dict[str, Any] = {
        "id": node["id"],
        "name": node["name"],
        "country": node["country"],
        "kind": node["kind"],
    }
    if processes:
        props["processes"] = processes
    if node.get("notes"):
        props["notes"] = str(node["notes"]).strip()
    props["source"] = _source_text(_element_source(node, where, res.problems), prov)
    lon, lat = node["lonlat"]
    point = [round(float(lon), COORD_DECIMALS), round(float(lat), COORD_DECIMALS)]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": point},
        "properties": props,
    }


def reverse_id(leg: dict[str, Any]) -> str | None:
    """The id of a link's way back: ``reverse.id``, or the id with ``from`` and ``to``
    swapped (``VOG-MOW-RAIL`` -> ``MOW-VOG-RAIL``); None for a one-way link or an id that
    does not start with ``<from>-<to>-``."""
    if leg.get("directions") == "forward":
        return None
    given = (leg.get("reverse") or {}).get("id")
    if given:
        return str(given)
    head = f"{leg['from']}-{leg['to']}-"
    if str(leg["id"]).startswith(head):
        return f"{leg['to']}-{leg['from']}-{str(leg['id'])[len(head) :]}"
    return None


def reverse_name(name: str) -> str:
    """``Volgograd - Moscow (rail)`` -> ``Moscow - Volgograd (rail)``: the places of a link's
    name in the other order, a trailing ``(...)`` kept in place."""
    body, tail = name, ""
    if name.endswith(")") and " (" in name:
        cut = name.rfind(" (")
        body, tail = name[:cut], name[cut:]
    parts = body.split(" - ")
    if len(parts) < 2:
        return f"{name} (back)" if name else ""
    return " - ".join(reversed(parts)) + tail


def _canal_running_time(
    leg: dict[str, Any], sea_km: float, res: Resolver, prov: list[Provenance]
) -> tuple[float, float]:
    """(length km, running time h) of a sea lane followed by the canal: the ship's speed at
    sea and the canal's own speed on the canal, so the slower canal passage is kept."""
    canal = leg.get("canal") or {}
    unknown = set(canal) - CANAL_KEYS
    if unknown:
        res.problems.append(f"legs.{leg['id']}.canal: unknown keys {sorted(unknown)}")
    canal_km = float(res.resolve(canal.get("km"), "canal.km", prov) or 0.0)
    canal_kmh = float(res.resolve(canal.get("speed_kmh"), "canal.speed_kmh", prov) or 1.0)
    sea_kmh = float(res.resolve(leg.get("speed_kmh"), "speed_kmh (at sea)", prov) or 1.0)
    sea_h, canal_h = sea_km / sea_kmh, canal_km / canal_kmh
    hours = round(sea_h + canal_h, 2)
    prov.append(
        Provenance(
            "running_time_h",
            "",
            "computed",
            f"{sea_km:,.0f} km of sea lane (drawn, to the canal's sea end) at {sea_kmh:g} km/h "
            f"= {sea_h:.2f} h, + {canal_km:,.0f} km of canal at {canal_kmh:g} km/h = "
            f"{canal_h:.2f} h: {hours:g} h (build_network.py)",
        )
    )
    prov.append(
        Provenance(
            "length_km",
            "",
            "computed",
            f"{sea_km:,.0f} km of sea lane + {canal_km:,.0f} km of canal",
        )
    )
    return float(round(sea_km + canal_km)), hours


def _reverse_props(
    leg: dict[str, Any], back_id: str, res: Resolver, prov: list[Provenance]
) -> dict[str, Any]:
    """The ``reverse`` block of a link: its id and name always, then what it overrides."""
    raw = dict(leg.get("reverse") or {})
    unknown = set(raw) - REVERSE_KEYS
    if unknown:
        res.problems.append(f"legs.{leg['id']}.reverse: unknown keys {sorted(unknown)}")
    out: dict[str, Any] = {"id": back_id, "name": raw.get("name") or reverse_name(leg["name"])}
    for key in ("speed_kmh", "running_time_h", "delay_h", "service", "cost_usd_per_teu"):
        if key in raw:
            out[key] = res.resolve(raw[key], f"reverse.{key}", prov)
    if "co2e_kg_per_teu_km" in raw:
        out["co2e_kg_per_teu_km"] = res.resolve(
            raw["co2e_kg_per_teu_km"], "reverse.co2e_kg_per_teu_km", prov
        )
    if "enabled" in raw:
        out["enabled"] = bool(raw["enabled"])
    if raw.get("notes"):
        out["notes"] = str(raw["notes"]).strip()
    if raw.get("source"):
        prov.append(Provenance("reverse", "", "source", str(raw["source"]).strip()))
    return _ordered(out, REVERSE_ORDER)


def _leg_feature(
    leg: dict[str, Any],
    places: dict[str, list[float]],
    node_ids: set[str],
    lanes: dict[str, Any],
    res: Resolver,
    built: Built,
) -> dict[str, Any] | None:
    where = f"legs.{leg.get('id', '?')}"
    res.context = where
    unknown = set(leg) - LEG_KEYS
    if unknown:
        res.problems.append(f"{where}: unknown keys {sorted(unknown)}")
    missing = [end for end in ("from", "to") if leg.get(end) not in node_ids]
    if missing:
        for end in missing:
            res.problems.append(f"{where}.{end}: no node {leg.get(end)!r}")
        return None
    prov: list[Provenance] = []
    coords, sea_km = _leg_coords(leg, places, lanes, res.problems)
    drawn = line_length_km(coords)
    props: dict[str, Any] = {
        "id": leg["id"],
        "name": leg.get("name", ""),
        "from": leg["from"],
        "to": leg["to"],
        "mode": leg["mode"],
    }
    raw_length = leg.get("length_km")
    if leg.get("canal"):
        if raw_length is not None or "running_time_h" in leg:
            res.problems.append(f"{where}: a canal link's length and running time are computed")
        km, props["running_time_h"] = _canal_running_time(leg, sea_km, res, prov)
        props["length_km"] = int(km)
        kind = "sea lane + canal"
    elif isinstance(raw_length, dict) and set(raw_length) == {"circuity"}:
        factor = res.resolve(raw_length["circuity"], "length_km.circuity", prov)
        km = float(round(float(factor or 1.0) * drawn))
        props["length_km"] = int(km)
        kind = "circuity"
    elif raw_length is not None:
        props["length_km"] = res.resolve(raw_length, "length_km", prov)
        km = float(props["length_km"] or 0.0)
        kind = "figure"
    else:
        km = drawn
        kind = "geometry"
    keys = ("speed_kmh", "running_time_h", "delay_h", "service")
    for key in keys[2:] if leg.get("canal") else keys:  # a canal link's time is computed
        if key in leg:
            props[key] = res.resolve(leg[key], key, prov)
    if "running_factor" in leg:
        _apply_running_factor(leg, props, km, where, res, prov)
    raw_cost = leg.get("cost_usd_per_teu")
    if isinstance(raw_cost, dict) and set(raw_cost) == {"per_km"}:
        rate = res.resolve(raw_cost["per_km"], "cost_usd_per_teu.per_km", prov)
        props["cost_usd_per_teu"] = float(round(float(rate or 0.0) * km, 0))
    elif raw_cost is not None:
        props["cost_usd_per_teu"] = res.resolve(raw_cost, "cost_usd_per_teu", prov)
    if "co2e_kg_per_teu_km" in leg:
        props["co2e_kg_per_teu_km"] = res.resolve(
            leg["co2e_kg_per_teu_km"], "co2e_kg_per_teu_km", prov
        )
    props["enabled"] = bool(leg.get("enabled", True))
    directions = leg.get("directions", "both")
    if directions not in ("both", "forward"):
        res.problems.append(f"{where}.directions: {directions!r} is not 'both' or 'forward'")
    back_id = reverse_id(leg)
    if directions == "forward":
        props["directions"] = "forward"
        if leg.get("reverse"):
            res.problems.append(f"{where}: a one-way link (directions: forward) has no reverse")
    elif back_id is None:
        res.problems.append(
            f"{where}.reverse.id: the id does not start with '<from>-<to>-'; give the way back's id"
        )
    else:
        props["reverse"] = _reverse_props(leg, back_id, res, prov)
        built.reverse_ids[leg["id"]] = back_id
        built.leg_km[back_id] = km
    if leg.get("notes"):
        props["notes"] = str(leg["notes"]).strip()
    props["source"] = _source_text(_element_source(leg, where, res.problems), prov)
    built.leg_km[leg["id"]] = km
    built.leg_length_kind[leg["id"]] = kind
    built.drawn_km[leg["id"]] = drawn
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": _ordered(props, LEG_ORDER),
    }


def _apply_running_factor(
    leg: dict[str, Any],
    props: dict[str, Any],
    km: float,
    where: str,
    res: Resolver,
    prov: list[Provenance],
) -> None:
    """``running_factor``: the running time is length / speed x a log-normal factor.

    The product of a constant and a log-normal variable is log-normal with the same cv, so the
    leg gets ``running_time_h: {dist: lognormal, mean: km / speed x factor mean, cv}`` (drawn
    once per vehicle departure) instead of ``speed_kmh``.
    """
    factor = res.resolve(leg["running_factor"], "running_factor", prov)
    speed = props.pop("speed_kmh", None)
    if "running_time_h" in leg or speed is None:
        res.problems.append(f"{where}: running_factor needs speed_kmh (and no running_time_h)")
        return
    if not (isinstance(factor, dict) and factor.get("dist") == "lognormal"):
        res.problems.append(f"{where}.running_factor: give a lognormal {{mean, cv}} factor")
        return
    nominal_h = km / float(speed)
    props["running_time_h"] = {
        "dist": "lognormal",
        "mean": round(nominal_h * float(factor["mean"]), 2),
        "cv": float(factor["cv"]),
    }


RANGE_KEYS = {"low", "central", "high", "unit", "source"}


def _central_of(value: Any) -> float | None:
    """A figure's central value: the number, or a distribution's mean (None otherwise)."""
    if _is_number(value):
        return float(value)
    if isinstance(value, dict):
        if "mean" in value and _is_number(value["mean"]):
            return float(value["mean"])
        if value.get("dist") == "triangular":
            return (float(value["low"]) + float(value["mode"]) + float(value["high"])) / 3.0
        if value.get("dist") == "uniform":
            return (float(value["low"]) + float(value["high"])) / 2.0
    return None


def check_ranges(table: dict[str, Any], problems: list[str]) -> None:
    """``ranges:`` name -> {low, central, high, unit, source}: one per uncertain figure.

    The name is a figure (or scenario figure); low <= central <= high; the central value is the
    figure's value (a distribution's mean) within 0.5 %, so the sensitivity analysis can vary
    the figure from low to high around what the network uses.
    """
    figures = {**dict(table.get("scenario_figures") or {}), **dict(table.get("figures") or {})}
    for name, entry in (table.get("ranges") or {}).items():
        where = f"ranges.{name}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        unknown = set(entry) - RANGE_KEYS
        missing = {"low", "central", "high", "source"} - set(entry)
        if unknown or missing:
            problems.append(f"{where}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
            continue
        if name not in figures:
            problems.append(f"{where}: no figure {name!r}")
            continue
        low, central, high = (entry[k] for k in ("low", "central", "high"))
        if not all(_is_number(v) for v in (low, central, high)) or not low <= central <= high:
            problems.append(f"{where}: give numbers low <= central <= high")
            continue
        value = _central_of(figures[name].get("value"))
        if value is None or abs(value - float(central)) > 0.005 * max(abs(value), 1e-9):
            problems.append(f"{where}.central: {central} is not the figure's value ({value})")
        if not isinstance(entry["source"], str) or len(entry["source"].strip()) < 10:
            problems.append(f"{where}.source: the source needs a real text")


def _directed_ids(legs: list[dict[str, Any]]) -> set[str]:
    ids = {leg.get("id") for leg in legs}
    ids |= {reverse_id(leg) for leg in legs if isinstance(leg.get("id"), str)}
    return {i for i in ids if isinstance(i, str)}


def _check_ids_and_branches(table: dict[str, Any], problems: list[str]) -> None:
    seen: set[str] = set()
    sections = [("nodes", table.get("nodes") or []), ("legs", table.get("legs") or [])]
    for name, plan in (table.get("planned") or {}).items():
        sections += [(f"planned.{name}.nodes", plan.get("nodes") or [])]
        sections += [(f"planned.{name}.legs", plan.get("legs") or [])]
    for section, items in sections:
        for item in items:
            item_id = item.get("id")
            if not isinstance(item_id, str) or not item_id:
                problems.append(f"{section}: an entry has no id")
                continue
            ids = [item_id]
            if section.endswith("legs") and isinstance(item.get("from"), str):
                ids.append(reverse_id(item) or "")
            for one in filter(None, ids):
                if one in seen:
                    problems.append(f"{section}.{item_id}: id {one!r} used twice")
                seen.add(one)
            branches = item.get("branches") or []
            if not branches or set(branches) - set(BRANCHES):
                problems.append(f"{section}.{item_id}.branches: name some of {BRANCHES}")
    if set(table.get("waypoints") or {}) & seen:
        problems.append("waypoints: a waypoint has the id of a node or leg")
    legs = _directed_ids(_all_legs(table))
    for name, chain in (table.get("routes") or {}).items():
        for leg_id in chain:
            if leg_id not in legs:
                problems.append(f"routes.{name}: no leg {leg_id!r}")


def _check_scenario_figures(table: dict[str, Any], problems: list[str]) -> None:
    figures = dict(table.get("scenario_figures") or {})
    Resolver(figures, problems).check_figures("scenario_figures")
    ids = {item["id"] for item in table.get("nodes") or []} | _directed_ids(table.get("legs") or [])
    for name, entry in figures.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        named = value.get("legs") if isinstance(value, dict) else value
        if isinstance(named, list) and all(isinstance(v, str) for v in named):
            problems.extend(
                f"scenario_figures.{name}: no node or leg {v!r}" for v in named if v not in ids
            )


def _planned(
    table: dict[str, Any],
    places: dict[str, list[float]],
    lanes: dict[str, Any],
    templates: dict[str, Any],
    res: Resolver,
    built: Built,
) -> None:
    """The planned additions: one GeoJSON file each, and the node changes that go with them."""
    node_ids = {n["id"] for n in table.get("nodes") or []}
    for name, plan in (table.get("planned") or {}).items():
        where = f"planned.{name}"
        unknown = set(plan) - {"file", "name", "source", "nodes", "legs", "node_changes"}
        if unknown:
            res.problems.append(f"{where}: unknown keys {sorted(unknown)}")
        file = plan.get("file")
        named = isinstance(file, str) and file.startswith("planned/")
        if not (named and isinstance(file, str) and file.endswith(".geojson")):
            res.problems.append(f"{where}.file: give planned/<name>.geojson")
            continue
        _element_source(plan, where, res.problems)
        new_nodes = plan.get("nodes") or []
        features = [_node_feature(n, templates, res) for n in new_nodes]
        known = node_ids | {n["id"] for n in new_nodes}
        for leg in plan.get("legs") or []:
            feature = _leg_feature(leg, places, known, lanes, res, built)
            if feature is not None:
                features.append(feature)
        geojson = {
            "type": "FeatureCollection",
            "name": plan.get("name", name),
            "features": features,
        }
        built.planned[name] = (SEEDS / file, dump_geojson(geojson), geojson)
        changes: dict[str, Any] = {}
        for node_id, change in (plan.get("node_changes") or {}).items():
            res.context = f"{where}.node_changes.{node_id}"
            if node_id not in node_ids:
                res.problems.append(f"{where}.node_changes: no node {node_id!r}")
            prov: list[Provenance] = []
            processes = build_processes(change.get("processes"), res.context, templates, res, prov)
            changes[node_id] = {"processes": processes}
        built.node_changes[name] = changes


def build(table: dict[str, Any] | None = None, lanes: dict[str, Any] | None = None) -> Built:
    """Resolve the table and draw the network. Raises :class:`BuildError` listing problems."""
    table = read_table() if table is None else table
    lanes = read_sea_lanes() if lanes is None else lanes
    problems: list[str] = []
    _check_ids_and_branches(table, problems)
    _check_scenario_figures(table, problems)
    check_ranges(table, problems)
    res = Resolver(dict(table.get("figures") or {}), problems)
    res.check_figures()
    templates = dict(table.get("process_templates") or {})
    nodes = {n["id"]: n for n in table.get("nodes") or []}
    places = _places(table)
    built = Built("", {}, {}, {}, {}, table)
    features = [_node_feature(n, templates, res) for n in nodes.values()]
    for leg in table.get("legs") or []:
        feature = _leg_feature(leg, places, set(nodes), lanes, res, built)
        if feature is not None:
            features.append(feature)
    _planned(table, places, lanes, templates, res, built)
    unused = sorted(set(res.figures) - res.used)
    problems.extend(f"figures.{name}: not used by any node or leg" for name in unused)
    if problems:
        raise BuildError(problems)
    geojson = {
        "type": "FeatureCollection",
        "name": table.get("name", "instc"),
        "features": features,
    }
    built.geojson = geojson
    built.text = dump_geojson(geojson)
    return built


def dump_geojson(geojson: dict[str, Any]) -> str:
    """Deterministic text: one feature per line, so that diffs show what changed."""
    head = {k: v for k, v in geojson.items() if k != "features"}
    lines = ["{", *[f"{json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]]
    lines.append('"features": [')
    features = geojson["features"]
    for i, feature in enumerate(features):
        comma = "," if i < len(features) - 1 else ""
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + comma)
    lines += ["]", "}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- checks and reports


def validate_with_corridor(text: str, planned: dict[str, str] | None = None) -> list[str]:
    """Problems found by corridor's own loader (empty if it accepts the files): the network,
    and each planned addition joined to it."""
    import tempfile

    from corridor.errors import NetworkError
    from corridor.inputs.network import load_network

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instc.geojson"
        path.write_text(text, encoding="utf-8")
        try:
            base = load_network(path)
        except NetworkError as exc:
            return [str(exc)]
        problems = []
        for name, added in (planned or {}).items():
            extra = Path(tmp) / f"{name}.geojson"
            extra.write_text(added, encoding="utf-8")
            try:
                load_network(extra, base=base)
            except NetworkError as exc:
                problems.append(str(exc))
    return problems


def route_km(built: Built) -> dict[str, float]:
    """Total length of each reference route of the table, km."""
    routes = built.table.get("routes") or {}
    return {name: sum(built.leg_km[leg] for leg in chain) for name, chain in routes.items()}


def sourced_ratios(built: Built, mode: str) -> dict[str, tuple[float, float]]:
    """(published km, drawn km) by length figure, for the legs of ``mode`` whose length is a
    sourced figure (the basis of the circuity figures)."""
    figures = built.table["figures"]
    out = {}
    for leg in built.table["legs"]:
        ref = leg.get("length_km")
        if leg["mode"] != mode or not (isinstance(ref, str) and ref.startswith("$")):
            continue
        if "source" in figures[ref[1:]] and ref[1:] not in out:
            out[ref[1:]] = (built.leg_km[leg["id"]], built.drawn_km[leg["id"]])
    return out


def _report_lines(built: Built) -> Iterator[str]:
    head = f"{'link (way out / way back)':42} {'mode':5} {'km':>8} {'drawn':>8} {'ratio':>6}"
    yield f"{head}  length from"
    for leg in built.table["legs"]:
        leg_id = leg["id"]
        km, drawn = built.leg_km[leg_id], built.drawn_km[leg_id]
        ratio = km / drawn if drawn else math.nan
        both = f"{leg_id} / {built.reverse_ids.get(leg_id, '(one way)')}"
        yield (
            f"{both:42} {leg['mode']:5} {km:8.0f} {drawn:8.0f} {ratio:6.2f}  "
            f"{built.leg_length_kind[leg_id]}"
        )
    for mode in ("rail", "road"):
        pairs = sourced_ratios(built, mode)
        if not pairs:
            continue
        values = sorted(km / drawn for km, drawn in pairs.values())
        total = sum(km for km, _ in pairs.values()) / sum(drawn for _, drawn in pairs.values())
        yield (
            f"\nsourced {mode} legs: {len(values)}, published/drawn {values[0]:.2f}-"
            f"{values[-1]:.2f}, median {statistics.median(values):.2f}, in total {total:.2f}"
        )
    yield "\nroute totals (km):"
    for name, km in route_km(built).items():
        yield f"  {name:44} {km:8.0f}"
    yield "\nnodes and links per branch (an element can serve several branches):"
    for branch in BRANCHES:
        n_nodes = sum(branch in n["branches"] for n in built.table["nodes"])
        n_legs = sum(branch in leg["branches"] for leg in built.table["legs"])
        yield f"  {branch:14} nodes {n_nodes:3}  links {n_legs:3}"
    yield f"\nfile: {len(built.text.encode('utf-8')):,} bytes"
    for name, (path, text, _) in built.planned.items():
        yield f"planned {name}: planned/{path.name} ({len(text.encode('utf-8')):,} bytes)"


def describe_changes(old_text: str, new: dict[str, Any]) -> str:
    """Which features differ between the committed text and a new build, by id."""
    try:
        old = json.loads(old_text)
        old_features = {f["properties"]["id"]: f for f in old["features"]}
    except (ValueError, KeyError, TypeError):
        return "the committed file is missing or not the expected GeoJSON"
    new_features = {f["properties"]["id"]: f for f in new["features"]}
    parts = []
    for label, ids in (
        (
            "changed",
            [i for i in new_features if i in old_features and old_features[i] != new_features[i]],
        ),
        ("added", [i for i in new_features if i not in old_features]),
        ("removed", [i for i in old_features if i not in new_features]),
    ):
        if ids:
            shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
            parts.append(f"{label}: {shown}")
    return "; ".join(parts) or "same features, different formatting"


def _outputs(built: Built) -> list[tuple[Path, str, dict[str, Any]]]:
    """Every file a build writes: the network, then each planned addition."""
    return [(OUTPUT, built.text, built.geojson), *built.planned.values()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    parser.add_argument("--report", action="store_true", help="print links and route totals")
    parser.add_argument(
        "--refresh-sea", action="store_true", help="recompute sea lanes with searoute"
    )
    parser.add_argument(
        "--missing-sea", action="store_true", help="compute only the sea lanes not cached yet"
    )
    args = parser.parse_args(argv)
    try:
        table = read_table()
        lanes = None
        if args.refresh_sea or args.missing_sea:
            lanes = refresh_sea_lanes(table, only_missing=args.missing_sea)
        built = build(table, lanes)
    except (BuildError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = []
        for path, text, geojson in _outputs(built):
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                stale.append(
                    f"{path.name} is not what {TABLE.name} generates "
                    f"({describe_changes(current, geojson)})"
                )
        if stale:
            print(f"{'; '.join(stale)}; run python seeds/build_network.py", file=sys.stderr)
            return 1
        n = len(built.geojson["features"])
        print(f"{OUTPUT.name} is up to date ({n} features), and {len(built.planned)} planned files")
        return 0
    if args.report:
        print("\n".join(_report_lines(built)))
        return 0
    for path, text, _ in _outputs(built):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
