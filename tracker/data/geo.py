"""County boundaries for the map: ``data/reference/counties_2024.geojson`` (Kartverket, CC BY 4.0).

The file is a simplified copy of Kartverket's boundaries made by ``scripts/simplify_geojson.py``
(well under 200 KB, so it ships with the app and the map needs nothing from the internet). It is
checked when read, all problems at once, because a hand-edited or truncated file would otherwise
draw a wrong map without a word.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracker.data import reference
from tracker.data.reference import ReferenceDataError
from tracker.data.settings import REFERENCE_DIR

COUNTY_GEOJSON = REFERENCE_DIR / "counties_2024.geojson"
#: Credited in every map's source line, the README and the method page (CC BY 4.0 asks for it).
ATTRIBUTION = "Kartverket, CC BY 4.0"
REBUILD_HINT = "rebuild it with: python scripts/simplify_geojson.py"


@dataclass(frozen=True)
class CountyShape:
    """One county's outline: each part is an (n, 2) array of lon, lat, closed (last = first)."""

    code: str
    name: str
    parts: tuple[np.ndarray, ...]


def _ring_problem(ring: object) -> str | None:
    """Why ``ring`` is not a closed ring of at least 4 lon/lat points, or None if it is one."""
    if not isinstance(ring, list) or len(ring) < 4:
        return "is not a ring of at least 4 points"
    for point in ring:
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(isinstance(v, int | float) and math.isfinite(v) for v in point)
        ):
            return f"has a point that is not [longitude, latitude]: {str(point)[:40]}"
        if not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
            return f"has a point outside longitude/latitude: {point}"
    if ring[0] != ring[-1]:
        return "is not closed (its last point differs from its first)"
    return None


def _outer_rings(geometry: object) -> tuple[list[list], str | None]:
    """The exterior rings of a Polygon or MultiPolygon (holes are not drawn), or a problem."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return [], "has no Polygon or MultiPolygon geometry"
    coordinates = geometry.get("coordinates")
    polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
    if not isinstance(polygons, list) or not polygons:
        return [], "has no coordinates"
    if not all(isinstance(polygon, list) and polygon for polygon in polygons):
        return [], "has an empty polygon"
    return [polygon[0] for polygon in polygons], None


def parse_counties(collection: object, where: str) -> dict[str, CountyShape]:
    """Check a county FeatureCollection against the reference counties and return the shapes.

    ``where`` names the file in the messages. Every problem is reported at once.
    """
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ReferenceDataError(f"{where} is not a GeoJSON FeatureCollection; {REBUILD_HINT}")
    features = collection.get("features")
    if not isinstance(features, list):
        raise ReferenceDataError(f"{where} has no list of features; {REBUILD_HINT}")
    problems: list[str] = []
    shapes: dict[str, CountyShape] = {}
    seen: set[str] = set()  # codes with a feature, good or not: those are not also "missing"
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        code, name = properties.get("county_code"), properties.get("county_name")
        label = f"{where} feature {number}" + (f" (county {code})" if code else "")
        if not isinstance(code, str) or not isinstance(name, str) or not name:
            problems.append(f"{label}: needs the properties county_code and county_name as text")
            continue
        if code in seen:
            problems.append(f"{label}: county {code} appears twice")
            continue
        seen.add(code)
        rings, problem = _outer_rings(feature.get("geometry"))
        if problem:
            problems.append(f"{label}: {problem}")
            continue
        ring_problems = [
            f"{label}: part {i} {found}"
            for i, ring in enumerate(rings, start=1)
            if (found := _ring_problem(ring))
        ]
        problems.extend(ring_problems)
        if not ring_problems:
            parts = tuple(np.asarray(ring, dtype=float) for ring in rings)
            shapes[code] = CountyShape(code=code, name=name, parts=parts)
    expected = set(reference.counties()["county_code"])
    if missing := sorted(expected - seen):
        problems.append(f"{where} lacks the counties {', '.join(missing)}")
    if unknown := sorted(seen - expected):
        problems.append(
            f"{where} has counties that data/reference/counties.csv lacks: {', '.join(unknown)}"
        )
    if problems:
        raise ReferenceDataError("\n".join([*problems, f"({REBUILD_HINT})"]))
    return dict(sorted(shapes.items()))


@functools.cache
def county_shapes(path: Path = COUNTY_GEOJSON) -> dict[str, CountyShape]:
    """The 15 counties' outlines by county code (read once per process)."""
    where = path.name if path != COUNTY_GEOJSON else "data/reference/counties_2024.geojson"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReferenceDataError(f"{where} is missing; {REBUILD_HINT}") from None
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(f"{where} is not valid JSON ({exc}); {REBUILD_HINT}") from None
    return parse_counties(collection, where)
