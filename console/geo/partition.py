"""Approximate partitions of an area into cells around seed points (Voronoi clipped to the area), in metres.

Official subdistrict and neighbourhood-committee boundaries are not open data, so the demo partitions the real district
boundary: subdistricts from their seat points, communities from deterministic seeds spread evenly inside each subdistrict
(a few Lloyd relaxation steps so cells have even sizes). Everything here works on projected metres (EPSG:4549).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

FloatArray = npt.NDArray[np.float64]
GeomArray = npt.NDArray[np.object_]

LLOYD_STEPS = 4


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygonal part of a geometry (intersections can add stray lines or points), made valid."""
    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom)
    if shapely.get_type_id(geom) in (3, 6):  # Polygon, MultiPolygon
        return geom
    parts = shapely.get_parts(geom)
    polys = [p for p in parts if shapely.get_type_id(p) in (3, 6) and not p.is_empty]
    if not polys:
        return shapely.Polygon()
    return shapely.union_all(polys)


def voronoi_cells(area_m: BaseGeometry, seeds_xy_m: FloatArray) -> GeomArray:
    """One cell per seed (same order): the seed's Voronoi region clipped to ``area_m``; all valid polygons."""
    n = len(seeds_xy_m)
    if n == 1:
        return np.array([polygonal(area_m)], dtype=object)
    points = shapely.multipoints(shapely.points(seeds_xy_m))
    regions = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=area_m, ordered=True))
    if len(regions) != n:
        raise ValueError("duplicate seed points: the Voronoi diagram has fewer cells than seeds")
    clipped = shapely.intersection(regions, area_m)
    return np.array([polygonal(g) for g in clipped], dtype=object)


def allocate_counts(areas_m2: FloatArray, total: int, fixed: dict[int, int]) -> list[int]:
    """Split ``total`` over areas proportionally (largest remainder), honouring ``fixed`` counts; every area gets ≥ 1."""
    counts = [0] * len(areas_m2)
    free = [i for i in range(len(areas_m2)) if i not in fixed]
    for i, c in fixed.items():
        counts[i] = c
    remaining = max(total - sum(fixed.values()), len(free))
    if free:
        free_area = float(sum(areas_m2[i] for i in free))
        quotas = [remaining * float(areas_m2[i]) / free_area for i in free]
        base = [max(1, math.floor(q)) for q in quotas]
        order = sorted(range(len(free)), key=lambda k: quotas[k] - math.floor(quotas[k]), reverse=True)
        short = remaining - sum(base)
        for k in order[: max(0, short)]:
            base[k] += 1
        for k, i in enumerate(free):
            counts[i] = base[k]
    return counts


def seeds_inside(area_m: BaseGeometry, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` evenly spread points inside ``area_m``: uniform random start, then Lloyd steps (cell centroids)."""
    minx, miny, maxx, maxy = area_m.bounds
    shapely.prepare(area_m)
    found: list[FloatArray] = []
    have = 0
    while have < n:
        xs = rng.uniform(minx, maxx, 4 * n + 16)
        ys = rng.uniform(miny, maxy, 4 * n + 16)
        keep = shapely.contains_xy(area_m, xs, ys)
        batch = np.column_stack([xs[keep], ys[keep]])
        found.append(batch)
        have += len(batch)
    seeds = np.concatenate(found)[:n]
    if n == 1:
        point = shapely.point_on_surface(area_m)
        return np.array([[point.x, point.y]], dtype=np.float64)
    for _ in range(LLOYD_STEPS):
        cells = voronoi_cells(area_m, seeds)
        centroids = shapely.centroid(cells)
        outside = ~shapely.contains(area_m, centroids)
        if outside.any():
            centroids[outside] = shapely.point_on_surface(cells[outside])
        seeds = shapely.get_coordinates(centroids)
    return np.asarray(seeds, dtype=np.float64)


def reading_order(points_xy_m: FloatArray, row_height_m: float) -> npt.NDArray[np.intp]:
    """Indices ordering points north→south in bands of ``row_height_m``, west→east within a band (map reading order)."""
    band = np.floor(-points_xy_m[:, 1] / row_height_m)
    return np.lexsort((points_xy_m[:, 0], band))
