"""Build the INSTC seed network ``seeds/instc.geojson`` from ``seeds/network.yaml``.

Every figure lives once in ``network.yaml``, with its source or the reason for an assumption;
this script resolves the figures, draws the legs and writes the GeoJSON deterministically
(the same table always gives the same bytes).

Usage::

    python seeds/build_network.py                 # write seeds/instc.geojson
    python seeds/build_network.py --check         # exit 1 if the committed file is stale
    python seeds/build_network.py --report        # legs, lengths and route totals
    python seeds/build_network.py --refresh-sea   # recompute sea lanes (needs `searoute`)

Sea legs marked ``geometry: searoute`` follow lanes cached in ``seeds/sea_lanes.json``; only
``--refresh-sea`` imports the optional ``searoute`` package (install it in a separate
environment: it is not a dependency of corridor). Needs PyYAML and pyproj.
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
    "id", "name", "from", "to", "mode", "branches", "geometry", "via", "length_km", "speed_kmh",
    "running_time_h", "delay_h", "service", "cost_usd_per_teu", "co2e_kg_per_teu_km", "enabled",
    "source", "notes",
}  # fmt: skip
PROCESS_ORDER = (
    "name", "activity", "time_h", "servers", "per", "probability", "at", "cost_usd_per_teu",
)  # fmt: skip
LEG_ORDER = (
    "id", "name", "from", "to", "mode", "length_km", "speed_kmh", "running_time_h", "delay_h",
    "service", "cost_usd_per_teu", "co2e_kg_per_teu_km", "enabled", "notes", "source",
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
    kind: str  # "source" or "assumption"
    text: str

    def describe(self) -> str:
        name = f" [{self.figure}]" if self.figure else ""
        tag = "ASSUMPTION: " if self.kind == "assumption" else ""
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


def read_sea_lanes(path: Path = SEA_LANES) -> dict[str, Any]:
    """The cached sea lanes: ``{"A|B": {"ends": [[lon, lat], [lon, lat]], "coords": ...}}``."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("lanes", {}))


def refresh_sea_lanes(table: dict[str, Any], path: Path = SEA_LANES) -> dict[str, Any]:
    """Recompute every ``geometry: searoute`` lane with the optional ``searoute`` package."""
    try:
        import searoute
        from shapely.geometry import LineString
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            f"--refresh-sea needs the optional packages searoute and shapely ({exc}); e.g. "
            "python3 -m venv /tmp/seeds-venv && /tmp/seeds-venv/bin/pip install searoute "
            "shapely pyyaml pyproj, then run this script with /tmp/seeds-venv/bin/python"
        ) from None
    nodes = {n["id"]: n for n in table["nodes"]}
    lanes: dict[str, Any] = {}
    for leg in table["legs"]:
        if leg.get("geometry") != "searoute":
            continue
        a, b = sorted((leg["from"], leg["to"]))
        key = _lane_key(a, b)
        if key in lanes:
            continue
        start, end = nodes[a]["lonlat"], nodes[b]["lonlat"]
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


def _leg_coords(
    leg: dict[str, Any],
    nodes: dict[str, dict[str, Any]],
    lanes: dict[str, Any],
    problems: list[str],
) -> list[list[float]]:
    start = list(nodes[leg["from"]]["lonlat"])
    end = list(nodes[leg["to"]]["lonlat"])
    where = f"legs.{leg['id']}"
    if leg.get("geometry") == "searoute":
        lane = lanes.get(_lane_key(leg["from"], leg["to"]))
        if lane is None:
            problems.append(f"{where}: no cached sea lane; run with --refresh-sea")
            return _round_coords([start, end])
        first, second = sorted((leg["from"], leg["to"]))
        ends = [list(nodes[first]["lonlat"]), list(nodes[second]["lonlat"])]
        if [list(map(float, e)) for e in lane["ends"]] != [list(map(float, e)) for e in ends]:
            problems.append(f"{where}: a port moved since the sea lane was cached; --refresh-sea")
        coords = [list(c) for c in lane["coords"]]
        return _round_coords(coords if leg["from"] == first else coords[::-1])
    if leg.get("geometry") not in (None, "via"):
        problems.append(f"{where}.geometry: {leg['geometry']!r} is not 'searoute' or 'via'")
    via = []
    for i, point in enumerate(leg.get("via") or []):
        if not (
            isinstance(point, list) and len(point) in (2, 3) and all(map(_is_number, point[:2]))
        ):
            problems.append(f"{where}.via[{i}]: expected [lon, lat] or [lon, lat, name]")
            continue
        via.append([float(point[0]), float(point[1])])
    return _round_coords([start, *via, end])


