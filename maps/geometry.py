"""Vectorised geometry → painter paths: project WGS-84 shapely geometries to metres and batch them into a few
QPainterPaths per (style group, spatial chunk), so a paint only touches chunks that intersect the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

from console.geo.projection import lonlat_wgs84_to_xy_m

CHUNK_M = 1500.0

GeomArray = npt.NDArray[np.object_]


def project_geoms_to_m(geoms_wgs84: GeomArray) -> GeomArray:
    """Copy of the geometries with every coordinate projected to EPSG:4549 metres (one pyproj call)."""
    geoms = np.asarray(geoms_wgs84, dtype=object)
    if geoms.size == 0:
        return geoms
    coords = shapely.get_coordinates(geoms)
    x, y = lonlat_wgs84_to_xy_m(coords[:, 0], coords[:, 1])
    return np.asarray(shapely.set_coordinates(geoms.copy(), np.column_stack([x, y])), dtype=object)


@dataclass
class PathChunk:
    group: int
    path: QPainterPath
    rect: QRectF


def _rings_of(geoms_m: GeomArray, polygonal: bool) -> tuple[GeomArray, npt.NDArray[np.intp]]:
    parts, part_feat = shapely.get_parts(geoms_m, return_index=True)
    if not polygonal:
        return parts, part_feat
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    return rings, part_feat[ring_part]


def build_path_chunks(
    geoms_m: GeomArray, group_of_feature: npt.NDArray[np.intp], *, polygonal: bool, chunk_m: float = CHUNK_M
) -> list[PathChunk]:
    """One QPainterPath per (group, chunk); a feature belongs to the chunk of its centroid."""
    if len(geoms_m) == 0:
        return []
    rings, ring_feat = _rings_of(geoms_m, polygonal)
    if len(rings) == 0:
        return []
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    n = coords.shape[0]
    connect = np.ones(n, dtype=np.int32)
    if n:
        connect[:-1] = (coord_ring[1:] == coord_ring[:-1]).astype(np.int32)
        connect[-1] = 0
    centre = shapely.get_coordinates(shapely.centroid(geoms_m))
    cx = np.floor(centre[:, 0] / chunk_m).astype(np.int64)
    cy = np.floor(centre[:, 1] / chunk_m).astype(np.int64)
    cx -= cx.min()
    cy -= cy.min()
    chunk = cx * (int(cy.max()) + 1) + cy
    feat_key = np.asarray(group_of_feature, dtype=np.int64) * (int(chunk.max()) + 1) + chunk
    coord_key = feat_key[ring_feat[coord_ring]]
    order = np.argsort(coord_key, kind="stable")
    keys_sorted = coord_key[order]
    starts = np.flatnonzero(np.r_[True, keys_sorted[1:] != keys_sorted[:-1]])
    ends = np.r_[starts[1:], n]
    n_chunks_per_group = int(chunk.max()) + 1
    out: list[PathChunk] = []
    for s, e in zip(starts, ends, strict=True):
        idx = order[s:e]
        path = pg.arrayToQPath(coords[idx, 0], coords[idx, 1], connect=connect[idx], finiteCheck=False)
        out.append(PathChunk(int(keys_sorted[s] // n_chunks_per_group), path, path.boundingRect()))
    return out
