"""GeoJSON features for the network tests: a small valid network to break one thing at a time."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corridor.errors import NetworkError
from corridor.inputs.network import load_network

__all__ = [
    "MINI",
    "MINI_3857",
    "WriteJson",
    "collection",
    "haversine_km",
    "leg_feature",
    "load_error",
    "node_feature",
    "small_features",
]

MINI = "mini-network.geojson"
MINI_3857 = "mini-network-3857.geojson"
WriteJson = Callable[..., Path]


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius (6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def node_feature(node_id: str, lon: float, lat: float, **props: Any) -> dict[str, Any]:
    properties = {"id": node_id, "name": node_id.title(), "country": "IR", "kind": "port"}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {**properties, **props},
    }


def leg_feature(
    leg_id: str, start: str, end: str, coords: list[list[float]], **props: Any
) -> dict[str, Any]:
    properties = {"id": leg_id, "from": start, "to": end, "mode": "rail", "speed_kmh": 40}
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {**properties, **props},
    }


def small_features() -> list[dict[str, Any]]:
    """Two nodes and a leg between them: a valid network to break one thing at a time."""
    return [
        node_feature("A", 50.0, 40.0),
        node_feature("B", 51.0, 40.0),
        leg_feature("L1", "A", "B", [[50.0, 40.0], [51.0, 40.0]]),
    ]


def collection(features: list[Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def load_error(write_json: WriteJson, features: list[Any]) -> str:
    """The message of the NetworkError that loading ``features`` raises."""
    path = write_json(collection(features), "net.geojson")
    with pytest.raises(NetworkError) as info:
        load_network(path)
    return str(info.value)