# --------------------------------------------------------------------------- building features


@dataclass
class Built:
    """The result of a build: the GeoJSON text and what the report and tests need."""

    text: str
    geojson: dict[str, Any]
    leg_km: dict[str, float]  # length the loader will use, per leg
    leg_length_kind: dict[str, str]  # "figure", "circuity" or "geometry"
    drawn_km: dict[str, float]  # geodesic length of the drawn line
    table: dict[str, Any]


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


def _build_processes(
    node: dict[str, Any], templates: dict[str, Any], res: Resolver, prov: list[Provenance]
) -> list[dict[str, Any]]:
    out = []
    for i, raw in enumerate(node.get("processes") or []):
        where = f"nodes.{node['id']}.processes[{i}]"
        if not isinstance(raw, dict):
            res.problems.append(f"{where}: expected a mapping")
            continue
        merged = dict(raw)
        use = merged.pop("use", None)
        if use is not None:
            if use not in templates:
                res.problems.append(f"{where}.use: no process template {use!r}")
                continue
            merged = {**templates[use], **merged}
        name = merged.get("name", f"#{i}")
        resolved = {k: res.resolve(v, f"processes.{name}.{k}", prov) for k, v in merged.items()}
        unknown = set(resolved) - set(PROCESS_ORDER)
        if unknown:
            res.problems.append(f"{where}: unknown process keys {sorted(unknown)}")
        out.append(_ordered(resolved, PROCESS_ORDER))
    return out


def _node_feature(node: dict[str, Any], templates: dict[str, Any], res: Resolver) -> dict[str, Any]:
    where = f"nodes.{node.get('id', '?')}"
    res.context = where
    unknown = set(node) - NODE_KEYS
    if unknown:
        res.problems.append(f"{where}: unknown keys {sorted(unknown)}")
    prov: list[Provenance] = []
    processes = _build_processes(node, templates, res, prov)
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


def _leg_feature(
    leg: dict[str, Any],
    nodes: dict[str, dict[str, Any]],
    lanes: dict[str, Any],
    res: Resolver,
    built: Built,
) -> dict[str, Any] | None:
    where = f"legs.{leg.get('id', '?')}"
    res.context = where
    unknown = set(leg) - LEG_KEYS
    if unknown:
        res.problems.append(f"{where}: unknown keys {sorted(unknown)}")
    missing = [end for end in ("from", "to") if leg.get(end) not in nodes]
    if missing:
        for end in missing:
            res.problems.append(f"{where}.{end}: no node {leg.get(end)!r}")
        return None
    prov: list[Provenance] = []
    coords = _leg_coords(leg, nodes, lanes, res.problems)
    drawn = line_length_km(coords)
    props: dict[str, Any] = {
        "id": leg["id"],
        "name": leg.get("name", ""),
        "from": leg["from"],
        "to": leg["to"],
        "mode": leg["mode"],
    }
    raw_length = leg.get("length_km")
    if isinstance(raw_length, dict) and set(raw_length) == {"circuity"}:
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
    for key in ("speed_kmh", "running_time_h", "delay_h", "service"):
        if key in leg:
            props[key] = res.resolve(leg[key], key, prov)
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


def _check_ids_and_branches(table: dict[str, Any], problems: list[str]) -> None:
    seen: set[str] = set()
    for section in ("nodes", "legs"):
        for item in table.get(section) or []:
            item_id = item.get("id")
            if not isinstance(item_id, str) or not item_id:
                problems.append(f"{section}: an entry has no id")
                continue
            if item_id in seen:
                problems.append(f"{section}.{item_id}: id used twice")
            seen.add(item_id)
            branches = item.get("branches") or []
            if not branches or set(branches) - set(BRANCHES):
                problems.append(f"{section}.{item_id}.branches: name some of {BRANCHES}")
    legs = {leg["id"] for leg in table.get("legs") or []}
    for name, chain in (table.get("routes") or {}).items():
        for leg_id in chain:
            if leg_id not in legs:
                problems.append(f"routes.{name}: no leg {leg_id!r}")


