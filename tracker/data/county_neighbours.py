"""Which counties border which, computed from the county boundaries (Kartverket, CC BY 4.0).

Kommuner suggests a county's neighbours as its peers. The boundaries in
``data/reference/counties_2024.geojson`` were simplified topology-preserving
(``scripts/simplify_geojson.py``): a border two counties share is one chain of vertices used by
both, so two counties are neighbours exactly when their outlines share border segments. Counting
shared segments (two consecutive shared vertices), not single shared points, keeps a county that
only touches another at one corner from counting as a neighbour. Borders across the sea are not
in the land outlines, so Akershus and Vestfold, facing each other across the Oslofjord, are not
neighbours.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping

from tracker.data.geo import CountyShape, county_shapes

KM_PER_DEGREE = 111.2  # one degree of latitude; a degree of longitude is cos(latitude) of it

Point = tuple[float, float]
Segment = frozenset[Point]


def _segments(shape: CountyShape) -> set[Segment]:
    """Every edge of the county's outline, as an unordered pair of its two end points."""
    edges: set[Segment] = set()
    for ring in shape.parts:
        points = [(float(lon), float(lat)) for lon, lat in ring]
        edges.update(frozenset(pair) for pair in itertools.pairwise(points))
    return edges


def _length_km(segment: Segment) -> float:
    """Approximate length of one edge in km (equirectangular: the edges are short)."""
    (lon1, lat1), (lon2, lat2) = sorted(segment)
    scale = math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lon2 - lon1) * scale, lat2 - lat1) * KM_PER_DEGREE


def shared_borders(shapes: Mapping[str, CountyShape]) -> dict[str, dict[str, float]]:
    """County code → {neighbouring county code: length of the shared border in km}."""
    edges = {code: _segments(shape) for code, shape in shapes.items()}
    borders: dict[str, dict[str, float]] = {code: {} for code in shapes}
    codes = sorted(shapes)
    for i, first in enumerate(codes):
        for second in codes[i + 1 :]:
            common = edges[first] & edges[second]
            if common:
                km = sum(_length_km(segment) for segment in common)
                borders[first][second] = borders[second][first] = km
    return borders


def neighbours_by_border(shapes: Mapping[str, CountyShape]) -> dict[str, tuple[str, ...]]:
    """County code → its neighbours, the longest shared border first (ties by code)."""
    return {
        code: tuple(sorted(others, key=lambda other: (-others[other], other)))
        for code, others in shared_borders(shapes).items()
    }


@functools.cache
def county_neighbours() -> dict[str, tuple[str, ...]]:
    """The neighbours of each of the 15 counties, from the shipped boundaries (read once)."""
    return neighbours_by_border(county_shapes())
