"""Simplify Kartverket's county boundaries into the small copy the county map draws.

Reads the full boundaries (``../shared/geo/counties_2024.geojson``, Kartverket, CC BY 4.0, about
640 KB) and writes ``data/reference/counties_2024.geojson`` (well under 200 KB): only county code
and name are kept, lines are simplified with Douglas–Peucker, islands smaller than a threshold are
dropped and coordinates are rounded. Deterministic: the same input and options give the same
bytes, so the file can be rebuilt and compared.

    python scripts/simplify_geojson.py [--source PATH] [--output PATH] [--tolerance-km 1.5]

Neighbouring counties share their border vertices in the source. Simplifying each polygon on
its own would thin a shared border differently on each side and leave slivers and gaps between
counties, so every ring is cut into chains at the points where its neighbours change, and each
chain is simplified once and reused by both sides (topology-preserving simplification).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "geo" / "counties_2024.geojson"
OUTPUT = ROOT / "data" / "reference" / "counties_2024.geojson"
KM_PER_DEGREE = 111.2  # one degree of latitude; longitude is scaled by cos(latitude)
ATTRIBUTION = "Kartverket, CC BY 4.0"

Point = tuple[float, float]
Chain = tuple[Point, ...]


def _scaled(points: list[Point] | Chain) -> np.ndarray:
    """Points in km on a local equirectangular plane: distances there are close to true ones."""
    array = np.asarray(points, dtype=float)
    x = array[:, 0] * np.cos(np.radians(array[:, 1])) * KM_PER_DEGREE
    return np.column_stack([x, array[:, 1] * KM_PER_DEGREE])


def douglas_peucker(points: np.ndarray, tolerance: float) -> list[int]:
    """Indices of the points Douglas–Peucker keeps (first and last always), iteratively."""
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        start, end = points[first], points[last]
        inner = points[first + 1 : last]
        segment = end - start
        length = math.hypot(*segment)
        if length == 0:
            distances = np.hypot(*(inner - start).T)
        else:  # perpendicular distance to the line through start and end
            offset = inner - start
            distances = np.abs(segment[0] * offset[:, 1] - segment[1] * offset[:, 0]) / length
        farthest = int(np.argmax(distances))
        if distances[farthest] > tolerance:
            index = first + 1 + farthest
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [int(i) for i in np.flatnonzero(keep)]


def ring_area_km2(ring: list[Point]) -> float:
    """Area of a closed ring in km² (shoelace formula on the local plane)."""
    xy = _scaled(ring)
    x, y = xy[:, 0], xy[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def crossing_pairs(ring: list[Point]) -> list[tuple[int, int]]:
    """(i, j) of every pair of non-adjacent edges of the closed ``ring`` that cross; edge i runs
    from ring[i] to ring[i + 1]. None for a valid polygon."""
    xy = np.asarray(ring, dtype=float)
    a, b = xy[:-1], xy[1:]
    n = len(a)
    if n < 4:
        return []

    def side(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        cross = (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
        return np.sign(cross - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0]))

    p1, p2, q1, q2 = a[:, None, :], b[:, None, :], a[None, :, :], b[None, :, :]
    crosses = (side(p1, p2, q1) * side(p1, p2, q2) < 0) & (side(q1, q2, p1) * side(q1, q2, p2) < 0)
    crosses[0, n - 1] = False  # the closing edge touches the first one
    i, j = np.nonzero(np.triu(crosses, k=2))
    return [(int(x), int(y)) for x, y in zip(i, j, strict=True)]


def remove_loops(ring: list[Point], longest: int = 20) -> list[Point]:
    """``ring`` (open, without the closing point) with its small bow-tie loops cut off.

    A few source rings cross themselves where a fjord mouth pinches (loops of 2–8 vertices);
    cutting the loop at the crossing gives a valid polygon that looks the same at map size.
    """
    while pairs := crossing_pairs([*ring, ring[0]]):
        i, j = pairs[0]
        if j - i <= len(ring) - (j - i):
            if j - i > longest:
                raise SystemExit(f"a ring crosses itself with a loop of {j - i} vertices")
            ring = ring[: i + 1] + ring[j + 1 :]
        else:  # the loop runs over the ring's start
            if len(ring) - (j - i) > longest:
                raise SystemExit(
                    f"a ring crosses itself with a loop of {len(ring) - j + i} vertices"
                )
            ring = ring[i + 1 : j + 1]
    return ring


def outer_rings(geometry: dict) -> tuple[list[list[Point]], int]:
    """The exterior ring of every polygon part (without the closing point) and the number of
    holes left out: the map fills outlines, and the source has no holes in any case."""
    parts = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    rings = [remove_loops([(float(x), float(y)) for x, y in part[0][:-1]]) for part in parts]
    return rings, sum(len(part) - 1 for part in parts)


def split_into_chains(rings: list[list[Point]]) -> list[list[Chain]]:
    """Each ring as chains that end where the set of rings sharing a vertex changes."""
    owners: dict[Point, set[int]] = defaultdict(set)
    for number, ring in enumerate(rings):
        for point in ring:
            owners[point].add(number)
    chained = []
    for ring in rings:
        count = len(ring)
        fixed = [
            i
            for i in range(count)
            if owners[ring[i]] != owners[ring[i - 1]]
            or owners[ring[i]] != owners[ring[(i + 1) % count]]
        ]
        if not fixed:  # an island: anchor it at its first point and the point farthest from it
            xy = _scaled(ring)
            fixed = [0, int(np.argmax(np.hypot(*(xy - xy[0]).T)))]
        chains = []
        for k, start in enumerate(fixed):
            end = fixed[(k + 1) % len(fixed)]
            stop = end if end > start else end + count
            chains.append(tuple(ring[i % count] for i in range(start, stop + 1)))
        chained.append(chains)
    return chained


def simplify_chain(chain: Chain, tolerance_km: float, forced: set[int]) -> list[int]:
    """Indices of ``chain`` kept by Douglas–Peucker, run between the ``forced`` vertices."""
    xy = _scaled(chain)
    anchors = sorted({0, len(chain) - 1} | forced)
    kept = {0}
    for start, end in itertools.pairwise(anchors):
        kept.update(start + i for i in douglas_peucker(xy[start : end + 1], tolerance_km))
    return sorted(kept)


def canonical(chain: Chain) -> tuple[Chain, bool]:
    """The chain in one direction both its sides agree on, and whether that is reversed."""
    backwards = chain[::-1]
    return (backwards, True) if backwards < chain else (chain, False)


def simplify(
    source: dict, tolerance_km: float, min_area_km2: float, decimals: int
) -> tuple[dict, dict]:
    """The simplified FeatureCollection and figures about what was done."""
    features = sorted(source["features"], key=lambda f: str(f["properties"]["id"]))
    rings: list[list[Point]] = []
    county_of: list[int] = []
    holes = 0
    for number, feature in enumerate(features):
        parts, dropped = outer_rings(feature["geometry"])
        rings.extend(parts)
        county_of.extend([number] * len(parts))
        holes += dropped
    chains = split_into_chains(rings)
    # Douglas–Peucker may let a thinned line cut across a narrow fjord. Where a simplified ring
    # crosses itself, the original vertex halfway along each crossing edge is kept as well, and
    # the chains are simplified again, until no ring crosses itself.
    forced: dict[Chain, set[int]] = defaultdict(set)
    for _attempt in range(30):
        simplified = []
        origins = []  # per simplified ring: (chain, index in chain) of every vertex
        for ring_chains in chains:
            vertices: list[tuple[Point, tuple[Chain, int]]] = []
            for chain in ring_chains:
                key, reverse = canonical(chain)
                kept = simplify_chain(key, tolerance_km, forced[key])
                if reverse:
                    kept = kept[::-1]
                # The next chain starts where this one ends.
                vertices.extend(
                    ((round(key[i][0], decimals), round(key[i][1], decimals)), (key, i))
                    for i in kept[:-1]
                )
            vertices = [v for n, v in enumerate(vertices) if v[0] != vertices[n - 1][0]]
            simplified.append([*(v[0] for v in vertices), vertices[0][0]])
            origins.append([*(v[1] for v in vertices), vertices[0][1]])
        refined = 0
        for ring, origin in zip(simplified, origins, strict=True):
            for edge in {e for pair in crossing_pairs(ring) for e in pair}:
                (key, a), (other, b) = origin[edge], origin[edge + 1]
                if key == other and abs(a - b) > 1:
                    forced[key].add((a + b) // 2)
                    refined += 1
        if not refined:
            break
    crossing = [n for n, ring in enumerate(simplified) if crossing_pairs(ring)]
    if crossing:
        raise SystemExit(f"simplified rings {crossing} cross themselves; lower --tolerance-km")

    out_features = []
    kept_parts = dropped_parts = 0
    for number, feature in enumerate(features):
        own = [ring for ring, county in zip(simplified, county_of, strict=True) if county == number]
        own = [ring for ring in own if len(ring) >= 4]
        areas = [ring_area_km2(ring) for ring in own]
        largest = int(np.argmax(areas))
        # Islands too small to see at map size go; the county's largest part always stays.
        parts = [ring for i, ring in enumerate(own) if i == largest or areas[i] >= min_area_km2]
        kept_parts += len(parts)
        dropped_parts += len(own) - len(parts)
        properties = feature["properties"]
        out_features.append(
            {
                "type": "Feature",
                "properties": {
                    "county_code": str(properties["id"]),
                    "county_name": str(properties["name"]),
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[list(p) for p in ring]] for ring in parts],
                },
            }
        )
    collection = {
        "type": "FeatureCollection",
        # A foreign member (RFC 7946 §6.1): where the lines come from and how they were thinned.
        "attribution": ATTRIBUTION,
        "simplification": {
            "script": "scripts/simplify_geojson.py",
            "tolerance_km": tolerance_km,
            "min_area_km2": min_area_km2,
            "decimals": decimals,
        },
        "features": out_features,
    }
    stats = {
        "points_in": sum(len(r) for r in rings),
        "points_out": sum(
            len(r) - 1 for f in out_features for p in f["geometry"]["coordinates"] for r in p
        ),
        "parts_kept": kept_parts,
        "parts_dropped": dropped_parts,
        "holes_dropped": holes,
        "vertices_restored": sum(len(kept) for kept in forced.values()),
    }
    return collection, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--tolerance-km", type=float, default=1.5, help="Douglas–Peucker tolerance")
    parser.add_argument("--min-area-km2", type=float, default=20.0, help="drop smaller islands")
    parser.add_argument("--decimals", type=int, default=4, help="coordinate decimals (4 ≈ 11 m)")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"{args.source} not found: give the full boundaries with --source", file=sys.stderr)
        return 2
    source = json.loads(args.source.read_text(encoding="utf-8"))
    collection, stats = simplify(source, args.tolerance_km, args.min_area_km2, args.decimals)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
    args.output.write_text(text, encoding="utf-8")
    size = args.output.stat().st_size
    print(
        f"{args.output}: {size / 1000:.1f} kB from {args.source.stat().st_size / 1000:.1f} kB; "
        f"tolerance {args.tolerance_km} km, islands under {args.min_area_km2} km² dropped, "
        f"{args.decimals} decimals; points {stats['points_in']} → {stats['points_out']}, "
        f"parts kept {stats['parts_kept']}, dropped {stats['parts_dropped']}, "
        f"holes dropped {stats['holes_dropped']}, vertices restored {stats['vertices_restored']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