def _check_scenario_figures(table: dict[str, Any], problems: list[str]) -> None:
    figures = dict(table.get("scenario_figures") or {})
    Resolver(figures, problems).check_figures("scenario_figures")
    ids = {item["id"] for section in ("nodes", "legs") for item in table.get(section) or []}
    for name, entry in figures.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        named = value.get("legs") if isinstance(value, dict) else value
        if isinstance(named, list) and all(isinstance(v, str) for v in named):
            problems.extend(
                f"scenario_figures.{name}: no node or leg {v!r}" for v in named if v not in ids
            )


def build(table: dict[str, Any] | None = None, lanes: dict[str, Any] | None = None) -> Built:
    """Resolve the table and draw the network. Raises :class:`BuildError` listing problems."""
    table = read_table() if table is None else table
    lanes = read_sea_lanes() if lanes is None else lanes
    problems: list[str] = []
    _check_ids_and_branches(table, problems)
    _check_scenario_figures(table, problems)
    res = Resolver(dict(table.get("figures") or {}), problems)
    res.check_figures()
    templates = dict(table.get("process_templates") or {})
    nodes = {n["id"]: n for n in table.get("nodes") or []}
    built = Built("", {}, {}, {}, {}, table)
    features = [_node_feature(n, templates, res) for n in nodes.values()]
    for leg in table.get("legs") or []:
        feature = _leg_feature(leg, nodes, lanes, res, built)
        if feature is not None:
            features.append(feature)
    # figures used only inside templates count as used when a node uses the template
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


def validate_with_corridor(text: str) -> list[str]:
    """Problems found by corridor's own loader (empty if it accepts the file)."""
    import tempfile

    from corridor.errors import NetworkError
    from corridor.inputs.network import load_network

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "instc.geojson"
        path.write_text(text, encoding="utf-8")
        try:
            load_network(path)
        except NetworkError as exc:
            return [str(exc)]
    return []


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
        if "source" in figures[ref[1:]] and ref[1:] not in out:  # a reverse leg counts once
            out[ref[1:]] = (built.leg_km[leg["id"]], built.drawn_km[leg["id"]])
    return out


def _report_lines(built: Built) -> Iterator[str]:
    yield f"{'leg':24} {'mode':5} {'km':>8} {'drawn':>8} {'ratio':>6}  length from"
    for leg in built.table["legs"]:
        leg_id = leg["id"]
        km, drawn = built.leg_km[leg_id], built.drawn_km[leg_id]
        ratio = km / drawn if drawn else math.nan
        yield (
            f"{leg_id:24} {leg['mode']:5} {km:8.0f} {drawn:8.0f} {ratio:6.2f}  "
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
        yield f"  {name:36} {km:8.0f}"
    yield "\nnodes and legs per branch (an element can serve several branches):"
    for branch in BRANCHES:
        n_nodes = sum(branch in n["branches"] for n in built.table["nodes"])
        n_legs = sum(branch in leg["branches"] for leg in built.table["legs"])
        yield f"  {branch:14} nodes {n_nodes:3}  legs {n_legs:3}"
    yield f"\nfile: {len(built.text.encode('utf-8')):,} bytes"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if instc.geojson is stale")
    parser.add_argument("--report", action="store_true", help="print legs and route totals")
    parser.add_argument(
        "--refresh-sea", action="store_true", help="recompute sea lanes with searoute"
    )
    args = parser.parse_args(argv)
    try:
        table = read_table()
        lanes = refresh_sea_lanes(table) if args.refresh_sea else None
        built = build(table, lanes)
    except (BuildError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != built.text:
            print(
                f"{OUTPUT.name} is not what {TABLE.name} generates "
                f"({describe_changes(current, built.geojson)}); run python seeds/build_network.py",
                file=sys.stderr,
            )
            return 1
        print(f"{OUTPUT.name} is up to date ({len(built.geojson['features'])} features)")
        return 0
    if args.report:
        print("\n".join(_report_lines(built)))
        return 0
    OUTPUT.write_text(built.text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(built.text.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
